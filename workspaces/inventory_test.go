package workspaces_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/workspaces"
)

func write(t *testing.T, store string, m workspaces.MachineFixture) string {
	t.Helper()
	dir, err := workspaces.WriteMachine(store, m)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReadInventoryDriverLayout(t *testing.T) {
	store := t.TempDir()
	created := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	write(t, store, workspaces.MachineFixture{Name: "runner-abcd1234-spot-1", Fleet: "ci", Manager: "manager-0",
		IP: "10.0.1.5", InstanceID: "i-0123", Resources: []string{"aws_key_pair.worker", "aws_ec2_fleet.worker"}, Created: created})
	write(t, store, workspaces.MachineFixture{Name: "runner-abcd1234-spot-2", NoState: true})
	write(t, store, workspaces.MachineFixture{Name: "runner-abcd1234-spot-3", ConfigJSON: []byte("{not json")})
	if err := os.WriteFile(filepath.Join(store, "machines", "stray-file"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	inv, err := workspaces.ReadInventory(store)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv) != 3 {
		t.Fatalf("got %d workspaces, want 3 (files beside the machine directories are not machines)", len(inv))
	}
	w := inv[0]
	if w.Config == nil || w.Config.DriverName != "terraform" || w.Config.Name != w.Name || w.Config.Driver.SSHUser != "ubuntu" {
		t.Errorf("config.json not read: %+v (%s)", w.Config, w.ConfigErr)
	}
	if w.IP != "10.0.1.5" || w.InstanceID != "i-0123" || len(w.Resources) != 2 || !w.TracksResources() || !w.HasVarFile {
		t.Errorf("state facts: %+v", w)
	}
	if !w.Created.Equal(created) {
		t.Errorf("created = %v, want %v", w.Created, created)
	}
	if inv[1].HasState || inv[1].TracksResources() || inv[1].IP != "" {
		t.Errorf("no state: %+v", inv[1])
	}
	if inv[2].Config != nil || inv[2].ConfigErr == "" {
		t.Errorf("broken config.json read as fine: %+v", inv[2])
	}
}

func TestReadInventoryMissingStore(t *testing.T) {
	inv, err := workspaces.ReadInventory(filepath.Join(t.TempDir(), "nothing"))
	if err != nil || len(inv) != 0 {
		t.Fatalf("missing store = (%v, %v), want empty", inv, err)
	}
}

func TestParseState(t *testing.T) {
	for _, tc := range []struct {
		name, state string
		resources   int
		ip, id      string
		err         bool
	}{
		{"empty file", "", 0, "", "", false},
		{"destroyed", `{"version":4,"outputs":{},"resources":[]}`, 0, "", "", false},
		{"data source only", `{"version":4,"resources":[{"mode":"data","type":"aws_instance","name":"w","instances":[{"attributes":{"id":"i-9"}}]}]}`, 0, "", "i-9", false},
		{"fleet instance", `{"version":4,"outputs":{"dm_machine_ip":{"value":"10.0.0.9"}},"resources":[{"mode":"managed","type":"aws_ec2_fleet","name":"w","instances":[{"attributes":{"fleet_instance_set":[{"instance_ids":["i-7"]}]}}]}]}`, 1, "10.0.0.9", "i-7", false},
		{"resource without instances", `{"version":4,"resources":[{"mode":"managed","type":"terraform_data","name":"x","instances":[]}]}`, 0, "", "", false},
		{"old format", `{"version":3,"modules":[]}`, 0, "", "", true},
		{"garbage", `{"version":`, 0, "", "", true},
	} {
		f, err := workspaces.ParseState([]byte(tc.state))
		if (err != nil) != tc.err || len(f.Resources) != tc.resources || f.IP != tc.ip || f.InstanceID != tc.id {
			t.Errorf("%s: got %+v, %v", tc.name, f, err)
		}
	}
}

func TestUnreadableStateTracksResources(t *testing.T) {
	store := t.TempDir()
	dir := write(t, store, workspaces.MachineFixture{Name: "m"})
	if err := os.WriteFile(filepath.Join(dir, "terraform-config", "terraform.tfstate"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := workspaces.ReadWorkspace(dir)
	if err != nil || w.StateErr == "" || !w.TracksResources() {
		t.Fatalf("an unreadable state must count as tracking resources: %+v, %v", w, err)
	}
}
