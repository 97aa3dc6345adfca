package fleet

import (
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Field constructors: each pairs a decoder with the JSON Schema of the value, so the schema
// printed by `runnerfleet schema` can never drift from what Parse accepts. The value already
// in dst when the field is built is its default, and the schema says so.

func (d *decoder) strF(key, doc string, dst *string, s schema) field {
	s = s.with("description", doc)
	if *dst != "" {
		s["default"] = *dst
	}
	return field{key: key, schema: s, decode: func(n *yaml.Node, p string) {
		if v, ok := d.str(n, p); ok {
			*dst = v
		}
	}}
}

func (d *decoder) intF(key, doc string, dst *int, minimum int) field {
	s := schema{"type": "integer", "minimum": minimum, "description": doc}
	if *dst != 0 {
		s["default"] = *dst
	}
	return field{key: key, schema: s, decode: func(n *yaml.Node, p string) {
		v, ok := d.integer(n, p)
		if ok && v < minimum {
			d.errorf(n, p, "must be >= %d, got %d", minimum, v)
			return
		}
		if ok {
			*dst = v
		}
	}}
}

func (d *decoder) numF(key, doc string, dst *float64) field {
	s := schema{"type": "number", "minimum": 0, "description": doc}
	return field{key: key, schema: s, decode: func(n *yaml.Node, p string) {
		v, ok := d.number(n, p)
		if ok && v < 0 {
			d.errorf(n, p, "must be >= 0, got %s", n.Value)
			return
		}
		if ok {
			*dst = v
		}
	}}
}

func (d *decoder) boolF(key, doc string, dst *bool) field {
	s := schema{"type": "boolean", "description": doc, "default": *dst}
	return field{key: key, schema: s, decode: func(n *yaml.Node, p string) {
		if v, ok := d.boolean(n, p); ok {
			*dst = v
		}
	}}
}

func (d *decoder) durF(key, doc string, dst *time.Duration) field {
	s := schema{"type": "string", "pattern": durationPattern, "description": doc}
	if *dst != 0 {
		s["default"] = formatDuration(*dst)
	}
	return field{key: key, schema: s, decode: func(n *yaml.Node, p string) {
		if v, ok := d.duration(n, p); ok {
			*dst = v
		}
	}}
}

func (d *decoder) strsF(key, doc string, dst *[]string, item schema) field {
	s := schema{"type": "array", "items": item, "description": doc}
	return field{key: key, schema: s, decode: func(n *yaml.Node, p string) {
		if v, ok := d.strings(n, p); ok {
			*dst = v
		}
	}}
}

func (d *decoder) mapF(key, doc string, dst *map[string]string) field {
	s := schema{"type": "object", "additionalProperties": schema{"type": "string"}, "description": doc}
	return field{key: key, schema: s, decode: func(n *yaml.Node, p string) {
		if v, ok := d.stringMap(n, p); ok {
			*dst = v
		}
	}}
}

func (d *decoder) objF(key, doc string, fields []field) field {
	s := objectSchema(fields).with("description", doc)
	return field{key: key, schema: s, decode: func(n *yaml.Node, p string) {
		d.object(n, p, fields)
	}}
}

// listF decodes a list of mappings; item builds the fields for one element and returns the
// function that stores it once decoded.
func listF[T any](d *decoder, key, doc string, dst *[]T, fresh func() T, fields func(*T) []field) field {
	proto := fresh()
	s := schema{"type": "array", "items": objectSchema(fields(&proto)), "description": doc}
	return field{key: key, schema: s, decode: func(n *yaml.Node, p string) {
		out := []T{}
		d.list(n, p, func(_ int, item *yaml.Node, ip string) {
			v := fresh()
			d.object(item, ip, fields(&v))
			out = append(out, v)
		})
		*dst = out
	}}
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// secretF decodes {env: NAME}, {file: /path} or {ssm: /param}. A plain string is refused
// without echoing it: it is very likely a token.
func (d *decoder) secretF(key, doc string, dst **SecretRef) field {
	s := schema{"description": doc, "oneOf": []any{
		secretSchema("env", "environment variable holding the token", envName.String()),
		secretSchema("file", "file holding the token: an absolute path, or a systemd credential name read from $CREDENTIALS_DIRECTORY",
			`^(/.*|[A-Za-z0-9_][A-Za-z0-9_.\-]*)$`),
		secretSchema("ssm", "AWS SSM Parameter Store parameter (SecureString) holding the token", "^/"),
	}}
	return field{key: key, schema: s, decode: func(n *yaml.Node, p string) {
		if n.Kind == yaml.ScalarNode {
			d.errorf(n, p, "a literal token would be stored in git; reference it instead with "+
				"{env: NAME}, {file: /path} or {ssm: /parameter}")
			return
		}
		var ref SecretRef
		d.object(n, p, []field{
			d.strF("env", "environment variable", &ref.Name, schema{}),
			d.strF("file", "file path", &ref.Name, schema{}),
			d.strF("ssm", "SSM parameter name", &ref.Name, schema{}),
		})
		d.checkSecret(n, p, &ref, dst)
	}}
}

func (d *decoder) checkSecret(n *yaml.Node, p string, ref *SecretRef, dst **SecretRef) {
	if n.Kind != yaml.MappingNode {
		return
	}
	if len(n.Content) != 2 {
		d.errorf(n, p, "must name exactly one of env, file or ssm%s", gotKeys(n))
		return
	}
	ref.Source = n.Content[0].Value
	v := n.Content[1]
	switch {
	case v.Kind != yaml.ScalarNode:
		return // reported as not a string
	case ref.Source != "env" && ref.Source != "file" && ref.Source != "ssm":
		return // reported as an unknown key
	case ref.Source == "env" && !envName.MatchString(ref.Name):
		d.errorf(v, p+".env", "must be an environment variable name such as RUNNER_TOKEN, got %q%s", ref.Name, envHint(ref.Name))
	case ref.Source == "file" && !strings.HasPrefix(ref.Name, "/") && !credentialName.MatchString(ref.Name):
		d.errorf(v, p+".file", "must be an absolute path such as /etc/runnerfleet/runner-token, or the name of a "+
			"systemd credential such as runner-token (read from $CREDENTIALS_DIRECTORY), got %q", ref.Name)
	case ref.Source == "ssm" && !ssmName.MatchString(ref.Name):
		d.errorf(v, p+".ssm", "must be a full SSM parameter name such as /ci-runners/runner-token, got %q%s", ref.Name, ssmHint(ref.Name))
	default:
		*dst = ref
	}
}

var ssmName = regexp.MustCompile(`^(/[A-Za-z0-9_.\-]+)+$`)

// credentialName is a systemd credential name (LoadCredential=name:…), looked up in
// $CREDENTIALS_DIRECTORY.
var credentialName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.\-]*$`)

func secretSchema(key, doc, pattern string) schema {
	return schema{"type": "object", "additionalProperties": false, "required": []string{key},
		"properties": schema{key: schema{"type": "string", "pattern": pattern, "description": doc}}}
}

const durationPattern = `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`

// formatDuration prints 30m rather than 30m0s.
func formatDuration(v time.Duration) string {
	s := v.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
