package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
)

// Compare lists the meaningful differences between two specs, one line each, in the order of
// fleet.yaml: name, aws, gitlab, terraform, manager, cache, pools, runners, prune, drift.
// A nil base is an empty fleet: everything in head is new.
func Compare(base, head *fleet.Spec) []Change {
	d := &differ{out: []Change{}}
	if head == nil {
		return d.out
	}
	if base == nil {
		base = &fleet.Spec{Name: head.Name, AWS: head.AWS, GitLab: head.GitLab, Terraform: head.Terraform, Source: head.Source,
			Manager: head.Manager, Cache: head.Cache, Prune: head.Prune, Drift: head.Drift}
		d.add("fleet", KindAdded, "fleet "+head.Name+": new", false)
	}
	if base.Name != head.Name {
		d.add("fleet", KindChanged, fmt.Sprintf("name %s → %s (every AWS name changes: the manager stack and its machines are replaced)", base.Name, head.Name), true)
	}
	d.aws(base.AWS, head.AWS)
	d.scalar("gitlab", "url", base.GitLab.URL, head.GitLab.URL, false)
	d.token("gitlab", "token", base.GitLab.Token, head.GitLab.Token)
	d.terraform(base.Terraform, head.Terraform)
	d.scalar("source", "repo", base.Source.Repo, head.Source.Repo, false)
	d.scalar("source", "ref", base.Source.Ref, head.Source.Ref, false)
	d.scalar("source", "path", base.Source.Path, head.Source.Path, false)
	d.scalar("source", "username", base.Source.Username, head.Source.Username, false)
	d.token("source", "password", base.Source.Password, head.Source.Password)
	d.manager(base.Manager, head.Manager)
	d.scalar("cache", "enabled", base.Cache.Enabled, head.Cache.Enabled, base.Cache.Enabled && !head.Cache.Enabled)
	d.scalar("cache", "shared", base.Cache.Shared, head.Cache.Shared, false)
	d.scalar("cache", "expire_days", base.Cache.ExpireDays, head.Cache.ExpireDays, false)
	d.pools(base, head)
	d.runners(base, head)
	d.scalar("prune", "schedule", base.Prune.Schedule, head.Prune.Schedule, false)
	d.scalar("prune", "stuck_after", base.Prune.StuckAfter, head.Prune.StuckAfter, false)
	d.scalar("prune", "workspace_ttl", base.Prune.WorkspaceTTL, head.Prune.WorkspaceTTL, false)
	d.scalar("prune", "max_per_run", base.Prune.MaxPerRun, head.Prune.MaxPerRun, false)
	d.scalar("drift", "schedule", base.Drift.Schedule, head.Drift.Schedule, false)
	d.scalar("drift", "remediate", base.Drift.Remediate, head.Drift.Remediate, false)
	return d.out
}

// differ collects changes.
type differ struct{ out []Change }

func (d *differ) add(subject, kind, text string, destructive bool) {
	if !strings.HasPrefix(text, subject) {
		text = subject + ": " + text
	}
	d.out = append(d.out, Change{Subject: subject, Kind: kind, Text: text, Destructive: destructive})
}

// scalar records "subject: field a → b" when a and b differ.
func (d *differ) scalar(subject, field string, a, b any, destructive bool) {
	if a == b {
		return
	}
	d.add(subject, KindChanged, fmt.Sprintf("%s %s → %s", field, show(a), show(b)), destructive)
}

// list records added and removed items, or a new order when only the order changed.
func (d *differ) list(subject, field string, a, b []string, destructive bool) {
	added, removed := setDiff(a, b), setDiff(b, a)
	var parts []string
	for _, x := range added {
		parts = append(parts, "+ "+x)
	}
	for _, x := range removed {
		parts = append(parts, "- "+x)
	}
	switch {
	case len(parts) > 0:
		d.add(subject, KindChanged, field+" "+strings.Join(parts, ", "), destructive && len(removed) > 0)
	case strings.Join(a, "\x00") != strings.Join(b, "\x00"):
		d.add(subject, KindChanged, fmt.Sprintf("%s reordered: %s", field, strings.Join(b, ", ")), false)
	}
}

// token records a changed token reference by name; values are never in a spec.
func (d *differ) token(subject, field string, a, b *fleet.SecretRef) {
	if refString(a) == refString(b) {
		return
	}
	d.add(subject, KindChanged, fmt.Sprintf("%s changed (%s → %s)", field, refString(a), refString(b)), false)
}

func refString(r *fleet.SecretRef) string {
	if r == nil {
		return "none"
	}
	return r.String()
}

func (d *differ) aws(a, b fleet.AWS) {
	d.scalar("aws", "region", a.Region, b.Region, true)
	d.scalar("aws", "vpc_id", a.VPCID, b.VPCID, true)
	d.list("aws", "subnet_ids", a.SubnetIDs, b.SubnetIDs, false)
	for _, k := range mapKeys(a.Tags, b.Tags) {
		va, ina := a.Tags[k]
		vb, inb := b.Tags[k]
		switch {
		case !ina:
			d.add("aws", KindChanged, fmt.Sprintf("tags + %s=%s", k, vb), false)
		case !inb:
			d.add("aws", KindChanged, fmt.Sprintf("tags - %s", k), false)
		case va != vb:
			d.add("aws", KindChanged, fmt.Sprintf("tags.%s %s → %s", k, show(va), show(vb)), false)
		}
	}
}

func (d *differ) terraform(a, b fleet.Terraform) {
	d.scalar("terraform", "version", a.Version, b.Version, false)
	d.scalar("terraform", "driver_version", a.DriverVersion, b.DriverVersion, false)
	switch {
	case a.Backend == nil && b.Backend != nil:
		d.add("terraform", KindChanged, fmt.Sprintf("backend local → s3://%s/%s (state is migrated)", b.Backend.S3.Bucket, b.Backend.S3.Key), false)
	case a.Backend != nil && b.Backend == nil:
		d.add("terraform", KindChanged, fmt.Sprintf("backend s3://%s/%s → local (state is migrated)", a.Backend.S3.Bucket, a.Backend.S3.Key), false)
	case a.Backend != nil && b.Backend != nil:
		sa, sb := a.Backend.S3, b.Backend.S3
		d.scalar("terraform", "backend.s3.bucket", sa.Bucket, sb.Bucket, false)
		d.scalar("terraform", "backend.s3.key", sa.Key, sb.Key, false)
		d.scalar("terraform", "backend.s3.region", sa.Region, sb.Region, false)
		d.scalar("terraform", "backend.s3.use_lockfile", sa.UseLockfile, sb.UseLockfile, false)
	}
}

func (d *differ) manager(a, b fleet.Manager) {
	if a.Count != b.Count {
		text := fmt.Sprintf("count %d → %d", a.Count, b.Count)
		if b.Count < a.Count {
			gone := make([]string, 0, a.Count-b.Count)
			for i := b.Count; i < a.Count; i++ {
				gone = append(gone, fmt.Sprintf("manager-%d", i))
			}
			text += " — " + strings.Join(gone, ", ") + " will be destroyed"
		}
		d.add("manager", KindChanged, text, b.Count < a.Count)
	}
	d.scalar("manager", "instance_type", a.InstanceType, b.InstanceType, true)
	d.scalar("manager", "image_id", a.ImageID, b.ImageID, true)
	d.scalar("manager", "timezone", a.Timezone, b.Timezone, false)
	d.scalar("manager", "concurrent", a.Concurrent, b.Concurrent, false)
	d.scalar("manager", "check_interval", a.CheckInterval, b.CheckInterval, false)
	d.scalar("manager", "volume_size_gb", a.VolumeSizeGB, b.VolumeSizeGB, false)
}

// show formats a value for a summary line: durations as in fleet.yaml, empty strings quoted.
func show(v any) string {
	switch x := v.(type) {
	case time.Duration:
		return fleetDuration(x)
	case string:
		if x == "" {
			return `""`
		}
		return x
	}
	return fmt.Sprint(v)
}

// fleetDuration prints 30m rather than Go's 30m0s.
func fleetDuration(x time.Duration) string {
	s := x.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// setDiff lists the items of b that a lacks, in b's order.
func setDiff(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range a {
		in[x] = true
	}
	var out []string
	for _, x := range b {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

func mapKeys(a, b map[string]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]string{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}
