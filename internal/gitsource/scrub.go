package gitsource

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
)

// userinfo matches the credentials part of a URL inside any text: scheme://user:pass@ or
// scheme://token@.
var userinfo = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@\s]+)@`)

// ScrubURL removes credentials from every URL in s: for ssh URLs the password only (the user
// name, typically "git", stays), for every other scheme the whole userinfo.
func ScrubURL(s string) string {
	return userinfo.ReplaceAllStringFunc(s, func(m string) string {
		sub := userinfo.FindStringSubmatch(m)
		scheme, info := sub[1], sub[2]
		if strings.HasPrefix(strings.ToLower(scheme), "ssh") {
			user, _, _ := strings.Cut(info, ":")
			return scheme + user + "@"
		}
		return scheme + "***@"
	})
}

// scrubber removes known secret values and URL credentials from text.
type scrubber struct{ secrets []string }

func (s scrubber) String(text string) string {
	text = ScrubURL(text)
	for _, secret := range s.secrets {
		if len(secret) >= 3 {
			text = strings.ReplaceAll(text, secret, "***")
		}
	}
	return text
}

// remoteURL is a repository address split into what go-git is given (no credentials) and
// the credentials that were in it.
type remoteURL struct {
	clean    string // passed to go-git and printed
	protocol string // http, https, ssh, file
	user     string
	password string
}

// parseRemote strips userinfo from raw. Local paths and scp-like addresses pass unchanged.
func parseRemote(raw string) (remoteURL, error) {
	if raw == "" {
		return remoteURL{}, fmt.Errorf("%w: repository URL is empty", ErrInvalidOption)
	}
	ep, err := transport.NewEndpoint(raw)
	if err != nil {
		return remoteURL{}, fmt.Errorf("%w: repository URL %q: %s", ErrInvalidOption, ScrubURL(raw), ScrubURL(err.Error()))
	}
	r := remoteURL{clean: raw, protocol: ep.Protocol, user: ep.User, password: ep.Password}
	if ep.Protocol != "http" && ep.Protocol != "https" && !strings.Contains(raw, "://") {
		return r, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return remoteURL{}, fmt.Errorf("%w: repository URL %q is not a URL", ErrInvalidOption, ScrubURL(raw))
	}
	if u.User != nil {
		r.user = u.User.Username()
		r.password, _ = u.User.Password()
		u.User = nil
		if r.protocol == "ssh" && r.user != "" {
			u.User = url.User(r.user)
		}
	}
	r.clean = u.String()
	return r, nil
}
