package gui

import (
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// The Details of the problem screen show an error's technical text, and
// that text echoes the server's (a short message from its answer). A
// server or a proxy in front of it may echo what it was sent, secrets
// included, and people copy Details into bug reports. So before it is
// shown the text is cleaned by a redactor:
//
//   - it is decoded until nothing changes (percent-encoding, HTML
//     entities, \u and \x escapes, at most maxUnwrap rounds) and stripped
//     of invisible characters, so "OAUTH%5FTOKEN%3D…", "oauth_token%253D…"
//     or a key cut by a zero-width space read as what they are;
//   - the value of every key that names a secret (…secret…, …token…,
//     …verifier…, …signature…, …nonce…, …password…) is blanked, in
//     key=value, "key": "value", X-Key: value and HTML name="key"
//     value="…" forms, whatever the case, and so is a Bearer token (a
//     bare "key: value" counts only for keys with a _ or -, so that
//     "request token: the server …" keeps its words);
//   - every value the app knows to be secret for this attempt (client
//     secret, access token and its secret, request token, pasted code) is
//     blanked wherever it appears, whatever the case.
//
// Public identifiers stay visible: the client key (client_id,
// oauth_consumer_key) grants nothing without its secret and is what the
// server's admins need to find the registration; addresses and URLs
// without secret parameters help to understand the problem.
//
// The request token's secret, the nonces and the verifier of the browser
// flow never reach the GUI (they stay inside pumpauth): only their key=value
// forms can be blanked.

// hiddenMark replaces a blanked value. Its brackets occur in no OAuth
// token, so no secret can be formed across it.
const hiddenMark = "[hidden]"

// tooEncoded is what Details shows for a text that is still encoded after
// maxUnwrap rounds of decoding: no server sends that by mistake, and what
// it hides cannot be checked.
const tooEncoded = "(The server's text is not shown: it is encoded too many times to check it for secrets.)"

// maxUnwrap bounds the rounds of decoding.
const maxUnwrap = 8

// minKnownSecret is the shortest known secret blanked as such: shorter
// values would blank ordinary words (real tokens and secrets are 20 or
// more characters long).
const minKnownSecret = 8

// redactor blanks secrets in a text shown to people. The zero value blanks
// only secret-looking key=value pairs.
type redactor struct {
	known []string // known secrets, decoded and in ASCII lower case
}

// newRedactor returns a redactor that also blanks the given values
// (empty and short ones are ignored).
func newRedactor(secrets ...string) redactor {
	var r redactor
	for _, s := range secrets {
		forms := []string{asciiLower(strings.TrimSpace(s))}
		if d, ok := unwrap(strings.TrimSpace(s)); ok {
			forms = append(forms, asciiLower(d))
		}
		for _, f := range forms {
			if len(f) >= minKnownSecret && !slices.Contains(r.known, f) {
				r.known = append(r.known, f)
			}
		}
	}
	return r
}

// clean returns s decoded, without invisible characters, with every secret
// replaced by hiddenMark.
func (r redactor) clean(s string) string {
	s, ok := unwrap(s)
	if !ok {
		return tooEncoded
	}
	spans := secretValues(s)
	lower := asciiLower(s) // same length: offsets carry over
	for _, k := range r.known {
		for i := 0; ; {
			j := strings.Index(lower[i:], k)
			if j < 0 {
				break
			}
			spans = append(spans, span{i + j, i + j + len(k)})
			i += j + 1 // overlapping occurrences too
		}
	}
	return blank(s, spans)
}

// span is the byte range [from, to) of a secret in a text.
type span struct{ from, to int }

// blank replaces each union of overlapping or touching spans by hiddenMark.
func blank(s string, spans []span) string {
	if len(spans) == 0 {
		return s
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	var b strings.Builder
	last := 0 // s[:last] is written
	for i := 0; i < len(spans); {
		from, to := spans[i].from, spans[i].to
		for i++; i < len(spans) && spans[i].from <= to; i++ {
			to = max(to, spans[i].to)
		}
		b.WriteString(s[last:from])
		b.WriteString(hiddenMark)
		last = to
	}
	b.WriteString(s[last:])
	return b.String()
}

// secretPairs find the values of keys that name a secret; every capturing
// group is a value. Each runs on its own, so a match one of them makes
// cannot hide a pair from another.
var secretPairs = func() []*regexp.Regexp {
	const (
		word  = `(?:secret|token|verifier|signature|nonce|password|passwd)`
		key   = `[a-z0-9_.\-]*` + word + `[a-z0-9_.\-]*`
		ident = `[a-z0-9_.\-]*(?:[_\-][a-z0-9_.\-]*` + word + `|` + word + `[a-z0-9_.\-]*[_\-])[a-z0-9_.\-]*` // with a _ or -
		quote = `\\?["']?`
		// A value: double-quoted (also as \"…\" inside Go's %q), single-quoted, or bare.
		quoted = `(?:\\?"([^"\\]*)|\\?'([^'\\]*))`
		value  = `(?:\\?"([^"\\]*)|\\?'([^'\\]*)|([^\s&,;:"'<>(){}\[\]\\]+))`
	)
	return []*regexp.Regexp{
		regexp.MustCompile(`(?i)` + key + quote + `\s*=\s*` + value),                   // oauth_token=…, oauth_token="…"
		regexp.MustCompile(`(?i)` + key + quote + `\s+value\s*=\s*` + value),           // <input name="oauth_token" value="…">
		regexp.MustCompile(`(?i)` + key + quote + `\s*:\s*` + quoted),                  // "oauth_token": "…"
		regexp.MustCompile(`(?i)\\?["']` + key + `\\?["']\s*:\s*` + value),             // "oauth_token": 123
		regexp.MustCompile(`(?i)` + ident + `\s*:\s*` + value),                         // X-Auth-Token: … (not "request token: the …")
		regexp.MustCompile(`(?i)\bbearer\s+([a-z0-9._~+/=\-]+)`),                       // Authorization: Bearer …
		regexp.MustCompile(`(?i)\bauthorization\s*[:=]\s*basic\s+([a-z0-9._~+/=\-]+)`), // Authorization: Basic …
	}
}()

// secretValues returns where the values secretPairs find are.
func secretValues(s string) []span {
	var out []span
	for _, re := range secretPairs {
		for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
			for g := 2; g < len(m); g += 2 {
				if m[g] >= 0 && m[g+1] > m[g] {
					out = append(out, span{m[g], m[g+1]})
				}
			}
		}
	}
	return out
}

// unwrap decodes s until nothing changes, at most maxUnwrap rounds; ok is
// false when it still changes then.
func unwrap(s string) (_ string, ok bool) {
	for range maxUnwrap {
		t := stripInvisible(html.UnescapeString(unescapeBackslash(percentDecode(s))))
		if t == s {
			return s, true
		}
		s = t
	}
	return s, false
}

// percentDecode decodes every valid %XX and leaves the rest ('+' too).
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescapeBackslash decodes \uXXXX and \xXX, the escapes of JSON and of
// Go's %q (which quotes the server's message in pumpauth's errors).
func unescapeBackslash(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch {
			case s[i+1] == 'u' && i+5 < len(s) && allHex(s[i+2:i+6]):
				r := rune(0)
				for _, c := range []byte(s[i+2 : i+6]) {
					r = r<<4 | rune(unhex(c))
				}
				b.WriteRune(r) // a lone surrogate becomes U+FFFD, then goes
				i += 5
				continue
			case s[i+1] == 'x' && i+3 < len(s) && allHex(s[i+2:i+4]):
				b.WriteByte(unhex(s[i+2])<<4 | unhex(s[i+3]))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// stripInvisible drops what does not show and could hide a secret's
// parts from a search: format characters (bidi controls, zero-width
// characters), controls and bytes that are not UTF-8. Line breaks and
// tabs become spaces.
func stripInvisible(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError:
			return -1
		case r == '\n' || r == '\r' || r == '\t' || r == '\v' || r == '\f' || unicode.In(r, unicode.Zl, unicode.Zp):
			return ' '
		case unicode.In(r, unicode.Cc, unicode.Cf), pumpauth.IsInvisible(r):
			return -1
		}
		return r
	}, s)
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func allHex(s string) bool {
	for i := range len(s) {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// asciiLower lowers ASCII letters only, so offsets stay the same.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// secrets are the values the problem screen's Details must not show: the
// client secrets and tokens of the current attempt and of every stored
// account, the request token of the link on the approve or code screen,
// and the code pasted on the code screen. UI goroutine.
func (u *UI) secrets() []string {
	var out []string
	if a := u.ctl.cur; a != nil && a.pump != nil {
		cl, tok := a.pump.Client(), a.pump.Token()
		out = append(out, cl.Secret, tok.Token, tok.Secret)
	}
	for _, acct := range u.store.Accounts() {
		out = append(out, acct.ClientSecret, acct.Token, acct.TokenSecret)
	}
	for _, link := range []string{u.approve.link.Text, u.code.link.Text} {
		if l, err := url.Parse(link); err == nil {
			out = append(out, l.Query()["oauth_token"]...)
		}
	}
	return append(out, u.code.entry.Text)
}
