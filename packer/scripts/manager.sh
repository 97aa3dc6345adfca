#!/usr/bin/env bash
# Manager AMI: gitlab-runner, docker-machine (GitLab's fork), the docker-machine Terraform
# driver, the driver's Terraform, runnerfleet and its systemd units. Every download is pinned
# and checked against packer/variables.pkr.hcl; any mismatch or placeholder stops the build.
# shellcheck source=lib.sh
. "$RF_LIB"

: "${RF_BUILD_DIR:?}" "${GITLAB_RUNNER_VERSION:?}" "${DOCKER_MACHINE_VERSION:?}"
: "${DRIVER_VERSION:?}" "${DRIVER_TERRAFORM_VERSION:?}"

# Fail before the first download when a checksum is missing or still a placeholder.
require_sha256 gitlab_runner_deb_sha256 "${GITLAB_RUNNER_DEB_SHA256:-}"
require_sha256 gitlab_runner_helper_images_deb_sha256 "${GITLAB_RUNNER_HELPER_IMAGES_DEB_SHA256:-}"
require_sha256 docker_machine_sha256 "${DOCKER_MACHINE_SHA256:-}"
require_sha256 docker_machine_driver_terraform_sha256 "${DRIVER_SHA256:-}"
require_sha256 driver_terraform_sha256 "${DRIVER_TERRAFORM_SHA256:-}"
require_sha256 runnerfleet_sha256 "${RUNNERFLEET_SHA256:-}"
require_fingerprint gitlab_runner_repo_key_fingerprint "${GITLAB_RUNNER_REPO_KEY_FINGERPRINT:-}"
: "${FLEETING_PLUGIN:?the fleeting_plugin variable is not set}"

work=$(mktemp -d)
cache_dir=/var/cache/runnerfleet/terraform-plugins

install_gitlab_runner() {
  local keyring=/etc/apt/keyrings/gitlab-runner.gpg fprs codename
  install -d -m 0755 /etc/apt/keyrings
  fetch https://packages.gitlab.com/runner/gitlab-runner/gpgkey "$work/gitlab-runner.key"
  fprs=$(key_fingerprints "$work/gitlab-runner.key")
  [[ $fprs == "$GITLAB_RUNNER_REPO_KEY_FINGERPRINT" ]] ||
    die "GitLab's repository key has fingerprint(s) '${fprs//$'\n'/ }', want $GITLAB_RUNNER_REPO_KEY_FINGERPRINT"
  gpg --batch --yes --dearmor --output "$keyring" "$work/gitlab-runner.key"
  chmod 0644 "$keyring"
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  echo "deb [signed-by=$keyring] https://packages.gitlab.com/runner/gitlab-runner/ubuntu/ $codename main" \
    >/etc/apt/sources.list.d/gitlab-runner.list
  # GitLab's packages win over Ubuntu's old gitlab-runner package.
  printf 'Package: gitlab-runner gitlab-runner-helper-images\nPin: origin packages.gitlab.com\nPin-Priority: 1001\n' \
    >/etc/apt/preferences.d/gitlab-runner
  apt-get update -q

  local v="${GITLAB_RUNNER_VERSION}-1"
  (cd "$work" && apt-get download "gitlab-runner=$v" "gitlab-runner-helper-images=$v")
  verify_sha256 "$work/gitlab-runner_${v}_amd64.deb" "$GITLAB_RUNNER_DEB_SHA256"
  verify_sha256 "$work/gitlab-runner-helper-images_${v}_all.deb" "$GITLAB_RUNNER_HELPER_IMAGES_DEB_SHA256"
  apt_install "$work/gitlab-runner_${v}_amd64.deb" "$work/gitlab-runner-helper-images_${v}_all.deb"
  apt-mark hold gitlab-runner gitlab-runner-helper-images
  gitlab-runner --version
}

install_docker_machine() {
  fetch_verified "https://gitlab-docker-machine-downloads.s3.amazonaws.com/${DOCKER_MACHINE_VERSION}/docker-machine-Linux-x86_64" \
    "$DOCKER_MACHINE_SHA256" "$work/docker-machine"
  install -m 0755 "$work/docker-machine" /usr/local/bin/docker-machine
  docker-machine --version

  fetch_verified "https://github.com/krzysztof-miemiec/docker-machine-driver-terraform/releases/download/${DRIVER_VERSION}/linux-amd64.zip" \
    "$DRIVER_SHA256" "$work/driver.zip"
  mkdir "$work/driver"
  unzip -q "$work/driver.zip" -d "$work/driver"
  local bin
  bin=$(find "$work/driver" -type f -name docker-machine-driver-terraform | head -n 1)
  [[ -n $bin ]] || die "linux-amd64.zip of the driver $DRIVER_VERSION has no docker-machine-driver-terraform"
  install -m 0755 "$bin" /usr/local/bin/docker-machine-driver-terraform
}

# The driver runs `terraform` from PATH: /usr/local/bin/terraform is the driver's version.
# (runnerfleet's own Terraform for the manager stack is a different version, which it installs
# under its state dir, so the two never meet.)
install_driver_terraform() {
  local zip="terraform_${DRIVER_TERRAFORM_VERSION}_linux_amd64.zip"
  fetch_verified "https://releases.hashicorp.com/terraform/${DRIVER_TERRAFORM_VERSION}/${zip}" \
    "$DRIVER_TERRAFORM_SHA256" "$work/$zip"
  unzip -q -o "$work/$zip" -d "$work/terraform"
  install -m 0755 "$work/terraform/terraform" /usr/local/bin/terraform
  terraform version
}

# Pre-seed the shared plugin cache with the AWS provider, so no machine downloads it.
seed_provider_cache() {
  install -d -m 0755 "$cache_dir"
  [[ -n ${DRIVER_AWS_PROVIDER_VERSION:-} ]] || return 0
  mkdir "$work/seed"
  cat >"$work/seed/main.tf" <<TF
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "= ${DRIVER_AWS_PROVIDER_VERSION}" }
  }
}
TF
  (cd "$work/seed" && TF_PLUGIN_CACHE_DIR="$cache_dir" CHECKPOINT_DISABLE=1 terraform init -input=false -backend=false >/dev/null)
  log "plugin cache: $(find "$cache_dir" -name 'terraform-provider-aws*' -type f | head -n 1)"
}

# The fleeting plugin for docker-autoscaler pools, installed the way gitlab-runner documents
# it (`gitlab-runner fleeting install` for the plugins a config names) into the path the
# gitlab-runner drop-in sets as FLEETING_PLUGIN_PATH.
install_fleeting_plugin() {
  local dir=/usr/local/lib/fleeting-plugins
  install -d -m 0755 "$dir"
  printf '[[runners]]\n  name = "plugin-install"\n  url = "https://gitlab.com"\n  token = "unused"\n  executor = "docker-autoscaler"\n  [runners.autoscaler]\n    plugin = "%s"\n' \
    "$FLEETING_PLUGIN" >"$work/fleeting.toml"
  FLEETING_PLUGIN_PATH=$dir gitlab-runner fleeting -c "$work/fleeting.toml" install
  FLEETING_PLUGIN_PATH=$dir gitlab-runner fleeting -c "$work/fleeting.toml" list
}

install_runnerfleet() {
  verify_sha256 "$RF_BUILD_DIR/runnerfleet" "$RUNNERFLEET_SHA256"
  install -m 0755 "$RF_BUILD_DIR/runnerfleet" /usr/local/bin/runnerfleet
  runnerfleet version

  local src="$RF_BUILD_DIR/systemd"
  install -m 0644 "$src/runnerfleet-reconcile.service" "$src/runnerfleet-reconcile.timer" \
    "$src/runnerfleet.service" /etc/systemd/system/
  install -d -m 0755 /etc/systemd/system/gitlab-runner.service.d
  install -m 0644 "$src/gitlab-runner.service.d/runnerfleet.conf" /etc/systemd/system/gitlab-runner.service.d/
  install -m 0644 "$src/runnerfleet.tmpfiles" /etc/tmpfiles.d/runnerfleet.conf
  systemd-tmpfiles --create /etc/tmpfiles.d/runnerfleet.conf
  install -m 0644 "$src/env.example" /etc/runnerfleet/env.example
  systemctl daemon-reload
  # Disabled until configured: the user-data writes /etc/runnerfleet/env and enables the
  # timer; without that file the units do not even start (ConditionPathExists).
  systemctl disable runnerfleet-reconcile.timer runnerfleet-reconcile.service runnerfleet.service 2>/dev/null || true
  systemd-analyze verify /etc/systemd/system/runnerfleet-reconcile.service \
    /etc/systemd/system/runnerfleet-reconcile.timer /etc/systemd/system/runnerfleet.service
}

install_gitlab_runner
install_fleeting_plugin
install_docker_machine
install_driver_terraform
install_runnerfleet
seed_provider_cache
systemctl enable gitlab-runner.service
rm -rf "$work"
