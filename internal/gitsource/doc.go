// Package gitsource fetches the fleet spec from a Git repository with go-git.
//
// A Source does the "fetch" and "verify" steps of a reconcile run (DESIGN §5):
//
//   - It lists the remote ref first (the `git ls-remote` equivalent). When the remote commit is
//     the last applied one, Fetch returns an Unchanged result without fetching anything, so a
//     timer that runs every minute costs one ref advertisement.
//   - Otherwise it fetches the ref shallow (depth 1, that ref only) into a cache directory that
//     is reused between runs, or into memory when no cache directory is given. A cache that is
//     corrupted or belongs to another repository is removed and cloned afresh (with a log
//     line); a first clone is made in a temporary directory and renamed into place, so a
//     failed run never leaves a half-made cache behind.
//   - Rewind protection: when the last applied commit is known, the new commit must descend
//     from it unless AllowRewind is set. The shallow history is deepened step by step (10, 100,
//     1000 … commits, up to Options.MaxDeepen) until the last applied commit is found or the
//     whole history is known; hitting the bound is an error that says so.
//   - Signature verification: with a trusted keyring, the commit must carry an OpenPGP
//     signature made by one of its keys. Commits made in GitLab's web UI are signed by the
//     instance's web-commit signing key (on GitLab.com and on self-managed instances whose
//     Gitaly has an OpenPGP `signing_key`); to allow them, append that public key, armored, to
//     the trusted keyring file next to the keys of the people who push.
//
// Refs may be a branch, a tag (annotated tags are peeled to their commit), a full 40-character
// commit SHA, a full ref name (refs/...), or empty for the remote's HEAD. A pinned SHA is
// fetched directly when the server allows it (GitLab and GitHub do); otherwise the branches
// and tags are fetched in full once and the SHA looked up among them.
//
// Credentials never reach an error, a log line or a status: userinfo is stripped from the URL
// before go-git sees it (and used as credentials when none are given), and every message is
// passed through a scrubber that removes the password, token and passphrase values. Failures
// wrap one of the sentinel errors (ErrUnreachable, ErrTimeout, ErrAuthFailed, ...) so that the
// command layer can choose its wording and exit code with errors.Is.
package gitsource
