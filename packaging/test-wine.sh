#!/usr/bin/env bash
# The Windows installer and program, for real, under wine: called by packaging/test.sh (make
# package-test), or alone: bash packaging/test-wine.sh (after make package). Needs wine64
# (scripts/install-deps.sh wine), Xvfb, xdotool, ImageMagick and x86_64-w64-mingw32-gcc; starts its
# own display, a fresh wine prefix in build/wine/prefix and the test pump.io server on loopback.
#
# The very installer in dist/ is installed silently, the installed program started, started
# again (it must bring the first to the front), connected to pumptest through a fake browser, asked
# for the account's keys (-export: redirected to a file, and typed in a console without redirection,
# where the GUI program must attach to it), restarted (it must reconnect by itself), and
# uninstalled with the registered QuietUninstallString, first while it runs (refused, non-zero),
# then closed (0, removed, the accounts kept). Screenshots go to artifacts/package/windows-*.png.
# Prints PASS/FAIL per check and ends with "wine: N passed, M failed"; exits non-zero when anything
# failed.
#
# Test-only helpers, built here and never shipped: a stand-in for bcryptprimitives.dll (wine 8
# lacks it, Go programs need it: packaging/wine/bcryptprimitives.c), packaging/wine/wintool.c (the
# foreground window; run a registered command line as a package manager would; run a GUI program
# with no console nor standard handles, as cmd.exe does on Windows) and packaging/wine/pumpserve
# (pumptest, driven from this script).
set -uo pipefail
cd "$(dirname "$0")/.."
. packaging/test-lib.sh # also ROOT, GO, DIST, BUILD, ART, NAME, ID, VERSION, EXE

WINEXE=$DIST/$EXE-$VERSION-windows-amd64.exe
SETUP=$DIST/$EXE-$VERSION-windows-amd64-setup.exe
W=$BUILD/wine
mkdir -p "$ART"
t_start=$SECONDS

summary() {
	echo "wine: $passed passed, $failed failed ($((SECONDS - t_start)) s)"
	((failed == 0))
}
ms() { echo $(($(date +%s%N) / 1000000)); }
# poll SECONDS CMD…: runs CMD every 0.1 s until it succeeds (0) or SECONDS have passed (1).
poll() {
	local end=$(($(ms) + $1 * 1000))
	shift
	until "$@" >/dev/null 2>&1; do
		(($(ms) < end)) || return 1
		sleep 0.1
	done
}

# wine64 alone: the installer and the program are 64-bit, and some machines cannot run 32-bit code.
if [[ -x /usr/lib/wine/wine64 ]]; then # Debian: not on PATH
	WINE=/usr/lib/wine/wine64
	export WINELOADER=$WINE
else
	WINE=$(command -v wine64 || command -v wine || true)
fi
if [[ -z $WINE ]] || ! command -v wineserver >/dev/null; then
	fail "wine is installed (scripts/install-deps.sh wine installs it)"
	summary
	exit
fi
echo "Testing $(basename "$SETUP") under $("$WINE" --version 2>/dev/null) ($WINE)"

export WINEPREFIX=$W/prefix WINEARCH=win64 WINEDEBUG=-all
# No Mono/Gecko prompts, no menu entries on this machine.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
[[ -d $WINEPREFIX ]] && wineserver -k 2>/dev/null
rm -rf "$W"
mkdir -p "$W/tools"

xvfb_pid='' serve_pid='' app_pid=''
cleanup() {
	wineserver -k 2>/dev/null
	[[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null
	[[ -n $xvfb_pid ]] && kill "$xvfb_pid" 2>/dev/null
}
trap cleanup EXIT

# --- a display, the helpers, a fresh prefix ------------------------------------------------------
Xvfb -displayfd 5 -screen 0 1024x768x24 -nolisten tcp 5>"$W/display" >"$W/xvfb.log" 2>&1 &
xvfb_pid=$!
poll 10 test -s "$W/display" || { fail "Xvfb starts"; summary; exit; }
export DISPLAY=:$(head -n1 "$W/display")

build_tools() {
	x86_64-w64-mingw32-gcc -shared -O2 -s -o "$W/tools/bcryptprimitives.dll" packaging/wine/bcryptprimitives.c -ladvapi32 &&
		x86_64-w64-mingw32-gcc -O2 -s -municode -mconsole -o "$W/tools/wintool.exe" packaging/wine/wintool.c -ladvapi32 &&
		GOOS=windows GOARCH=amd64 CGO_ENABLED=0 "$GO" test -c -o "$W/tools/instance.test.exe" ./persist/instance &&
		"$GO" build -o "$W/tools/pumpserve" ./packaging/wine/pumpserve
}
check "test helpers built (bcryptprimitives.dll stand-in, wintool.exe, instance tests, pumpserve)" build_tools
wintool() { "$WINE" "$W/tools/wintool.exe" "$@" 2>&1 | tr -d '\r'; }

t0=$(ms)
check "a fresh wine prefix (wineboot -i)" "$WINE" wineboot -i
prefix_ms=$(($(ms) - t0))
# Go ≥ 1.24 programs need bcryptprimitives.dll (ProcessPrng), which real Windows has and wine 8 lacks.
cp "$W/tools/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
# URLs the program opens go (ShellExecute → winebrowser) to this fake browser, which only notes them.
printf '#!/bin/sh\nprintf "%%s\\n" "$1" >>"%s"\n' "$W/urls" >"$W/browser"
chmod +x "$W/browser"
"$WINE" reg add 'HKCU\Software\Wine\WineBrowser' /v Browsers /t REG_SZ /d "$W/browser" /f >/dev/null 2>&1

check "persist/instance tests pass under wine (the named pipe channel)" \
	timeout 120 "$WINE" "$W/tools/instance.test.exe" -test.count=1

# --- install -------------------------------------------------------------------------------------
USERDIR=$WINEPREFIX/drive_c/users/$(id -un)
INSTDIR=$USERDIR/AppData/Local/Programs/$NAME
APP=$INSTDIR/$NAME.exe
UNINSTALLER="$INSTDIR/Uninstall $NAME.exe"
SHORTCUT="$USERDIR/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/$NAME.lnk"
DATA=$USERDIR/AppData/Roaming/fyne/$ID
PREFS=$DATA/preferences.json
KEY='Software\Microsoft\Windows\CurrentVersion\Uninstall\'$ID

t0=$(ms)
timeout 120 "$WINE" "$SETUP" /S >"$W/install.log" 2>&1
rc=$?
install_ms=$(($(ms) - t0))
check "$(basename "$SETUP") /S exits 0 (exit $rc, $install_ms ms)" test "$rc" = 0
check "the program is installed in %LOCALAPPDATA%\\Programs\\$NAME, the very exe in dist/" cmp "$APP" "$WINEXE"
check "the uninstaller and the Start-menu shortcut are there" test -f "$UNINSTALLER" -a -f "$SHORTCUT"
reg=$("$WINE" reg query "HKCU\\$KEY" 2>&1 | tr -d '\r')
check "the uninstall registry entry names $NAME $VERSION, with a QuietUninstallString" bash -c '
	for p in "DisplayName +REG_SZ +$2$" "DisplayVersion +REG_SZ +$3$" "QuietUninstallString +REG_SZ +\".*\\\\Uninstall $2\.exe\" /S" "InstallLocation +REG_SZ"; do
		grep -Eq "$p" <<<"$1" || { echo "no line matches /$p/ in:"; echo "$1"; exit 1; }
	done' _ "$reg" "$NAME" "$VERSION"

# --- the program ---------------------------------------------------------------------------------
start_app() { # start_app LOG: starts the installed program (its wine process is app_pid)
	"$WINE" "$APP" >"$1" 2>&1 &
	app_pid=$!
}
find_window() { timeout "$1" xdotool search --sync --onlyvisible --name "^$NAME\$" 2>/dev/null | head -n1; }
count_windows() { xdotool search --onlyvisible --name "^$NAME\$" 2>/dev/null | wc -l; }
stop_app() { # asks the program to close (WM_CLOSE, as on logout), waits for it to end
	"$WINE" taskkill /IM "$NAME.exe" >/dev/null 2>&1
	poll 20 bash -c "! kill -0 $app_pid"
}
shot() { # shot FILE: the program's window (never import's interactive pick: it would wait for a click)
	[[ -n $wid ]] || { echo "no window to take"; return 1; }
	timeout 20 import -window "$wid" "$1" 2>/dev/null && (($(/usr/bin/convert "$1" -format %k info:) > 2))
}

t0=$(ms)
start_app "$W/app-1.log"
wid=$(find_window 30)
window_ms=$(($(ms) - t0))
if [[ -n $wid ]]; then
	pass "the installed program shows its \"$NAME\" window ($window_ms ms)"
else
	fail "the installed program shows its \"$NAME\" window"
	sed 's/^/    | /' "$W/app-1.log" | tail -n 20
fi
sleep 1 # let it draw
check "screenshot artifacts/package/windows-installed.png is not blank" shot "$ART/windows-installed.png"
check "it listens for a second start on a named pipe (instance.channel: pipe \\\\.\\pipe\\pumpconnect-…)" \
	grep -Eq '^pipe \\\\\.\\pipe\\pumpconnect-[0-9a-f]+$' "$DATA/instance.channel"

# A second start, with another program in front: the first comes to the front, no second window.
"$WINE" notepad.exe >/dev/null 2>&1 &
poll 20 bash -c "[[ \$('$WINE' '$W/tools/wintool.exe' foreground 2>/dev/null | tr -d '\r') == *Notepad* ]]"
before=$(wintool foreground)
t0=$(ms)
timeout 30 "$WINE" "$APP" >"$W/app-2.log" 2>&1
rc=$?
second_ms=$(($(ms) - t0))
check "a second start exits 0 at once (exit $rc, $second_ms ms)" test "$rc" = 0 -a "$second_ms" -lt 5000
poll 5 bash -c "[[ \$('$WINE' '$W/tools/wintool.exe' foreground 2>/dev/null | tr -d '\r') == '$NAME' ]]"
after=$(wintool foreground)
check "… and brings the first to the front (foreground: \"$before\" → \"$after\")" test "$before" != "$NAME" -a "$after" = "$NAME"
n=$(count_windows)
check "… and opens no window of its own ($n \"$NAME\" window)" test "$n" = 1
"$WINE" taskkill /IM notepad.exe >/dev/null 2>&1

# The registered quiet uninstall, while the program runs: refused, and it says so.
out=$(wintool run-registered "$KEY" QuietUninstallString)
rc=$?
check "while it runs, the registered QuietUninstallString refuses: non-zero exit ($rc)" \
	bash -c '(($1 != 0 && $1 != 255)) || { echo "$2"; exit 1; }' _ "$rc" "$out"
check "… and removes nothing; the program keeps running" \
	bash -c "test -f '$APP' -a -f '$UNINSTALLER' -a -f '$SHORTCUT' && '$WINE' reg query 'HKCU\\$KEY' >/dev/null 2>&1 && kill -0 $app_pid"

# --- connect to pumptest on loopback -------------------------------------------------------------
"$W/tools/pumpserve" -urls "$W/urls" -stats "$W/stats" >"$W/pumpserve.log" 2>&1 &
serve_pid=$!
poll 20 grep -q '^address ' "$W/pumpserve.log"
addr=$(sed -n 's/^address //p' "$W/pumpserve.log")
count() { sed -n "s/^$1 //p" "$W/stats" 2>/dev/null; }
# connected: the preferences hold the account (one JSON line; the account is a JSON string in it).
connected() { grep -Fq "\"account/$addr\":" "$PREFS" && grep -Eq '\\"token\\":\\"[^\\"]+' "$PREFS"; }
# The address field has the focus on the first start: type the address and press Enter.
t0=$(ms)
xdotool windowfocus --sync "$wid" 2>/dev/null
xdotool type --delay 20 "$addr"
xdotool key Return
poll 30 grep -q . "$W/urls"
poll 30 grep -q '^approve' "$W/pumpserve.log"
poll 30 connected
connect_ms=$(($(ms) - t0 - 20 * ${#addr})) # not counting the typing
check "Enter opens the browser (winebrowser) on pumptest's authorize page" grep -q "^http://${addr#*@}/oauth/authorize?oauth_token=" "$W/urls"
check "alice approves in the browser" grep -qx approved "$W/pumpserve.log"
check "the account lands in %APPDATA%\\fyne\\$ID\\preferences.json: $addr, with a token ($connect_ms ms)" connected
sleep 1
check "screenshot artifacts/package/windows-connected.png is not blank" shot "$ART/windows-connected.png"
check "one registration ($(count register))" test "$(count register)" = 1

# --- restart: it reconnects by itself ------------------------------------------------------------
check "it closes when asked (taskkill)" stop_app
whoami=$(count whoami) registrations=$(count register) request_tokens=$(count request-token)
t0=$(ms)
start_app "$W/app-3.log"
wid=$(find_window 30)
poll 30 bash -c "(( \$(sed -n 's/^whoami //p' '$W/stats') > $whoami ))"
restart_ms=$(($(ms) - t0))
check "after a restart it reconnects: whoami asked again ($whoami → $(count whoami), $restart_ms ms)" test "$(count whoami)" -gt "$whoami"
check "… with the stored registration and tokens (register $registrations → $(count register), request-token $request_tokens → $(count request-token))" \
	test "$(count register)" = "$registrations" -a "$(count request-token)" = "$request_tokens"
same_as_connected() {
	shot "$ART/windows-restarted.png" || return 1
	local d
	d=$(compare -metric RMSE "$ART/windows-connected.png" "$ART/windows-restarted.png" null: 2>&1 | sed -n 's/.*(\(.*\)).*/\1/p')
	awk -v d="${d:-1}" 'BEGIN { exit !(d < 0.01) }'
}
check "… and shows the connected screen again (artifacts/package/windows-restarted.png matches windows-connected.png)" \
	poll 10 same_as_connected

# --- -export: the keys for scripts, from the installed program (its window still open) ----------
# After the restart: wine's console (conhost under script(1)) once kept the restarted program's
# window from being found.
# Only key names reach this log, never values: they are the account's keys (pumptest's, here).
# pypump_json FILE: FILE is what `-export $addr` prints, the JSON object of PyPump's credentials.json
# for $addr, one key a line: exactly the five keys, each a non-empty string but the expiry, a number.
pypump_json() {
	tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' | grep -v '^[[:space:]]*$' | awk -v p="$addr-" '
		function bad(why) { print why; failed = 1 }
		NR == 1 { if ($0 != "{") bad("line 1 is not {"); next }
		closed { bad("line " NR " comes after }"); next }
		$0 == "}" { closed = 1; next }
		match($0, /^  "[^"]+": /) {
			k = substr($0, 4, RLENGTH - 6); v = substr($0, RLENGTH + 1); sub(/,$/, "", v)
			if (index(k, p) != 1) { bad("a key is not for " p); next }
			k = substr(k, length(p) + 1); seen[k]++
			if (k == "client-expirey" ? v !~ /^[0-9]+$/ : v !~ /^"[^"\\]+"$/) bad("the value of " k " is not as expected")
			next
		}
		{ bad("line " NR " is not a \"key\": value line") }
		END {
			if (!closed) bad("no closing }")
			n = split("client-key client-secret client-expirey oauth-access-token oauth-access-secret", want, " ")
			for (i = 1; i <= n; i++) if (seen[want[i]] != 1) bad(want[i] " appears " seen[want[i]] + 0 " times, not once")
			for (k in seen) if (!(" " k " " ~ " (client-key|client-secret|client-expirey|oauth-access-token|oauth-access-secret) ")) bad("unexpected key " k)
			exit failed
		}'
}
# env_lines FILE: FILE is what `-export $addr -format env` prints: comments and export NAME='…' lines
# for the seven PUMP_ variables, which a shell sources; the token is the one in preferences.json.
env_lines() {
	local n missing=
	for n in PUMP_WEBFINGER PUMP_SERVER PUMP_CLIENT_KEY PUMP_CLIENT_SECRET PUMP_CLIENT_EXPIRES PUMP_TOKEN PUMP_TOKEN_SECRET; do
		grep -Eq "^export $n='[^']+'\$" "$1" || missing+=" $n"
	done
	[[ -z $missing ]] || { echo "no export NAME='…' line for:$missing"; return 1; }
	if grep -Evq "^(#.*|export PUMP_[A-Z_]+='[^']*')\$" "$1"; then
		echo "a line is neither a comment nor export NAME='…'"
		return 1
	fi
	bash -c '. "$1" && [[ $PUMP_WEBFINGER == "$2" && $PUMP_SERVER == "http://${2#*@}" ]] && grep -Fq -e "$PUMP_TOKEN" -- "$3"' _ "$1" "$addr" "$PREFS" ||
		{ echo "sourced, PUMP_WEBFINGER is not $addr, PUMP_SERVER not http://${addr#*@}, or PUMP_TOKEN is not the stored token"; return 1; }
}
# exited RC WANT ERRFILE: the exit status RC is WANT; with WANT 0, ERRFILE (stderr) is empty.
exited() {
	(($1 == $2)) || { echo "exit $1, not $2"; cat "$3"; return 1; }
	(($2 != 0)) || ! test -s "$3" || { echo "stderr:"; cat "$3"; return 1; }
}
# refused RC OUTFILE ERRFILE: exit 1, nothing on stdout, stderr says $unknown is not saved.
refused() {
	exited "$1" 1 "$3" && ! test -s "$2" && grep -q "no account $unknown is saved" "$3" ||
		{ echo "stdout $(wc -c <"$2") bytes; stderr:"; cat "$3"; return 1; }
}
"$WINE" "$APP" -export "$addr" >"$W/export.json" 2>"$W/export.err"
rc=$?
check "-export $addr > file: exit 0 ($rc), nothing on stderr" exited "$rc" 0 "$W/export.err"
check "… and the file holds PyPump's five keys for $addr" pypump_json "$W/export.json"
"$WINE" "$APP" -export "$addr" -format env >"$W/export.env" 2>"$W/export.err"
rc=$?
check "-export $addr -format env > file: exit 0 ($rc), nothing on stderr" exited "$rc" 0 "$W/export.err"
check "… export PUMP_TOKEN='…' and the six other lines, which a shell sources" env_lines "$W/export.env"
unknown=bob@${addr#*@}
"$WINE" "$APP" -export "$unknown" >"$W/unknown.out" 2>"$W/unknown.err"
rc=$?
check "-export $unknown (not saved): exit 1 ($rc), nothing on stdout, why on stderr" refused "$rc" "$W/unknown.out" "$W/unknown.err"

# Typed in cmd.exe or PowerShell without redirection, the GUI program has no console and no standard
# handles on real Windows: it must attach to the console it was typed in and write there. wine hands
# a GUI program its parent's console and handles instead (also in wineconsole's cmd), so wintool
# run-no-std starts it as Windows does. wine's console needs a terminal: script(1) gives it one,
# wide enough that conhost wraps no line.
in_console() { # in_console CMDLINE [OUT]: runs it so (stdout to OUT when given); prints what the console showed
	WINE=$WINE WT=$W/tools/wintool.exe CMDLINE=$1 OUT=${2-} timeout 60 script -qec \
		'stty cols 500 rows 50; "$WINE" "$WT" run-no-std "$CMDLINE" ${OUT:+"$OUT"}' /dev/null </dev/null |
		tr -d '\r' | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g'
	return "${PIPESTATUS[0]}"
}
WINAPP="C:\\users\\$(id -un)\\AppData\\Local\\Programs\\$NAME\\$NAME.exe"
in_console "\"$WINAPP\" -export $addr" >"$W/console.txt"
rc=$?
check "in a console, unredirected: -export $addr exits 0 ($rc)" test "$rc" = 0
check "… and the console shows PyPump's five keys for $addr" pypump_json "$W/console.txt"
in_console "\"$WINAPP\" -export $addr" "Z:${W//\//\\}\\console-out.json" >"$W/console.txt"
rc=$?
check "in a console, stdout alone redirected (> file): exit 0 ($rc), the console shows nothing" \
	bash -c '(($1 == 0)) && ! grep -q "[^[:space:]]" "$2"' _ "$rc" "$W/console.txt"
check "… and the file holds the five keys" pypump_json "$W/console-out.json"
in_console "\"$WINAPP\" -export $unknown" >"$W/console.txt"
rc=$?
check "in a console, -export $unknown: exit 1 ($rc), and the console says why" \
	bash -c '(($1 == 1)) && grep -q "no account $2 is saved" "$3" || { cat "$3"; exit 1; }' _ "$rc" "$unknown" "$W/console.txt"

# --- uninstall -----------------------------------------------------------------------------------
stop_app
t0=$(ms)
out=$(wintool run-registered "$KEY" QuietUninstallString)
rc=$?
exit_ms=$(($(ms) - t0))
poll 15 bash -c "! test -e '$INSTDIR'"
uninstall_ms=$(($(ms) - t0))
check "closed, the registered QuietUninstallString exits 0 ($rc, after $exit_ms ms; all gone after $uninstall_ms ms)" \
	bash -c '(($1 == 0)) || { echo "$2"; exit 1; }' _ "$rc" "$out"
check "… and removes the program, its folder, the shortcut and the registry entry" bash -c "
	for f in '$APP' '$UNINSTALLER' '$INSTDIR' '$SHORTCUT'; do [[ -e \$f ]] && { echo \"still there: \$f\"; exit 1; }; done
	! '$WINE' reg query 'HKCU\\$KEY' >/dev/null 2>&1 || { echo 'the registry entry is still there'; exit 1; }"
check "… and keeps the accounts (preferences.json with $addr)" connected

# Not a failure, but worth knowing: under wine without a window manager, the program sometimes
# faults while it exits after having had the focus (a click does it too, not only a second start).
if faulted=$(grep -l 'Unhandled page fault' "$W"/app-*.log 2>/dev/null); then
	echo "NOTE: the program faulted while exiting under wine ($(basename -a $faulted | tr '\n' ' '))"
fi
wineserver -k 2>/dev/null
wineserver -w 2>/dev/null
# The prefix is about 700 MB (wine 8 copies its DLLs into it): kept only to look into a failure.
((failed == 0)) && rm -rf "$WINEPREFIX"
echo "wine timings: prefix $prefix_ms ms, install $install_ms ms, window $window_ms ms, second start $second_ms ms," \
	"connect $connect_ms ms, restart $restart_ms ms, uninstall $uninstall_ms ms"
summary
