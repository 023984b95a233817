package localeenv

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestNormalise(t *testing.T) {
	tests := []struct {
		name                                 string
		lcAll, lcMessages, lang, languageVar string
		wantVar, wantValue                   string // the variable set to "C"; "" for none
	}{
		{name: "C.UTF-8", lang: "C.UTF-8", wantVar: "LANG", wantValue: "C"},
		{name: "C.utf8 in LC_ALL", lcAll: "C.utf8", lang: "de_DE.UTF-8", wantVar: "LC_ALL", wantValue: "C"},
		{name: "POSIX with a modifier", lcMessages: "POSIX@euro", wantVar: "LC_MESSAGES", wantValue: "C"},
		{name: "plain C is left", lang: "C"},
		{name: "a language is left", lang: "es_ES.UTF-8"},
		{name: "LC_ALL wins over a C LANG", lcAll: "fr_FR.UTF-8", lang: "C.UTF-8"},
		{name: "LANGUAGE is used instead", lang: "C.UTF-8", languageVar: "de"},
		{name: "a name that only starts with C", lang: "Ca_ES.UTF-8"},
		{name: "nothing set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"LC_ALL": tt.lcAll, "LC_MESSAGES": tt.lcMessages, "LANG": tt.lang, "LANGUAGE": tt.languageVar}
			for k, v := range vars {
				t.Setenv(k, v)
			}
			changed.name = ""
			Normalise()
			for k, v := range vars {
				want := v
				if k == tt.wantVar {
					want = tt.wantValue
				}
				if got := os.Getenv(k); got != want {
					t.Errorf("after normalise %s=%q, want %q", k, got, want)
				}
			}
			Restore()
			for k, v := range vars {
				if got := os.Getenv(k); got != v {
					t.Errorf("after Restore %s=%q, want %q as it was", k, got, v)
				}
			}
		})
	}
}

// This package's init runs before Fyne's lang package reads the locale
// only while it imports nothing log does not, and its path sorts before
// "log" (see the package comment).
func TestInitializedBeforeLog(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	deps := func(pkg string) []string {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	self := "github.com/pumpconnect/pumpconnect/gui/localeenv"
	logDeps := deps("log")
	for _, d := range deps(self) {
		if d != self && !slices.Contains(logDeps, d) {
			t.Errorf("localeenv imports %s, which log does not: lang's init may run first", d)
		}
	}
	if self >= "log" {
		t.Errorf("%s sorts after log", self)
	}
	if !slices.Contains(deps("fyne.io/fyne/v2/lang"), "log") {
		t.Error("fyne's lang package no longer imports log: find another package it imports to sort before")
	}
}
