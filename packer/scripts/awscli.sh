#!/usr/bin/env bash
# Both AMIs: AWS CLI v2, pinned to AWSCLI_VERSION. AWS does not publish checksums of the
# installer; it signs it. The zip must carry a good signature by the key with the pinned
# fingerprint AWSCLI_PGP_FINGERPRINT, or the build stops.
# shellcheck source=lib.sh
. "$RF_LIB"

: "${AWSCLI_VERSION:?}" "${AWSCLI_PGP_FINGERPRINT:?}" "${PGP_KEYSERVER:?}"
require_fingerprint AWSCLI_PGP_FINGERPRINT "$AWSCLI_PGP_FINGERPRINT"

work=$(mktemp -d)
export GNUPGHOME="$work/gnupg"
mkdir -m 0700 "$GNUPGHOME"

zip="awscli-exe-linux-x86_64-${AWSCLI_VERSION}.zip"
fetch "https://awscli.amazonaws.com/${zip}" "$work/awscliv2.zip"
fetch "https://awscli.amazonaws.com/${zip}.sig" "$work/awscliv2.sig"

log "fetching the AWS CLI signing key $AWSCLI_PGP_FINGERPRINT from $PGP_KEYSERVER"
gpg --batch --quiet --keyserver "$PGP_KEYSERVER" --recv-keys "$AWSCLI_PGP_FINGERPRINT"

# VALIDSIG names the fingerprint of the key that made the signature: it must be the pinned one.
status=$(gpg --batch --status-fd 1 --verify "$work/awscliv2.sig" "$work/awscliv2.zip" 2>/dev/null || true)
if ! grep -Eq "^\[GNUPG:\] VALIDSIG [0-9A-F]+ .* ${AWSCLI_PGP_FINGERPRINT}\$|^\[GNUPG:\] VALIDSIG ${AWSCLI_PGP_FINGERPRINT} " <<<"$status"; then
  die "the AWS CLI installer $zip has no valid signature by $AWSCLI_PGP_FINGERPRINT"
fi
log "verified the signature of $zip"

unzip -q "$work/awscliv2.zip" -d "$work"
"$work/aws/install" --update --bin-dir /usr/local/bin --install-dir /usr/local/aws-cli
/usr/local/bin/aws --version
rm -rf "$work"
