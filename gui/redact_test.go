package gui

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/pumpconnect/pumpconnect/pumpauth"
	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// The secrets one attempt knows, as the table below plants them.
const (
	knownClientSecret = "Cl1entS3cretValue"
	knownToken        = "AccessTok3nValue"
	knownTokenSecret  = "Tok3nS3cretValue"
	knownVerifier     = "V3rifierValue99"
	knownRequestToken = "ReqTok3nValue77"
)

var knownSecrets = []string{knownClientSecret, knownToken, knownTokenSecret, knownVerifier, knownRequestToken}

// percentAll percent-encodes every byte of s.
func percentAll(s string) string {
	var b strings.Builder
	for i := range len(s) {
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}

func TestDetailsRedaction(t *testing.T) {
	tests := []struct {
		name   string
		text   string   // the error's text, as a server might make pumpauth echo it
		hidden []string // must not show (compared in lower case)
		shown  []string // must still show
	}{
		{"form pairs", `pumpauth: access token: the server answered with an error (HTTP 400: "oauth_token=unknownTok1&oauth_verifier=unknownVer1")`,
			[]string{"unknowntok1", "unknownver1"}, []string{"oauth_token=" + hiddenMark, "oauth_verifier=" + hiddenMark, "pumpauth: access token: the server"}},
		{"upper case", "OAUTH_TOKEN_SECRET=UnknownSecret2 OAUTH_NONCE=UnknownNonce2",
			[]string{"unknownsecret2", "unknownnonce2"}, []string{"OAUTH_TOKEN_SECRET=" + hiddenMark}},
		{"mixed case, encoded value", "OAuth_Signature=sig%2Bvalue%3D&Client_Secret=cs3",
			[]string{"sig+value", "sig%2bvalue", "cs3"}, nil},
		{"encoded key", "oauth%5Ftoken=encodedKey3", []string{"encodedkey3"}, []string{"oauth_token=" + hiddenMark}},
		{"encoded equals sign", "oauth_token%3DencodedEq4", []string{"encodedeq4"}, nil},
		{"lower-case escapes", "oauth%5ftoken%3dlowerHex5", []string{"lowerhex5"}, nil},
		{"double-encoded", "oauth_token%253DdoubleEnc6 %256Fauth_verifier=doubleEnc7", []string{"doubleenc6", "doubleenc7"}, nil},
		{"JSON", `{"client_secret":"jsonSecret8","client_id":"publicKey8"}`, []string{"jsonsecret8"}, []string{"publicKey8", `"client_secret":"` + hiddenMark}},
		{"JSON with spaces", `{"oauth_token_secret" : "two words here"}`, []string{"two", "words", "here"}, nil},
		{"JSON number", `{"nonce": 123456789}`, []string{"123456789"}, nil},
		{"JSON inside Go's %q", `(HTTP 500: "{\"oauth_token_secret\":\"quotedSecret9\"}")`, []string{"quotedsecret9"}, nil},
		{"JSON backslash-u escapes", `{"oauth\u005ftoken":"uEscape10"}`, []string{"uescape10"}, nil},
		{"HTML input", `<form><input type="hidden" name="oauth_token" value="htmlToken11"></form>`, []string{"htmltoken11"}, nil},
		{"HTML entities", `<p>oauth&#95;verifier&#61;entityVer12</p>`, []string{"entityver12"}, nil},
		{"OAuth header", `Authorization: OAuth oauth_consumer_key="publicKey13", oauth_nonce="nonce13", oauth_signature="sig13%3D", oauth_token="hdrToken13"`,
			[]string{"nonce13", "sig13", "hdrtoken13"}, []string{`oauth_consumer_key="publicKey13"`}},
		{"header line", "X-Auth-Token: hdrLine14", []string{"hdrline14"}, []string{"X-Auth-Token: "}},
		{"bearer", "Authorization: Bearer bearer15abc", []string{"bearer15abc"}, nil},
		{"key split by invisible characters", "oauth_\u200btoken=zw16 oauth_\u202Everifier=bidi16", []string{"zw16", "bidi16"}, nil},
		{"known, raw", "the server says " + knownClientSecret + " is wrong", []string{knownClientSecret}, []string{"the server says " + hiddenMark + " is wrong"}},
		{"known, upper case", "echo: " + strings.ToUpper(knownTokenSecret), []string{knownTokenSecret}, nil},
		{"known, every byte encoded", "echo " + percentAll(knownToken), []string{knownToken}, nil},
		{"known, encoded twice", "echo " + strings.ReplaceAll(percentAll(knownVerifier), "%", "%25"), []string{knownVerifier}, nil},
		{"known, split by a zero-width space", "echo " + knownRequestToken[:4] + "\u200b" + knownRequestToken[4:], []string{knownRequestToken}, nil},
		{"known, overlapping", knownToken + knownToken[3:] + knownToken, []string{knownToken}, nil},
		{"ordinary text kept", `pumpauth: whoami: the server answered with an error (HTTP 500: "database down")`,
			nil, []string{`pumpauth: whoami: the server answered with an error (HTTP 500: "database down")`}},
		{"op names kept", "pumpauth: request token: the server rejected the request signature (check the clock)",
			nil, []string{"pumpauth: request token: the server rejected the request signature (check the clock)"}},
		{"too deeply encoded", "oauth_token%" + strings.Repeat("25", 9) + "3Dx", []string{"oauth_token", "3dx"}, []string{tooEncoded}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := details(errors.New(tt.text), append(knownSecrets, "s", "")...)
			decoded, _ := unwrap(got) // what a reader could decode
			lower := strings.ToLower(got + " " + decoded)
			for _, h := range tt.hidden {
				if strings.Contains(lower, strings.ToLower(h)) {
					t.Errorf("details(%q) = %q shows %q", tt.text, got, h)
				}
			}
			for _, s := range tt.shown {
				if !strings.Contains(got, s) {
					t.Errorf("details(%q) = %q, want it to show %q", tt.text, got, s)
				}
			}
		})
	}
}

// A secret at the cut is blanked whole before the text is cut, so no part
// of it is left.
func TestDetailsRedactedBeforeCut(t *testing.T) {
	for _, at := range []int{590, 595, 599} {
		text := strings.Repeat("x", at) + knownClientSecret + strings.Repeat("y", 100)
		got := details(errors.New(text), knownClientSecret)
		if strings.Contains(got, knownClientSecret[:4]) {
			t.Errorf("secret at %d: details end %q", at, got[len(got)-40:])
		}
		if n := len([]rune(got)); n > 601 {
			t.Errorf("secret at %d: %d runes", at, n)
		}
	}
}

// A text too long to read whole is cut, and a secret cut in two there
// leaves no part of it.
func TestDetailsOfAHugeText(t *testing.T) {
	for _, pad := range []string{"x", "\u200b", "%2541"} {
		n := (maxDetailsInput-5)/len(pad) + 1
		text := strings.Repeat(pad, n)
		text = text[:maxDetailsInput-5] + knownClientSecret + strings.Repeat("y", 1000)
		got := details(errors.New(text), knownClientSecret)
		if strings.Contains(strings.ToLower(got), strings.ToLower(knownClientSecret[:4])) {
			t.Errorf("pad %q: details end %q", pad, got[max(0, len(got)-40):])
		}
	}
}

// tokenChars are the characters of OAuth tokens and secrets.
const tokenChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~+/="

// FuzzDetailsRedaction plants a known secret anywhere in a text, in any
// mix of case, with any of its characters percent-encoded once or twice,
// and checks it never shows in Details.
func FuzzDetailsRedaction(f *testing.F) {
	f.Add("pumpauth: whoami: (HTTP 500: \"", "\")", []byte("Cl1entS3cretValue"), uint64(0), uint64(0), false)
	f.Add("oauth_token=", "&x=1", []byte("AccessTok3nValue"), uint64(0xAAAA), uint64(0x0F0F), true)
	f.Add(strings.Repeat("é", 598), "", []byte("Tok3nS3cretValue"), uint64(1), uint64(2), false)
	f.Add("%", "%25", []byte("===+++///"), ^uint64(0), ^uint64(0), true)
	f.Fuzz(func(t *testing.T, prefix, suffix string, seed []byte, upper, encode uint64, twice bool) {
		if len(seed) < minKnownSecret || len(seed) > 64 {
			return
		}
		secret := make([]byte, len(seed))
		for i, c := range seed {
			secret[i] = tokenChars[int(c)%len(tokenChars)]
		}
		var planted strings.Builder
		for i, c := range secret {
			bit := uint64(1) << (i % 64)
			if upper&bit != 0 {
				c = swapCase(c)
			}
			switch {
			case encode&bit == 0:
				planted.WriteByte(c)
			case twice:
				fmt.Fprintf(&planted, "%%25%02x", c)
			default:
				fmt.Fprintf(&planted, "%%%02X", c)
			}
		}
		got := details(errors.New(prefix+planted.String()+suffix), string(secret))
		want := asciiLower(string(secret))
		decoded, _ := unwrap(got)
		if strings.Contains(asciiLower(got), want) || strings.Contains(asciiLower(decoded), want) {
			t.Fatalf("secret %q survives in %q", secret, got)
		}
	})
}

func swapCase(c byte) byte {
	switch {
	case 'a' <= c && c <= 'z':
		return c - 'a' + 'A'
	case 'A' <= c && c <= 'Z':
		return c - 'A' + 'a'
	}
	return c
}

// A server that echoes the account's secrets in an error answer: the
// problem screen's Details show none of them, in any form.
func TestProblemDetailsHideTheAttemptsSecrets(t *testing.T) {
	s := newServer(t)
	st := connectedStore(t, s)
	acct := st.get(s.Address("alice"))
	secrets := []string{acct.ClientSecret, acct.Token, acct.TokenSecret}
	for _, v := range secrets {
		if len(v) < minKnownSecret {
			t.Fatalf("test server secret %q too short to be blanked", v)
		}
	}
	// One line of text/plain, so pumpauth keeps it as the server's message.
	body := "proxy says: consumer " + strings.ToUpper(acct.ClientSecret) + " token " + url.QueryEscape(acct.Token) +
		" secret " + percentAll(acct.TokenSecret)
	s.SetFault(pumptest.Whoami, pumptest.Fault{Status: 500, Body: body, ContentType: "text/plain"})
	h := newHarness(t, st, Options{})
	h.u.Start()
	h.waitScreen(screenProblem)
	d := h.u.problem.details.Text
	if !strings.Contains(d, "proxy says: consumer "+hiddenMark) {
		t.Errorf("details %q: the server's message is not there", d)
	}
	for _, v := range secrets {
		if strings.Contains(strings.ToLower(d), strings.ToLower(v)) {
			t.Errorf("details %q show the secret %q", d, v)
		}
	}
}

// The secrets UI hands to the problem screen: those of the attempt's
// connection and of the stored accounts, the request token of the link on
// screen, and the pasted code.
func TestUISecrets(t *testing.T) {
	st := newStore(t)
	addr := mustAddr("alice@pump.example")
	must(t, st.SaveRegistration(addr, pumpauth.Client{Key: "key", Secret: "stored-client-secret"}, pumpauth.Endpoints{}))
	must(t, st.SaveToken(addr, pumpauth.Token{Token: "stored-token", Secret: "stored-token-secret"}, pumpauth.Profile{PreferredUsername: "alice"}))
	h := newHarness(t, st, Options{})
	p, err := pumpauth.New(pumpauth.Client{Webfinger: "bob@pump.example", Key: "k", Secret: "attempt-client-secret"},
		pumpauth.WithToken(pumpauth.Token{Token: "attempt-token", Secret: "attempt-token-secret"}))
	must(t, err)
	a := h.u.ctl.begin(mustAddr("bob@pump.example"), nil)
	a.pump = p
	h.u.approve.show(addr, "https://pump.example/oauth/authorize?oauth_token=approve-request-token")
	h.u.code.ready("https://pump.example/oauth/authorize?oauth_token=code-request-token", "", nil)
	h.u.code.entry.SetText("pasted-verifier")
	got := h.u.secrets()
	for _, want := range []string{"stored-client-secret", "stored-token", "stored-token-secret", "attempt-client-secret",
		"attempt-token", "attempt-token-secret", "approve-request-token", "code-request-token", "pasted-verifier"} {
		if !contains(got, want) {
			t.Errorf("secrets %q lack %q", got, want)
		}
	}
	if contains(got, "key") || contains(got, "k") {
		t.Errorf("secrets %q hold a client key", got)
	}
}
