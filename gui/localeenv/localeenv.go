// Package localeenv makes a C locale with an encoding ("C.UTF-8", Debian's
// default where none is set, or "POSIX.UTF-8") mean English to Fyne
// quietly.
//
// Fyne's lang package picks the language in its package initialisation,
// before main runs, from LC_ALL, LC_MESSAGES or LANG (through
// github.com/jeandeaual/go-locale). go-locale passes "C" and "POSIX" over,
// but makes "C.UTF-8" the language "C", which lang cannot parse: it logs
// "Fyne error: Error parsing user locale C" on every start (lang's init,
// lang/locale.go closestSupportedLocale) and again whenever translations
// are added. The language it then falls back to is English, which is
// right; only the message is wrong.
//
// This package's init replaces such a value with plain "C" for that time,
// and Restore puts the original back once the app's translations are in,
// so the programs Pump Connect starts (the browser) get the environment
// as it was.
//
// Why the init runs before lang's: Go initialises packages in the order of
// their import paths, each as soon as its imports are initialised (the Go
// spec, "Package initialization", since Go 1.21). This package imports
// only os, as does the log package that lang imports; its path
// ("github.com/…") sorts before "log", so it is initialised before log and
// hence before lang. localeenv_test.go checks both conditions, and
// main_test.go that a start with LANG=C.UTF-8 prints nothing.
package localeenv

import "os"

// The variables go-locale reads, in its order (locale_unix.go): the first
// one set wins, and LANGUAGE, when set, overrides it unless it is C.
var localeVars = [...]string{"LC_ALL", "LC_MESSAGES", "LANG"}

// changed is the variable set to "C" by init and its original value;
// name is "" when nothing was changed.
var changed struct{ name, value string }

func init() { Normalise() }

// Normalise sets the locale variable that holds a C locale with an
// encoding to plain "C", until Restore. init does it before Fyne reads the
// locale; call it again before lang reads it another time.
func Normalise() {
	if changed.name != "" {
		return // already done
	}
	for _, name := range localeVars {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		// go-locale uses LANGUAGE instead of a value other than C or
		// POSIX, when it is set: nothing to parse as C then.
		if v != "C" && v != "POSIX" && isC(v) && os.Getenv("LANGUAGE") == "" {
			if os.Setenv(name, "C") == nil {
				changed.name, changed.value = name, v
			}
		}
		return
	}
}

// isC reports a C or POSIX locale, with or without an encoding or a
// modifier: "C.UTF-8", "C.utf8", "POSIX@euro".
func isC(v string) bool {
	for _, c := range [...]string{"C", "POSIX"} {
		if len(v) > len(c) && v[:len(c)] == c && (v[len(c)] == '.' || v[len(c)] == '@') {
			return true
		}
		if v == c {
			return true
		}
	}
	return false
}

// Restore gives back the variable init changed, if any. Call it once the
// app's translations are added: later changes of the locale are not seen.
func Restore() {
	if changed.name != "" {
		_ = os.Setenv(changed.name, changed.value) // it was set before
		changed.name = ""
	}
}
