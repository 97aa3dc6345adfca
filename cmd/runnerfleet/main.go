// Command runnerfleet reconciles a GitLab Runner fleet on AWS from one fleet.yaml.
//
// This is the only package that reads environment variables or calls os.Exit.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/fleet"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit codes, the one table (DESIGN section 4).
const (
	exitOK      = 0 // done, no changes
	exitFailure = 1 // any other failure
	exitChanges = 2 // changes present (with --detailed-exitcode)
	exitInvalid = 3 // invalid fleet spec
	exitLocked  = 4 // another run holds the lock
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns its exit code.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var coded exitError
	if errors.As(err, &coded) {
		if coded.msg != "" {
			fmt.Fprintln(stderr, "runnerfleet: "+coded.msg)
		}
		return coded.code
	}
	var diags fleet.Diagnostics
	if errors.As(err, &diags) {
		fmt.Fprintln(stderr, diags.Error())
		return exitInvalid
	}
	fmt.Fprintln(stderr, "runnerfleet: "+err.Error())
	return exitFailure
}

// exitError carries an exit code chosen by a command; msg may be empty when the command has
// printed everything already.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return fmt.Sprintf("exit %d: %s", e.code, e.msg) }

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "runnerfleet",
		Short: "GitOps reconciler for GitLab Runner fleets on AWS",
		Long: `runnerfleet reads one fleet.yaml and makes a GitLab Runner fleet on AWS match it: the
managers' Terraform stack, each manager's config.toml and the docker-machine worker templates.

Every flag can also be set through an environment variable: --runner-config-dir is
RUNNERFLEET_RUNNER_CONFIG_DIR, and so on. A flag on the command line wins.

Exit codes: 0 done (no changes), 1 failure, 2 changes present (--detailed-exitcode),
3 invalid fleet spec, 4 another run holds the lock.`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return flagsFromEnv(cmd) },
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newValidate(), newRender(), newPlan(), newReconcile(), newPrune(), newServe(), newStatus(), newUnlock(), newSchema(), newVersion())
	for _, c := range root.Commands() {
		documentEnv(c)
	}
	return root
}

// envName is the environment variable of a flag: RUNNERFLEET_ and the flag in upper snake case.
func envName(flag string) string {
	return "RUNNERFLEET_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// flagsFromEnv sets every flag not given on the command line from its environment variable.
func flagsFromEnv(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if v, ok := os.LookupEnv(envName(f.Name)); ok && !f.Changed && err == nil && f.Name != "help" {
			if serr := f.Value.Set(v); serr != nil {
				err = fmt.Errorf("invalid %s: %w", envName(f.Name), serr)
			}
		}
	})
	return err
}

// documentEnv appends each flag's environment variable to its help text.
func documentEnv(cmd *cobra.Command) {
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Name != "help" && !strings.Contains(f.Usage, "RUNNERFLEET_") {
			f.Usage += " (env " + envName(f.Name) + ")"
		}
	})
}

// nowFunc is the clock; tests do not replace it (reconcile takes time as a parameter).
var nowFunc = time.Now
