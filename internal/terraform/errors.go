package terraform

import (
	"context"
	"errors"
	"os/exec"
	"strings"
)

// maxStderr bounds how much of terraform's stderr an error carries (the end is kept).
const maxStderr = 32 << 10

// CommandError is a terraform command that failed. Its text is the exit status and
// terraform's stderr, scrubbed. It unwraps to the *exec.ExitError and, when the context was
// cancelled or timed out, to the context's error, so errors.Is(err, context.Canceled) works.
//
// The error terraform-exec returns is not kept: its text holds the raw stderr.
type CommandError struct {
	Status string // "exit status 1", "signal: killed", or why the command could not start
	Stderr string // terraform's stderr (its last 32 KiB), scrubbed
	// ExitCode is terraform's exit code, or -1 when it did not exit normally.
	ExitCode int
	causes   []error
}

func newCommandError(ctx context.Context, err error, stderr string, scrub func(string) string) *CommandError {
	e := &CommandError{ExitCode: -1, Stderr: strings.TrimSpace(scrub(stderr))}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		e.Status = exitErr.Error()
		e.ExitCode = exitErr.ExitCode()
		e.causes = append(e.causes, exitErr)
	} else {
		e.Status = firstLine(scrub(err.Error()))
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		e.causes = append(e.causes, ctxErr)
	}
	return e
}

func (e *CommandError) Error() string {
	if e.Stderr == "" {
		return e.Status
	}
	return e.Status + "\n" + e.Stderr
}

// Unwrap returns the *exec.ExitError and the context's error, whichever apply.
func (e *CommandError) Unwrap() []error { return e.causes }

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
