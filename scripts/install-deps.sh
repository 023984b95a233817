#!/usr/bin/env bash
# Installs the Debian packages a group of make targets needs, when they are missing.
# Usage: scripts/install-deps.sh build|test|package|wine
# As root on Debian/Ubuntu it installs them with apt-get; otherwise it prints what to install and fails.
# wine: what packaging/test-wine.sh needs to run the Windows installer and program. Both are 64-bit,
# so wine64 is enough: no wine32, no i386 architecture (some machines cannot run 32-bit code at all).
# test: python3-pypump is for the test that runs Debian's PyPump on an exported account (persist/pypump_test.go);
# PyPump imports six without depending on it (python3-dateutil pulls it in today), so six is named too.
set -euo pipefail

build=(gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev)
test=("${build[@]}" fonts-noto-color-emoji xvfb xdotool imagemagick x11-utils tesseract-ocr tesseract-ocr-eng python3-pypump python3-six)
package=("${build[@]}" xvfb xdotool imagemagick x11-utils xz-utils file desktop-file-utils nsis gcc-mingw-w64-x86-64 osslsigncode openssl dpkg-dev)
wine=(wine wine64 xvfb xdotool imagemagick x11-utils gcc-mingw-w64-x86-64)

case "${1:-}" in
build) want=("${build[@]}") ;;
test) want=("${test[@]}") ;;
package) want=("${package[@]}") ;;
wine) want=("${wine[@]}") ;;
*) echo "usage: $0 build|test|package|wine" >&2; exit 2 ;;
esac

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
	for p in "${want[@]}"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		[[ $status == "install ok installed" ]] || missing+=("$p")
	done
else
	echo "Not a Debian/Ubuntu system: make sure the equivalents of these are installed: ${want[*]}" >&2
	exit 0
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
	echo "Installing missing packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
	echo "Missing packages: ${missing[*]}" >&2
	echo "Install them with: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi
