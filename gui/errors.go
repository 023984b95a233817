package gui

import (
	"context"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// errStore marks a failure to write the settings on this computer.
var errStore = errors.New("could not save the settings on this computer")

// storeError wraps an error of the AccountStore.
func storeError(err error) error {
	if err == nil {
		return nil
	}
	return &wrapped{kind: errStore, cause: err}
}

type wrapped struct{ kind, cause error }

func (e *wrapped) Error() string   { return e.kind.Error() + ": " + e.cause.Error() }
func (e *wrapped) Unwrap() []error { return []error{e.kind, e.cause} }

// explanations are the sentences for people, one per sentinel error, in
// the order they are tested (the first match wins).
var explanations = []struct {
	err  error
	text string
}{
	{pumpauth.ErrUnknownUser, "The server doesn't know this user name. Check the address: your user name goes before the @, your server after it."},
	{pumpauth.ErrNotPumpServer, "This server doesn't look like a pump.io server. Check the part of the address after the @."},
	{pumpauth.ErrCertificate, "The server's certificate isn't valid, so the connection wouldn't be safe. Check the address, or ask the people who run your server."},
	{pumpauth.ErrSchemeDowngrade, "This server used to offer a secure connection and no longer does. Pump Connect won't switch to plain HTTP on its own: if you trust this server and your network, allow plain HTTP under Advanced and connect again; otherwise ask the people who run your server."},
	{pumpauth.ErrHTTPSUnavailable, "The server doesn't offer a secure connection. If you trust this server and your network, allow plain HTTP under Advanced and try again."},
	{pumpauth.ErrUnreachable, "The server couldn't be reached. Check your internet connection and the address, then try again."},
	{pumpauth.ErrTimeout, "The server didn't answer in time. Try again in a moment."},
	{pumpauth.ErrAuthorizationTimeout, "The approval didn't arrive in time: the server forgets the request after about ten minutes. Press Retry to open the page again."},
	{pumpauth.ErrVerifierRejected, "The server didn't accept the approval: it was not finished or has expired. Press Retry to approve again."},
	{pumpauth.ErrNoVerifier, "That doesn't look like a code. Copy the code the server shows after you press Authorize, and paste it here."},
	{pumpauth.ErrWrongAccount, "Your browser approved another account than the one you typed. Log out of the server in your browser, then try again."},
	{pumpauth.ErrTokenRejected, "The server no longer accepts Pump Connect's permission for this account. Connect again and approve in your browser."},
	{pumpauth.ErrClientRejected, "The server has forgotten Pump Connect. Try again: Pump Connect will introduce itself to the server anew."},
	{pumpauth.ErrInvalidSignature, "The server refused Pump Connect's request. Check that your computer's date and time are right, then try again."},
	{pumpauth.ErrUnknownItem, "Your inbox changed on the server. Press Refresh to see the newest."},
	{pumpauth.ErrBadResponse, "The server's answer didn't make sense. Try again later, or ask the people who run your server."},
	{pumpauth.ErrServer, "The server had a problem. Try again in a few minutes."},
	{errStore, "Pump Connect couldn't save its settings on this computer. Check that the disk isn't full, then try again."},
	{context.Canceled, "Stopped."},
	{context.DeadlineExceeded, "This took too long. Try again in a moment."},
}

// explainFor is Explain for an error met while talking to address's
// server: a server on this computer that does not answer is not a matter
// of the internet connection.
func explainFor(addr pumpauth.Address, err error) string {
	if errors.Is(err, pumpauth.ErrUnreachable) && addr.IsLoopback() {
		return "Nothing is answering at " + addr.HostPort() + " on this computer. Check that the pump.io server is running, then try again."
	}
	return Explain(err)
}

// codeRefused is what the code screen says when the server refused a
// pasted code. pump.io never checks the code itself, so a refusal means
// the link was not approved or has expired: a new link is shown with it.
const codeRefused = "That code didn't work: the approval wasn't finished or has expired. Open the new link below, press Authorize, then paste the new code."

// Explain turns an error of pumpauth (or of the store) into one sentence a
// person who knows nothing of OAuth understands, saying what to do. It
// never contains the error's own text, except for the address checks of
// pumpauth.ParseAddress, which are written for people.
func Explain(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, pumpauth.ErrInvalidWebfinger) {
		return addressProblem(err)
	}
	for _, e := range explanations {
		if errors.Is(err, e.err) {
			return e.text
		}
	}
	return "Something went wrong. Try again; if it keeps happening, the details below can help the people who run your server."
}

// addressProblem makes ParseAddress's reason into a sentence:
// "the user name before the @ is missing" → "The user name before the @ is
// missing."
func addressProblem(err error) string {
	var ae *pumpauth.AddressError
	if !errors.As(err, &ae) || strings.TrimSpace(ae.Reason) == "" {
		return "This isn't a pump.io address. It looks like alice@pump.example."
	}
	msg := strings.TrimSpace(ae.Reason)
	r, n := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(r)) + msg[n:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// maxDetailsInput bounds the error text details reads (cleaning runs on
// the UI goroutine); real error texts are far shorter. maxSecretLength is
// the longest secret whose first part details hides when the text is cut.
const (
	maxDetailsInput = 16 << 10
	maxSecretLength = 256
)

// details is the technical text behind err for the Details section:
// cleaned of secrets (see redactor; secrets are the values known to be
// secret), then shortened, so a secret is never cut in half and left
// partly visible. pumpauth keeps its own secrets out of error texts, but
// the server's words are echoed in them.
func details(err error, secrets ...string) string {
	if err == nil {
		return ""
	}
	const shown = 600
	s := err.Error()
	cut := len(s) > maxDetailsInput
	if cut {
		s = s[:maxDetailsInput]
	}
	s = newRedactor(secrets...).clean(s)
	if cut {
		// A secret may have been cut in two at the end: drop what could be
		// its first part.
		r := []rune(s)
		s = string(r[:max(0, len(r)-maxSecretLength)]) + "…"
	}
	if utf8.RuneCountInString(s) > shown {
		s = string([]rune(s)[:shown]) + "…"
	}
	return s
}
