package main

import (
	"runtime"
	"testing"
)

// The app's ID and name come from FyneApp.toml, which `fyne package` reads too.
func TestAppMetadata(t *testing.T) {
	m, err := appMetadata()
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "io.github.pumpconnect.PumpConnect" || m.Name != "Pump Connect" {
		t.Errorf("metadata %+v", m)
	}
}

// samePath compares Fyne's slash-separated folder with ours.
func TestSamePath(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"/home/a/.config/fyne/x", "/home/a/.config/fyne/x", true},
		{"/home/a/.config/fyne/x/", "/home/a/.config/fyne/x", true},
		{"/home/a/.config/fyne/x", "/home/a/.config/fyne/y", false},
		{"/home/a/.config/fyne/X", "/home/a/.config/fyne/x", runtime.GOOS == "windows"},
	} {
		if got := samePath(tc.a, tc.b); got != tc.want {
			t.Errorf("samePath(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
