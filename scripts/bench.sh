#!/usr/bin/env bash
# `make bench`: Pump Connect side by side with Pumpa and Dianara (two other
# pump.io desktop clients, Qt, from Debian), and the protocol's Go benchmarks.
# Writes the generated part of docs/benchmarks.md (between its bench markers)
# and prints the same tables.
#
# Each start-up figure alternates the programs round by round (the order
# turns each round), each start with a fresh HOME and a fresh Xvfb display
# (-br: an undrawn window is black). scripts/benchtools measures, for each
# start: exec → a window of the process tree mapped; exec → its pixels no
# longer one colour (XGetImage of one row in 8, every 5 ms); RSS and PSS of
# the whole process tree after 3 s idle.
#
# Usage: scripts/bench.sh [rounds]   (default 7)
#   BENCH_OUT=file        write the report elsewhere than docs/benchmarks.md
#   BENCH_BASELINE=rev    also start Pump Connect as built from git revision rev, in the same alternation
#                         (a before/after column; a committed revision, built from `git archive`)
#   BENCH_TAGS=tags       build Pump Connect (not the baseline) with these go build tags instead of the
#                         app's own (APP_TAGS, from the Makefile; no_emoji) — BENCH_TAGS= builds with none
#                         (not the package's build: its sizes stay the release build's)
#   BENCH_DEB=file        our .deb for the sizes (`make bench` builds it and passes it); without it the
#                         newest dist/*.deb, or the stripped binary when there is none
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
out=${BENCH_OUT:-docs/benchmarks.md}
export LANG=en_US.UTF-8

scripts/install-deps.sh test >/dev/null
peers=(pumpa dianara)
for p in "${peers[@]}"; do
	if ! command -v "$p" >/dev/null; then
		if [[ $(id -u) -eq 0 ]]; then
			echo "installing $p…"
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >/dev/null
		else
			echo "$p is missing: sudo apt-get install $p" >&2
			exit 1
		fi
	fi
done

work=$(mktemp -d)
xvfb=
cleanup() {
	[[ -n $xvfb ]] && kill "$xvfb" 2>/dev/null && wait "$xvfb" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

echo "building…"
# The app's own tags: APP_TAGS as make exports it, else (run by hand, or a baseline revision)
# read from the Makefile.
app_tags() { sed -n 's/^export APP_TAGS := *//p' "$1/Makefile"; }
tags=${BENCH_TAGS-${APP_TAGS-$(app_tags .)}}
# Each program is copied once after the build, as an installer writes it: one build fresh from
# Go's linker had 2.6 MB more of its file resident at idle than the same bytes copied (20.6 MB
# against 18.0, in every start), which says how the page cache got the file, not the program.
settle() { cp "$1" "$1.copy" && mv "$1.copy" "$1"; }
go build -ldflags='-s -w' -trimpath -tags "$tags" -o "$work/pumpconnect" .
settle "$work/pumpconnect"
go build -o "$work/benchtools" ./scripts/benchtools
baseline=${BENCH_BASELINE:-}
if [[ -n $baseline ]]; then
	baseline=$(git rev-parse --short "$baseline")
	mkdir "$work/base"
	git archive "$baseline" | tar -x -C "$work/base"
	(cd "$work/base" && go build -ldflags='-s -w' -trimpath -tags "$(app_tags .)" -o "$work/pumpconnect-before" .)
	settle "$work/pumpconnect-before"
fi

# Our Linux package: BENCH_DEB (`make bench` builds it first, `make package-linux`), else the newest
# .deb in dist/, else none (then the stripped binary stands in for it in the sizes).
deb=${BENCH_DEB:-$(ls -t dist/*.deb 2>/dev/null | head -1 || true)}
if [[ -n $deb && ! -f $deb ]]; then
	echo "BENCH_DEB=$deb: no such file" >&2
	exit 1
fi

load() { cut -d' ' -f1-3 /proc/loadavg; }
busy() { awk -v n="$(nproc)" '{exit !($1 > n / 4)}' /proc/loadavg; }
load_start=$(load)
echo "load average: $load_start ($(nproc) cores)"
busy && echo "WARNING: the machine is busy (load ${load_start%% *} on $(nproc) cores): figures will be slow and noisy" >&2

# startx: a fresh Xvfb on a free display; sets DISPLAY and xvfb.
startx() {
	local n
	for n in $(seq 140 199); do
		[[ -e /tmp/.X$n-lock || -e /tmp/.X11-unix/X$n ]] || break
	done
	Xvfb ":$n" -screen 0 1024x768x24 -nolisten tcp -br >/dev/null 2>&1 &
	xvfb=$!
	export DISPLAY=:$n
	for _ in $(seq 200); do [[ -S /tmp/.X11-unix/X$n ]] && return; sleep 0.025; done
	echo "Xvfb :$n did not start" >&2
	exit 1
}
stopx() { kill "$xvfb" 2>/dev/null; wait "$xvfb" 2>/dev/null || true; xvfb=; }

# One start of a program: fresh display, fresh HOME. Appends "MAP PAINT RSS PSS" (or nothing) to $res/NAME.
res=$work/results
mkdir -p "$res"
run_one() {
	local name=$1; shift
	local home; home=$(mktemp -d "$work/home.XXXX")
	startx
	if ! HOME=$home XDG_CONFIG_HOME=$home/.config XDG_RUNTIME_DIR=$home "$work/benchtools" launch -- "$@" >>"$res/$name" 2>>"$res/$name.err"; then
		echo "  $name: failed ($(tail -1 "$res/$name.err"))" >&2
	fi
	stopx
	rm -rf "$home"
}

progs=(pumpconnect pumpa dianara)
[[ -n $baseline ]] && progs+=(before)
cmd_before=("$work/pumpconnect-before")
cmd_pumpconnect=("$work/pumpconnect")
cmd_pumpa=(pumpa)
cmd_dianara=(dianara)
for r in $(seq "$rounds"); do
	# The order turns each round: no program always starts right after another.
	order=()
	for i in "${!progs[@]}"; do order+=("${progs[$(((i + r) % ${#progs[@]}))]}"); done
	echo "round $r/$rounds (${order[*]}), load $(load)"
	for p in "${order[@]}"; do
		declare -n cmd="cmd_$p"
		run_one "$p" "${cmd[@]}"
		unset -n cmd
	done
done

echo "connect and reconnect…"
startx
"$work/benchtools" connect -bin "$work/pumpconnect" -rounds "$rounds" >"$work/connect" || echo "connect: failed" >&2
stopx
if [[ -n $baseline ]]; then
	startx
	"$work/benchtools" connect -bin "$work/pumpconnect-before" -rounds "$rounds" >"$work/connect-before" || echo "connect (before): failed" >&2
	stopx
fi
load_end=$(load)

# stat FILE COLUMN: "median min max" of a column.
stats() {
	awk -v c="$2" 'NF >= c {print $c}' "$1" | sort -n | awk '{a[NR]=$1} END {if (NR == 0) {print "- - -"; exit}
		m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; print m, a[1], a[NR]}'
}
# cell SCALE MEDIAN MIN MAX: "median (min–max)", divided by SCALE.
cell() { awk -v s="$1" -v m="$2" -v lo="$3" -v hi="$4" 'BEGIN {if (m == "-") {printf "–"; exit}; printf "%.0f (%.0f–%.0f)", m / s, lo / s, hi / s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f×", a / b; else print "-"}'; }

table=$work/table.md
{
	echo "Rounds: $rounds, alternating; load average at the start $load_start, at the end $load_end ($(nproc) cores)."
	echo
	echo "Pump Connect built with -tags '$tags'$([[ -n $baseline ]] && echo ", the baseline with -tags '$(app_tags "$work/base")'")."
	echo
	if [[ -n $baseline ]]; then
		echo "| figure (median, min–max) | Pump Connect | Pumpa | Dianara | ÷ Pumpa | ÷ Dianara | Pump Connect at $baseline (before) | before ÷ Pumpa | before ÷ Dianara |"
		echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	else
		echo "| figure (median, min–max) | Pump Connect | Pumpa | Dianara | ÷ Pumpa | ÷ Dianara |"
		echo "| --- | --- | --- | --- | --- | --- |"
	fi
	for f in "exec → window mapped (ms)@1@1" "exec → first painted content (ms)@2@1" \
		"RSS after 3 s idle, process tree (MB)@3@1024" "PSS after 3 s idle, process tree (MB)@4@1024"; do
		IFS=@ read -r label col scale <<<"$f"
		read -r m0 lo0 hi0 <<<"$(stats "$res/pumpconnect" "$col")"
		read -r m1 lo1 hi1 <<<"$(stats "$res/pumpa" "$col")"
		read -r m2 lo2 hi2 <<<"$(stats "$res/dianara" "$col")"
		row="| $label | $(cell "$scale" "$m0" "$lo0" "$hi0") | $(cell "$scale" "$m1" "$lo1" "$hi1") | $(cell "$scale" "$m2" "$lo2" "$hi2") | $(ratio "$m0" "$m1") | $(ratio "$m0" "$m2") |"
		if [[ -n $baseline ]]; then
			read -r m3 lo3 hi3 <<<"$(stats "$res/before" "$col")"
			row+=" $(cell "$scale" "$m3" "$lo3" "$hi3") | $(ratio "$m3" "$m1") | $(ratio "$m3" "$m2") |"
		fi
		echo "$row"
	done
	# runs FILE N: stats of the Nth figure of the reconnect_ms lines.
	runs() { awk -v n="$2" '$1 == "reconnect_ms" {print $(n + 1)}' "$1" >"$work/rc"; stats "$work/rc" 1; }
	echo
	echo "With a saved account (pumptest on loopback; Pump Connect only):"
	echo
	files=("$work/connect")
	if [[ -n $baseline ]]; then
		files+=("$work/connect-before")
		echo "| figure | median (min–max) | at $baseline (before) |"
		echo "| --- | --- | --- |"
	else
		echo "| figure | median (min–max) |"
		echo "| --- | --- |"
	fi
	for f in "restart: exec → window mapped (ms)@1" "restart: exec → first painted content (ms)@2" \
		"restart: exec → reconnect done (pumptest served the profile) (ms)@3"; do
		IFS=@ read -r label n <<<"$f"
		row="| $label |"
		for file in "${files[@]}"; do
			read -r m lo hi <<<"$(runs "$file" "$n")"
			row+=" $(cell 1 "$m" "$lo" "$hi") |"
		done
		echo "$row"
	done
	row="| first connect, Enter → connected (ms): total / server / scripted browser / **app** |"
	for file in "${files[@]}"; do
		read -r _ total server browser app <<<"$(grep '^connect_ms' "$file" || echo "x - - - -")"
		row+=" $total / $server / $browser / **$app** |"
	done
	echo "$row"
	row="| requests per first connect (pumptest; authorize = the browser's) |"
	for file in "${files[@]}"; do
		read -r _ n what <<<"$(grep '^connect_requests' "$file" || echo "x - -")"
		row+=" $n: $what |"
	done
	echo "$row"
	row="| requests per reconnect (pumptest; the most frequent count) |"
	for file in "${files[@]}"; do
		read -r _ n what <<<"$(grep '^reconnect_requests' "$file" | sort | uniq -c | sort -rn | head -1 | sed 's/^ *[0-9]* //' || echo "x - -")"
		row+=" $n: $what |"
	done
	echo "$row"
} >"$table"

# Sizes: our .deb (BENCH_DEB) or, without one, the stripped binary, against the peers' packages.
sizes=$work/sizes.md
closure() { # PACKAGES…: the packages of the union of their dependency closures, each once
	apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances "$@" 2>/dev/null |
		grep -E '^[a-z0-9]' | sort -u
}
kb() { xargs dpkg-query -W -f '${Installed-Size}\n' 2>/dev/null | awk '{s += $1} END {print s + 0}'; } # installed KiB of the packages on stdin
shared() { comm -12 <(closure "$1") <(closure $our_pkgs) | kb; }
bin_kb=$(( $(stat -c %s "$work/pumpconnect") / 1024 ))
if [[ -n $deb ]]; then
	# The closure as apt would pull it in for the peers: the package itself and the closure of its Depends
	# (every alternative named; Recommends left out, as for the peers).
	our_pkgs=$(dpkg-deb -f "$deb" Depends | tr ',|' '\n\n' | sed -E 's/\(.*\)//; s/:[a-z0-9]+//; s/[[:space:]]//g' | grep . | sort -u | tr '\n' ' ')
	our_inst=$(dpkg-deb -f "$deb" Installed-Size)
	ours_download="$(( $(stat -c %s "$deb") / 1024 )) ($(basename "$deb"))"
	ours_inst="$our_inst (Installed-Size)"
	ours_closure="$(( our_inst + $(closure $our_pkgs | kb) )) (the package and the closure of its Depends: ${our_pkgs% })"
else
	# No package: the Debian packages of the libraries the binary links (the path as ldd gives it or, on a
	# merged /usr, the other spelling of it).
	our_pkgs=$(for lib in $(ldd "$work/pumpconnect" | awk '/=> \// {print $3}'); do
		dpkg -S "$lib" 2>/dev/null || dpkg -S "${lib#/usr}" 2>/dev/null || dpkg -S "/usr$lib" 2>/dev/null || true
	done | cut -d: -f1 | sort -u | tr '\n' ' ')
	ours_download="not built (\`make bench\` builds it); stripped binary $bin_kb"
	ours_inst="$bin_kb (the binary)"
	ours_closure="$(closure $our_pkgs | kb) (the packages of the libraries it links: ${our_pkgs% })"
fi
{
	echo "| size | Pump Connect | Pumpa | Dianara |"
	echo "| --- | --- | --- | --- |"
	echo "| package download (KiB) | $ours_download | $(apt-cache show pumpa | awk '/^Size:/ {print int($2 / 1024); exit}') | $(apt-cache show dianara | awk '/^Size:/ {print int($2 / 1024); exit}') |"
	echo "| installed size of the package (KiB) | $ours_inst | $(dpkg-query -W -f '${Installed-Size}' pumpa) | $(dpkg-query -W -f '${Installed-Size}' dianara) |"
	echo "| install closure, each package counted once (KiB) | $ours_closure | $(closure pumpa | kb) | $(closure dianara | kb) |"
	echo "| closure shared with Pump Connect's (KiB) | – | $(shared pumpa) | $(shared dianara) |"
} >"$sizes"

echo "Go benchmarks…"
gobench=$work/gobench.txt
{
	go test -tags "$tags" -run '^$' -bench . -benchmem ./pumpauth/
	go test -tags "$tags" -run '^$' -bench AvatarDecode -benchmem ./gui/
} | grep -E '^(Benchmark|goos|cpu)' | awk '!/^(goos|cpu)/ || !seen[$0]++' >"$gobench"

gen=$work/gen.md
{
	echo "<!-- bench:begin (written by scripts/bench.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), $(git rev-parse --short HEAD 2>/dev/null || echo '?')) -->"
	echo
	cat "$table"
	echo
	cat "$sizes"
	echo
	echo '```'
	cat "$gobench"
	echo '```'
	echo
	echo "<!-- bench:end -->"
} >"$gen"
cat "$table" "$sizes"
echo
cat "$gobench"

# Replace the generated part of the report, keeping what is written around it.
if [[ -f $out ]] && grep -q '<!-- bench:begin' "$out"; then
	awk -v gen="$gen" '/<!-- bench:begin/ {while ((getline l < gen) > 0) print l; skip = 1; next}
		/<!-- bench:end -->/ {skip = 0; next} !skip' "$out" >"$work/out.md"
	cp "$work/out.md" "$out"
else
	{ echo "# Benchmarks"; echo; cat "$gen"; } >"$out"
fi
echo "wrote $out"
