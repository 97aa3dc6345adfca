package render

import (
	"archive/zip"
	"bytes"
	"fmt"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
)

// workerSSHUser is the user docker-machine connects as; the worker AMI is Ubuntu.
const workerSSHUser = "ubuntu"

// zipTime is the fixed timestamp of every zip entry, so the zip is byte-for-byte reproducible.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// workerVars is a pool's <pool>.vars.json; names match worker/variables.tf. The driver adds the
// dm_* variables itself.
type workerVars struct {
	Fleet               string            `json:"fleet"`
	Manager             string            `json:"manager"`
	Pool                string            `json:"pool"`
	Region              string            `json:"region"`
	VPCID               string            `json:"vpc_id"`
	SubnetIDs           []string          `json:"subnet_ids"`
	InstanceTypes       []string          `json:"instance_types"`
	ImageID             string            `json:"image_id"`
	VolumeSizeGB        int               `json:"volume_size_gb"`
	Market              string            `json:"market"`
	SecurityGroupName   string            `json:"security_group_name"`
	InstanceProfileName string            `json:"instance_profile_name"`
	SSHUser             string            `json:"ssh_user"`
	Tags                map[string]string `json:"tags"`
}

// Manager renders one manager's files: config.toml and, per docker+machine pool,
// pools/<pool>.zip and pools/<pool>.vars.json.
func Manager(spec *fleet.Spec, secrets Secrets, manager string, opts Options) (Files, error) {
	files := Files{}
	cfg, err := configTOML(spec, secrets, manager, opts)
	if err != nil {
		return nil, err
	}
	files["config.toml"] = cfg
	template, err := WorkerZip()
	if err != nil {
		return nil, err
	}
	for _, p := range spec.Pools {
		if p.Executor != fleet.ExecutorDockerMachine {
			continue
		}
		files["pools/"+p.Name+".zip"] = template
		if files["pools/"+p.Name+".vars.json"], err = jsonFile(poolVars(spec, p, manager)); err != nil {
			return nil, err
		}
	}
	return files, nil
}

func poolVars(spec *fleet.Spec, p fleet.Pool, manager string) workerVars {
	return workerVars{
		Fleet: spec.Name, Manager: manager, Pool: p.Name, Region: spec.AWS.Region, VPCID: spec.AWS.VPCID,
		SubnetIDs: spec.AWS.SubnetIDs, InstanceTypes: p.InstanceTypes, ImageID: p.ImageID,
		VolumeSizeGB: p.VolumeSizeGB, Market: p.Market, SecurityGroupName: workerSecurityGroup(spec),
		InstanceProfileName: workerInstanceProfile(spec), SSHUser: workerSSHUser, Tags: spec.AWS.Tags,
	}
}

// WorkerZip is the worker template as the driver wants it: a zip (a directory would be
// symlinked and shared by every machine), with sorted entries, fixed times and fixed modes.
func WorkerZip() ([]byte, error) {
	files, err := embedded("worker")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range files.Paths() {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipTime}
		h.SetMode(0o644)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, fmt.Errorf("unable to zip the worker template: %w", err)
		}
		if _, err := w.Write(files[name]); err != nil {
			return nil, fmt.Errorf("unable to zip the worker template: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("unable to zip the worker template: %w", err)
	}
	return buf.Bytes(), nil
}
