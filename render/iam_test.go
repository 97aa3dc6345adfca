package render_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// statement is one statement of an aws_iam_policy_document, literal parts only.
type statement struct {
	doc, sid     string
	deny         bool
	actions      []string
	resources    []hcl.Expression
	notResources bool
	conditions   []string // condition variables
}

// TestIAMAllowsOnlyReadsOnStar parses the manager stack's policy documents (dynamic statements
// included) and checks that no Allow statement grants anything but Describe/Get calls on "*",
// and that none uses not_resources.
func TestIAMAllowsOnlyReadsOnStar(t *testing.T) {
	stmts := policyStatements(t)
	if len(stmts) < 10 {
		t.Fatalf("only %d statements found; is the parser still reading iam.tf?", len(stmts))
	}
	for _, s := range stmts {
		if s.deny {
			continue
		}
		if s.notResources {
			t.Errorf("%s/%s: an Allow with not_resources grants everything else", s.doc, s.sid)
		}
		if !onStar(s.resources) {
			continue
		}
		for _, a := range s.actions {
			_, name, _ := strings.Cut(a, ":")
			if !strings.HasPrefix(name, "Describe") && !strings.HasPrefix(name, "Get") {
				t.Errorf("%s/%s: %s is allowed on \"*\"; only Describe/Get calls may be", s.doc, s.sid, a)
			}
		}
	}
}

// TestIAMScopesAutoscaling: scaling calls only on the fleet's groups, SSH keys only for their
// instances.
func TestIAMScopesAutoscaling(t *testing.T) {
	found := map[string]statement{}
	for _, s := range policyStatements(t) {
		found[s.sid] = s
	}
	scale := found["ScaleOwnAutoScalingGroups"]
	if len(scale.resources) != 1 || exprText(t, scale.resources[0]) != "local.autoscaler_group_arns" ||
		strings.Join(scale.actions, ",") != "autoscaling:SetDesiredCapacity,autoscaling:TerminateInstanceInAutoScalingGroup" {
		t.Errorf("ScaleOwnAutoScalingGroups = %+v", scale)
	}
	ssh := found["SSHIntoOwnAutoScalingWorkers"]
	want := "aws:ResourceTag/aws:autoscaling:groupName,aws:ResourceTag/runnerfleet:fleet,ec2:osuser"
	if strings.Join(ssh.conditions, ",") != want || onStar(ssh.resources) {
		t.Errorf("SSHIntoOwnAutoScalingWorkers conditions %v, want %s, and no \"*\"", ssh.conditions, want)
	}
}

func policyStatements(t *testing.T) []statement {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("stack", "iam.tf"))
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclparse.NewParser().ParseHCL(src, "iam.tf")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var out []statement
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type != "data" || len(b.Labels) != 2 || b.Labels[0] != "aws_iam_policy_document" {
			continue
		}
		for _, sb := range b.Body.Blocks {
			switch {
			case sb.Type == "statement":
				out = append(out, readStatement(t, b.Labels[1], sb.Body))
			case sb.Type == "dynamic" && sb.Labels[0] == "statement":
				for _, c := range sb.Body.Blocks {
					if c.Type == "content" {
						out = append(out, readStatement(t, b.Labels[1], c.Body))
					}
				}
			}
		}
	}
	return out
}

func readStatement(t *testing.T, doc string, body *hclsyntax.Body) statement {
	s := statement{doc: doc, sid: literal(body, "sid")}
	s.deny = literal(body, "effect") == "Deny"
	_, s.notResources = body.Attributes["not_resources"]
	if a, ok := body.Attributes["actions"]; ok {
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() {
			t.Fatalf("%s/%s: actions must be literal: %v", doc, s.sid, diags)
		}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			s.actions = append(s.actions, e.AsString())
		}
	}
	if a, ok := body.Attributes["resources"]; ok {
		if tuple, ok := a.Expr.(*hclsyntax.TupleConsExpr); ok {
			for _, e := range tuple.Exprs {
				s.resources = append(s.resources, e)
			}
		} else {
			s.resources = []hcl.Expression{a.Expr}
		}
	}
	for _, c := range body.Blocks {
		if c.Type == "condition" {
			s.conditions = append(s.conditions, literal(c.Body, "variable"))
		}
	}
	return s
}

// onStar reports whether one of the resources is the literal "*".
func onStar(resources []hcl.Expression) bool {
	for _, e := range resources {
		if v, diags := e.Value(nil); !diags.HasErrors() && v.Type() == cty.String && v.AsString() == "*" {
			return true
		}
	}
	return false
}

func literal(body *hclsyntax.Body, name string) string {
	a, ok := body.Attributes[name]
	if !ok {
		return ""
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

func exprText(t *testing.T, e hcl.Expression) string {
	t.Helper()
	trav, diags := hcl.AbsTraversalForExpr(e)
	if diags.HasErrors() {
		return ""
	}
	parts := []string{trav.RootName()}
	for _, step := range trav[1:] {
		if a, ok := step.(hcl.TraverseAttr); ok {
			parts = append(parts, a.Name)
		}
	}
	return strings.Join(parts, ".")
}
