package workspaces

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// MachineFixture describes a driver workspace for WriteMachine: tests, benchmarks and demos
// build machine directories with it exactly as docker-machine and the terraform driver lay
// them out, since no docker-machine binary can be had here.
type MachineFixture struct {
	Name       string
	Manager    string // runnerfleet:manager of the machine (written into tfvars.json)
	Fleet      string
	IP         string   // the dm_machine_ip output in the state ("" none: not up yet)
	InstanceID string   // the instance_id output and the aws_ec2_fleet's instance
	Resources  []string // managed resources the state tracks, such as aws_ec2_fleet.worker
	NoState    bool     // no terraform.tfstate at all (the driver never applied)
	// ConfigJSON replaces config.json's bytes (a broken file, say); nil writes the real shape.
	ConfigJSON []byte
	// Files are extra files in terraform-config/ (the template's .tf files).
	Files   map[string]string
	Created time.Time // mtime of every file written; zero leaves the clock's
}

// WriteMachine writes <storagePath>/machines/<name>/ and returns the directory.
func WriteMachine(storagePath string, m MachineFixture) (string, error) {
	dir := filepath.Join(MachinesDir(storagePath), m.Name)
	tfDir := filepath.Join(dir, TerraformDir)
	if err := os.MkdirAll(tfDir, 0o700); err != nil {
		return "", fmt.Errorf("unable to create the machine directory: %w", err)
	}
	files := map[string][]byte{
		SSHKeyFile:                           []byte("-----BEGIN RSA PRIVATE KEY-----\nfixture\n-----END RSA PRIVATE KEY-----\n"),
		SSHKeyFile + ".pub":                  []byte("ssh-rsa AAAAfixture runnerfleet-test\n"),
		ConfigFile:                           m.ConfigJSON,
		filepath.Join(TerraformDir, VarFile): mustJSON(fixtureVars(storagePath, m)),
	}
	if m.ConfigJSON == nil {
		files[ConfigFile] = mustJSON(fixtureConfig(storagePath, m))
	}
	if !m.NoState {
		files[filepath.Join(TerraformDir, StateFile)] = mustJSON(fixtureState(m))
	}
	for name, body := range m.Files {
		files[filepath.Join(TerraformDir, name)] = []byte(body)
	}
	for rel, b := range files {
		path := filepath.Join(dir, rel)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return "", fmt.Errorf("unable to write %s: %w", path, err)
		}
		if !m.Created.IsZero() {
			_ = os.Chtimes(path, m.Created, m.Created)
		}
	}
	if !m.Created.IsZero() {
		_ = os.Chtimes(tfDir, m.Created, m.Created)
		_ = os.Chtimes(dir, m.Created, m.Created)
	}
	return dir, nil
}

// fixtureConfig is libmachine's host.Host as docker-machine saves it, with the terraform
// driver's Driver (BaseDriver fields inlined).
func fixtureConfig(storagePath string, m MachineFixture) map[string]any {
	dir := filepath.Join(MachinesDir(storagePath), m.Name)
	return map[string]any{
		"ConfigVersion": 3,
		"Driver": map[string]any{
			"IPAddress": m.IP, "MachineName": m.Name, "SSHUser": "ubuntu", "SSHPort": 22,
			"SSHKeyPath": filepath.Join(dir, SSHKeyFile), "StorePath": storagePath,
			"SwarmMaster": false, "SwarmHost": "", "SwarmDiscovery": "",
			"ConfigSource": "/etc/gitlab-runner/pools/spot.zip", "ConfigDir": filepath.Join(dir, TerraformDir),
			"ConfigVariables":           map[string]any{"dm_machine_name": m.Name},
			"AdditionalVariablesFile":   "/etc/gitlab-runner/pools/spot.vars.json",
			"AdditionalVariablesInline": nil, "RefreshAfterApply": false, "TerraformExecutablePath": "", "SSHKey": "",
		},
		"DriverName": "terraform",
		"HostOptions": map[string]any{
			"Driver": "", "Memory": 0, "Disk": 0,
			"EngineOptions": map[string]any{"InstallURL": "https://get.docker.com", "StorageDriver": "", "TlsVerify": true},
			"SwarmOptions":  map[string]any{"IsSwarm": false},
			"AuthOptions": map[string]any{"StorePath": dir, "CertDir": filepath.Join(storagePath, "certs"),
				"CaCertPath": filepath.Join(storagePath, "certs", "ca.pem"), "ServerCertPath": filepath.Join(dir, "server.pem")},
		},
		"Name": m.Name,
	}
}

// fixtureVars is tfvars.json as the driver writes it: its dm_* variables, then the pool's
// vars.json.
func fixtureVars(storagePath string, m MachineFixture) map[string]any {
	dir := filepath.Join(MachinesDir(storagePath), m.Name)
	return map[string]any{
		"dm_client_ip": "203.0.113.10", "dm_machine_name": m.Name, "dm_onetime_password": "fixture-otp",
		"dm_ssh_user": "ubuntu", "dm_ssh_port": "22",
		"dm_ssh_private_key_file": filepath.Join(dir, SSHKeyFile), "dm_ssh_public_key_file": filepath.Join(dir, SSHKeyFile+".pub"),
		"fleet": m.Fleet, "manager": m.Manager, "pool": "spot",
	}
}

// fixtureState is a Terraform state (format 4) with the given outputs and resources.
func fixtureState(m MachineFixture) map[string]any {
	outputs := map[string]any{}
	if m.IP != "" {
		outputs["dm_machine_ip"] = map[string]any{"value": m.IP, "type": "string"}
	}
	if m.InstanceID != "" {
		outputs["instance_id"] = map[string]any{"value": m.InstanceID, "type": "string"}
	}
	resources := []any{}
	for _, addr := range m.Resources {
		typ, name, _ := cut(addr)
		attrs := map[string]any{"id": addr + "-id"}
		if typ == "aws_ec2_fleet" && m.InstanceID != "" {
			attrs["fleet_instance_set"] = []any{map[string]any{"instance_ids": []string{m.InstanceID}}}
		}
		resources = append(resources, map[string]any{"mode": "managed", "type": typ, "name": name,
			"provider":  `provider["registry.terraform.io/hashicorp/aws"]`,
			"instances": []any{map[string]any{"schema_version": 0, "attributes": attrs}}})
	}
	return map[string]any{"version": 4, "terraform_version": "0.14.11", "serial": 3,
		"lineage": "fixture-" + m.Name, "outputs": outputs, "resources": resources}
}

func cut(addr string) (string, string, bool) {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == '.' {
			return addr[:i], addr[i+1:], true
		}
	}
	return addr, "", false
}

func mustJSON(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err)
	}
	return b
}
