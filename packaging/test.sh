#!/usr/bin/env bash
# Checks the packages that `make package` built (run it as `make package-test`, which builds them
# first when they are missing or stale). Needs no display: it starts its own Xvfb. Screenshots go
# to artifacts/package/. Prints PASS/FAIL per check and ends with "N passed, M failed"; exits
# non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
. packaging/test-lib.sh # also ROOT, GO, DIST, BUILD, ART, NAME, ID, VERSION, EXE

BUILDNO=$(toml_get Build)
TARBALL=$DIST/$EXE-$VERSION-linux-amd64.tar.xz
DEB=$DIST/${EXE}_$VERSION-${BUILDNO}_amd64.deb
WINEXE=$DIST/$EXE-$VERSION-windows-amd64.exe
SETUP=$DIST/$EXE-$VERSION-windows-amd64-setup.exe

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pumpconnect-package-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$ART"
t_start=$SECONDS
echo "Testing the $NAME $VERSION (build $BUILDNO) packages in $DIST"

# --- the icon -------------------------------------------------------------------------------------
check "Icon.png is a 512×512 PNG" bash -c 'file Icon.png | grep -q "PNG image data, 512 x 512"'
check "Icon.png is exactly what packaging/icon draws" \
	bash -c "'$GO' run ./packaging/icon -out '$tmp/icon.png' && cmp Icon.png '$tmp/icon.png'"

# --- the checkout was left alone ------------------------------------------------------------------
leftovers() {
	local f found=0
	for f in fyne_metadata_init.go fyne.syso "$NAME.tar.xz" "$NAME.exe" "$EXE.exe" zz_package_metadata.go; do
		[[ -e $f ]] && { echo "left in the checkout: $f"; found=1; }
	done
	return $found
}
check "packaging left no fyne files in the checkout" leftovers
check "FyneApp.toml in the checkout is the one packaging started from (Build not bumped)" \
	sha256sum -c --quiet "$BUILD/FyneApp.toml.sha256"

# --- every artifact is there ----------------------------------------------------------------------
for f in "$TARBALL" "$DEB" "$WINEXE" "$SETUP"; do
	check "built $(basename "$f") ($(du -h "$f" 2>/dev/null | cut -f1))" test -s "$f"
done
[[ -f $DIST/SHA256SUMS ]] && check "SHA256SUMS match" bash -c "cd '$DIST' && sha256sum -c --quiet SHA256SUMS"

# --- Linux tar.xz: make install into a prefix, then run the installed binary ---------------------
listing=$(tar -tJf "$TARBALL" 2>&1)
check "tar.xz holds the binary, .desktop file, icon and Makefile" bash -c '
	for p in "/Makefile$" "/bin/'"$EXE"'$" "/share/applications/'"$ID"'\.desktop$" "/share/pixmaps/'"$ID"'\.png$"; do
		grep -Eq "$p" <<<"$1" || { echo "missing $p in:"; echo "$1"; exit 1; }
	done' _ "$listing"

mkdir -p "$tmp/tar" "$tmp/prefix"
tar -C "$tmp/tar" -xJf "$TARBALL"
unpacked=$(dirname "$(find "$tmp/tar" -name Makefile | head -n1)")
PREFIX=$tmp/prefix
check "make install PREFIX=… installs the binary, .desktop file and icon" bash -c "
	make -C '$unpacked' install PREFIX='$PREFIX' &&
	test -x '$PREFIX/bin/$EXE' && test -f '$PREFIX/share/applications/$ID.desktop' &&
	test -f '$PREFIX/share/pixmaps/$ID.png'"
desktop=$PREFIX/share/applications/$ID.desktop
check "installed .desktop file passes desktop-file-validate" desktop-file-validate "$desktop"
desk=$(cat "$desktop" 2>/dev/null)
check ".desktop file: Name, GenericName, Exec, Icon, Categories=Network, Comment" bash -c '
	for p in "^Name=$2$" "^GenericName=.+" "^Exec=$3$" "^Icon=$4$" "^Categories=(.*;)?Network;" "^Comment=.+" "^Type=Application$"; do
		grep -Eq "$p" <<<"$1" || { echo "no line matches /$p/ in:"; echo "$1"; exit 1; }
	done' _ "$desk" "$NAME" "$EXE" "$ID"
# The menu entry in the app's languages: the same keys for each, from packaging/linux/desktop-translations.
desktop_translated() { # desktop_translated FILE
	local l k
	for l in es de fr; do
		for k in Name GenericName Comment Keywords; do
			grep -Eq "^$k\[$l\]=.+" "$1" || { echo "no $k[$l] in $1:"; cat "$1"; return 1; }
		done
	done
	grep -Fxq 'Comment[es]=Conecta tu cuenta de pump.io: escribe usuario@tu.servidor y aprueba en tu navegador' "$1" ||
		{ echo "Comment[es] is not the Spanish one:"; grep '^Comment' "$1"; return 1; }
}
check ".desktop file: Name, GenericName, Comment and Keywords in Spanish, German and French" desktop_translated "$desktop"
check "installed binary is a stripped x86-64 ELF executable" bash -c \
	"file -L '$PREFIX/bin/$EXE' | grep -E 'ELF 64-bit.*x86-64' | grep -q ', stripped'"

# Release builds are made with -trimpath: they name no folder of the machine that built them.
no_build_paths() { # no_build_paths BINARY
	local v p
	v=$("$GO" version -m "$1") || return 1
	grep -q $'^\tbuild\t-trimpath=true$' <<<"$v" || { echo "not built with -trimpath:"; grep $'\tbuild\t' <<<"$v"; return 1; }
	for p in "$ROOT" "$BUILD"; do
		if LC_ALL=C grep -aqF "$p" "$1"; then echo "$1 names $p:"; LC_ALL=C grep -aoF "$p" "$1" | head -n 3; return 1; fi
	done
}
check "installed binary is built with -trimpath and names no build folder" no_build_paths "$PREFIX/bin/$EXE"

# Built with the app's tags (the Makefile's APP_TAGS), as the tests ran.
built_with_tags() { # built_with_tags BINARY
	local v want=${APP_TAGS-no_emoji} t
	v=$("$GO" version -m "$1") || return 1
	for t in ${want//,/ }; do
		grep -Eq $'^\tbuild\t-tags=(.*,)?'"$t"'(,.*)?$' <<<"$v" || { echo "not built with -tags $t:"; grep $'\tbuild\t-tags' <<<"$v"; return 1; }
	done
}
check "installed binary is built with the app's tags (${APP_TAGS-no_emoji})" built_with_tags "$PREFIX/bin/$EXE"

# The installed binary, on a fresh Xvfb display, with a throwaway HOME (no real accounts touched).
gui_run() {
	mkdir -p "$tmp/home"
	HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_DATA_HOME=$tmp/home/.local/share \
		timeout 120 xvfb-run -a -s "-screen 0 1024x768x24" bash -c '
		bin=$1 title=$2 shot=$3
		t0=$(date +%s%N)
		"$bin" >"$shot.log" 2>&1 &
		pid=$!
		wid=$(timeout 30 xdotool search --sync --onlyvisible --name "^$title\$" | head -n1)
		if [[ -z $wid ]]; then
			echo "no visible window named \"$title\" within 30 s; the app said:"; cat "$shot.log"
			kill $pid 2>/dev/null; exit 1
		fi
		t1=$(date +%s%N)
		echo "window $wid \"$(xdotool getwindowname "$wid")\" after $(( (t1 - t0) / 1000000 )) ms"
		sleep 2 # let it draw, and make sure it stays up
		import=/usr/bin/import; [[ -x $import ]] || import=import
		"$import" -window "$wid" "$shot"
		if ! kill -0 $pid 2>/dev/null; then echo "the app exited:"; cat "$shot.log"; exit 1; fi
		kill $pid; wait $pid 2>/dev/null
		exit 0' _ "$PREFIX/bin/$EXE" "$NAME" "$ART/linux-installed.png"
}
gui_out=$(gui_run 2>&1)
gui_rc=$?
if ((gui_rc == 0)); then
	pass "installed binary shows its \"$NAME\" window under Xvfb ($(grep -o 'after [0-9]* ms' <<<"$gui_out"))"
else
	fail "installed binary shows its \"$NAME\" window under Xvfb"
	sed 's/^/    | /' <<<"$gui_out" | tail -n 20
fi
check "screenshot artifacts/package/linux-installed.png is not blank" bash -c "
	n=\$(/usr/bin/convert '$ART/linux-installed.png' -format %k info:) && echo \"\$n colours\" && ((n > 2))"
check "make uninstall PREFIX=… removes what it installed" bash -c "
	make -C '$unpacked' uninstall PREFIX='$PREFIX' &&
	test -z \"\$(find '$PREFIX' -type f)\""

# --- .deb -----------------------------------------------------------------------------------------
info=$(dpkg-deb -I "$DEB" 2>&1)
check ".deb control: Package, Version, Architecture, Maintainer, Description" bash -c '
	for p in "^ Package: $2$" "^ Version: $3$" "^ Architecture: amd64$" "^ Maintainer: .+<.+@.+>" "^ Description: .+" "^ Section: net$" "^ Installed-Size: [0-9]+$"; do
		grep -Eq "$p" <<<"$1" || { echo "no line matches /$p/ in:"; echo "$1"; exit 1; }
	done' _ "$info" "$EXE" "$VERSION-$BUILDNO"
maintainer=${PKG_MAINTAINER:-Pump Connect developers <developers@pumpconnect.invalid>}
check ".deb Maintainer is \"$maintainer\" (PKG_MAINTAINER)" \
	bash -c 'grep -Fxq " Maintainer: $2" <<<"$1" || { echo "$1" | grep Maintainer; exit 1; }' _ "$info" "$maintainer"
depends=$(sed -n 's/^ Depends: //p' <<<"$info")
check ".deb Depends has the GL/X11 runtime libraries and libc6 ($depends)" bash -c '
	for p in libc6 libgl1 libx11-6 libxcursor1 libxrandr2 libxinerama1 libxi6 libxxf86vm1; do
		grep -Eq "(^|, )$p( |,|$)" <<<"$1" || { echo "Depends lacks $p: $1"; exit 1; }
	done' _ "$depends"
check ".deb Recommends an emoji font (the app is built without Fyne's: APP_TAGS=no_emoji)" \
	bash -c 'grep -Eq "^ Recommends: .*fonts-noto-color-emoji" <<<"$1" || { echo "$1" | grep Recommends; exit 1; }' _ "$info"
contents=$(dpkg-deb -c "$DEB" 2>&1)
check ".deb installs the binary, .desktop file and icons under /usr" bash -c '
	for p in " \./usr/bin/$2$" " \./usr/share/applications/$3\.desktop$" " \./usr/share/icons/hicolor/512x512/apps/$3\.png$" " \./usr/share/icons/hicolor/32x32/apps/$3\.png$"; do
		grep -Eq "$p" <<<"$1" || { echo "no entry matches /$p/ in:"; echo "$1"; exit 1; }
	done
	if grep -Ev " \./(usr(/.*)?)?$" <<<"$1"; then echo "^ entries outside /usr"; exit 1; fi
	grep -E "^-rwxr-xr-x root/root .* \./usr/bin/$2$" <<<"$1" >/dev/null || { echo "binary not 0755 root:root"; exit 1; }' \
	_ "$contents" "$EXE" "$ID"
dpkg-deb -x "$DEB" "$tmp/deb"
check ".deb .desktop file passes desktop-file-validate" desktop-file-validate "$tmp/deb/usr/share/applications/$ID.desktop"
check ".deb .desktop file in Spanish, German and French" desktop_translated "$tmp/deb/usr/share/applications/$ID.desktop"
check ".deb binary is the tarball's binary" cmp "$tmp/deb/usr/bin/$EXE" "$(find "$unpacked/usr" -path "*/bin/$EXE" | head -n1)"

# --- Windows --------------------------------------------------------------------------------------
winfile=$(file -b "$WINEXE")
check "app exe is a PE32+ x86-64 GUI program ($winfile)" \
	bash -c 'grep -Eq "^PE32\+ executable \(GUI\) x86-64" <<<"$1"' _ "$winfile"
exe_resources() {
	x86_64-w64-mingw32-objcopy -O binary --only-section=.rsrc "$WINEXE" "$tmp/rsrc.bin" || return 1
	LC_ALL=C grep -qa $'\x89PNG' "$tmp/rsrc.bin" || { echo "no PNG icon in .rsrc"; return 1; }
	grep -aq "<assemblyIdentity version=\"$VERSION.$BUILDNO\" [^>]*name=\"$NAME\"" "$tmp/rsrc.bin" ||
		{ echo "no manifest for \"$NAME\" $VERSION.$BUILDNO in .rsrc:"; grep -ao '<assemblyIdentity[^>]*>' "$tmp/rsrc.bin"; return 1; }
}
check "app exe carries its icon and a manifest naming \"$NAME\" $VERSION.$BUILDNO" exe_resources
check "app exe is built with -trimpath and names no build folder" no_build_paths "$WINEXE"
check "app exe is built with the app's tags (${APP_TAGS-no_emoji})" built_with_tags "$WINEXE"
setupfile=$(file -b "$SETUP")
# A 64-bit NSIS stub (Target amd64-unicode), like the program. file(1) does not name NSIS here.
check "installer is a PE32+ x86-64 GUI program ($setupfile)" \
	bash -c 'grep -Eq "^PE32\+ executable \(GUI\) x86-64" <<<"$1"' _ "$setupfile"
check "installer is a Nullsoft installer" grep -aq 'Nullsoft' "$SETUP"
check "installer runs without admin rights (asInvoker manifest)" grep -aq 'level="asInvoker"' "$SETUP"

# The installer's own texts in each of the app's languages: installer.nsi built again with a stand-in
# program, once with -WX (a LangString missing in a language is a warning: it fails), once without
# compression (the release installer's texts are compressed), whose texts are then looked for as
# NSIS stores them (UTF-16LE).
installer_texts() {
	local d=$tmp/nsis
	mkdir -p "$d" && printf 'MZ' >"$d/app.exe" && "$GO" run ./packaging/icon -ico "$d/app.ico" || return 1
	local defs=("-DAPP_NAME=$NAME" "-DAPP_ID=$ID" "-DVERSION=$VERSION" "-DBUILD=$BUILDNO" "-DAPP_EXE=$d/app.exe" "-DICON=$d/app.ico")
	makensis -V2 -WX -INPUTCHARSET UTF8 "${defs[@]}" "-DOUT_FILE=$d/strict-test.exe" packaging/windows/installer.nsi || return 1
	makensis -V1 -INPUTCHARSET UTF8 "-XSetCompressor /FINAL zlib" "-XSetCompress off" \
		"${defs[@]}" "-DOUT_FILE=$d/texts-test.exe" packaging/windows/installer.nsi || return 1
	perl -e '
		local $/; open(my $f, "<:raw", shift) or die $!; my $exe = <$f>; my $bad = 0;
		for my $t (@ARGV) {
			utf8::decode(my $u = $t);
			my $w = join "", map { pack "v", ord } split //, $u;
			if (index($exe, $w) < 0) { print "not in the installer: $t\n"; $bad = 1 }
		}
		exit $bad' "$d/texts-test.exe" \
		"This will install $NAME" "Se instalará $NAME" "wird nur für Sie installiert" "va être installé pour vous seul" \
		"Ciérralo y haz clic en Reintentar" "klicken Sie dann auf „Wiederholen“" "Fermez-le, puis cliquez sur Recommencer" \
		"Also remove your saved $NAME accounts" "¿Quitar también de este equipo" "Auch Ihre in $NAME gespeicherten Konten" "Supprimer aussi de cet ordinateur" \
		"Abrir $NAME ahora" "$NAME jetzt starten" "Lancer $NAME maintenant"
}
check "installer speaks English, Spanish, German and French (makensis -WX; the texts are in it)" installer_texts

# make keeps the signing settings each dist folder was built with in build/sign.<hash of its path>.cfg.
sign_cfg=$BUILD/sign.$(printf '%s' "$DIST" | md5sum | cut -c1-8).cfg
if [[ $(cat "$sign_cfg" 2>/dev/null) == unsigned ]]; then
	check "dist/ exe and installer are unsigned (no SIGN_CERT given)" bash -c "
		for f in '$WINEXE' '$SETUP'; do
			osslsigncode verify -in \"\$f\" 2>&1 | grep -q 'No signature found' || { echo \"\$f has a signature\"; exit 1; }
		done"
else
	echo "SKIP: dist/ was built with SIGN_CERT, not checking that it is unsigned"
fi

# Signing with a throwaway self-signed code-signing certificate, through the real make target.
openssl req -x509 -newkey rsa:3072 -sha256 -days 2 -nodes -subj "/CN=Pump Connect test signing" \
	-addext "extendedKeyUsage=codeSigning" -addext "keyUsage=digitalSignature" \
	-keyout "$tmp/sign.key" -out "$tmp/sign.crt" >/dev/null 2>&1
t0=$SECONDS
check "make package-windows SIGN_CERT=… SIGN_KEY=… builds signed exe and installer" \
	make --no-print-directory package-windows PKG_DIST="$tmp/signed" SIGN_CERT="$tmp/sign.crt" SIGN_KEY="$tmp/sign.key"
echo "      (signed build took $((SECONDS - t0)) s)"
for f in "$tmp/signed/$(basename "$WINEXE")" "$tmp/signed/$(basename "$SETUP")"; do
	check "osslsigncode verify: $(basename "$f") is signed by the test certificate" bash -c "
		out=\$(osslsigncode verify -CAfile '$tmp/sign.crt' -in '$f' 2>&1); rc=\$?
		grep -q 'Pump Connect test signing' <<<\"\$out\" && grep -q 'Signature verification: ok' <<<\"\$out\" && ((rc == 0)) ||
			{ echo \"\$out\"; exit 1; }"
done
check "signed exe is still a PE32+ GUI program" bash -c "file -b '$tmp/signed/$(basename "$WINEXE")' | grep -q '^PE32+ executable (GUI) x86-64'"

# --- Windows, for real: the installer and the program under wine ----------------------------------
bash packaging/test-wine.sh | tee "$tmp/wine.out"
wine_rc=${PIPESTATUS[0]}
passed=$((passed + $(grep -c '^PASS: ' "$tmp/wine.out")))
failed=$((failed + $(grep -c '^FAIL: ' "$tmp/wine.out")))
if ((wine_rc != 0)) && ! grep -q '^FAIL: ' "$tmp/wine.out"; then
	fail "packaging/test-wine.sh ended early (exit $wine_rc)"
fi

echo "package-test took $((SECONDS - t_start)) s"
echo "$passed passed, $failed failed"
((failed == 0))
