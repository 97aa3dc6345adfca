package workspaces_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/workspaces"
)

// A driver's state as Terraform 0.14 writes it for the worker template: an EC2 fleet of type
// instant, its instance, and the outputs the driver reads.
const realState = `{
  "version": 4,
  "terraform_version": "0.14.11",
  "serial": 3,
  "lineage": "5b1f0f4e-8e4a-2c4b-b9f6-3f4c1d2e5a6b",
  "outputs": {
    "dm_machine_ip": {"value": "10.0.1.23", "type": "string"},
    "dm_ssh_user": {"value": "ubuntu", "type": "string"},
    "instance_id": {"value": "i-0123456789abcdef0", "type": "string"}
  },
  "resources": [
    {"mode": "data", "type": "aws_instance", "name": "worker", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 0, "attributes": {"id": "i-0123456789abcdef0", "private_ip": "10.0.1.23"}}]},
    {"mode": "managed", "type": "aws_ec2_fleet", "name": "worker", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 0, "attributes": {"id": "fleet-0123", "type": "instant",
       "fleet_instance_set": [{"instance_ids": ["i-0123456789abcdef0"], "instance_type": "m5.large", "lifecycle": "spot"}]}}]},
    {"module": "module.keys", "mode": "managed", "type": "aws_key_pair", "name": "this", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 1, "attributes": {"id": "ci-runners-runner-abc", "key_name": "ci-runners-runner-abc"}}]}
  ]
}`

// looseState reads a state the way Terraform's own (case-insensitive) JSON decoding does, to
// check the reader against it: which resource entries have instances, and their modes.
type looseState struct {
	Resources []struct {
		Mode      string            `json:"mode"`
		Instances []json.RawMessage `json:"instances"`
	} `json:"resources"`
}

// FuzzReadWorkspace writes a machine directory with the fuzzed config.json and
// terraform.tfstate and reads it as pruning does. Reading never fails or panics on a corrupt
// file; a config.json that cannot be used is recorded; and a state that names any resource
// instance is never taken for a state that tracks nothing (pruning would delete it without
// terraform destroy).
func FuzzReadWorkspace(f *testing.F) {
	store := f.TempDir()
	dir, err := workspaces.WriteMachine(store, workspaces.MachineFixture{Name: "runner-abcd1234-spot-1", Fleet: "ci-runners",
		Manager: "manager-0", IP: "10.0.0.1", InstanceID: "i-0123456789abcdef0", Resources: []string{"aws_ec2_fleet.worker"}})
	if err != nil {
		f.Fatal(err)
	}
	config, err1 := os.ReadFile(filepath.Join(dir, workspaces.ConfigFile))
	state, err2 := os.ReadFile(filepath.Join(dir, workspaces.TerraformDir, workspaces.StateFile))
	if err1 != nil || err2 != nil {
		f.Fatal(err1, err2)
	}
	f.Add(config, state)
	f.Add(config, []byte(realState))
	f.Add(config, []byte(`{"version":4,"outputs":{},"resources":[]}`)) // after a destroy
	f.Add(config, []byte(""))
	f.Add(config, []byte(`{"version":3,"modules":[{"path":["root"],"resources":{"aws_instance.w":{}}}]}`))
	f.Add(config, state[:len(state)/2]) // cut short by a full disk
	f.Add([]byte(`{"ConfigVersion":3,"DriverName":"amazonec2","Name":"m"}`), state)
	f.Add([]byte(`{"DriverName":""}`), []byte("null"))
	f.Add(config[:len(config)/3], []byte(`{"version":4,"resources":[{"mode":"managed","type":"aws_instance","name":"w","instances":[{"attributes":{"id":"i-1"}}]}]}`))
	// One directory per fuzzing process, rewritten for every input: t.TempDir would cost more
	// than the read itself.
	dir = filepath.Join(f.TempDir(), "machines", "runner-fuzz")
	f.Fuzz(func(t *testing.T, config, state []byte) {
		tf := filepath.Join(dir, workspaces.TerraformDir)
		if err := os.MkdirAll(tf, 0o700); err != nil {
			t.Fatal(err)
		}
		for path, b := range map[string][]byte{filepath.Join(dir, workspaces.ConfigFile): config,
			filepath.Join(tf, workspaces.StateFile): state} {
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		w, err := workspaces.ReadWorkspace(dir)
		if err != nil {
			t.Fatalf("a corrupt file made the whole directory unreadable: %v", err)
		}
		if (w.Config == nil) != (w.ConfigErr != "") {
			t.Fatalf("config %+v with error %q", w.Config, w.ConfigErr)
		}
		if !w.HasState {
			t.Fatal("the state file was not found")
		}
		facts, perr := workspaces.ParseState(state)
		if (perr != nil) != (w.StateErr != "") {
			t.Fatalf("ParseState says %v, the workspace says %q", perr, w.StateErr)
		}
		if perr == nil && (!slices.Equal(facts.Resources, w.Resources) || facts.IP != w.IP || facts.InstanceID != w.InstanceID) {
			t.Fatalf("facts %+v, workspace %+v", facts, w)
		}
		var loose looseState
		if json.Unmarshal(state, &loose) == nil {
			for _, r := range loose.Resources {
				if len(r.Instances) > 0 && r.Mode != "data" && !w.TracksResources() {
					t.Fatalf("a resource of mode %q with %d instances, taken for a state that tracks nothing", r.Mode, len(r.Instances))
				}
			}
		}
		// Whatever was read, pruning never removes a state that may track resources without
		// destroying it first.
		now := time.Now().Add(48 * time.Hour)
		for _, view := range []*workspaces.InstanceView{nil, {Live: map[string]bool{}}} {
			for _, d := range workspaces.Decide([]workspaces.Workspace{w}, view,
				workspaces.Policy{StuckAfter: 45 * time.Minute, WorkspaceTTL: 24 * time.Hour}, now) {
				if d.Action == workspaces.RemoveOnly && w.TracksResources() {
					t.Fatalf("remove-only for a state that may track resources: %+v", d)
				}
			}
		}
	})
}
