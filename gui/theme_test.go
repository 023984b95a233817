package gui

import (
	"image/color"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// Every colour Pump Connect draws text in reads at WCAG AA (4.5:1) on the
// backgrounds it is drawn on, in the light and the dark variant. -v prints
// the figures, with Fyne's own for comparison.
func TestTheme_TextContrast(t *testing.T) {
	test.NewTempApp(t)
	pairs := []struct {
		what   string
		fg, bg fyne.ThemeColorName
	}{
		{"text", theme.ColorNameForeground, theme.ColorNameBackground},
		{"text in a dialog", theme.ColorNameForeground, theme.ColorNameOverlayBackground},
		{"text in a field", theme.ColorNameForeground, theme.ColorNameInputBackground},
		{"a button's text", theme.ColorNameForeground, theme.ColorNameButton},
		{"a field's placeholder", theme.ColorNamePlaceHolder, theme.ColorNameInputBackground},
		{"an error (DangerImportance)", theme.ColorNameError, theme.ColorNameBackground},
		{"an error in a dialog", theme.ColorNameError, theme.ColorNameOverlayBackground},
		{"a warning", theme.ColorNameWarning, theme.ColorNameBackground},
		{"success", theme.ColorNameSuccess, theme.ColorNameBackground},
		{"Connect, Post (HighImportance)", theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary},
		{"Forget (DangerImportance)", theme.ColorNameForegroundOnError, theme.ColorNameError},
	}
	ours, fynes := Theme(), theme.DefaultTheme()
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		name := map[fyne.ThemeVariant]string{theme.VariantLight: "light", theme.VariantDark: "dark"}[v]
		for _, p := range pairs {
			got := contrast(ours.Color(p.fg, v), ours.Color(p.bg, v))
			t.Logf("%-5s %-32s %5.2f:1 (Fyne's %5.2f:1)", name, p.what, got, contrast(fynes.Color(p.fg, v), fynes.Color(p.bg, v)))
			if got < 4.5 {
				t.Errorf("%s: %s is %.2f:1, below 4.5:1", name, p.what, got)
			}
		}
	}
}

// Fyne draws a LowImportance label in the disabled colour (1.3:1 on white,
// 1.6:1 on the dark background): no text of ours uses it.
func TestTheme_NoFaintLabels(t *testing.T) {
	test.NewTempApp(t)
	act := pumpauth.Activity{Verb: "post", ObjectType: "note", ActorName: "Ada", Content: "<p>Hi</p>", Published: time.Now()}
	objs := test.LaidOutObjects(activityRow(act, "https://pump.example/ada/note/1", func(string) {}, nil))
	for _, st := range []accountState{stateUnknown, stateChecking, stateConnected, stateNeedsPermission, stateUnreachable} {
		r := &switcherRow{state: &widget.Label{}, open: newKeyButton("Open", widget.MediumImportance, nil, nil)}
		r.setState(st, false)
		objs = append(objs, r.state)
	}
	for _, o := range objs {
		if l, ok := o.(*widget.Label); ok && l.Importance == widget.LowImportance && l.Text != "" {
			t.Errorf("label %q is LowImportance: drawn in the disabled colour", l.Text)
		}
	}
}

// contrast is WCAG 2's contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
