#!/usr/bin/env bash
# Both AMIs: wait for cloud-init, update the base image, and install the few tools the other
# scripts need.
# shellcheck source=lib.sh
. "$RF_LIB"

log "waiting for cloud-init"
cloud-init status --wait >/dev/null || true

# Unattended upgrades must not hold the dpkg lock while we build.
systemctl stop apt-daily.timer apt-daily-upgrade.timer unattended-upgrades.service 2>/dev/null || true

apt-get update -q
apt-get -y -q -o Dpkg::Options::=--force-confold upgrade
apt_install ca-certificates curl gnupg unzip jq
