#!/usr/bin/env bash
# Both AMIs, last: leave no build traces, so every instance starts as a new machine.
# shellcheck source=lib.sh
. "$RF_LIB"

apt-get -y -q autoremove --purge
apt-get clean
rm -rf /var/lib/apt/lists/* /tmp/runnerfleet-build
cloud-init clean --logs --machine-id
rm -f /etc/ssh/ssh_host_*_key /etc/ssh/ssh_host_*_key.pub
journalctl --rotate --vacuum-time=1s >/dev/null 2>&1 || true
