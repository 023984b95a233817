package pumpauth

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCleanDisplayName(t *testing.T) {
	long := strings.Repeat("a", 500)
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Alice Example", "Alice Example"},
		{"empty", "", ""},
		{"accents and scripts", "Zoë Ærø 李小龍", "Zoë Ærø 李小龍"},
		{"emoji kept", "Alice 🐱", "Alice 🐱"},
		{"trimmed", "  Alice  ", "Alice"},
		{"white space collapsed", "Alice \t\n\r  Example", "Alice Example"},
		{"no-break and ideographic spaces", "Alice\u00A0\u3000Example", "Alice Example"},
		{"line and paragraph separators", "Alice\u2028Example\u2029", "Alice Example"},
		{"right-to-left override", "\u202Eevil\u202C name", "evil name"},
		{"every bidi control", "a\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061Cb", "ab"},
		{"zero width", "Al\u200Bi\u200Cc\u200De\u2060\uFEFF", "Alice"},
		{"soft hyphen", "Al\u00ADice", "Alice"},
		{"controls", "Al\x00i\x07c\x1be\x7f\u0085", "Alice"},
		{"newline between words", "evil\nname", "evil name"},
		{"Hangul fillers", "\u3164\u115F\u1160\uFFA0Bob", "Bob"},
		{"private use", "Bob\uE000\U000F0000", "Bob"},
		{"noncharacters", "Bob\uFFFE\uFDD0", "Bob"},
		{"invalid UTF-8", "Bo\xffb\xc0", "Bob"},
		{"only invisible", "\u202E\u200B \n", ""},
		{"64 runes kept", strings.Repeat("é", 64), strings.Repeat("é", 64)},
		{"65 runes cut", strings.Repeat("é", 65), strings.Repeat("é", 63) + "…"},
		{"long name cut", "\u202Eevil\nname" + long, "evil name" + strings.Repeat("a", 63-len("evil name")) + "…"},
		{"cut leaves no space before …", strings.Repeat("a", 62) + " bcd", strings.Repeat("a", 62) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CleanDisplayName(tt.in)
			if got != tt.want {
				t.Errorf("CleanDisplayName(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > 64 {
				t.Errorf("%d runes", n)
			}
			if again := CleanDisplayName(got); again != got {
				t.Errorf("not idempotent: %q → %q", got, again)
			}
		})
	}
}

// FuzzCleanDisplayName checks what every cleaned name promises: valid
// UTF-8, no control, format (bidi, zero-width) or private-use character,
// no space at either end nor two in a row, at most 64 runes, and cleaning
// it again changes nothing.
func FuzzCleanDisplayName(f *testing.F) {
	for _, s := range []string{"Alice Example", "\u202Eevil\u202C\nname", "a\u200Db", "\xff\xfe", "  ",
		strings.Repeat("é ", 40), strings.Repeat("a", 63) + " b", "\u3164x\U000E0041"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := CleanDisplayName(in)
		if !utf8.ValidString(out) {
			t.Fatalf("CleanDisplayName(%q) = %q: not UTF-8", in, out)
		}
		if n := utf8.RuneCountInString(out); n > maxDisplayName {
			t.Fatalf("CleanDisplayName(%q) has %d runes", in, n)
		}
		for _, r := range out {
			if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs) || r == utf8.RuneError {
				t.Fatalf("CleanDisplayName(%q) = %q keeps %U", in, out, r)
			}
			if unicode.IsSpace(r) && r != ' ' {
				t.Fatalf("CleanDisplayName(%q) = %q keeps the space %U", in, out, r)
			}
		}
		if strings.TrimSpace(out) != out || strings.Contains(out, "  ") {
			t.Fatalf("CleanDisplayName(%q) = %q: spaces not collapsed and trimmed", in, out)
		}
		if again := CleanDisplayName(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", in, out, again)
		}
	})
}
