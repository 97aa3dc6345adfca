package workspaces

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// DefaultMachineStoragePath is docker-machine's storage path for root, the user gitlab-runner
// runs as on a manager ($MACHINE_STORAGE_PATH overrides it).
const DefaultMachineStoragePath = "/root/.docker/machine"

// Files of a docker-machine driver workspace, $MACHINE_STORAGE_PATH/machines/<name>/, as
// docker-machine (config.json, id_rsa) and the terraform driver (terraform-config/) lay it out.
const (
	ConfigFile   = "config.json"
	SSHKeyFile   = "id_rsa"
	TerraformDir = "terraform-config"
	VarFile      = "tfvars.json"
	StateFile    = "terraform.tfstate"
)

// MachineConfig is the part of docker-machine's config.json (libmachine host.Host) that
// pruning reads. Driver holds the terraform driver's fields over libmachine's BaseDriver.
type MachineConfig struct {
	ConfigVersion int
	DriverName    string
	Name          string
	Driver        DriverConfig
}

// DriverConfig is the terraform driver's serialised Driver (BaseDriver fields inlined).
type DriverConfig struct {
	IPAddress               string
	MachineName             string
	SSHUser                 string
	SSHPort                 int
	SSHKeyPath              string
	StorePath               string
	ConfigSource            string // the worker template zip
	ConfigDir               string // <machine dir>/terraform-config
	AdditionalVariablesFile string // the pool's vars.json
}

// Workspace is one machine directory as found on disk.
type Workspace struct {
	Name    string    // directory name: the docker-machine name
	Dir     string    // absolute path of the machine directory
	Created time.Time // earliest mtime of id_rsa, config.json and the directory
	// StateModified is the mtime of terraform.tfstate (zero when there is none).
	StateModified time.Time
	Config        *MachineConfig // nil when config.json is missing or unparseable
	ConfigErr     string         // why Config is nil
	HasVarFile    bool           // terraform-config/tfvars.json exists
	HasState      bool           // terraform-config/terraform.tfstate exists
	StateErr      string         // the state exists but cannot be read: it may track anything
	Resources     []string       // addresses of managed resources the state tracks
	IP            string         // the dm_machine_ip output in the state
	InstanceID    string         // the EC2 instance the state names
}

// TracksResources reports whether the state may still track live resources. An unreadable
// state counts: it is never deleted.
func (w Workspace) TracksResources() bool { return len(w.Resources) > 0 || w.StateErr != "" }

// TerraformDir is the machine's Terraform working directory.
func (w Workspace) TerraformDir() string { return filepath.Join(w.Dir, TerraformDir) }

// MachinesDir is where docker-machine keeps its machines under a storage path.
func MachinesDir(storagePath string) string { return filepath.Join(storagePath, "machines") }

// ReadInventory reads every machine directory under <storagePath>/machines, sorted by name.
// A missing machines directory is an empty inventory. Problems inside one machine directory
// are recorded on its Workspace (ConfigErr, StateErr), never returned as an error.
func ReadInventory(storagePath string) ([]Workspace, error) {
	root := MachinesDir(storagePath)
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("unable to read the machine directory %s: %w", root, err)
	}
	inv := make([]Workspace, 0, len(entries))
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		w, err := ReadWorkspace(filepath.Join(root, e.Name()))
		if err != nil {
			return nil, err
		}
		inv = append(inv, w)
	}
	sort.Slice(inv, func(i, j int) bool { return inv[i].Name < inv[j].Name })
	return inv, nil
}

// ReadWorkspace reads one machine directory.
func ReadWorkspace(dir string) (Workspace, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Workspace{}, fmt.Errorf("unable to read the machine directory %s: %w", dir, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return Workspace{}, fmt.Errorf("unable to read the machine directory %s: %w", dir, err)
	}
	w := Workspace{Name: filepath.Base(abs), Dir: abs, Created: fi.ModTime()}
	for _, f := range []string{SSHKeyFile, ConfigFile} {
		if fi, err := os.Stat(filepath.Join(abs, f)); err == nil && fi.ModTime().Before(w.Created) {
			w.Created = fi.ModTime()
		}
	}
	w.Config, w.ConfigErr = readMachineConfig(filepath.Join(abs, ConfigFile))
	_, err = os.Stat(filepath.Join(abs, TerraformDir, VarFile))
	w.HasVarFile = err == nil
	readState(&w)
	return w, nil
}

func readMachineConfig(path string) (*MachineConfig, string) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "no config.json"
	}
	if err != nil {
		return nil, err.Error()
	}
	var c MachineConfig
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, "config.json: " + err.Error()
	}
	if c.DriverName == "" {
		return nil, "config.json names no driver"
	}
	return &c, ""
}

// readState fills the state's facts: which managed resources it tracks, the dm_machine_ip
// output and the EC2 instance id.
func readState(w *Workspace) {
	path := filepath.Join(w.TerraformDir(), StateFile)
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	w.HasState = true
	if err == nil {
		w.StateModified = fi.ModTime()
	}
	b, err := os.ReadFile(path)
	if err != nil {
		w.StateErr = err.Error()
		return
	}
	facts, err := ParseState(b)
	if err != nil {
		w.StateErr = err.Error()
		return
	}
	w.Resources, w.IP, w.InstanceID = facts.Resources, facts.IP, facts.InstanceID
}
