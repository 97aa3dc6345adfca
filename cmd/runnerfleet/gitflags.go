package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/awsapi"
	"github.com/runnerfleet/runnerfleet/internal/gitsource"
	"github.com/spf13/cobra"
)

// gitFlags are the flags of every command that reads fleet.yaml from a repository.
type gitFlags struct {
	repo, ref, path                     string
	username, passwordFile, passwordSSM string
	sshKey, sshPassphraseFile           string
	knownHosts, trustedKeys             string
	insecureSkipHostKey, allowRewind    bool
	timeout                             time.Duration
}

func (g *gitFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&g.repo, "repo", "", "config repository: https://…, ssh://…, git@host:path, file://… or a local path")
	f.StringVar(&g.ref, "ref", "main", "branch, tag or full commit SHA")
	f.StringVar(&g.path, "path", gitsource.DefaultPath, "path of the fleet spec inside the repository")
	f.StringVar(&g.username, "git-username", "", "HTTPS user name (a deploy token's user name; default oauth2)")
	f.StringVar(&g.passwordFile, "git-password-file", "", "file holding the HTTPS password or token (or set RUNNERFLEET_GIT_PASSWORD)")
	f.StringVar(&g.passwordSSM, "git-password-ssm", "", "SSM parameter holding the HTTPS password or token, read with the host's AWS credentials")
	f.StringVar(&g.sshKey, "git-ssh-key", "", "SSH private key file")
	f.StringVar(&g.sshPassphraseFile, "git-ssh-passphrase-file", "", "file holding the SSH key's passphrase")
	f.StringVar(&g.knownHosts, "git-known-hosts", "", "known_hosts file for SSH host key checks")
	f.BoolVar(&g.insecureSkipHostKey, "insecure-skip-host-key", false, "do not check the SSH host key (never in production)")
	f.StringVar(&g.trustedKeys, "git-trusted-keys", "", "armored OpenPGP keyring: the commit must be signed by one of its keys")
	f.BoolVar(&g.allowRewind, "allow-rewind", false, "accept a commit that does not descend from the last applied one (a rollback)")
	f.DurationVar(&g.timeout, "git-timeout", gitsource.DefaultTimeout, "time limit of the whole fetch")
}

// options turns the flags (and RUNNERFLEET_GIT_PASSWORD) into gitsource options; secrets are
// read from their files here, in cmd, the only place that reads the environment.
func (g *gitFlags) options(cacheDir string) (gitsource.Options, error) {
	if g.repo == "" {
		return gitsource.Options{}, fmt.Errorf("no repository: give --repo or RUNNERFLEET_REPO")
	}
	opts := gitsource.Options{URL: g.repo, Ref: g.ref, Path: g.path, CacheDir: cacheDir,
		AllowRewind: g.allowRewind, Timeout: g.timeout,
		Auth: gitsource.Auth{Username: g.username, SSHKeyFile: g.sshKey, KnownHostsFile: g.knownHosts,
			InsecureSkipHostKey: g.insecureSkipHostKey}}
	var err error
	opts.Auth.Password = os.Getenv("RUNNERFLEET_GIT_PASSWORD")
	if g.passwordFile != "" {
		if opts.Auth.Password, err = gitsource.ReadSecretFile(g.passwordFile); err != nil {
			return opts, err
		}
	}
	if g.passwordSSM != "" {
		if opts.Auth.Password, err = ssmValue(g.passwordSSM); err != nil {
			return opts, err
		}
	}
	if g.sshPassphraseFile != "" {
		if opts.Auth.SSHKeyPassphrase, err = gitsource.ReadSecretFile(g.sshPassphraseFile); err != nil {
			return opts, err
		}
	}
	if g.trustedKeys != "" {
		if opts.TrustedKeys, err = gitsource.LoadKeyring(g.trustedKeys); err != nil {
			return opts, err
		}
	}
	return opts, nil
}

// ssmValue reads one SSM parameter with the default AWS configuration (AWS_REGION, instance
// role). The error names the parameter, never a value.
func ssmValue(name string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := awsapi.LoadConfig(ctx, "", "")
	if err != nil {
		return "", fmt.Errorf("unable to read the git password from SSM: %w", err)
	}
	return awsapi.NewSSMFromConfig(cfg).GetParameter(ctx, name)
}
