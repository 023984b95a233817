package gui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

func TestExplain_EverySentinel(t *testing.T) {
	tests := []struct {
		err  error
		want string // a phrase the sentence must contain
	}{
		{pumpauth.ErrUnknownUser, "doesn't know this user name. Check the address"},
		{pumpauth.ErrClientRejected, "has forgotten Pump Connect"},
		{pumpauth.ErrTokenRejected, "no longer accepts Pump Connect's permission"},
		{pumpauth.ErrVerifierRejected, "The server didn't accept the approval: it was not finished or has expired. Press Retry to approve again."},
		{pumpauth.ErrInvalidSignature, "date and time"},
		{pumpauth.ErrUnreachable, "couldn't be reached"},
		{pumpauth.ErrTimeout, "didn't answer in time"},
		{pumpauth.ErrCertificate, "certificate isn't valid"},
		{pumpauth.ErrHTTPSUnavailable, "allow plain HTTP under Advanced"},
		{pumpauth.ErrNotPumpServer, "doesn't look like a pump.io server"},
		{pumpauth.ErrBadResponse, "didn't make sense"},
		{pumpauth.ErrServer, "The server had a problem"},
		{pumpauth.ErrAuthorizationTimeout, "didn't arrive in time"},
		{pumpauth.ErrNoVerifier, "doesn't look like a code"},
		{errStore, "couldn't save its settings"},
		{context.Canceled, "Stopped."},
		{context.DeadlineExceeded, "took too long"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		// As pumpauth returns them: a *ResponseError, possibly wrapped again.
		forms := []error{
			tt.err,
			&pumpauth.ResponseError{Op: "register", StatusCode: 500, Message: "boom", Kind: tt.err},
			fmt.Errorf("connect: %w", &pumpauth.ResponseError{Op: "whoami", Kind: tt.err, Cause: errors.New("dial tcp: refused")}),
		}
		for _, err := range forms {
			got := Explain(err)
			if !strings.Contains(got, tt.want) {
				t.Errorf("Explain(%v) = %q, want it to contain %q", err, got, tt.want)
			}
			if strings.Contains(got, "pumpauth") || strings.Contains(got, "HTTP 500") || strings.Contains(got, "dial tcp") {
				t.Errorf("Explain(%v) = %q leaks technical text", err, got)
			}
			if !strings.HasSuffix(got, ".") || got[0] < 'A' || got[0] > 'Z' {
				t.Errorf("Explain(%v) = %q is not a sentence", err, got)
			}
		}
		if seen[Explain(tt.err)] {
			t.Errorf("%v shares its sentence with another error", tt.err)
		}
		seen[Explain(tt.err)] = true
	}
}

func TestExplain_Address(t *testing.T) {
	tests := map[string]string{
		"":                         "The address is empty; it looks like alice@pump.example.",
		"alice":                    "The address needs an @ between your user name and the server, like alice@pump.example.",
		"alice@":                   "The server name after the @ is missing.",
		"al ice@pump.example":      "The address must not contain spaces or control characters.",
		"alice@pump.example:99999": "The port must be a number from 1 to 65535.",
	}
	for in, want := range tests {
		_, err := pumpauth.ParseAddress(in)
		if err == nil {
			t.Fatalf("ParseAddress(%q) accepted", in)
		}
		if got := Explain(err); got != want {
			t.Errorf("Explain(ParseAddress(%q)) = %q, want %q", in, got, want)
		}
		// pumpauth.New gives the same error.
		_, err = pumpauth.New(pumpauth.Client{Webfinger: in})
		if got := Explain(fmt.Errorf("wrapped: %w", err)); got != want {
			t.Errorf("Explain(New(%q)) = %q, want %q", in, got, want)
		}
	}
	if got := Explain(pumpauth.ErrInvalidWebfinger); got != "This isn't a pump.io address. It looks like alice@pump.example." {
		t.Errorf("bare sentinel: %q", got)
	}
}

func TestExplain_Other(t *testing.T) {
	if Explain(nil) != "" {
		t.Error("nil error explained")
	}
	got := Explain(errors.New("pumpauth: something odd (secret=xyz)"))
	if strings.Contains(got, "secret") || !strings.HasPrefix(got, "Something went wrong.") {
		t.Errorf("unknown error: %q", got)
	}
}

func TestDetails_Shortened(t *testing.T) {
	long := errors.New(strings.Repeat("é", 2000))
	d := details(long)
	if n := len([]rune(d)); n != 601 || !strings.HasSuffix(d, "…") {
		t.Errorf("details of %d runes", n)
	}
	if details(nil) != "" {
		t.Error("details of nil")
	}
}
