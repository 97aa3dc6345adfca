#!/usr/bin/env bash
# Build the runnerfleet AMIs with Packer and print their ids for fleet.yaml.
# Run `packer/build.sh --help` for the options.
set -euo pipefail

# Builtins only, so --help works whatever PATH holds.
usage() {
  local text
  IFS= read -r -d '' text <<'USAGE' || true
Usage: packer/build.sh [options] [manager|worker|all]

Builds the runnerfleet AMIs in your AWS account: `packer init`, then `packer build` of
packer/manager.pkr.hcl, packer/worker.pkr.hcl, or both (the default, built in parallel).
At the end it prints the AMI ids as fleet.yaml lines (manager.image_id, pools[].image_id).

Options:
  -r, --region REGION        AWS region to build in (default: $AWS_REGION, else eu-west-1)
  -f, --var-file FILE        a Packer var file (repeatable), such as a copy of
                             packer/example.pkrvars.hcl; later files win
      --var NAME=VALUE       one Packer variable (repeatable)
  -b, --binary PATH          runnerfleet binary for the manager AMI (default: bin/runnerfleet,
                             from `make build`); its SHA-256 is verified on the image
      --manifest-dir DIR     where Packer writes its manifests (default: a temporary dir)
  -h, --help                 this help

Needs: Packer >= 1.7 on PATH (https://developer.hashicorp.com/packer/install), and AWS
credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO, or an instance
role) allowed to run and image EC2 instances. Versions and checksums of everything the
images download: packer/variables.pkr.hcl.

Examples:
  make build && packer/build.sh --region eu-west-1
  packer/build.sh -r eu-west-1 -f my.pkrvars.hcl worker
USAGE
  printf '%s' "$text"
}

die() {
  printf 'build.sh: error: %s\n' "$*" >&2
  exit 1
}

here=${BASH_SOURCE[0]%/*}
[[ $here == "${BASH_SOURCE[0]}" ]] && here=.
here=$(cd "$here" && pwd)
repo=${here%/*}

region=${AWS_REGION:-${AWS_DEFAULT_REGION:-eu-west-1}}
binary=$repo/bin/runnerfleet
manifest_dir=
target=all
var_args=()
var_files=()

while (($#)); do
  case $1 in
  -h | --help) usage; exit 0 ;;
  -r | --region) [[ $# -ge 2 ]] || die "$1 needs a value"; region=$2; shift 2 ;;
  --region=*) region=${1#*=}; shift ;;
  -f | --var-file) [[ $# -ge 2 ]] || die "$1 needs a value"; var_files+=("$2"); shift 2 ;;
  --var-file=*) var_files+=("${1#*=}"); shift ;;
  --var) [[ $# -ge 2 ]] || die "$1 needs a value"; var_args+=(-var "$2"); shift 2 ;;
  --var=*) var_args+=(-var "${1#*=}"); shift ;;
  -b | --binary) [[ $# -ge 2 ]] || die "$1 needs a value"; binary=$2; shift 2 ;;
  --binary=*) binary=${1#*=}; shift ;;
  --manifest-dir) [[ $# -ge 2 ]] || die "$1 needs a value"; manifest_dir=$2; shift 2 ;;
  manager | worker | all) target=$1; shift ;;
  *) die "unknown argument: $1 (see packer/build.sh --help)" ;;
  esac
done

for f in "${var_files[@]}"; do
  [[ -r $f ]] || die "var file $f: not found or not readable"
done

# ---- prerequisites: packer, AWS credentials ------------------------------------------------

command -v packer >/dev/null 2>&1 ||
  die "packer is not on PATH: install Packer >= 1.7 (https://developer.hashicorp.com/packer/install)"
packer_version=$(packer version 2>/dev/null | head -n 1)
if [[ $packer_version =~ v?([0-9]+)\.([0-9]+) ]]; then
  if ((BASH_REMATCH[1] == 1 && BASH_REMATCH[2] < 7)); then
    die "$packer_version is too old to build (no \`packer init\`, no required_plugins): install Packer >= 1.7"
  fi
fi

# True when some AWS credential source is configured; `aws sts` proves it when the CLI is here.
have_aws_credentials() {
  if command -v aws >/dev/null 2>&1; then
    aws sts get-caller-identity --region "$region" >/dev/null 2>&1
    return
  fi
  [[ -n ${AWS_ACCESS_KEY_ID:-} && -n ${AWS_SECRET_ACCESS_KEY:-} ]] && return 0
  [[ -n ${AWS_PROFILE:-} || -n ${AWS_WEB_IDENTITY_TOKEN_FILE:-} ]] && return 0
  [[ -n ${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}${AWS_CONTAINER_CREDENTIALS_FULL_URI:-} ]] && return 0
  [[ -n ${HOME:-} && (-s $HOME/.aws/credentials || -s $HOME/.aws/config) ]] && return 0
  # An instance role: ask IMDSv2 (unless disabled, as the SDKs allow).
  [[ ${AWS_EC2_METADATA_DISABLED:-} == true ]] && return 1
  command -v curl >/dev/null 2>&1 || return 1
  local token
  token=$(curl -sf -m 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' \
    http://169.254.169.254/latest/api/token 2>/dev/null) || return 1
  curl -sf -m 2 -H "X-aws-ec2-metadata-token: $token" \
    http://169.254.169.254/latest/meta-data/iam/security-credentials/ >/dev/null 2>&1
}
have_aws_credentials ||
  die "no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), run \`aws sso login\`, or build on an instance with an IAM role"

# ---- inputs of the manager AMI -------------------------------------------------------------

# set_in_var_files NAME: whether a var file or --var sets NAME.
set_in_var_files() {
  local name=$1 f a
  for a in "${var_args[@]}"; do [[ $a == "$name="* ]] && return 0; done
  for f in "${var_files[@]}"; do grep -Eq "^[[:space:]]*${name}[[:space:]]*=" "$f" && return 0; done
  return 1
}

# Placeholders fail the build on the instance anyway; failing here saves launching it.
check_placeholders() {
  local only=$1 name missing=()
  while read -r name; do
    case $only:$name in
    *:runnerfleet_sha256) continue ;; # computed below
    worker:gitlab_runner* | worker:docker_machine* | worker:driver_*) continue ;;
    esac
    set_in_var_files "$name" || missing+=("$name")
  done < <(awk '/^variable "/ {gsub(/"/, "", $2); v = $2} /default *= *"PLACEHOLDER/ {print v}' "$here/variables.pkr.hcl")
  ((${#missing[@]} == 0)) ||
    die "still placeholders in packer/variables.pkr.hcl: ${missing[*]}: set the published SHA-256 in a var file (--var-file) or in variables.pkr.hcl"
}
check_placeholders "$target"

if [[ $target != worker ]]; then
  [[ -f $binary ]] || die "no runnerfleet binary at $binary: run \`make build\` (GOOS=linux GOARCH=amd64) or pass --binary"
  command -v sha256sum >/dev/null 2>&1 || die "sha256sum is not on PATH"
  binary_sha=$(sha256sum "$binary" | cut -d' ' -f1)
  var_args+=(-var "runnerfleet_binary=$binary" -var "runnerfleet_sha256=$binary_sha")
fi

# ---- build ---------------------------------------------------------------------------------

if [[ -z $manifest_dir ]]; then
  manifest_dir=$(mktemp -d)
  trap 'rm -rf "$manifest_dir"' EXIT
fi
mkdir -p "$manifest_dir"

only=()
case $target in
manager) only=(-only=amazon-ebs.manager) ;;
worker) only=(-only=amazon-ebs.worker) ;;
esac

file_args=()
for f in "${var_files[@]}"; do file_args+=(-var-file="$f"); done

packer init "$here"
packer build "${only[@]}" -var "region=$region" -var "manifest_dir=$manifest_dir" \
  "${file_args[@]}" "${var_args[@]}" "$here"

# ---- result --------------------------------------------------------------------------------

# ami_of NAME: the AMI id of the last build NAME in its manifest ("artifact_id": "REGION:ami-…").
ami_of() {
  local manifest=$manifest_dir/$1.json
  [[ -f $manifest ]] || return 0
  grep -o '"artifact_id": *"[^"]*"' "$manifest" | tail -n 1 | sed -E 's/.*:(ami-[0-9a-f]+)"$/\1/'
}
manager_ami=$(ami_of manager)
worker_ami=$(ami_of worker)

[[ -n $manager_ami$worker_ami ]] || die "packer finished but wrote no AMI id to $manifest_dir"
echo
echo "# AMIs built in $region: paste into fleet.yaml"
[[ -n $manager_ami ]] && printf 'manager:\n  image_id: %s\n' "$manager_ami"
[[ -n $worker_ami ]] && printf 'pools:\n  - name: <each pool>\n    image_id: %s\n' "$worker_ami"
exit 0
