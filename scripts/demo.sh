#!/usr/bin/env bash
# make demo: the main job on embedded defaults, with no AWS and no GitLab. It puts
# fleet-examples/multi-runner in a local git repository, reconciles manager-0 into ./demo,
# commits a change and reconciles again (only that change is applied), then runs once more
# (up to date, nothing touched). The runner token comes from an environment variable set here.
set -euo pipefail
cd "$(dirname "$0")/.."
rf=$PWD/bin/runnerfleet
demo=$PWD/demo
git() { command git -c user.name=demo -c user.email=demo@example.com -c init.defaultBranch=main "$@"; }

rm -rf "$demo" && mkdir -p "$demo/repo"
sed 's#{ssm: /ci-runners/runner-token}#{env: DEMO_RUNNER_TOKEN}#' fleet-examples/multi-runner/fleet.yaml >"$demo/repo/fleet.yaml"
git -C "$demo/repo" init -q && git -C "$demo/repo" add fleet.yaml && git -C "$demo/repo" commit -qm "fleet: multi-runner"
export DEMO_RUNNER_TOKEN=glrt-demo-not-a-real-token

# --prune=false: the scheduled prune lists EC2 for orphans, and the demo has no AWS.
reconcile() {
  "$rf" reconcile --repo "$demo/repo" --scope manager --manager manager-0 --prune=false \
    --state-dir "$demo/state" --runner-config-dir "$demo/gitlab-runner" 2>>"$demo/reconcile.log"
}

echo "== 1. first reconcile of manager-0"
reconcile
echo; echo "== files written under demo/gitlab-runner:"
(cd "$demo/gitlab-runner" && find . -type f -printf '%m %6s %p\n' | sort -k3)

echo; echo "== 2. commit a change (pool spot: idle.count 1 -> 4) and reconcile"
sed -i 's/idle: {count: 1,/idle: {count: 4,/' "$demo/repo/fleet.yaml"
git -C "$demo/repo" commit -qam "pool spot: idle.count 1 -> 4"
reconcile
grep -n "IdleCount = 4" "$demo/gitlab-runner/config.toml" | head -n 1

echo; echo "== 3. reconcile again: nothing changed"
reconcile

echo; echo "(logs in demo/reconcile.log, state in demo/state/status.json)"
