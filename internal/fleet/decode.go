package fleet

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// decoder walks yaml.v3 nodes into spec values, collecting positioned diagnostics and
// remembering the node behind every field path for later cross-field checks.
type decoder struct {
	file  string
	diags Diagnostics
	pos   map[string]*yaml.Node // value node of each field path
	keys  map[string]*yaml.Node // key node of each field path of a mapping
}

func newDecoder(file string) *decoder {
	return &decoder{file: file, pos: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{}}
}

// field is one key of a mapping: how to decode it and how to describe it in the JSON Schema.
type field struct {
	key      string
	required bool
	schema   schema
	decode   func(n *yaml.Node, path string)
}

func (f field) req() field { f.required = true; return f }

func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	line, col := 1, 1
	if n != nil {
		line, col = n.Line, n.Column
	}
	d.diags = append(d.diags, Diagnostic{File: d.file, Line: line, Col: col, Path: pathOr(path),
		Message: fmt.Sprintf(format, args...)})
}

// at reports a diagnostic at the node recorded for path (or the document start).
func (d *decoder) at(path, format string, args ...any) {
	d.errorf(d.pos[path], path, format, args...)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func describe(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case isNull(n):
		return "nothing (null)"
	case n.Tag == "!!int" || n.Tag == "!!float":
		return "the number " + n.Value
	case n.Tag == "!!bool":
		return "the boolean " + n.Value
	}
	return fmt.Sprintf("%q", n.Value)
}

// object decodes a mapping with the given fields, rejecting unknown and duplicate keys.
func (d *decoder) object(n *yaml.Node, path string, fields []field) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "must be a mapping of %s, got %s", keyList(fields), describe(n))
		return
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := lookup(fields, k.Value)
		switch {
		case seen[k.Value] != nil:
			d.duplicateKey(k, seen[k.Value], join(path, k.Value))
		case !ok:
			d.unknownKey(k, path, fields)
			seen[k.Value] = k
		default:
			seen[k.Value] = k
			p := join(path, k.Value)
			d.pos[p], d.keys[p] = v, k
			if !isNull(v) {
				f.decode(v, p)
			}
		}
	}
	d.required(n, path, fields)
}

// required reports each required key that is missing (at the mapping) or empty (at the key).
func (d *decoder) required(n *yaml.Node, path string, fields []field) {
	at := n
	if k := d.keys[path]; k != nil {
		at = k // the parent key, such as aws:
	}
	for _, f := range fields {
		p := join(path, f.key)
		switch {
		case !f.required:
		case d.keys[p] == nil:
			d.errorf(at, p, "missing: add key %q: %s", f.key, f.schema["description"])
		case isNull(d.pos[p]):
			d.errorf(d.keys[p], p, "is empty: give it a value: %s", f.schema["description"])
		}
	}
}

func (d *decoder) duplicateKey(k, first *yaml.Node, path string) {
	d.errorf(k, path, "duplicate key (first at line %d): remove one of the two", first.Line)
}

func (d *decoder) unknownKey(k *yaml.Node, path string, fields []field) {
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.key
	}
	if s := nearest(k.Value, keys); s != "" {
		d.errorf(k, join(path, k.Value), "unknown key; did you mean %q?", s)
		return
	}
	d.errorf(k, join(path, k.Value), "unknown key; expected one of %s", keyList(fields))
}

func lookup(fields []field, key string) (field, bool) {
	for _, f := range fields {
		if f.key == key {
			return f, true
		}
	}
	return field{}, false
}

func keyList(fields []field) string {
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.key
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

func (d *decoder) str(n *yaml.Node, path string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, path, "must be a string, got %s", describe(n))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) integer(n *yaml.Node, path string) (int, bool) {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil {
		d.errorf(n, path, "must be a whole number, got %s", describe(n))
		return 0, false
	}
	return v, true
}

func (d *decoder) number(n *yaml.Node, path string) (float64, bool) {
	v, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") || err != nil {
		d.errorf(n, path, "must be a number, got %s", describe(n))
		return 0, false
	}
	return v, true
}

func (d *decoder) boolean(n *yaml.Node, path string) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		d.errorf(n, path, "must be true or false, got %s%s", describe(n), boolHint(n))
		return false, false
	}
	return n.Value == "true" || n.Value == "True" || n.Value == "TRUE", true
}

func (d *decoder) duration(n *yaml.Node, path string) (time.Duration, bool) {
	s, ok := d.str(n, path)
	if !ok {
		return 0, false
	}
	v, err := time.ParseDuration(s)
	if err != nil || n.Tag != "!!str" {
		d.errorf(n, path, "must be a duration such as 30m, 1h30m or 24h (units: s, m, h), got %s%s", describe(n), durationHint(n))
		return 0, false
	}
	if v < 0 {
		d.errorf(n, path, "must not be negative, got %s", s)
		return 0, false
	}
	return v, true
}

func (d *decoder) list(n *yaml.Node, path string, each func(i int, item *yaml.Node, path string)) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "must be a list, got %s%s", describe(n), listHint(n))
		return
	}
	for i, item := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		d.pos[p] = item
		each(i, item, p)
	}
}

func (d *decoder) strings(n *yaml.Node, path string) ([]string, bool) {
	out := []string{}
	ok := true
	d.list(n, path, func(_ int, item *yaml.Node, p string) {
		s, good := d.str(item, p)
		ok = ok && good
		out = append(out, s)
	})
	return out, ok && n.Kind == yaml.SequenceNode
}

func (d *decoder) stringMap(n *yaml.Node, path string) (map[string]string, bool) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "must be a mapping of string keys to string values, such as {team: platform}, got %s", describe(n))
		return nil, false
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		if first := d.keys[p]; first != nil {
			d.duplicateKey(k, first, p)
			continue
		}
		d.pos[p], d.keys[p] = v, k
		if s, ok := d.str(v, p); ok {
			out[k.Value] = s
		}
	}
	return out, true
}
