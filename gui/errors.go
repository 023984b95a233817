package gui

import (
	"context"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2/lang"

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

// explanation is the sentence for people for err's sentinel error, tested
// in this order (the first match wins); "" when none matches.
func explanation(err error) string {
	switch {
	case errors.Is(err, pumpauth.ErrUnknownUser):
		return lang.L("The server doesn't know this user name. Check the address: your user name goes before the @, your server after it.")
	case errors.Is(err, pumpauth.ErrNotPumpServer):
		return lang.L("This server doesn't look like a pump.io server. Check the part of the address after the @.")
	case errors.Is(err, pumpauth.ErrCertificate):
		return lang.L("The server's certificate isn't valid, so the connection wouldn't be safe. Check the address, or ask the people who run your server.")
	case errors.Is(err, pumpauth.ErrSchemeDowngrade):
		return lang.L("This server used to offer a secure connection and no longer does. Pump Connect won't switch to plain HTTP on its own: if you trust this server and your network, allow plain HTTP under Advanced and connect again; otherwise ask the people who run your server.")
	case errors.Is(err, pumpauth.ErrHTTPSUnavailable):
		return lang.L("The server doesn't offer a secure connection. If you trust this server and your network, allow plain HTTP under Advanced and try again.")
	case errors.Is(err, pumpauth.ErrUnreachable):
		return lang.L("The server couldn't be reached. Check your internet connection and the address, then try again.")
	case errors.Is(err, pumpauth.ErrTimeout):
		return lang.L("The server didn't answer in time. Try again in a moment.")
	case errors.Is(err, pumpauth.ErrAuthorizationTimeout):
		return lang.L("The approval didn't arrive in time: the server forgets the request after about ten minutes. Press Retry to open the page again.")
	case errors.Is(err, pumpauth.ErrVerifierRejected):
		return lang.L("The server didn't accept the approval: it was not finished or has expired. Press Retry to approve again.")
	case errors.Is(err, pumpauth.ErrNoVerifier):
		return lang.L("That doesn't look like a code. Copy the code the server shows after you press Authorize, and paste it here.")
	case errors.Is(err, pumpauth.ErrWrongAccount):
		return lang.L("Your browser approved another account than the one you typed. Log out of the server in your browser, then try again.")
	case errors.Is(err, pumpauth.ErrTokenRejected):
		return lang.L("The server no longer accepts Pump Connect's permission for this account. Connect again and approve in your browser.")
	case errors.Is(err, pumpauth.ErrClientRejected):
		return lang.L("The server has forgotten Pump Connect. Try again: Pump Connect will introduce itself to the server anew.")
	case errors.Is(err, pumpauth.ErrInvalidSignature):
		return lang.L("The server refused Pump Connect's request. Check that your computer's date and time are right, then try again.")
	case errors.Is(err, pumpauth.ErrUnknownItem):
		return lang.L("Your inbox changed on the server. Press Refresh to see the newest.")
	case errors.Is(err, pumpauth.ErrBadResponse):
		return lang.L("The server's answer didn't make sense. Try again later, or ask the people who run your server.")
	case errors.Is(err, pumpauth.ErrServer):
		return lang.L("The server had a problem. Try again in a few minutes.")
	case errors.Is(err, errStore):
		return lang.L("Pump Connect couldn't save its settings on this computer. Check that the disk isn't full, then try again.")
	case errors.Is(err, context.Canceled):
		return lang.L("Stopped.")
	case errors.Is(err, context.DeadlineExceeded):
		return lang.L("This took too long. Try again in a moment.")
	}
	return ""
}

// explainFor is Explain for an error met while talking to address's
// server: a server on this computer that does not answer is not a matter
// of the internet connection.
func explainFor(addr pumpauth.Address, err error) string {
	if errors.Is(err, pumpauth.ErrUnreachable) && addr.IsLoopback() {
		return lang.L("Nothing is answering at {{.Server}} on this computer. Check that the pump.io server is running, then try again.", args{"Server": addr.HostPort()})
	}
	return Explain(err)
}

// codeRefused is what the code screen says when the server refused a
// pasted code. pump.io never checks the code itself, so a refusal means
// the link was not approved or has expired: a new link is shown with it.
func codeRefused() string {
	return lang.L("That code didn't work: the approval wasn't finished or has expired. Open the new link below, press Authorize, then paste the new code.")
}

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
	if text := explanation(err); text != "" {
		return text
	}
	return lang.L("Something went wrong. Try again; if it keeps happening, the details below can help the people who run your server.")
}

// addressProblem says why ParseAddress refused an address, in a sentence:
// "The user name before the @ is missing."
func addressProblem(err error) string {
	var ae *pumpauth.AddressError
	if !errors.As(err, &ae) {
		return lang.L("This isn't a pump.io address. It looks like alice@pump.example.")
	}
	switch ae.Problem {
	case pumpauth.AddressEmpty:
		return lang.L("The address is empty; it looks like alice@pump.example.")
	case pumpauth.AddressSpaces:
		return lang.L("The address must not contain spaces or control characters.")
	case pumpauth.AddressWebLink:
		return lang.L("Type your address (like alice@pump.example), not a web link.")
	case pumpauth.AddressNoAt:
		return lang.L("The address needs an @ between your user name and the server, like alice@pump.example.")
	case pumpauth.AddressNoUser:
		return lang.L("The user name before the @ is missing.")
	case pumpauth.AddressManyAts:
		return lang.L("The address has more than one @.")
	case pumpauth.AddressBadUser:
		return lang.L("The user name may only contain letters, digits, dots, dashes and underscores.")
	case pumpauth.AddressNoServer:
		return lang.L("The server name after the @ is missing.")
	case pumpauth.AddressUnclosedBracket:
		return lang.L("The server's IPv6 address is missing its closing ].")
	case pumpauth.AddressAfterBracket:
		return lang.L("After the ] only a :port may follow.")
	case pumpauth.AddressNoPort:
		return lang.L("The port after the : is missing.")
	case pumpauth.AddressNotIPv6:
		return lang.L("The part in brackets is not an IPv6 address.")
	case pumpauth.AddressIPv6NoBrackets:
		return lang.L("An IPv6 server address must be written in brackets, like alice@[2001:db8::1].")
	case pumpauth.AddressBadServer:
		return lang.L("The server name may only contain letters, digits, dots and dashes.")
	case pumpauth.AddressBadPort:
		return lang.L("The port must be a number from 1 to 65535.")
	}
	// A check newer than this list: its English words, as a sentence.
	msg := strings.TrimSpace(ae.Reason)
	if msg == "" {
		return lang.L("This isn't a pump.io address. It looks like alice@pump.example.")
	}
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
