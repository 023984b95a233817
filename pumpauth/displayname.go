package pumpauth

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxDisplayName is the longest display name CleanDisplayName keeps, in runes.
const maxDisplayName = 64

// CleanDisplayName makes a display name from a server safe to show and store: control, bidi and other invisible format characters removed, white space collapsed, trimmed, at most 64 runes (longer names end in "…").
//
// Every Profile and Activity this package parses carries names already
// cleaned; call it for names that come from elsewhere (stored by an older
// version, typed). It is idempotent.
//
// Zero-width joiners (U+200D) and non-joiners (U+200C) go too, although
// emoji sequences (👩‍💻) and some scripts use them: such an emoji shows as
// its parts (👩💻), which stays readable, while a joiner kept anywhere could
// carry text the person does not see. Tag characters (U+E0020–U+E007F,
// which can spell hidden ASCII) are format characters and go as well.
func CleanDisplayName(s string) string {
	var b strings.Builder
	space := false // a space is pending: written before the next visible rune
	for _, r := range s {
		switch {
		case r == utf8.RuneError, IsInvisible(r):
			// Bytes that are not UTF-8, and characters that show nothing
			// but can reorder or hide what follows, go.
		case unicode.IsSpace(r), unicode.In(r, unicode.Zl, unicode.Zp):
			space = b.Len() > 0
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	out := b.String()
	if utf8.RuneCountInString(out) <= maxDisplayName {
		return out
	}
	cut := []rune(out)[:maxDisplayName-1]
	return strings.TrimRightFunc(string(cut), unicode.IsSpace) + "…"
}

// IsInvisible reports characters that show nothing, so they can hide,
// split or reorder text: controls (other than white space, which
// CleanDisplayName collapses), format characters
// (bidi embeddings, overrides, isolates and marks, zero-width joiners and
// spaces, the byte order mark, soft hyphen), private-use and noncharacter
// code points, and the Hangul fillers that render as blanks.
func IsInvisible(r rune) bool {
	switch r {
	case '\u115F', '\u1160', '\u3164', '\uFFA0':
		return true
	}
	if unicode.IsSpace(r) {
		return false
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs, unicode.Noncharacter_Code_Point)
}
