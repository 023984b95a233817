package pumpauth

import (
	"errors"
	"strings"
	"testing"
)

func TestParseAddress(t *testing.T) {
	tests := []struct {
		in       string
		want     string // canonical form; "" when an error is expected
		inReason string // a word the error must contain
	}{
		{"alice@example.org", "alice@example.org", ""},
		{"  alice@example.org\t", "alice@example.org", ""},
		{"alice@Example.ORG", "alice@example.org", ""},
		{"acct:alice@example.org", "alice@example.org", ""},
		{"alice@example.org:8443", "alice@example.org:8443", ""},
		{"a.l-i_ce@pump.example", "a.l-i_ce@pump.example", ""},
		{"alice@127.0.0.1:31337", "alice@127.0.0.1:31337", ""},
		{"alice@[::1]", "alice@[::1]", ""},
		{"alice@[::1]:8000", "alice@[::1]:8000", ""},
		{"alice@[2001:DB8::1]:443", "alice@[2001:db8::1]:443", ""},
		{"alice@localhost", "alice@localhost", ""},
		{"", "", "empty"},
		{"   ", "", "empty"},
		{"foo", "", "@"},
		{"@h", "", "user name"},
		{"u@", "", "server"},
		{"u@h:notaport", "", "port"},
		{"u@h:", "", "port"},
		{"u@h:0", "", "port"},
		{"u@h:65536", "", "port"},
		{"u@h:+80", "", "port"},
		{"al ice@example.org", "", "spaces"},
		{"alice@exa mple.org", "", "spaces"},
		{"alice@@example.org", "", "more than one"},
		{"a@b@example.org", "", "more than one"},
		{"https://example.org/alice", "", "web link"},
		{"alice@example.org/path", "", "web link"},
		{"alice@::1", "", "brackets"},
		{"alice@[::1", "", "]"},
		{"alice@[example.org]", "", "IPv6"},
		{"alice@[::1]x", "", "port"},
		{"alice@-bad-.org", "", "server name"},
		{"alice@exa_mple.org", "", "server name"},
		{"al!ce@example.org", "", "user name"},
		{"alice@:80", "", "server name"},
		{"alice\x00@example.org", "", "control"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			addr, err := ParseAddress(tt.in)
			got := addr.String()
			if tt.want != "" {
				if err != nil || got != tt.want {
					t.Fatalf("ParseAddress(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			if !errors.Is(err, ErrInvalidWebfinger) {
				t.Fatalf("ParseAddress(%q) = %q, %v; want ErrInvalidWebfinger", tt.in, got, err)
			}
			if !strings.Contains(err.Error(), tt.inReason) {
				t.Errorf("error %q does not say %q", err, tt.inReason)
			}
			if _, nerr := New(Client{Webfinger: tt.in}); !errors.Is(nerr, ErrInvalidWebfinger) {
				t.Errorf("New accepted %q: %v", tt.in, nerr)
			}
		})
	}
}

func TestAddressBaseURL(t *testing.T) {
	tests := []struct {
		in, scheme, want string
		loopback         bool
	}{
		{"alice@example.org", "https", "https://example.org", false},
		{"alice@example.org:443", "https", "https://example.org", false},
		{"alice@example.org:443", "http", "http://example.org:443", false},
		{"alice@example.org:80", "http", "http://example.org", false},
		{"alice@example.org:8443", "https", "https://example.org:8443", false},
		{"alice@[::1]:8000", "http", "http://[::1]:8000", true},
		{"alice@127.9.9.9", "http", "http://127.9.9.9", true},
		{"alice@localhost:5", "http", "http://localhost:5", true},
		{"alice@10.0.0.1", "https", "https://10.0.0.1", false},
	}
	for _, tt := range tests {
		a, err := ParseAddress(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.baseURL(tt.scheme); got != tt.want {
			t.Errorf("%s baseURL(%s) = %q, want %q", tt.in, tt.scheme, got, tt.want)
		}
		if a.IsLoopback() != tt.loopback {
			t.Errorf("%s isLoopback = %v", tt.in, !tt.loopback)
		}
	}
}

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"alice@example.org", "alice@[::1]:8000", "u@h:1", "@", "a@b@c", "acct:x@y", " a@b "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		addr, err := ParseAddress(s)
		if err != nil {
			var ae *AddressError
			if !errors.Is(err, ErrInvalidWebfinger) || !errors.As(err, &ae) || ae.Reason == "" {
				t.Fatalf("error not an *AddressError wrapping ErrInvalidWebfinger: %v", err)
			}
			return
		}
		// A canonical address parses to itself.
		got := addr.String()
		again, err := ParseAddress(got)
		if err != nil || again != addr {
			t.Fatalf("ParseAddress(%q) = %q, then %q, %v", s, got, again, err)
		}
		if strings.ContainsAny(got, " /\t\n") || strings.Count(got, "@") != 1 {
			t.Fatalf("accepted %q", got)
		}
	})
}

func TestAddressHostPort(t *testing.T) {
	for in, want := range map[string]string{
		"alice@pump.example":      "pump.example",
		"alice@pump.example:8443": "pump.example:8443",
		"alice@[::1]:8000":        "[::1]:8000",
		"alice@127.0.0.1:31080":   "127.0.0.1:31080",
	} {
		a, err := ParseAddress(in)
		if err != nil || a.HostPort() != want {
			t.Errorf("ParseAddress(%q).HostPort() = %q, %v; want %q", in, a.HostPort(), err, want)
		}
	}
}

// Only localhost itself and loopback IP literals are this computer: other
// .localhost names go to the resolver like any name, so they get no plain
// http allowance.
func TestAddressIsLoopback(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"alice@localhost", true},
		{"alice@LocalHost:8000", true},
		{"alice@127.0.0.1", true},
		{"alice@127.255.255.254:1", true},
		{"alice@[::1]", true},
		{"alice@[::ffff:127.0.0.1]:8000", true},
		{"alice@[::ffff:7f00:2]", true},
		{"alice@pump.localhost", false},
		{"alice@evil.localhost:8000", false},
		{"alice@localhost.", false},
		{"alice@localhost.example", false},
		{"alice@mylocalhost", false},
		{"alice@[::ffff:10.0.0.1]", false},
		{"alice@0.0.0.0", false},
		{"alice@10.0.0.1", false},
		{"alice@[fe80::1]", false},
		{"alice@pump.example", false},
	}
	for _, tt := range tests {
		a, err := ParseAddress(tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if got := a.IsLoopback(); got != tt.want {
			t.Errorf("%s IsLoopback() = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// A .localhost name is an ordinary host: a Pump for it reads host-meta
// over https only, unless WithPlainHTTP allows http.
func TestDotLocalhostGetsNoPlainHTTP(t *testing.T) {
	p, err := New(Client{Webfinger: "alice@pump.localhost:8000"})
	if err != nil {
		t.Fatal(err)
	}
	if p.allowHTTP() {
		t.Error("plain http allowed for pump.localhost")
	}
	p, _ = New(Client{Webfinger: "alice@pump.localhost:8000"}, WithPlainHTTP())
	if !p.allowHTTP() {
		t.Error("WithPlainHTTP did not allow plain http")
	}
}

// Each check of ParseAddress names itself, so an app can say it in its own
// language; every AddressProblem is reachable.
func TestParseAddress_Problems(t *testing.T) {
	tests := []struct {
		in   string
		want AddressProblem
	}{
		{"", AddressEmpty},
		{"al ice@example.org", AddressSpaces},
		{"https://example.org/alice", AddressWebLink},
		{"foo", AddressNoAt},
		{"@h", AddressNoUser},
		{"a@b@example.org", AddressManyAts},
		{"al!ce@example.org", AddressBadUser},
		{"u@", AddressNoServer},
		{"alice@:80", AddressNoServer},
		{"alice@[::1", AddressUnclosedBracket},
		{"alice@[::1]x", AddressAfterBracket},
		{"u@h:", AddressNoPort},
		{"alice@[::1]:", AddressNoPort},
		{"alice@[example.org]", AddressNotIPv6},
		{"alice@::1", AddressIPv6NoBrackets},
		{"alice@exa_mple.org", AddressBadServer},
		{"u@h:65536", AddressBadPort},
	}
	seen := map[AddressProblem]bool{}
	for _, tt := range tests {
		_, err := ParseAddress(tt.in)
		var ae *AddressError
		if !errors.As(err, &ae) || ae.Problem != tt.want {
			t.Errorf("ParseAddress(%q) = %v; want problem %d", tt.in, err, tt.want)
			continue
		}
		seen[ae.Problem] = true
	}
	for p := AddressEmpty; p < NumAddressProblems; p++ {
		if !seen[p] {
			t.Errorf("problem %d is not tested", p)
		}
	}
}
