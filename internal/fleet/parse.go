package fleet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

// Parse reads fleet.yaml version 1 from src; name is the file name used in diagnostics.
// It returns every problem at once, sorted; the spec is only usable when there are none.
func Parse(name string, src []byte) (*Spec, Diagnostics) {
	d := newDecoder(name)
	root := d.document(src)
	if root == nil {
		d.diags.Sort()
		return nil, d.diags
	}
	s := defaultSpec()
	d.object(root, "", specFields(d, &s))
	d.validate(&s)
	d.complete(&s)
	d.diags.Sort()
	if len(d.diags) > 0 {
		return &s, d.diags
	}
	return &s, nil
}

// document turns src into the root node, or reports why it cannot: an empty file, tabs,
// broken YAML, several documents, anchors or aliases.
func (d *decoder) document(src []byte) *yaml.Node {
	if len(bytes.TrimSpace(src)) == 0 {
		d.errorf(nil, "spec", "the file is empty; a fleet spec starts with `version: 1` (see fleet-examples/)")
		return nil
	}
	if d.tabs(src) {
		return nil
	}
	doc := d.single(src)
	if doc == nil {
		return nil
	}
	root := doc.Content[0]
	if d.anchors(root, "") {
		return nil
	}
	return root
}

// single decodes the one YAML document of src, or reports a file of comments only, broken
// YAML or several documents.
func (d *decoder) single(src []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc, next yaml.Node
	err := dec.Decode(&doc)
	if err == nil {
		if err = dec.Decode(&next); err == nil {
			d.errorf(&next, "spec", "several YAML documents: keep the whole fleet in one document and remove the `---` separator")
			return nil
		}
		if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	switch {
	case errors.Is(err, io.EOF) || (err == nil && len(doc.Content) == 0):
		d.errorf(nil, "spec", "the file holds only comments; a fleet spec starts with `version: 1` (see fleet-examples/)")
	case err != nil:
		d.yamlError(src, err)
	default:
		return &doc
	}
	return nil
}

// tabs reports every line indented with a tab: YAML forbids them and yaml.v3's own message
// ("found character that cannot start any token") does not say so.
func (d *decoder) tabs(src []byte) bool {
	found := false
	for i, line := range strings.Split(string(src), "\n") {
		indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		if col := strings.IndexByte(indent, '\t'); col >= 0 {
			d.diags = append(d.diags, Diagnostic{File: d.file, Line: i + 1, Col: col + 1, Path: "spec",
				Message: "tab in indentation: YAML indents with spaces only; replace the tab with spaces"})
			found = true
		}
	}
	return found
}

// anchors rejects anchors and aliases: they hide where a value comes from, and a diagnostic
// could only point at the anchor, not at the place it is used.
func (d *decoder) anchors(n *yaml.Node, path string) bool {
	found := false
	if n.Anchor != "" {
		d.errorf(n, pathOr(path), "anchors (&%s) are not supported: write the values out in full where they are used", n.Anchor)
		found = true
	}
	if n.Kind == yaml.AliasNode {
		d.errorf(n, pathOr(path), "aliases (*%s) are not supported: write the value out in full here", n.Value)
		return true
	}
	for i, c := range n.Content {
		p := path
		switch n.Kind {
		case yaml.MappingNode:
			if i%2 == 0 {
				p = join(path, c.Value)
				if c.Value == "<<" {
					d.errorf(c, pathOr(path), "merge keys (<<) are not supported: write the values out in full")
					found = true
				}
			} else {
				p = join(path, n.Content[i-1].Value)
			}
		case yaml.SequenceNode:
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		found = d.anchors(c, p) || found
	}
	return found
}

func pathOr(p string) string {
	if p == "" {
		return "spec"
	}
	return p
}

// complete fills in the defaults that depend on other fields.
func (d *decoder) complete(s *Spec) {
	if s.Terraform.Backend != nil && s.Terraform.Backend.S3.Region == "" {
		s.Terraform.Backend.S3.Region = s.AWS.Region
	}
	for i := range s.Pools {
		if n := d.pos[fmt.Sprintf("pools[%d].executor", i)]; n != nil {
			s.Pools[i].Pos = Position{File: d.file, Line: n.Line, Col: n.Column}
		}
		for j := range s.Pools[i].Schedules {
			if s.Pools[i].Schedules[j].Timezone == "" {
				s.Pools[i].Schedules[j].Timezone = s.Manager.Timezone
			}
		}
	}
}
