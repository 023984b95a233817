package pumpauth

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// address is a parsed pump.io account address, nick@host[:port].
type address struct {
	Nick string // the user's nickname, as typed
	Host string // host name or IP literal, lowercased, without brackets
	Port int    // 0 when none was given
}

// String gives the address as pump.io writes it: nick@host or nick@host:port,
// with an IPv6 literal in brackets.
func (a address) String() string {
	return a.Nick + "@" + a.hostPort()
}

// hostPort is the host with the port, if any, as it goes in a URL.
func (a address) hostPort() string {
	h := a.Host
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	if a.Port != 0 {
		h += ":" + strconv.Itoa(a.Port)
	}
	return h
}

// isLoopback reports whether the host is this computer (127.0.0.0/8, ::1, localhost).
func (a address) isLoopback() bool {
	if a.Host == "localhost" || strings.HasSuffix(a.Host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(a.Host)
	return err == nil && ip.IsLoopback()
}

// baseURL is scheme://host[:port] with the scheme's default port left out,
// because OAuth signatures cover the Host header exactly as sent.
func (a address) baseURL(scheme string) string {
	b := a
	if (scheme == "https" && a.Port == 443) || (scheme == "http" && a.Port == 80) {
		b.Port = 0
	}
	return scheme + "://" + b.hostPort()
}

// invalidAddress builds the error for an unusable address, in words.
func invalidAddress(reason string) error {
	return fmt.Errorf("%w: %s", ErrInvalidWebfinger, reason)
}

// ParseAddress checks a pump.io address such as "alice@pump.example" or
// "alice@pump.example:8443" (an IPv6 literal goes in brackets:
// "alice@[::1]:8000"). Surrounding spaces and an "acct:" prefix are
// removed. The result is the address in canonical form (host lowercased).
// Errors wrap ErrInvalidWebfinger and say what is wrong.
func ParseAddress(s string) (string, error) {
	a, err := parseAddress(s)
	if err != nil {
		return "", err
	}
	return a.String(), nil
}

func parseAddress(s string) (address, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "acct:")
	switch {
	case s == "":
		return address{}, invalidAddress("the address is empty; it looks like alice@pump.example")
	case strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		return address{}, invalidAddress("the address must not contain spaces or control characters")
	case strings.Contains(s, "://") || strings.Contains(s, "/"):
		return address{}, invalidAddress("type your address (like alice@pump.example), not a web link")
	case !strings.Contains(s, "@"):
		return address{}, invalidAddress("the address needs an @ between your user name and the server, like alice@pump.example")
	}
	at := strings.LastIndexByte(s, '@')
	nick, hostport := s[:at], s[at+1:]
	if nick == "" {
		return address{}, invalidAddress("the user name before the @ is missing")
	}
	if strings.Contains(nick, "@") {
		return address{}, invalidAddress("the address has more than one @")
	}
	if !validNick(nick) {
		return address{}, invalidAddress("the user name may only contain letters, digits, dots, dashes and underscores")
	}
	if hostport == "" {
		return address{}, invalidAddress("the server name after the @ is missing")
	}
	host, port, err := splitHostPort(hostport)
	if err != nil {
		return address{}, err
	}
	return address{Nick: nick, Host: strings.ToLower(host), Port: port}, nil
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
			return "", 0, invalidAddress("the server's IPv6 address is missing its closing ]")
		}
		host = hp[1:end]
		rest := hp[end+1:]
		if rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return "", 0, invalidAddress("after the ] only a :port may follow")
			}
			portStr = rest[1:]
			if portStr == "" {
				return "", 0, invalidAddress("the port after the : is missing")
			}
		}
		ip, perr := netip.ParseAddr(host)
		if perr != nil || !ip.Is6() || ip.Zone() != "" {
			return "", 0, invalidAddress("the part in brackets is not an IPv6 address")
		}
	case strings.Count(hp, ":") > 1:
		return "", 0, invalidAddress("an IPv6 server address must be written in brackets, like alice@[2001:db8::1]")
	default:
		host = hp
		if i := strings.IndexByte(hp, ':'); i >= 0 {
			host, portStr = hp[:i], hp[i+1:]
			if portStr == "" {
				return "", 0, invalidAddress("the port after the : is missing")
			}
		}
		if host == "" {
			return "", 0, invalidAddress("the server name after the @ is missing")
		}
		if !validHostname(host) {
			return "", 0, invalidAddress("the server name may only contain letters, digits, dots and dashes")
		}
	}
	if portStr != "" {
		p, perr := strconv.Atoi(portStr)
		if perr != nil || p < 1 || p > 65535 || strings.HasPrefix(portStr, "+") {
			return "", 0, invalidAddress("the port must be a number from 1 to 65535")
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
