package fleet

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// listHint says how to turn a single value into the list that was expected.
func listHint(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "; start each item with \"- \""
	case n.Kind == yaml.ScalarNode && !isNull(n) && !strings.ContainsAny(n.Value, "[]{},\n"):
		return fmt.Sprintf("; write a list even for one item: [%s]", n.Value)
	}
	return ""
}

var days = regexp.MustCompile(`^([0-9]+)d$`)

// durationHint says how to write a duration that Go's time.ParseDuration refuses.
func durationHint(n *yaml.Node) string {
	if m := days.FindStringSubmatch(n.Value); m != nil && n.Kind == yaml.ScalarNode {
		if d, err := strconv.Atoi(m[1]); err == nil && d < 100000 {
			return fmt.Sprintf("; days are not a unit: write %dh", d*24)
		}
	}
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float") {
		return fmt.Sprintf("; add a unit, such as %sm", n.Value)
	}
	return ""
}

// gotKeys lists the keys of a secret reference that names more or fewer than one source.
func gotKeys(n *yaml.Node) string {
	var keys []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		keys = append(keys, n.Content[i].Value)
	}
	if len(keys) == 0 {
		return ", got none"
	}
	return ", got " + strings.Join(keys, " and ")
}

func envHint(name string) string {
	if s := strings.Trim(name, "${}"); s != name && envName.MatchString(s) {
		return fmt.Sprintf("; write the name without $: %s", s)
	}
	return ""
}

func ssmHint(name string) string {
	if !strings.HasPrefix(name, "/") && ssmName.MatchString("/"+name) {
		return fmt.Sprintf("; SSM names of a path start with /: did you mean %q?", "/"+name)
	}
	return ""
}

// boolHint: YAML 1.1 read yes, no, on and off as booleans; yaml.v3 (YAML 1.2) does not.
func boolHint(n *yaml.Node) string {
	switch strings.ToLower(n.Value) {
	case "yes", "on", "y":
		return "; write true"
	case "no", "off", "n":
		return "; write false"
	}
	return ""
}
