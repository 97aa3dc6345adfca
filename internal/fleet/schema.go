package fleet

import (
	"encoding/json"
	"sort"
)

// schema is one JSON Schema object.
type schema map[string]any

func (s schema) with(k string, v any) schema {
	out := schema{}
	for key, val := range s {
		out[key] = val
	}
	out[k] = v
	return out
}

func objectSchema(fields []field) schema {
	props := schema{}
	var required []string
	for _, f := range fields {
		props[f.key] = f.schema
		if f.required {
			required = append(required, f.key)
		}
	}
	s := schema{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		sort.Strings(required)
		s["required"] = required
	}
	return s
}

// JSONSchema returns the JSON Schema (draft 2020-12) of fleet.yaml version 1, built from the
// same field tables that Parse uses.
func JSONSchema() []byte {
	spec := defaultSpec()
	root := objectSchema(specFields(nil, &spec))
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = "https://github.com/runnerfleet/runnerfleet/fleet-examples/fleet.schema.json"
	root["title"] = "runnerfleet fleet.yaml (version 1)"
	out, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		panic(err) // only maps, slices, strings and numbers: cannot fail
	}
	return append(out, '\n')
}
