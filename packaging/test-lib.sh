# Helpers shared by packaging/test.sh and packaging/test-wine.sh (sourced, not run).
# Each check prints one PASS/FAIL line; the callers end with "N passed, M failed".

passed=0 failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
# check DESC CMD…: PASS when CMD succeeds; on failure shows the end of its output.
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$desc"
	else
		fail "$desc"
		tail -n 15 <<<"$out" | sed 's/^/    | /'
	fi
}
# has TEXT PATTERN: TEXT contains a line matching the extended regex PATTERN (says which when not).
has() { grep -Eq -- "$2" <<<"$1" || { echo "no line matches /$2/ in:"; echo "$1"; return 1; }; }

# toml_get KEY: the first `KEY = value` of FyneApp.toml's [Details], quotes stripped.
toml_get() {
	awk -v key="$1" '
		/^[[:space:]]*\[/ { section = $0; gsub(/[][[:space:]]/, "", section); next }
		section == "Details" && $0 ~ "^[[:space:]]*" key "[[:space:]]*=" {
			sub(/^[^=]*=[[:space:]]*/, ""); sub(/[[:space:]]*(#.*)?$/, ""); gsub(/^"|"$/, ""); print; exit
		}' FyneApp.toml
}

# Where things are, and what is being tested: the callers cd to the checkout first.
ROOT=$(pwd)
GO=${GO:-go}
DIST=$(realpath -m "${PKG_DIST:-dist}")
BUILD=$(realpath -m "${PKG_BUILD:-build}")
ART=$ROOT/artifacts/package
export LANG=en_US.UTF-8
unset GOFLAGS
NAME=$(toml_get Name)
ID=$(toml_get ID)
VERSION=$(toml_get Version)
EXE=$(basename "$(sed -n 's/^module[[:space:]]*//p' go.mod | tr -d '[:space:]')")
