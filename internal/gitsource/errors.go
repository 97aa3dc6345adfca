package gitsource

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
)

// Sentinel errors; every error Fetch returns wraps at most one of them.
var (
	ErrUnreachable   = errors.New("git host unreachable")
	ErrTimeout       = errors.New("git operation timed out")
	ErrAuthFailed    = errors.New("git authentication failed")
	ErrHostKey       = errors.New("ssh host key not trusted")
	ErrNotRepository = errors.New("not a git repository")
	ErrRefNotFound   = errors.New("ref not found")
	ErrPathNotFound  = errors.New("path not found at commit")
	ErrUnsigned      = errors.New("commit is not signed")
	ErrUntrusted     = errors.New("commit is not signed by a trusted key")
	ErrRewind        = errors.New("commit does not descend from the last applied commit")
	ErrHistoryLimit  = errors.New("deepen limit reached before the last applied commit was found")
	ErrInvalidOption = errors.New("invalid git source option")

	// errRemoteOther marks any other failure of a remote operation (an HTTP 500, say): the
	// cache is not to blame, so it is kept.
	errRemoteOther = errors.New("git remote operation failed")
)

// remoteKinds are the failures that come from the remote side; the cache is not to blame.
var remoteKinds = []error{ErrUnreachable, ErrTimeout, ErrAuthFailed, ErrHostKey,
	ErrNotRepository, ErrRefNotFound, context.Canceled, errRemoteOther}

// isRemote reports whether err is a failure of the remote, the network or the caller.
func isRemote(err error) bool {
	for _, k := range remoteKinds {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

// failure builds "unable to <what>: <kind>: <scrubbed cause>" for a failed remote operation. The cause is flattened to its
// scrubbed text, so no unscrubbed message stays reachable through errors.Unwrap.
func (s *Source) failure(ctx context.Context, what string, cause error) error {
	if isRemote(cause) || errors.Is(cause, ErrInvalidOption) {
		return fmt.Errorf("unable to %s: %w", what, cause)
	}
	kind := classify(ctx, cause)
	msg := s.scrub.String(cause.Error())
	if kind == nil {
		kind = errRemoteOther
	}
	return fmt.Errorf("unable to %s: %w: %s", what, kind, msg)
}

// classify maps a go-git, network or context error to a sentinel, or nil.
func classify(ctx context.Context, err error) error {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return ErrTimeout
	case errors.Is(ctx.Err(), context.Canceled):
		return context.Canceled
	case errors.Is(err, transport.ErrAuthenticationRequired),
		errors.Is(err, transport.ErrAuthorizationFailed),
		errors.Is(err, transport.ErrInvalidAuthMethod):
		return ErrAuthFailed
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return ErrNotRepository
	case errors.Is(err, transport.ErrEmptyRemoteRepository):
		return ErrRefNotFound
	}
	var netErr *net.OpError
	if errors.As(err, &netErr) {
		return ErrUnreachable
	}
	return classifyText(err.Error())
}

// textKinds catches errors that go-git passes on without wrapping (plumbing.UnexpectedError
// and the ssh package's errors).
var textKinds = []struct {
	kind  error
	texts []string
}{
	{ErrTimeout, []string{"i/o timeout", "deadline exceeded"}},
	{ErrHostKey, []string{"knownhosts:", "host key mismatch", "key is unknown"}},
	{ErrAuthFailed, []string{"unable to authenticate", "authentication required", "authorization failed"}},
	{ErrUnreachable, []string{"connection refused", "no such host", "network is unreachable",
		"no route to host", "connection reset", "server misbehaving"}},
	{ErrNotRepository, []string{"not a git repository", "does not appear to be a git repository",
		"repository not found"}},
}

func classifyText(msg string) error {
	msg = strings.ToLower(msg)
	for _, k := range textKinds {
		for _, t := range k.texts {
			if strings.Contains(msg, t) {
				return k.kind
			}
		}
	}
	return nil
}
