package render_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/pelletier/go-toml/v2"
	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/internal/testutil/tftest"
	"github.com/runnerfleet/runnerfleet/render"
)

func TestRenderIsDeterministic(t *testing.T) {
	for name, spec := range examples(t) {
		a, b := renderExample(t, spec), renderExample(t, spec)
		if len(a) != len(b) {
			t.Fatalf("%s: %d files, then %d", name, len(a), len(b))
		}
		for p := range a {
			if !bytes.Equal(a[p], b[p]) {
				t.Errorf("%s: %s differs between two renders", name, p)
			}
		}
	}
}

func TestWorkerZipHasFixedHeaders(t *testing.T) {
	b, err := render.WorkerZip()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Mode() != 0o644 || f.Modified.Year() != 1980 || f.Method != zip.Deflate {
			t.Errorf("%s: mode %v, modified %v, method %d; want 0644, 1980, deflate", f.Name, f.Mode(), f.Modified, f.Method)
		}
	}
	if !sort.StringsAreSorted(names) || len(names) < 3 {
		t.Errorf("entries %v: want sorted .tf files", names)
	}
}

// TestTerraformParses parses every rendered .tf, zipped or not, with hashicorp/hcl.
func TestTerraformParses(t *testing.T) {
	for name, spec := range examples(t) {
		for p, b := range tfFiles(t, renderExample(t, spec)) {
			if _, diags := hclparse.NewParser().ParseHCL(b, p); diags.HasErrors() {
				t.Errorf("%s: %s: %v", name, p, diags)
			}
		}
	}
}

// tfFiles gives every .tf file of a render, with the worker zips unpacked.
func tfFiles(t testing.TB, files render.Files) map[string][]byte {
	out := map[string][]byte{}
	for p, b := range files {
		switch {
		case strings.HasSuffix(p, ".tf"):
			out[p] = b
		case strings.HasSuffix(p, ".zip"):
			zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range zr.File {
				rc, _ := f.Open()
				var buf bytes.Buffer
				_, _ = buf.ReadFrom(rc)
				rc.Close()
				out[p+"/"+f.Name] = buf.Bytes()
			}
		}
	}
	return out
}

// TestTerraformFmt runs the real `terraform fmt -check` over every rendered .tf file.
func TestTerraformFmt(t *testing.T) {
	tf := tftest.Binary(t)
	dir := t.TempDir()
	n := 0
	for name, spec := range examples(t) {
		for p, b := range tfFiles(t, renderExample(t, spec)) {
			full := filepath.Join(dir, name, strings.ReplaceAll(p, ".zip/", "_zip/"))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, b, 0o644); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	out, err := exec.Command(tf, "fmt", "-check", "-diff", "-recursive", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("terraform fmt -check found non-canonical files:\n%s", out)
	}
	if n == 0 {
		t.Fatal("no .tf files rendered")
	}
}

// TestConfigTOMLKeys decodes every config.toml back into the typed structs with no key left
// over, and checks every key path against gitlab-runner's own list.
func TestConfigTOMLKeys(t *testing.T) {
	known := knownKeys(t)
	for name, spec := range examples(t) {
		for p, b := range renderExample(t, spec) {
			if filepath.Base(p) != "config.toml" {
				continue
			}
			var cfg render.RunnerConfig
			dec := toml.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&cfg); err != nil {
				t.Errorf("%s/%s: does not decode strictly into the typed structs: %v", name, p, err)
			}
			var tree map[string]any
			if err := toml.Unmarshal(b, &tree); err != nil {
				t.Fatal(err)
			}
			for _, k := range keyPaths("", tree) {
				if plugin, ok := strings.CutPrefix(k, pluginConfig+"."); ok {
					if !awsPluginKeys[plugin] {
						t.Errorf("%s/%s: %s is not a key of the fleeting AWS plugin", name, p, k)
					}
					continue
				}
				if !known[k] {
					t.Errorf("%s/%s: %s is not a gitlab-runner config.toml key", name, p, k)
				}
			}
			if len(cfg.Runners) != len(spec.Runners) {
				t.Errorf("%s/%s: %d runners, want %d", name, p, len(cfg.Runners), len(spec.Runners))
			}
		}
	}
}

// pluginConfig is a free-form map in gitlab-runner (AutoscalerSettingsMap) handed to the
// plugin; its keys are the fleeting AWS plugin's (gitlab.com/gitlab-org/fleeting/plugins/aws,
// "Plugin configuration"; region as in gitlab-runner's docs/executors/instance.md).
const pluginConfig = "runners.autoscaler.plugin_config"

var awsPluginKeys = map[string]bool{"name": true, "region": true, "profile": true,
	"config_file": true, "credentials_file": true}

// keyPaths lists the dotted key paths of a decoded TOML tree; arrays of tables add no index.
func keyPaths(prefix string, tree map[string]any) []string {
	var out []string
	for k, v := range tree {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		out = append(out, p)
		switch v := v.(type) {
		case map[string]any:
			out = append(out, keyPaths(p, v)...)
		case []any:
			for _, item := range v {
				if m, ok := item.(map[string]any); ok {
					out = append(out, keyPaths(p, m)...)
				}
			}
		}
	}
	return out
}

func knownKeys(t *testing.T) map[string]bool {
	f, err := os.Open("testdata/gitlab-runner-config-keys.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			known[line] = true
		}
	}
	if len(known) < 100 {
		t.Fatalf("only %d known keys read", len(known))
	}
	return known
}

type fakeSecrets map[string]string

func (f fakeSecrets) Token(ref fleet.SecretRef) (string, error) {
	if v, ok := f[ref.String()]; ok {
		return v, nil
	}
	return "", errors.New("no such secret " + ref.String())
}

// TestTokensOnlyInConfigTOML: a resolved token lands in config.toml and in no other file.
func TestTokensOnlyInConfigTOML(t *testing.T) {
	spec := examples(t)["multi-runner"]
	const token = "glrt-TOKENVALUE-must-not-leak"
	files, err := render.Render(spec, fakeSecrets{spec.RunnerToken(spec.Runners[0]).String(): token}, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inConfig := 0
	for p, b := range files {
		if !bytes.Contains(b, []byte(token)) {
			continue
		}
		if filepath.Base(p) != "config.toml" {
			t.Errorf("token leaked into %s", p)
		}
		inConfig++
	}
	if inConfig != spec.Manager.Count {
		t.Errorf("token in %d config.toml files, want %d", inConfig, spec.Manager.Count)
	}
}

func TestSecretErrorNamesRunnerNotValue(t *testing.T) {
	spec := examples(t)["multi-runner"]
	_, err := render.Render(spec, fakeSecrets{}, render.Options{})
	if err == nil || !strings.Contains(err.Error(), "runner "+spec.Runners[0].Name) {
		t.Fatalf("err = %v, want one naming the runner", err)
	}
}

func TestRunnerConfigDirInMachineOptions(t *testing.T) {
	spec := examples(t)["multi-runner"]
	files, err := render.Render(spec, render.Redacted{}, render.Options{RunnerConfigDir: "/srv/runner"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(files["manager-0/config.toml"])
	for _, want := range []string{`'terraform-config=/srv/runner/pools/spot.zip'`,
		`'terraform-variables-from=/srv/runner/pools/spot.vars.json'`, `MachineName = 'docker-%s'`} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config.toml lacks %s", want)
		}
	}
}

// TestManagerUserData: each manager's first-boot script is valid bash, names its manager and
// the repository, and holds no token value, only the SSM parameter's name.
func TestManagerUserData(t *testing.T) {
	spec := examples(t)["s3-backend"]
	const token = "glrt-must-not-appear"
	files, err := render.Render(spec, fakeSecrets{"ssm:/ci-prod/runner-token": token}, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var vars struct {
		UserData map[string]string `json:"manager_user_data"`
		Params   []string          `json:"token_ssm_parameters"`
	}
	if err := json.Unmarshal(files["stack/terraform.tfvars.json"], &vars); err != nil {
		t.Fatal(err)
	}
	if len(vars.UserData) != 2 || !slices.Contains(vars.Params, "/ci-prod/git-deploy-token") {
		t.Fatalf("user-data for %d managers, SSM parameters %v", len(vars.UserData), vars.Params)
	}
	for _, m := range spec.ManagerNames() {
		ud := vars.UserData[m]
		for _, want := range []string{"RUNNERFLEET_MANAGER=" + m + "\n", "RUNNERFLEET_REPO=" + spec.Source.Repo + "\n",
			"RUNNERFLEET_GIT_PASSWORD_SSM=/ci-prod/git-deploy-token\n", "RUNNERFLEET_SCOPE=manager\n"} {
			if !strings.Contains(ud, want) {
				t.Errorf("%s user-data lacks %q", m, want)
			}
		}
		if strings.Contains(ud, token) {
			t.Errorf("%s user-data holds a token", m)
		}
		if out, err := exec.Command("bash", "-n", "-c", ud).CombinedOutput(); err != nil {
			t.Errorf("%s user-data is not valid bash: %v\n%s", m, err, out)
		}
	}
	if ud := renderExample(t, examples(t)["multi-runner"])["stack/terraform.tfvars.json"]; !bytes.Contains(ud, []byte(`"manager_user_data": {}`)) {
		t.Error("a spec without source: still got user-data")
	}
}
