#!/usr/bin/env bash
# Authenticode-signs a Windows executable in place with osslsigncode.
#
#   SIGN_CERT=cert.pem SIGN_KEY=key.pem packaging/sign.sh FILE.exe
#
# SIGN_CERT: certificate (PEM/DER, or a .spc chain), or a .p12/.pfx bundle (then SIGN_KEY is not needed).
# SIGN_KEY:  private key (PEM/DER/PVK). SIGN_PASS: its password, if any.
# SIGN_TIMESTAMP: an RFC 3161 timestamp server URL (needs network; without it the signature is
# valid only while the certificate is).
set -euo pipefail

file=${1:?usage: sign.sh FILE.exe}
[[ -f $file ]] || { echo "sign.sh: $file not found" >&2; exit 1; }
: "${SIGN_CERT:?sign.sh: SIGN_CERT is not set}"

args=(sign -h sha256 -n "${SIGN_DESCRIPTION:-Pump Connect}")
case $SIGN_CERT in
*.p12 | *.pfx) args+=(-pkcs12 "$SIGN_CERT") ;;
*) args+=(-certs "$SIGN_CERT" -key "${SIGN_KEY:?sign.sh: SIGN_KEY is not set}") ;;
esac
[[ -n ${SIGN_PASS:-} ]] && args+=(-pass "$SIGN_PASS")
[[ -n ${SIGN_TIMESTAMP:-} ]] && args+=(-ts "$SIGN_TIMESTAMP")

tmp="$file.signing"
rm -f "$tmp"
if ! osslsigncode "${args[@]}" -in "$file" -out "$tmp" >"$tmp.log" 2>&1; then
	cat "$tmp.log" >&2
	rm -f "$tmp" "$tmp.log"
	exit 1
fi
rm -f "$tmp.log"
mv -f "$tmp" "$file"
