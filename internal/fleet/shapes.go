package fleet

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// idProblem checks an AWS id such as vpc-0123456789abcdef0: the prefix and 8 or 17 lowercase
// hexadecimal digits.
func idProblem(re *regexp.Regexp, prefix, what, got string) string {
	if re.MatchString(got) {
		return ""
	}
	msg := fmt.Sprintf("must be %s id: %s- and 8 or 17 lowercase hex digits, such as %s-0123456789abcdef0, got %q",
		what, prefix, prefix, got)
	if lower := strings.ToLower(got); lower != got && re.MatchString(lower) {
		msg += fmt.Sprintf("; did you mean %q?", lower)
	}
	return msg
}

// schemeHint suggests https:// for a URL written without a scheme. It never echoes the URL,
// which may hold credentials.
func schemeHint(u string) string {
	if !strings.Contains(u, "://") {
		return "; add https:// in front"
	}
	return ""
}

// isList reports whether the value at path was given as a list.
func (d *decoder) isList(path string) bool {
	n := d.pos[path]
	return n != nil && n.Kind == yaml.SequenceNode
}

// isMapping reports whether the value at path was given as a mapping.
func (d *decoder) isMapping(path string) bool {
	n := d.pos[path]
	return n != nil && n.Kind == yaml.MappingNode
}

// emptyList reports whether the value at path was given as a list with no items.
func (d *decoder) emptyList(path string) bool { return d.isList(path) && len(d.pos[path].Content) == 0 }

// maxFleetOverrides is the most launch template overrides one EC2 CreateFleet request takes.
const maxFleetOverrides = 50

// checkOverrides: the docker-machine driver asks for each machine with one instant EC2 fleet
// request that has one launch template override per instance type and subnet.
func (d *decoder) checkOverrides(p *Pool, path string, subnets int) {
	n := len(p.InstanceTypes) * subnets
	if n <= maxFleetOverrides || !d.isList(path+".instance_types") {
		return
	}
	d.at(path+".instance_types", "%d instance types × %d subnets (aws.subnet_ids) make %d launch template "+
		"overrides, but an EC2 fleet request takes at most %d; list fewer instance types or subnets",
		len(p.InstanceTypes), subnets, n, maxFleetOverrides)
}
