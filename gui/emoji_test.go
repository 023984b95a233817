package gui

import (
	"bytes"
	"image"
	"image/draw"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// The app is built without Fyne's emoji font (the Makefile's APP_TAGS,
// no_emoji), which Fyne would parse for every text style before the first
// frame: an emoji in a name or a note is drawn from the system's fonts
// (fontscan), when a text has one. This draws some in a label, as the home
// and the inbox show names, and checks each is a glyph: not the box of a
// missing one, not nothing. With no emoji font on the system (the .deb
// recommends fonts-noto-color-emoji) it fails.
func TestEmojiAreDrawn(t *testing.T) {
	test.NewTempApp(t)
	draw := func(s string) []byte {
		w := test.NewTempWindow(t, widget.NewLabel(s))
		w.Resize(fyne.NewSize(80, 40))
		return rgba(w.Canvas().Capture()).Pix
	}
	missing := draw("\U000F0000") // private use: no font has it, so the missing-glyph box
	blank := draw(" ")
	if bytes.Equal(missing, blank) {
		t.Fatal("the missing-glyph box draws nothing: this test cannot tell")
	}
	for _, e := range []string{"😀", "🐇", "👍", "☕"} {
		got := draw(e)
		switch {
		case bytes.Equal(got, missing):
			t.Errorf("%q is drawn as a missing glyph: no font on this system has it", e)
		case bytes.Equal(got, blank):
			t.Errorf("%q is not drawn at all", e)
		}
	}
}

func rgba(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok {
		return r
	}
	r := image.NewRGBA(img.Bounds())
	draw.Draw(r, r.Bounds(), img, img.Bounds().Min, draw.Src)
	return r
}
