package pumpauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Sentinel errors. Every error returned by this package that is not a
// context error wraps exactly one of them; test with errors.Is.
var (
	// ErrInvalidWebfinger: the address is not of the form nick@host or nick@host:port.
	ErrInvalidWebfinger = errors.New("invalid pump.io address")
	// ErrUnknownUser: the server does not know this user (webfinger said so).
	ErrUnknownUser = errors.New("the server does not know this user")
	// ErrClientRejected: the server no longer knows this application's
	// client credentials ("Invalid Consumer Key"): register again.
	ErrClientRejected = errors.New("the server no longer knows this application")
	// ErrTokenRejected: the access token is invalid or was forgotten by the server.
	ErrTokenRejected = errors.New("the server rejected the access token")
	// ErrVerifierRejected: the server did not accept the verification code
	// (wrong, already used, or the request expired).
	ErrVerifierRejected = errors.New("the server did not accept the verification code")
	// ErrInvalidSignature: the server rejected the request's OAuth signature;
	// usually the computer's clock is wrong or the server's https/proxy
	// configuration does not match the address it is reached at.
	ErrInvalidSignature = errors.New("the server rejected the request signature (check the computer's clock, or the server's https/proxy configuration)")
	// ErrUnreachable: the server could not be reached (DNS, refused, reset).
	ErrUnreachable = errors.New("the server could not be reached")
	// ErrTimeout: the server did not answer in time.
	ErrTimeout = errors.New("the server did not answer in time")
	// ErrCertificate: the server's TLS certificate is not valid.
	ErrCertificate = errors.New("the server's certificate is not valid")
	// ErrHTTPSUnavailable: the server does not offer https and plain http was not allowed.
	ErrHTTPSUnavailable = errors.New("the server does not offer a secure (https) connection")
	// ErrSchemeDowngrade: the account connected over https (its scheme is
	// pinned: WithPinnedScheme, or WithEndpoints on https) and the server
	// now offers plain http only; plain http is not used without the
	// person deciding so anew.
	ErrSchemeDowngrade = errors.New("the server no longer offers the secure (https) connection this account used; plain http refused")
	// ErrNotPumpServer: the server does not look like a pump.io server
	// (no host-meta, or HTML where JSON was due).
	ErrNotPumpServer = errors.New("the server does not look like a pump.io server")
	// ErrBadResponse: the server's answer could not be understood.
	ErrBadResponse = errors.New("the server's answer could not be understood")
	// ErrServer: the server answered with an error status not covered above.
	ErrServer = errors.New("the server answered with an error")
	// ErrAuthorizationTimeout: nobody approved the request in the browser in time.
	ErrAuthorizationTimeout = errors.New("the approval in the browser did not arrive in time")
	// ErrWrongAccount: the person approved in their browser as another
	// account than the one asked for (the browser was logged in as someone
	// else). Whoami returns that account's profile with it.
	ErrWrongAccount = errors.New("the approval came from another account")
	// ErrUnknownItem: a page was asked for relative to an activity the
	// server does not hold in that collection (deleted, or the id came from
	// elsewhere): start again from the newest page.
	ErrUnknownItem = errors.New("the server no longer has that item in the list")
	// ErrNoVerifier: the verification code was empty or not plausible.
	ErrNoVerifier = errors.New("the verification code is empty or not valid")
)

// ResponseError is the one typed error of this package: what was being done,
// the HTTP status (0 when no response arrived) and the server's short error
// message. Its text never contains a secret. It unwraps to a sentinel error
// and, for transport failures, to the underlying network error.
type ResponseError struct {
	Op         string // "host-meta", "webfinger", "register", "request token", "access token", "whoami", …
	StatusCode int    // HTTP status, 0 when there was no HTTP response
	Message    string // the server's own error text, shortened and cleaned; may be empty
	Kind       error  // the sentinel error, e.g. ErrClientRejected
	Cause      error  // the underlying error (network, TLS, parse), if any; never carries a secret
}

func (e *ResponseError) Error() string {
	var b strings.Builder
	b.WriteString("pumpauth: ")
	b.WriteString(e.Op)
	b.WriteString(": ")
	b.WriteString(e.Kind.Error())
	switch {
	case e.StatusCode != 0 && e.Message != "":
		fmt.Fprintf(&b, " (HTTP %d: %q)", e.StatusCode, e.Message)
	case e.StatusCode != 0:
		fmt.Fprintf(&b, " (HTTP %d)", e.StatusCode)
	case e.Cause != nil:
		fmt.Fprintf(&b, " (%v)", e.Cause)
	}
	return b.String()
}

// Unwrap returns the sentinel and the cause, for errors.Is and errors.As.
func (e *ResponseError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Kind, e.Cause}
	}
	return []error{e.Kind}
}

// maxMessage bounds the server text kept in a ResponseError.
const maxMessage = 200

// serverMessage turns a response body into a short, printable message:
// the "error" member of a JSON body, or the first line of a text body.
// HTML bodies give no message (they are pages, not messages).
func serverMessage(body []byte, contentType string) string {
	s := strings.TrimSpace(string(body))
	if s == "" || strings.Contains(contentType, "html") || strings.HasPrefix(s, "<") {
		return ""
	}
	if strings.HasPrefix(s, "{") {
		var v struct {
			Error string `json:"error"`
		}
		if err := json.Unmarshal(body, &v); err != nil || v.Error == "" {
			return ""
		}
		s = v.Error
	}
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, s)
	if len(s) > maxMessage {
		s = s[:maxMessage] + "…"
	}
	// A server that echoes what it was sent could echo a token or a
	// signature: keep only messages that do not look like an OAuth parameter dump.
	if strings.Contains(s, "oauth_") {
		return ""
	}
	return s
}
