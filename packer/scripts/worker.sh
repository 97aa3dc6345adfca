#!/usr/bin/env bash
# Worker AMI: Docker from Ubuntu's packages, enabled, with the ssh user `ubuntu` in the docker
# group; optionally pre-pulled images (PREPULL_IMAGES, space separated).
# shellcheck source=lib.sh
. "$RF_LIB"

apt_install docker.io
systemctl enable docker.service containerd.service
systemctl start docker.service
usermod --append --groups docker ubuntu

# docker-machine configures the daemon's TLS listener (2376/tcp) when it provisions a machine;
# nothing else listens there until then.
read -r -a images <<<"${PREPULL_IMAGES:-}"
for image in "${images[@]}"; do
  log "pre-pulling $image"
  docker pull --quiet "$image"
done
docker image ls
