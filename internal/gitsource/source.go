package gitsource

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"
)

// Source fetches one file of one ref of one repository. It is not safe for concurrent use
// on the same cache directory: the caller holds the run lock.
type Source struct {
	opts   Options
	remote remoteURL
	auth   transport.AuthMethod
	scrub  scrubber
	log    *slog.Logger
	path   string
	sess   *session // the open ref advertisement of the current Fetch, if any
}

// New checks opts, applies the defaults and prepares the credentials.
func New(opts Options) (*Source, error) {
	r, err := parseRemote(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("unable to configure git source: %w", err)
	}
	s := &Source{opts: withDefaults(opts), remote: r, log: opts.Logger}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.scrub = scrubber{secrets: []string{opts.Auth.Password, opts.Auth.SSHKeyPassphrase, r.password}}
	if r.password == "" && r.user != "" && strings.HasPrefix(r.protocol, "http") {
		s.scrub.secrets = append(s.scrub.secrets, r.user) // https://TOKEN@host
	}
	if s.path, err = cleanPath(s.opts.Path); err != nil {
		return nil, fmt.Errorf("unable to configure git source: %w", err)
	}
	if len(opts.TrustedKeys) > 0 {
		if _, err := parseKeyring(opts.TrustedKeys); err != nil {
			return nil, fmt.Errorf("unable to configure git source: %w", err)
		}
	}
	if s.auth, err = s.authMethod(); err != nil {
		return nil, fmt.Errorf("unable to configure git credentials: %w", err)
	}
	return s, nil
}

func withDefaults(o Options) Options {
	if o.Path == "" {
		o.Path = DefaultPath
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxDeepen <= 0 {
		o.MaxDeepen = DefaultMaxDeepen
	}
	return o
}

func cleanPath(p string) (string, error) {
	c := path.Clean(strings.TrimPrefix(p, "/"))
	if c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("%w: path %q is not a file inside the repository", ErrInvalidOption, p)
	}
	return c, nil
}

// URL is the repository address without credentials, safe to print and to store.
func (s *Source) URL() string { return s.remote.clean }

func (s *Source) authMethod() (transport.AuthMethod, error) {
	a, r := s.opts.Auth, s.remote
	switch r.protocol {
	case "http", "https":
		user, pass := firstNonEmpty(a.Username, r.user), firstNonEmpty(a.Password, r.password)
		if pass == "" && user == "" {
			return nil, nil
		}
		if user == "" {
			user = DefaultTokenUser
		}
		return &githttp.BasicAuth{Username: user, Password: pass}, nil
	case "ssh":
		return s.sshAuth(firstNonEmpty(r.user, "git"))
	}
	return nil, nil
}

func (s *Source) sshAuth(user string) (transport.AuthMethod, error) {
	a := s.opts.Auth
	if a.SSHKeyFile == "" {
		return nil, fmt.Errorf("%w: an ssh URL needs a private key file", ErrInvalidOption)
	}
	keys, err := gitssh.NewPublicKeysFromFile(user, a.SSHKeyFile, a.SSHKeyPassphrase)
	if err != nil {
		return nil, fmt.Errorf("%w: ssh key %s: %s", ErrInvalidOption, a.SSHKeyFile, err)
	}
	switch {
	case a.InsecureSkipHostKey:
		keys.HostKeyCallback = ssh.InsecureIgnoreHostKey()
	case a.KnownHostsFile == "":
		return nil, fmt.Errorf("%w: ssh needs a known_hosts file (or skipping host key checks explicitly)", ErrInvalidOption)
	default:
		if keys.HostKeyCallback, err = gitssh.NewKnownHostsCallback(a.KnownHostsFile); err != nil {
			return nil, fmt.Errorf("%w: known_hosts %s: %s", ErrInvalidOption, a.KnownHostsFile, err)
		}
	}
	return keys, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// withTimeout bounds a whole Fetch call.
func (s *Source) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.opts.Timeout)
}
