package fleet

import (
	"net/url"
	"regexp"
	"strings"
)

// envSafe are values that go into a systemd EnvironmentFile and a shell here-document
// unquoted: no whitespace, quotes, $, backslash or backtick.
var envSafe = regexp.MustCompile("^[^\\s\"'`$\\\\]+$")

// checkSource checks the repository new managers bootstrap from.
func (d *decoder) checkSource(src *Source) {
	if !d.given("source") {
		return
	}
	for _, f := range []struct{ path, value string }{{"source.repo", src.Repo}, {"source.ref", src.Ref},
		{"source.path", src.Path}, {"source.username", src.Username}} {
		if f.value != "" && !envSafe.MatchString(f.value) {
			d.at(f.path, "must not contain spaces, quotes, $, \\ or backticks: it is written into the managers' /etc/runnerfleet/env")
		}
	}
	if u, err := url.Parse(src.Repo); err == nil && u.User != nil {
		if _, hasPassword := u.User.Password(); hasPassword {
			d.at("source.repo", "must not hold a password (user-data is readable by anyone who can describe the instance); set source.password to an {ssm: …} reference")
		}
	}
	if !strings.Contains(src.Repo, "://") && !strings.Contains(src.Repo, ":") && d.given("source.repo") {
		d.at("source.repo", "must be a URL the managers can reach, such as https://gitlab.example.com/platform/fleet.git or git@gitlab.example.com:platform/fleet.git")
	}
	if src.Password != nil && src.Password.Source != "ssm" {
		d.at("source.password", "must be {ssm: /parameter}: a new manager has no environment or files yet, and reads the parameter with its instance role")
	}
}
