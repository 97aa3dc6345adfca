#!/usr/bin/env bash
# Functions shared by the provisioning scripts; each script sources it ("$RF_LIB").
# Every download goes through fetch_verified, which fails closed: a checksum that is not 64
# hex digits (such as a PLACEHOLDER) or that does not match stops the build.

export DEBIAN_FRONTEND=noninteractive

log() { printf '==> runnerfleet: %s\n' "$*" >&2; }

die() {
  printf '==> runnerfleet: ERROR: %s\n' "$*" >&2
  exit 1
}

# require_sha256 NAME VALUE: VALUE must be a SHA-256 (64 lowercase hex digits).
require_sha256() {
  local name=$1 value=$2
  if [[ ! $value =~ ^[0-9a-f]{64}$ ]]; then
    die "$name is not a SHA-256 (got '${value}'): set it in packer/variables.pkr.hcl or a var file"
  fi
}

# verify_sha256 FILE SHA256: sha256sum -c, so a mismatch or a malformed value fails.
verify_sha256() {
  local file=$1 sum=$2
  require_sha256 "the checksum of ${file##*/}" "$sum"
  if ! printf '%s  %s\n' "$sum" "$file" | sha256sum --check --strict --status -; then
    die "checksum mismatch for ${file##*/}: expected $sum, got $(sha256sum "$file" | cut -d' ' -f1)"
  fi
  log "verified ${file##*/} (sha256 $sum)"
}

# fetch URL DEST: HTTPS only, with retries; no checksum (callers verify a signature instead).
fetch() {
  local url=$1 dest=$2
  [[ $url == https://* ]] || die "refusing a download that is not HTTPS: $url"
  log "downloading $url"
  curl --fail --silent --show-error --location --proto '=https' --tlsv1.2 \
    --retry 5 --retry-delay 3 --connect-timeout 20 --output "$dest" "$url"
}

# fetch_verified URL SHA256 DEST: the checksum is checked before the download, and after it.
fetch_verified() {
  local url=$1 sum=$2 dest=$3
  require_sha256 "the checksum of ${url##*/}" "$sum"
  fetch "$url" "$dest"
  verify_sha256 "$dest" "$sum"
}

# require_fingerprint NAME VALUE: a full 40-hex-digit OpenPGP fingerprint.
require_fingerprint() {
  local name=$1 value=$2
  [[ $value =~ ^[0-9A-F]{40}$ ]] || die "$name must be a full 40-digit OpenPGP fingerprint, got '$value'"
}

# key_fingerprints FILE: the primary key fingerprints in an (armored or binary) key file.
key_fingerprints() {
  gpg --batch --with-colons --show-keys "$1" 2>/dev/null | awk -F: '$1 == "pub" {p = 1; next} p && $1 == "fpr" {print $10; p = 0}'
}

apt_install() {
  apt-get install -y -q --no-install-recommends "$@"
}
