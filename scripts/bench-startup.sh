#!/usr/bin/env bash
# Start-up time and memory of Pump Connect against Pumpa, side by side,
# under one Xvfb: time from exec until the window is mapped and visible, and
# peak RSS (VmHWM) after 3 s idle. Each program starts with an empty HOME
# (first run: Pump Connect shows its address screen, Pumpa its setup).
# Usage: scripts/bench-startup.sh [runs]   (default 7; prints medians)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
scripts/install-deps.sh test >/dev/null
command -v pumpa >/dev/null || { [[ $(id -u) -eq 0 ]] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pumpa >/dev/null; }

work=$(mktemp -d)
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
go build -ldflags="-s -w" -o "$work/pumpconnect" .

disp=:$((100 + RANDOM % 50))
Xvfb "$disp" -screen 0 1024x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
for _ in $(seq 100); do [[ -S /tmp/.X11-unix/X${disp#:} ]] && break; sleep 0.05; done
export DISPLAY=$disp LANG=en_US.UTF-8

# measure NAME TITLE-REGEX CMD...: prints "ms kib"
measure() {
	local title=$1; shift
	local home; home=$(mktemp -d "$work/home.XXXX")
	local t0 t1 pid
	t0=$(date +%s%N)
	HOME=$home XDG_CONFIG_HOME=$home/.config "$@" >/dev/null 2>&1 &
	pid=$!
	until xdotool search --onlyvisible --name "$title" >/dev/null 2>&1; do
		if ! kill -0 "$pid" 2>/dev/null; then echo "fail fail"; return; fi
		sleep 0.01
	done
	t1=$(date +%s%N)
	sleep 3
	local hwm; hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
	kill "$pid"; wait "$pid" 2>/dev/null || true
	echo "$(( (t1 - t0) / 1000000 )) $hwm"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%-14s %6s %12s %14s\n' program runs "start (ms)" "peak RSS (MiB)"
for prog in pumpconnect pumpa; do
	case $prog in
	pumpconnect) title='^Pump Connect$'; cmd=("$work/pumpconnect") ;;
	pumpa) command -v pumpa >/dev/null || { echo "pumpa: not installed"; continue; }; title='[Pp]umpa'; cmd=(pumpa) ;;
	esac
	: >"$work/$prog.txt"
	for _ in $(seq "$runs"); do measure "$title" "${cmd[@]}" >>"$work/$prog.txt"; done
	ms=$(cut -d' ' -f1 "$work/$prog.txt" | grep -v fail | median)
	kib=$(cut -d' ' -f2 "$work/$prog.txt" | grep -v fail | median)
	printf '%-14s %6s %12s %14s\n' "$prog" "$runs" "$ms" "$(awk -v k="$kib" 'BEGIN {printf "%.1f", k/1024}')"
done
