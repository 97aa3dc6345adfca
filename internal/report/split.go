package report

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// GitLabNoteLimit is the most characters GitLab accepts in one note.
const GitLabNoteLimit = 1_000_000

// ErrLimitTooSmall is returned when not even one character fits in a part next to its header
// and the fences and <details> it has to close and reopen.
var ErrLimitTooSmall = errors.New("note size limit too small")

// Split cuts a markdown document into parts of at most limit bytes (so at most limit
// characters) each, at line boundaries. Each part starts with header(i) (i counts from 1; a
// line of its own such as a hidden marker). A code fence or <details> open at a cut is closed
// at the end of the part and reopened at the start of the next, so every part renders on its
// own. A line longer than a whole part is cut at a character boundary.
func Split(doc string, limit int, header func(part int) string) ([]string, error) {
	s := &splitter{limit: limit, header: header}
	s.start()
	for _, line := range strings.SplitAfter(doc, "\n") {
		if line == "" {
			continue
		}
		if err := s.add(line); err != nil {
			return nil, err
		}
	}
	s.flush()
	return s.parts, nil
}

type splitter struct {
	limit  int
	header func(int) string
	parts  []string
	cur    strings.Builder
	fresh  int // length of cur holding only the header and reopened blocks
	state  blockState
}

// blockState is what is open at the end of a line: <details> sections and a code fence.
type blockState struct {
	details []string // summary text of each open <details>, outermost first
	fence   string   // the fence's opening line ("```diff"), "" when none is open
}

var (
	fenceOpen   = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})")
	summaryText = regexp.MustCompile(`<summary>(.*?)</summary>`)
)

// next is the state after line.
func (b blockState) next(line string) blockState {
	trimmed := strings.TrimRight(line, " \t\r\n")
	if b.fence != "" {
		if marker := fenceMarker(b.fence); isFenceClose(trimmed, marker) {
			b.fence = ""
		}
		return b
	}
	if fenceOpen.MatchString(trimmed) {
		b.fence = trimmed
		return b
	}
	if strings.HasPrefix(strings.TrimSpace(trimmed), "<details") {
		summary := ""
		if m := summaryText.FindStringSubmatch(trimmed); m != nil {
			summary = m[1]
		}
		b.details = append(append([]string(nil), b.details...), summary)
	}
	if strings.Contains(trimmed, "</details>") && len(b.details) > 0 {
		b.details = b.details[:len(b.details)-1]
	}
	return b
}

func fenceMarker(open string) string {
	return fenceOpen.FindStringSubmatch(open)[1]
}

func isFenceClose(trimmed, marker string) bool {
	t := strings.TrimLeft(trimmed, " ")
	if len(trimmed)-len(t) > 3 || len(t) < len(marker) {
		return false
	}
	return strings.Trim(t, marker[:1]) == ""
}

// closers closes everything open, innermost first.
func (b blockState) closers() string {
	var s strings.Builder
	if b.fence != "" {
		s.WriteString(fenceMarker(b.fence) + "\n")
	}
	for range b.details {
		s.WriteString("\n</details>\n")
	}
	return s.String()
}

// openers reopens everything, outermost first.
func (b blockState) openers() string {
	var s strings.Builder
	for _, summary := range b.details {
		fmt.Fprintf(&s, "<details><summary>%s (continued)</summary>\n\n", summary)
	}
	if b.fence != "" {
		s.WriteString(b.fence + "\n")
	}
	return s.String()
}

func (s *splitter) start() {
	s.cur.Reset()
	s.cur.WriteString(s.header(len(s.parts) + 1))
	s.cur.WriteString(s.state.openers())
	s.fresh = s.cur.Len()
}

func (s *splitter) flush() {
	if s.cur.Len() == s.fresh && len(s.parts) > 0 {
		return
	}
	s.parts = append(s.parts, s.cur.String()+s.state.closers())
}

// add appends one line, starting a new part first when it would not fit.
func (s *splitter) add(line string) error {
	for line != "" {
		after := s.state.next(line)
		if s.cur.Len()+len(line)+len(after.closers()) <= s.limit {
			s.cur.WriteString(line)
			s.state = after
			return nil
		}
		if s.cur.Len() > s.fresh {
			s.flush()
			s.start()
			continue
		}
		// The line alone is longer than a part: write the piece that fits, as a line.
		room := s.limit - s.cur.Len() - len(s.state.closers()) - 1
		cut := cutAt(line, room)
		if cut == 0 {
			return fmt.Errorf("unable to split the note: %w (%d bytes)", ErrLimitTooSmall, s.limit)
		}
		s.cur.WriteString(line[:cut] + "\n")
		line = line[cut:]
		s.flush()
		s.start()
	}
	return nil
}

// cutAt is the largest prefix length of s, at most n bytes, that ends on a character boundary.
func cutAt(s string, n int) int {
	if n <= 0 {
		return 0
	}
	if n >= len(s) {
		return len(s)
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}
