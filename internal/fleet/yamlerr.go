package fleet

import (
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	yamlLine      = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	unknownAnchor = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// parserProblems are the messages of yaml.v3's parser (not its scanner). yaml.v3 reports
// them one line too early (a zero-based line), so yamlError adds one.
var parserProblems = []string{
	"did not find expected ',' or ']'", "did not find expected ',' or '}'",
	"did not find expected '-' indicator", "did not find expected <document start>",
	"did not find expected <stream-start>", "did not find expected key",
	"did not find expected node content", "found duplicate %TAG directive",
	"found duplicate %YAML directive", "found incompatible YAML document", "found undefined tag handle",
}

// yamlHints say what to do about yaml.v3's terse messages.
var yamlHints = map[string]string{
	"did not find expected ',' or ']'":    "a [ list is not closed: add the missing ] or a comma between items",
	"did not find expected ',' or '}'":    "a { mapping is not closed: add the missing } or a comma between entries",
	"did not find expected key":           "check the indentation here: keys of one mapping line up under each other",
	"did not find expected '-' indicator": "check the indentation here: the items of one list line up under each other",
	"mapping values are not allowed in this context": "check the indentation of this line and the one above, " +
		"and quote a value that contains \": \"",
	"did not find expected alphabetic or numeric character": "a value starting with * or & is read as an alias " +
		"or anchor: quote it, such as \"*/10 * * * *\"",
	"found unexpected end of stream":              "a quoted value is not closed: add the missing quote",
	"found character that cannot start any token": "quote the value on this line; YAML reserves @ and ` at the start of a value",
}

// yamlError turns a yaml.v3 error into a positioned diagnostic with a hint when one is known.
func (d *decoder) yamlError(src []byte, err error) {
	msg := err.Error()
	line, col := 1, 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if isParserProblem(msg) {
			line++
		}
	} else if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		line, col = find(src, "*"+m[1])
		msg = "*" + m[1] + " refers to an anchor that does not exist; quote the value if it is not meant as an alias"
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if hint := yamlHints[msg]; hint != "" {
		msg += "; " + hint
	}
	d.errorf(&yaml.Node{Line: line, Column: col}, "spec", "invalid YAML: %s", msg)
}

func isParserProblem(msg string) bool {
	for _, p := range parserProblems {
		if msg == p {
			return true
		}
	}
	return false
}

// find gives the 1-based line and column of the first occurrence of s in src, or 1:1.
func find(src []byte, s string) (line, col int) {
	i := strings.Index(string(src), s)
	if i < 0 {
		return 1, 1
	}
	before := string(src[:i])
	line = strings.Count(before, "\n") + 1
	return line, i - strings.LastIndexByte(before, '\n')
}
