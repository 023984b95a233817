package pumpauth

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Address is a pump.io account address, nick@host[:port], parsed once by
// ParseAddress. Its zero value is not an address.
type Address struct {
	Nick string // the user's nickname, as typed
	Host string // host name or IP literal, lowercased, without brackets
	Port int    // 0 when none was given
	// PlainHTTP says the person allowed plain http for this server
	// (WithPlainHTTP); it is a choice about the address, not part of it,
	// and String leaves it out.
	PlainHTTP bool
}

// String gives the address as pump.io writes it: nick@host or nick@host:port,
// with an IPv6 literal in brackets.
func (a Address) String() string {
	return a.Nick + "@" + a.HostPort()
}

// HostPort is the server part, with the port if any, as it goes in a URL
// and in messages: "pump.example", "127.0.0.1:31080", "[::1]:8000".
func (a Address) HostPort() string {
	h := a.Host
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	if a.Port != 0 {
		h += ":" + strconv.Itoa(a.Port)
	}
	return h
}

// IsLoopback reports whether the server is this computer: the name
// localhost itself, or a loopback IP literal (127.0.0.0/8, ::1, and
// 127.0.0.0/8 written as IPv4-mapped IPv6, ::ffff:127.0.0.1). Only such a
// server may be reached over plain http without WithPlainHTTP.
//
// Other names ending in .localhost (pump.localhost) do not count: this
// package resolves them through the system's resolver like any name, and
// nothing guarantees that resolver keeps them on this computer (RFC 6761
// only asks it to). Neither does "localhost." with a final dot.
func (a Address) IsLoopback() bool {
	if a.Host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(a.Host)
	return err == nil && ip.Unmap().IsLoopback()
}

// baseURL is scheme://host[:port] with the scheme's default port left out,
// because OAuth signatures cover the Host header exactly as sent.
func (a Address) baseURL(scheme string) string {
	b := a
	if (scheme == "https" && a.Port == 443) || (scheme == "http" && a.Port == 80) {
		b.Port = 0
	}
	return scheme + "://" + b.HostPort()
}

// AddressError says, in words for people, why a text is not a pump.io
// address. It wraps ErrInvalidWebfinger.
type AddressError struct {
	Problem AddressProblem // which check failed, for a caller that words it itself
	Reason  string         // in English, e.g. "the user name before the @ is missing"
}

// AddressProblem is the check an address failed. An app that speaks
// another language than English says Reason in its own words from it.
type AddressProblem int

// The checks of ParseAddress, in the order it makes them.
const (
	AddressEmpty           AddressProblem = iota + 1 // nothing typed
	AddressSpaces                                    // spaces or control characters
	AddressWebLink                                   // a URL, not an address
	AddressNoAt                                      // no @
	AddressNoUser                                    // nothing before the @
	AddressManyAts                                   // more than one @
	AddressBadUser                                   // characters a user name cannot have
	AddressNoServer                                  // nothing after the @
	AddressUnclosedBracket                           // [ without ]
	AddressAfterBracket                              // something other than :port after ]
	AddressNoPort                                    // a : with no port after it
	AddressNotIPv6                                   // brackets around something else
	AddressIPv6NoBrackets                            // an IPv6 address without brackets
	AddressBadServer                                 // characters a server name cannot have
	AddressBadPort                                   // a port outside 1–65535

	// NumAddressProblems is one more than the last AddressProblem.
	NumAddressProblems
)

func (e *AddressError) Error() string { return ErrInvalidWebfinger.Error() + ": " + e.Reason }

// Unwrap returns ErrInvalidWebfinger.
func (e *AddressError) Unwrap() error { return ErrInvalidWebfinger }

// invalidAddress builds the error for an unusable address.
func invalidAddress(p AddressProblem, reason string) error {
	return &AddressError{Problem: p, Reason: reason}
}

// ParseAddress checks a pump.io address such as "alice@pump.example" or
// "alice@pump.example:8443" (an IPv6 literal goes in brackets:
// "alice@[::1]:8000"). Surrounding spaces and an "acct:" prefix are
// removed, and the host is lowercased. Errors are *AddressError.
func ParseAddress(s string) (Address, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "acct:")
	switch {
	case s == "":
		return Address{}, invalidAddress(AddressEmpty, "the address is empty; it looks like alice@pump.example")
	case strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		return Address{}, invalidAddress(AddressSpaces, "the address must not contain spaces or control characters")
	case strings.Contains(s, "://") || strings.Contains(s, "/"):
		return Address{}, invalidAddress(AddressWebLink, "type your address (like alice@pump.example), not a web link")
	case !strings.Contains(s, "@"):
		return Address{}, invalidAddress(AddressNoAt, "the address needs an @ between your user name and the server, like alice@pump.example")
	}
	at := strings.LastIndexByte(s, '@')
	nick, hostport := s[:at], s[at+1:]
	if nick == "" {
		return Address{}, invalidAddress(AddressNoUser, "the user name before the @ is missing")
	}
	if strings.Contains(nick, "@") {
		return Address{}, invalidAddress(AddressManyAts, "the address has more than one @")
	}
	if !validNick(nick) {
		return Address{}, invalidAddress(AddressBadUser, "the user name may only contain letters, digits, dots, dashes and underscores")
	}
	if hostport == "" {
		return Address{}, invalidAddress(AddressNoServer, "the server name after the @ is missing")
	}
	host, port, err := splitHostPort(hostport)
	if err != nil {
		return Address{}, err
	}
	return Address{Nick: nick, Host: strings.ToLower(host), Port: port}, nil
}

// validNick accepts pump.io nicknames: ASCII letters, digits, ., -, _ (1–64).
func validNick(n string) bool {
	if len(n) > 64 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func splitHostPort(hp string) (host string, port int, err error) {
	portStr := ""
	switch {
	case strings.HasPrefix(hp, "["):
		end := strings.IndexByte(hp, ']')
		if end < 0 {
			return "", 0, invalidAddress(AddressUnclosedBracket, "the server's IPv6 address is missing its closing ]")
		}
		host = hp[1:end]
		rest := hp[end+1:]
		if rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return "", 0, invalidAddress(AddressAfterBracket, "after the ] only a :port may follow")
			}
			portStr = rest[1:]
			if portStr == "" {
				return "", 0, invalidAddress(AddressNoPort, "the port after the : is missing")
			}
		}
		ip, perr := netip.ParseAddr(host)
		if perr != nil || !ip.Is6() || ip.Zone() != "" {
			return "", 0, invalidAddress(AddressNotIPv6, "the part in brackets is not an IPv6 address")
		}
	case strings.Count(hp, ":") > 1:
		return "", 0, invalidAddress(AddressIPv6NoBrackets, "an IPv6 server address must be written in brackets, like alice@[2001:db8::1]")
	default:
		host = hp
		if i := strings.IndexByte(hp, ':'); i >= 0 {
			host, portStr = hp[:i], hp[i+1:]
			if portStr == "" {
				return "", 0, invalidAddress(AddressNoPort, "the port after the : is missing")
			}
		}
		if host == "" {
			return "", 0, invalidAddress(AddressNoServer, "the server name after the @ is missing")
		}
		if !validHostname(host) {
			return "", 0, invalidAddress(AddressBadServer, "the server name may only contain letters, digits, dots and dashes")
		}
	}
	if portStr != "" {
		p, perr := strconv.Atoi(portStr)
		if perr != nil || p < 1 || p > 65535 || strings.HasPrefix(portStr, "+") {
			return "", 0, invalidAddress(AddressBadPort, "the port must be a number from 1 to 65535")
		}
		port = p
	}
	return host, port, nil
}

// validHostname accepts DNS names (labels of letters, digits and inner
// dashes) and IPv4 literals.
func validHostname(h string) bool {
	if ip := net.ParseIP(h); ip != nil {
		return ip.To4() != nil
	}
	if len(h) > 253 || strings.HasPrefix(h, ".") {
		return false
	}
	h = strings.TrimSuffix(h, ".")
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
