package gitsource

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
)

// Defaults applied by New.
const (
	DefaultPath      = "fleet.yaml"
	DefaultTimeout   = 60 * time.Second
	DefaultMaxDeepen = 1000
	// DefaultTokenUser is the user name sent with a password but no user name; GitLab accepts
	// any non-empty name with a personal or project access token ("oauth2" is its convention).
	DefaultTokenUser = "oauth2"
)

// Options configure a Source. The command layer fills it from flags and files; the package
// reads no environment variable.
type Options struct {
	URL  string // https://…, ssh://…, git@host:path, file://… or a local path
	Ref  string // branch, tag, full commit SHA, refs/…; empty: the remote's HEAD
	Path string // file inside the repository; default DefaultPath

	// CacheDir holds the clone cache (for example <state>/git); empty: in memory.
	CacheDir string
	Auth     Auth

	// TrustedKeys is an armored OpenPGP keyring; when set, the commit must be signed by one of
	// its keys. See LoadKeyring.
	TrustedKeys []byte
	AllowRewind bool

	Timeout   time.Duration // whole Fetch call; default DefaultTimeout
	MaxDeepen int           // commits of history searched by rewind protection
	Logger    *slog.Logger  // default: discard
}

// Auth holds credentials. Values are secrets and never printed.
type Auth struct {
	Username string // HTTPS user (deploy token user name); default DefaultTokenUser
	Password string // HTTPS password or token; see ReadSecretFile

	SSHKeyFile       string // private key (PEM or OpenSSH format)
	SSHKeyPassphrase string // see ReadSecretFile
	// KnownHostsFile is required for ssh unless InsecureSkipHostKey.
	KnownHostsFile      string
	InsecureSkipHostKey bool
}

// ReadSecretFile reads a password, token or passphrase file (a systemd credential, say) and
// trims the trailing newline. Its errors name the path, never the content.
func ReadSecretFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("unable to read secret file: %w", err)
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", fmt.Errorf("unable to read secret file %s: %w: file is empty", path, ErrInvalidOption)
	}
	return s, nil
}

// LoadKeyring reads an armored OpenPGP public keyring file (--git-trusted-keys) and checks
// that it holds at least one key.
func LoadKeyring(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("unable to read trusted keys: %w", err)
	}
	if _, err := parseKeyring(b); err != nil {
		return nil, fmt.Errorf("unable to read trusted keys %s: %w", path, err)
	}
	return b, nil
}

func parseKeyring(armored []byte) (openpgp.EntityList, error) {
	keys, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(armored))
	if err != nil {
		return nil, fmt.Errorf("%w: trusted keys are not an armored OpenPGP keyring: %s", ErrInvalidOption, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: trusted keyring holds no key", ErrInvalidOption)
	}
	return keys, nil
}

// Request is one Fetch call's input.
type Request struct {
	// LastApplied is the commit applied by the last successful run ("" when unknown).
	LastApplied string
	// Force fetches and returns the content even when the remote is at LastApplied (a drift
	// check is due, say).
	Force bool
}

// Result is what Fetch found.
type Result struct {
	Commit    string // full SHA
	Unchanged bool   // remote is at Request.LastApplied; nothing fetched, only Commit is set
	Time      time.Time
	Author    string // "Name <email>"
	Content   []byte // the file at Options.Path
	SignedBy  string // key ID of the trusted signer, when TrustedKeys is set
}
