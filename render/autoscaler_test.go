package render_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/runnerfleet/runnerfleet/internal/testutil/tftest"
	"github.com/runnerfleet/runnerfleet/render"
)

// migrated is the multi-runner example with its one pool switched to docker-autoscaler: the
// migration the README describes, one field (plus the keys each executor takes).
func migrated(t *testing.T) *fleet.Spec {
	t.Helper()
	src, err := os.ReadFile("../fleet-examples/multi-runner/fleet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src = bytes.Replace(src, []byte("executor: docker+machine"), []byte("executor: docker-autoscaler\n    max_instances: 20"), 1)
	src = bytes.Replace(src, []byte("    idle: {count: 1, time: 30m, max_builds: 100}\n"), nil, 1)
	src = bytes.Replace(src, []byte(`"* * 9-17 * * mon-fri *"`), []byte(`"* 9-17 * * mon-fri"`), 1)
	spec, diags := fleet.Parse("fleet.yaml", src)
	if len(diags) > 0 {
		t.Fatalf("parse: %v", diags)
	}
	return spec
}

func TestAutoscalerPoolRenders(t *testing.T) {
	spec := migrated(t)
	files, err := render.Render(spec, render.Redacted{}, render.Options{})
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	for p := range files {
		if strings.Contains(p, "/pools/") {
			t.Errorf("%s: a docker-autoscaler pool has no worker template", p)
		}
	}
	var cfg render.RunnerConfig
	if err := toml.Unmarshal(files["manager-0/config.toml"], &cfg); err != nil {
		t.Fatal(err)
	}
	r := cfg.Runners[0]
	if r.Executor != "docker-autoscaler" || r.Machine != nil || r.Autoscaler == nil {
		t.Fatalf("runner %s: executor %q, machine %v, autoscaler %v", r.Name, r.Executor, r.Machine, r.Autoscaler)
	}
	a := r.Autoscaler
	want := render.AutoscalerPluginConfig{Name: "ci-runners-manager-0-docker", Region: "eu-west-1"}
	if a.Plugin != "aws:latest" || a.MaxInstances != 20 || a.CapacityPerInstance != 1 || a.PluginConfig != want {
		t.Errorf("autoscaler = %+v", a)
	}
	if a.ConnectorConfig != (render.ConnectorConfig{Username: "ubuntu"}) {
		t.Errorf("connector_config = %+v", a.ConnectorConfig)
	}
	if len(a.Policy) != 1 || a.Policy[0].IdleTime != "30m0s" || a.Policy[0].Timezone != "Europe/Amsterdam" ||
		a.Policy[0].Periods[0] != "* 9-17 * * mon-fri" || a.Policy[0].IdleCount != 10 {
		t.Errorf("policy = %+v", a.Policy)
	}
	if !bytes.Contains(files["manager-0/config.toml"], []byte("[[runners.autoscaler.policy]]")) {
		t.Error("config.toml has no [[runners.autoscaler.policy]] table")
	}
}

type tfvarsGroups struct {
	AutoscalerGroups map[string]struct {
		Manager      string   `json:"manager"`
		Runner       string   `json:"runner"`
		Types        []string `json:"instance_types"`
		MaxInstances int      `json:"max_instances"`
		Base         int      `json:"on_demand_base_capacity"`
		Above        int      `json:"on_demand_percentage_above_base_capacity"`
	} `json:"autoscaler_groups"`
}

// TestAutoscalerGroupsInTFVars: one group per manager and runner, named as config.toml names it,
// with the on-demand split of each market.
func TestAutoscalerGroupsInTFVars(t *testing.T) {
	for market, split := range map[string][2]int{"spot": {0, 0}, "on-demand": {0, 100}} {
		spec := migrated(t)
		spec.Manager.Count = 2
		spec.Pools[0].Market = market
		groups := stackGroups(t, spec)
		if len(groups.AutoscalerGroups) != 2*len(spec.Runners) {
			t.Fatalf("%s: %d groups, want %d", market, len(groups.AutoscalerGroups), 2*len(spec.Runners))
		}
		g, ok := groups.AutoscalerGroups["ci-runners-manager-1-build"]
		if !ok || g.Manager != "manager-1" || g.Runner != "build" || g.MaxInstances != 20 || len(g.Types) != 3 {
			t.Errorf("%s: ci-runners-manager-1-build = %+v (found %v)", market, g, ok)
		}
		if g.Base != split[0] || g.Above != split[1] {
			t.Errorf("%s: on-demand base %d, above base %d%%; want %d, %d%%", market, g.Base, g.Above, split[0], split[1])
		}
	}
	spec := migrated(t)
	spec.Pools[0].Market, spec.Pools[0].OnDemandBase = fleet.MarketSpotFallback, 3
	g := stackGroups(t, spec).AutoscalerGroups["ci-runners-manager-0-docker"]
	if g.Base != 3 || g.Above != 0 {
		t.Errorf("spot-with-on-demand-fallback: base %d, above %d%%; want 3, 0%%", g.Base, g.Above)
	}
}

func stackGroups(t *testing.T, spec *fleet.Spec) tfvarsGroups {
	t.Helper()
	files, err := render.Stack(spec)
	if err != nil {
		t.Fatal(err)
	}
	var v tfvarsGroups
	if err := json.Unmarshal(files["stack/terraform.tfvars.json"], &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestStackVariablesAcceptTFVars plans, with the real terraform and no provider, the stack's
// variables.tf against each example's terraform.tfvars.json: every value has the declared type
// and passes its validation, autoscaler_groups included.
func TestStackVariablesAcceptTFVars(t *testing.T) {
	tf := tftest.Binary(t)
	for name, spec := range examples(t) {
		files := renderExample(t, spec)
		dir := t.TempDir()
		write := func(p string, b []byte) {
			if err := os.WriteFile(filepath.Join(dir, p), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write("variables.tf", files["stack/variables.tf"])
		write("terraform.tfvars.json", files["stack/terraform.tfvars.json"])
		write("out.tf", []byte("output \"groups\" {\n  value = length(var.autoscaler_groups)\n}\n"))
		for _, args := range [][]string{{"init", "-backend=false", "-input=false"}, {"plan", "-input=false", "-lock=false"}} {
			cmd := exec.Command(tf, args...)
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: terraform %s: %v\n%s", name, args[0], err, out)
			}
		}
	}
}
