package fleet

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // time zones must not depend on the host
)

// validate checks what a single field's type cannot: shapes, enums, limits and cross
// references. A check runs only on values that were given; missing ones are reported already.
func (d *decoder) validate(s *Spec) {
	if s.Version > 1 {
		d.at("version", "unsupported version %d: this runnerfleet reads version 1", s.Version)
	}
	d.check("name", nameProblem(fleetName, s.Name, maxFleetName,
		"it prefixes the cache bucket <name>-runner-cache-<vpc id>, at most 63 characters"))
	d.checkAWS(&s.AWS)
	d.checkGitLab(&s.GitLab)
	d.checkTerraform(&s.Terraform)
	d.checkSource(&s.Source)
	d.checkManager(&s.Manager)
	d.checkPools(s)
	d.checkRunners(s)
	d.checkAutoscalerGroups(s)
	d.check("prune.schedule", cronProblem(s.Prune.Schedule))
	d.check("drift.schedule", cronProblem(s.Drift.Schedule))
	if s.Prune.WorkspaceTTL < s.Prune.StuckAfter {
		d.at("prune.workspace_ttl", "must be at least prune.stuck_after (%s), got %s",
			formatDuration(s.Prune.StuckAfter), formatDuration(s.Prune.WorkspaceTTL))
	}
}

func (d *decoder) given(path string) bool { return d.pos[path] != nil && !isNull(d.pos[path]) }

// check reports problem at path when the value was given and the problem is not empty.
func (d *decoder) check(path, problem string) {
	if problem != "" && d.given(path) {
		d.at(path, "%s", problem)
	}
}

func (d *decoder) checkAWS(a *AWS) {
	d.check("aws.region", regionProblem(a.Region))
	d.check("aws.vpc_id", idProblem(vpcID, "vpc", "a VPC", a.VPCID))
	if d.emptyList("aws.subnet_ids") {
		d.at("aws.subnet_ids", "must list at least one subnet, such as [subnet-0123456789abcdef0]")
	}
	d.unique("aws.subnet_ids", a.SubnetIDs)
	for i, id := range a.SubnetIDs {
		d.check(fmt.Sprintf("aws.subnet_ids[%d]", i),
			idProblem(subnetID, "subnet", "a subnet", id))
	}
	d.checkTags(a.Tags)
}

func (d *decoder) checkTags(tags map[string]string) {
	if len(tags) > 40 {
		d.at("aws.tags", "at most 40 tags: AWS allows 50 per object and runnerfleet adds its own, got %d", len(tags))
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := "aws.tags." + k
		lower := strings.ToLower(k)
		switch {
		case strings.HasPrefix(lower, "aws:") || strings.HasPrefix(lower, "runnerfleet:"):
			d.errorf(d.keys[p], p, "tag keys starting with aws: or runnerfleet: are reserved (runnerfleet sets its own); rename the key")
		case len(k) > 128:
			d.errorf(d.keys[p], p, "tag keys are at most 128 characters, got %d", len(k))
		case len(tags[k]) > 256:
			d.at(p, "tag values are at most 256 characters, got %d", len(tags[k]))
		}
	}
}

func (d *decoder) checkGitLab(g *GitLab) {
	if !d.given("gitlab.url") {
		return
	}
	u, err := url.Parse(g.URL)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		d.at("gitlab.url", "must be an http(s) URL such as https://gitlab.example.com%s", schemeHint(g.URL))
	case u.User != nil:
		d.at("gitlab.url", "must not hold credentials (it is written to config.toml); remove user:password@ and set gitlab.token")
	case u.RawQuery != "" || u.Fragment != "":
		d.at("gitlab.url", "must not have a query or fragment; use the instance's base URL such as https://gitlab.example.com")
	}
}

func (d *decoder) checkTerraform(t *Terraform) {
	d.check("terraform.version", shapeProblem(version.MatchString(t.Version), "a version such as 1.9.8", t.Version))
	d.check("terraform.driver_version", driverVersionProblem(t.DriverVersion))
	if t.Backend == nil {
		return
	}
	b := &t.Backend.S3
	d.check("terraform.backend.s3.bucket", shapeProblem(bucketName.MatchString(b.Bucket), "an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)", b.Bucket))
	d.check("terraform.backend.s3.region", regionProblem(b.Region))
	if strings.HasPrefix(b.Key, "/") || strings.HasSuffix(b.Key, "/") {
		d.at("terraform.backend.s3.key", "must be an object key such as ci-runners/manager.tfstate, without a leading or trailing /")
	}
	if b.UseLockfile && version.MatchString(t.Version) && versionLess(t.Version, 1, 10) {
		d.at("terraform.backend.s3.use_lockfile", "needs Terraform >= 1.10, but terraform.version is %s; raise terraform.version", t.Version)
	}
}

func driverVersionProblem(v string) string {
	switch {
	case !version.MatchString(v):
		return shapeProblem(false, "a version such as 0.14.11", v)
	case versionLess(v, 0, 13):
		return "must be at least 0.13, got " + v + ": the worker template uses required_providers with source addresses"
	case !versionLess(v, 0, 15):
		return "must be below 0.15, got " + v + ": the docker-machine driver runs `terraform destroy -force`, which Terraform 0.15 removed; use 0.14.11"
	}
	return ""
}

// versionLess reports whether v (x.y.z, already checked) is below major.minor.
func versionLess(v string, major, minor int) bool {
	var a, b, c int
	fmt.Sscanf(v, "%d.%d.%d", &a, &b, &c)
	return a < major || (a == major && b < minor)
}

func (d *decoder) checkManager(m *Manager) {
	d.check("manager.instance_type", instanceTypeProblem(m.InstanceType))
	d.check("manager.image_id", idProblem(amiID, "ami", "an AMI", m.ImageID))
	d.check("manager.timezone", timezoneProblem(m.Timezone))
}

func timezoneProblem(tz string) string {
	if tz == "" || tz == "Local" {
		return "must be an IANA time zone such as Europe/Amsterdam or UTC"
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return fmt.Sprintf("unknown time zone %q; use an IANA name such as Europe/Amsterdam or UTC", tz)
	}
	return ""
}

func instanceTypeProblem(t string) string {
	msg := shapeProblem(instanceType.MatchString(t), "an EC2 instance type such as m5.large (family.size)", t)
	if s := strings.ToLower(strings.Replace(t, "-", ".", 1)); msg != "" && instanceType.MatchString(s) {
		msg += "; did you mean " + quote(s) + "?"
	}
	return msg
}

func shapeProblem(ok bool, what, got string) string {
	if ok {
		return ""
	}
	return fmt.Sprintf("must be %s, got %q", what, got)
}

// unique reports each repeated entry of a list at its second occurrence.
func (d *decoder) unique(path string, values []string) {
	first := map[string]int{}
	for i, v := range values {
		if j, dup := first[v]; dup {
			d.at(fmt.Sprintf("%s[%d]", path, i), "%q is listed twice (first at %s[%d]); remove one", v, path, j)
			continue
		}
		first[v] = i
	}
}
