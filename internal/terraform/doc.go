// Package terraform runs the Terraform CLI for runnerfleet: it finds or installs the binary
// (Find), and runs init, plan, show, apply and destroy in one working directory (Runner) over
// github.com/hashicorp/terraform-exec.
//
// Behaviour the rest of runnerfleet relies on:
//
//   - Init runs only when the working directory was never initialised by this package or when
//     its backend, provider requirements, module sources or dependency lock file changed. A
//     marker under .terraform/ records what the last successful init saw.
//   - Plan writes a plan file with -out and -detailed-exitcode; Apply applies exactly that file.
//   - Cancelling the context sends terraform SIGINT (terraform-exec's exec.Cmd.Cancel) and
//     waits Options.WaitDelay (default 60s) before the process is killed, so terraform can stop
//     its providers and release the state lock.
//   - Terraform's stdout and stderr are logged line by line; stderr is also attached to errors.
//     Both pass through Options.Scrub first.
//
// The package reads no environment variables; the caller passes every setting. The process
// environment is only passed through to terraform, as os/exec does by default.
package terraform
