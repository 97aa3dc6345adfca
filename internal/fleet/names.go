package fleet

import (
	"regexp"
	"strconv"
	"strings"
)

// Shapes of names and ids. Names that become AWS names are limited by the longest name they
// end up in, prefix and suffix counted.
const (
	fleetNameRE    = `^[a-z]([a-z0-9-]*[a-z0-9])?$`
	poolNameRE     = `^[a-z]([a-z0-9-]*[a-z0-9])?$`
	runnerNameRE   = `^[a-z]([a-z0-9-]*[a-z0-9])?$`
	regionRE       = `^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$`
	vpcRE          = `^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`
	subnetRE       = `^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`
	amiRE          = `^ami-([0-9a-f]{8}|[0-9a-f]{17})$`
	versionRE      = `^[0-9]+\.[0-9]+\.[0-9]+$`
	bucketRE       = `^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`
	pluginRE       = `^[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$`
	instanceTypeRE = `^([a-z]+[0-9][a-z0-9]*(-[a-z0-9]+)*|u-[0-9]+tb[0-9]+)\.` +
		`(nano|micro|small|medium|large|xlarge|[0-9]+xlarge|metal(-[0-9]+xl)?)$`

	// The cache bucket is <name>-runner-cache-<VPC id's 17 hex digits>, at most 63 characters.
	maxFleetName = 63 - len("-runner-cache-") - 17
	// Machines are named runner-<token 9>-<runner>-<unix time>-<8 hex>, a 63-character hostname.
	maxRunnerName = 63 - len("runner-123456789-") - len("-1700000000-0123abcd")
	// Pool names become file names and tag values; keep them short enough to read.
	maxPoolName = 32
)

var (
	fleetName    = regexp.MustCompile(fleetNameRE)
	poolName     = regexp.MustCompile(poolNameRE)
	runnerName   = regexp.MustCompile(runnerNameRE)
	regionShape  = regexp.MustCompile(regionRE)
	vpcID        = regexp.MustCompile(vpcRE)
	subnetID     = regexp.MustCompile(subnetRE)
	amiID        = regexp.MustCompile(amiRE)
	version      = regexp.MustCompile(versionRE)
	bucketName   = regexp.MustCompile(bucketRE)
	pluginRef    = regexp.MustCompile(pluginRE)
	instanceType = regexp.MustCompile(instanceTypeRE)
)

// knownRegions are the AWS regions runnerfleet knows; a region of a known prefix with another
// number (a region opened later) is accepted too.
var knownRegions = []string{
	"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
	"ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ca-central-1", "ca-west-1",
	"cn-north-1", "cn-northwest-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1",
	"eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1",
	"me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-gov-east-1",
	"us-gov-west-1", "us-west-1", "us-west-2",
}

// regionProblem says what is wrong with a region name, or "" when it is fine.
func regionProblem(r string) string {
	if !regionShape.MatchString(r) {
		return regionShapeProblem(r)
	}
	prefix := r[:strings.LastIndexByte(r, '-')]
	var prefixes []string
	for _, k := range knownRegions {
		p := k[:strings.LastIndexByte(k, '-')]
		if p == prefix {
			return ""
		}
		prefixes = append(prefixes, p)
	}
	if s := nearest(prefix, prefixes); s != "" {
		return "unknown AWS region " + quote(r) + "; did you mean " + quote(s+r[len(prefix):]) + "?"
	}
	return "unknown AWS region " + quote(r) + "; use one such as eu-west-1 or us-east-1"
}

func regionShapeProblem(r string) string {
	if zone := strings.TrimRight(r, "abcdefghijklmnopqrstuvwxyz"); zone != r && regionShape.MatchString(zone) {
		return quote(r) + " is an availability zone, not a region; use " + quote(zone)
	}
	if s := nearest(r, knownRegions); s != "" {
		return "unknown AWS region " + quote(r) + "; did you mean " + quote(s) + "?"
	}
	return "must be an AWS region name such as eu-west-1 or us-east-1, got " + quote(r)
}

// nameProblem checks a name that becomes part of AWS and host names.
func nameProblem(re *regexp.Regexp, name string, maxLen int, why string) string {
	switch {
	case !re.MatchString(name):
		return "must be lowercase letters, digits and hyphens, starting with a letter and " +
			"not ending with a hyphen, got " + quote(name) + nameHint(re, name)
	case len(name) > maxLen:
		return "must be at most " + itoa(maxLen) + " characters (" + why + "), got " + itoa(len(name))
	}
	return ""
}

// nameHint suggests the name lowercased, with _ . and spaces turned into hyphens.
func nameHint(re *regexp.Regexp, name string) string {
	s := strings.Map(func(r rune) rune {
		if r == '_' || r == '.' || r == ' ' {
			return '-'
		}
		return r
	}, strings.ToLower(name))
	if s != name && re.MatchString(s) {
		return "; did you mean " + quote(s) + "?"
	}
	return ""
}

func quote(s string) string { return strconv.Quote(s) }
