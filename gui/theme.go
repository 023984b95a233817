package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme is Pump Connect's look: Fyne's default theme, light or dark as the
// system (or FYNE_THEME) says, with only the colours that fail WCAG's 4.5:1
// for text changed. In Fyne 2.7.1's light variant the error red (3.7:1 on
// white), the warning orange (2.2:1), the success green (1.5:1) and the
// placeholder grey (3.2:1 in a field) are too faint to read, and white on
// the default blue of Connect and Post is 4.47:1, in both variants. The
// dark variant's own colours pass; TestTheme_TextContrast measures both.
func Theme() fyne.Theme { return appTheme{theme.DefaultTheme()} }

type appTheme struct{ fyne.Theme }

// The replacements, each the same hue made darker (Material's 800 shades for
// red and green).
var (
	lightError       = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff} // 5.6:1 on white, white on it too
	lightWarning     = color.NRGBA{R: 0x9a, G: 0x5b, B: 0x00, A: 0xff} // 5.4:1
	lightSuccess     = color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff} // 5.1:1
	lightPlaceHolder = color.NRGBA{R: 0x6e, G: 0x6e, B: 0x6e, A: 0xff} // 4.6:1 in a field
	fyneBlue         = color.NRGBA{R: 0x29, G: 0x6f, B: 0xf6, A: 0xff} // Fyne's default primary colour
	darkerBlue       = color.NRGBA{R: 0x1f, G: 0x66, B: 0xe5, A: 0xff} // white on it 5.1:1
)

// Color implements fyne.Theme.
func (t appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	c := t.Theme.Color(n, v)
	switch n {
	case theme.ColorNamePrimary:
		// Only Fyne's blue: a primary colour the person chose in Fyne's
		// settings stays theirs.
		if sameColor(c, fyneBlue) {
			return darkerBlue
		}
	}
	if v != theme.VariantLight {
		return c
	}
	switch n {
	case theme.ColorNameError:
		return lightError
	case theme.ColorNameWarning:
		return lightWarning
	case theme.ColorNameSuccess:
		return lightSuccess
	case theme.ColorNamePlaceHolder:
		return lightPlaceHolder
	}
	return c
}

func sameColor(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}
