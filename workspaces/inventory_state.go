package workspaces

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// StateFacts is what pruning needs from a Terraform state file.
type StateFacts struct {
	Resources  []string // managed resources with at least one instance, as addresses
	IP         string   // the dm_machine_ip output
	InstanceID string   // the EC2 instance the state names
}

// tfState is the part of Terraform's state format version 4 (Terraform 0.12 to 1.x) read here.
type tfState struct {
	Version int `json:"version"`
	Outputs map[string]struct {
		Value json.RawMessage `json:"value"`
	} `json:"outputs"`
	Resources []struct {
		Module    string `json:"module"`
		Mode      string `json:"mode"`
		Type      string `json:"type"`
		Name      string `json:"name"`
		Instances []struct {
			Attributes map[string]json.RawMessage `json:"attributes"`
		} `json:"instances"`
	} `json:"resources"`
}

// ParseState reads a terraform.tfstate. An empty file tracks nothing (Terraform treats it
// so); a state of another format version is an error, so that it is never taken for empty.
func ParseState(b []byte) (StateFacts, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return StateFacts{}, nil
	}
	var st tfState
	if err := json.Unmarshal(b, &st); err != nil {
		return StateFacts{}, fmt.Errorf("unable to parse terraform.tfstate: %w", err)
	}
	if st.Version != 4 {
		return StateFacts{}, fmt.Errorf("unable to parse terraform.tfstate: format version %d (only 4 is understood)", st.Version)
	}
	var f StateFacts
	if o, ok := st.Outputs["dm_machine_ip"]; ok {
		f.IP = jsonString(o.Value)
	}
	if o, ok := st.Outputs["instance_id"]; ok {
		f.InstanceID = jsonString(o.Value)
	}
	for _, r := range st.Resources {
		if r.Mode != "managed" && r.Mode != "data" {
			// Terraform refuses such a state too; it may track anything, so it is no empty one.
			return StateFacts{}, fmt.Errorf("unable to parse terraform.tfstate: resource %s has mode %q (want managed or data)",
				address(r.Module, r.Type, r.Name), r.Mode)
		}
		if r.Mode == "managed" && len(r.Instances) > 0 {
			f.Resources = append(f.Resources, address(r.Module, r.Type, r.Name))
		}
		for _, in := range r.Instances {
			if f.InstanceID == "" {
				f.InstanceID = instanceID(r.Type, in.Attributes)
			}
		}
	}
	return f, nil
}

func address(module, typ, name string) string {
	a := typ + "." + name
	if module != "" {
		a = module + "." + a
	}
	return a
}

// instanceID finds the EC2 instance a resource (or data source) of the worker template names.
func instanceID(typ string, attrs map[string]json.RawMessage) string {
	switch typ {
	case "aws_instance":
		return jsonString(attrs["id"])
	case "aws_spot_instance_request":
		return jsonString(attrs["spot_instance_id"])
	case "aws_ec2_fleet":
		var set []struct {
			InstanceIDs []string `json:"instance_ids"`
		}
		if json.Unmarshal(attrs["fleet_instance_set"], &set) == nil {
			for _, s := range set {
				if len(s.InstanceIDs) > 0 {
					return s.InstanceIDs[0]
				}
			}
		}
	}
	return ""
}

func jsonString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}
