package main

import "testing"

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
