package reconcile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
)

// ParameterStore reads SSM parameters (implemented by internal/awsapi).
type ParameterStore interface {
	GetParameter(ctx context.Context, name string) (string, error)
}

// SecretSources are where token references point.
type SecretSources struct {
	LookupEnv      func(string) (string, bool) // os.LookupEnv in production
	CredentialsDir string                      // $CREDENTIALS_DIRECTORY (systemd LoadCredential)
	// SSM makes a Parameter Store client for the fleet's region, on the first {ssm: …}
	// reference of a run; nil makes such references fail clearly.
	SSM func(ctx context.Context, region string) (ParameterStore, error)
}

// Secrets resolves token references for one run: each reference at most once, values kept in
// memory only, and a Scrub that removes every resolved value from a message.
type Secrets struct {
	ctx    context.Context
	src    SecretSources
	region string
	ssm    ParameterStore
	values map[string]string // ref → value
}

// NewSecrets returns a resolver bound to the run's context.
func NewSecrets(ctx context.Context, src SecretSources) *Secrets {
	return &Secrets{ctx: ctx, src: src, values: map[string]string{}}
}

// Token resolves ref. Errors name the reference, never a value.
func (s *Secrets) Token(ref fleet.SecretRef) (string, error) {
	if v, ok := s.values[ref.String()]; ok {
		return v, nil
	}
	v, err := s.resolve(ref)
	if err != nil {
		return "", fmt.Errorf("unable to resolve token %s: %w", ref, err)
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return "", fmt.Errorf("unable to resolve token %s: it is empty", ref)
	}
	s.values[ref.String()] = v
	return v, nil
}

func (s *Secrets) resolve(ref fleet.SecretRef) (string, error) {
	switch ref.Source {
	case "env":
		if s.src.LookupEnv != nil {
			if v, ok := s.src.LookupEnv(ref.Name); ok {
				return v, nil
			}
		}
		return "", fmt.Errorf("environment variable %s is not set", ref.Name)
	case "file":
		return s.readFile(ref.Name)
	case "ssm":
		return s.parameter(ref.Name)
	}
	return "", fmt.Errorf("unknown token source %q", ref.Source)
}

func (s *Secrets) parameter(name string) (string, error) {
	if s.ssm == nil {
		if s.src.SSM == nil {
			return "", errors.New("no SSM client configured")
		}
		store, err := s.src.SSM(s.ctx, s.region)
		if err != nil {
			return "", err
		}
		s.ssm = store
	}
	return s.ssm.GetParameter(s.ctx, name)
}

// readFile reads a token file; a relative path is looked up in $CREDENTIALS_DIRECTORY first.
func (s *Secrets) readFile(name string) (string, error) {
	path := name
	if !filepath.IsAbs(name) {
		if s.src.CredentialsDir == "" {
			return "", fmt.Errorf("%s is relative and CREDENTIALS_DIRECTORY is not set", name)
		}
		path = filepath.Join(s.src.CredentialsDir, name)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return "", fmt.Errorf("%s: %w", path, pe.Err) // the path, never content
		}
		return "", err
	}
	return string(b), nil
}

// Scrub replaces every resolved value in msg by <redacted>.
func (s *Secrets) Scrub(msg string) string {
	vals := make([]string, 0, len(s.values))
	for _, v := range s.values {
		vals = append(vals, v)
	}
	sort.Slice(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	for _, v := range vals {
		msg = strings.ReplaceAll(msg, v, "<redacted>")
	}
	return msg
}
