package render_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/pelletier/go-toml/v2"
	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/internal/testutil/tftest"
	"github.com/runnerfleet/runnerfleet/render"
)

// hostileSpec is the autoscaler example, whose tags, docker image, volumes and
// instance_ready_command hold quotes, $( ), ${ }, backslashes and a newline on purpose.
func hostileSpec(t *testing.T) (*fleet.Spec, render.Files) {
	t.Helper()
	src, err := os.ReadFile("../fleet-examples/autoscaler/fleet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spec, diags := fleet.Parse("fleet.yaml", src)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if !strings.Contains(spec.Pools[0].InstanceReadyCommand, "\n") || !strings.Contains(spec.AWS.Tags["note"], "${") {
		t.Fatal("the autoscaler example lost its hostile strings")
	}
	files, err := render.Render(spec, render.Redacted{}, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return spec, files
}

// TestSecurityHostileStringsParseBack: every rendered file parses, and each hostile spec
// string reads back as exactly the value in the spec: data, never code.
func TestSecurityHostileStringsParseBack(t *testing.T) {
	spec, files := hostileSpec(t)
	for _, m := range spec.ManagerNames() {
		var cfg render.RunnerConfig
		if err := toml.Unmarshal(files[m+"/config.toml"], &cfg); err != nil {
			t.Fatalf("%s/config.toml: %v", m, err)
		}
		r := cfg.Runners[0]
		if r.Docker.Image != spec.Runners[0].Docker.Image || !reflect.DeepEqual(r.Docker.Volumes, spec.Runners[0].Docker.Volumes) ||
			r.Autoscaler.InstanceReadyCommand != spec.Pools[0].InstanceReadyCommand {
			t.Errorf("%s/config.toml reads back differently: %+v", m, r)
		}
	}
	var vars struct {
		Tags map[string]string `json:"tags"`
	}
	if err := json.Unmarshal(files["stack/terraform.tfvars.json"], &vars); err != nil || !reflect.DeepEqual(vars.Tags, spec.AWS.Tags) {
		t.Errorf("tfvars tags %v (%v), want %v", vars.Tags, err, spec.AWS.Tags)
	}
	parser := hclparse.NewParser()
	for _, p := range files.Paths() {
		switch {
		case strings.HasSuffix(p, ".tf"):
			if _, diags := parser.ParseHCL(files[p], p); diags.HasErrors() {
				t.Errorf("%s: %v", p, diags)
			}
			for _, s := range []string{"$(id)", "$(whoami)", "CI_TAG", "HOME"} {
				if strings.Contains(string(files[p]), s) {
					t.Errorf("%s holds a spec value (%s): .tf files must be static", p, s)
				}
			}
		case strings.HasSuffix(p, ".json"):
			if !json.Valid(files[p]) {
				t.Errorf("%s is not valid JSON", p)
			}
		}
	}
}

// TestSecurityTfvarsAreLiteral: Terraform itself reads the hostile tag value from
// terraform.tfvars.json as a literal string (variable files are not templates).
func TestSecurityTfvarsAreLiteral(t *testing.T) {
	bin := tftest.Binary(t)
	spec, files := hostileSpec(t)
	dir := t.TempDir()
	vars := map[string]any{"tags": spec.AWS.Tags}
	b, _ := json.Marshal(vars)
	if !strings.Contains(string(files["stack/terraform.tfvars.json"]), `"note": "it's \"quoted\" ${var.x}`) {
		t.Fatal("rendered tfvars lack the hostile tag")
	}
	main := "variable \"tags\" {\n  type = map(string)\n}\noutput \"tags\" {\n  value = var.tags\n}\n"
	for name, data := range map[string][]byte{"main.tf": []byte(main), "terraform.tfvars.json": b} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"init", "-input=false"}, {"apply", "-auto-approve", "-input=false"}} {
		if out, err := exec.Command(bin, append([]string{"-chdir=" + dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("terraform %s: %v\n%s", args[0], err, out)
		}
	}
	out, err := exec.Command(bin, "-chdir="+dir, "output", "-json", "tags").Output()
	var got map[string]string
	if err != nil || json.Unmarshal(out, &got) != nil || got["note"] != spec.AWS.Tags["note"] {
		t.Errorf("terraform read the tag as %q (%v), want %q", got["note"], err, spec.AWS.Tags["note"])
	}
}

// TestSecurityUserDataRefusesShellSyntax: spec values that reach the managers' user-data are
// refused when they hold anything a shell or systemd would interpret, and a gitlab.url with
// a query is refused.
func TestSecurityUserDataRefusesShellSyntax(t *testing.T) {
	src, err := os.ReadFile("../fleet-examples/autoscaler/fleet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for field, value := range map[string]string{
		"repo": `"https://gitlab.example.com/$(id).git"`, "ref": `"main\nRUNNERFLEET_ENV"`,
		"path": `"fleet.yaml'; reboot; '"`, "username": `"a${IFS}b"`,
	} {
		spec := strings.Replace(string(src), "gitlab:\n", "source:\n  repo: https://gitlab.example.com/fleet.git\n  "+field+": "+value+"\ngitlab:\n", 1)
		if strings.Count(spec, "  repo:") > 1 {
			spec = strings.Replace(spec, "  repo: https://gitlab.example.com/fleet.git\n", "", 1)
		}
		if _, diags := fleet.Parse("fleet.yaml", []byte(spec)); !strings.Contains(diags.Error(), "source."+field) {
			t.Errorf("source.%s = %s accepted: %v", field, value, diags)
		}
	}
	spec := strings.Replace(string(src), "url: https://gitlab.example.com", "url: https://gitlab.example.com/?x=$(id)", 1)
	if _, diags := fleet.Parse("fleet.yaml", []byte(spec)); !strings.Contains(diags.Error(), "gitlab.url") {
		t.Errorf("a gitlab.url with a query was accepted: %v", diags)
	}
}
