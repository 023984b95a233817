package pumptest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Signature methods this package understands (RFC 5849 §3.4).
const (
	MethodHMACSHA1  = "HMAC-SHA1"
	MethodPLAINTEXT = "PLAINTEXT"
)

// maxBody bounds every body this package reads.
const maxBody = 1 << 20

// formContentType is the only Content-Type whose body parameters are signed. Like pump.io, any variant
// ("; charset=utf-8", other case) makes the body invisible to the signature.
const formContentType = "application/x-www-form-urlencoded"

// param is one name/value pair, already decoded.
type param struct{ name, value string }

// Sign returns the oauth_signature for baseString (RFC 5849 §3.4.2 and §3.4.4), not percent-encoded.
// method is the signature method, "HMAC-SHA1" or "PLAINTEXT"; any other method gives "".
// PLAINTEXT ignores baseString.
func Sign(method, baseString, consumerSecret, tokenSecret string) string {
	key := percentEncode(consumerSecret) + "&" + percentEncode(tokenSecret)
	switch method {
	case MethodHMACSHA1:
		mac := hmac.New(sha1.New, []byte(key))
		mac.Write([]byte(baseString))
		return base64.StdEncoding.EncodeToString(mac.Sum(nil))
	case MethodPLAINTEXT:
		return key
	default:
		return ""
	}
}

// BaseString returns the signature base string of r (RFC 5849 §3.4.1).
//
// The scheme is r.URL.Scheme when set (a client-side request), otherwise "https" when r.TLS != nil and "http"
// otherwise (a server-side request). The authority is r.Host (falling back to r.URL.Host), lowercased, with a
// default port (80 for http, 443 for https) dropped. Parameters are the query, the Authorization header's OAuth
// parameters except realm and oauth_signature, and the body's form parameters only when Content-Type is exactly
// "application/x-www-form-urlencoded". A body it reads is put back, so r can still be served or sent.
func BaseString(r *http.Request) (string, error) {
	params, err := requestParams(r)
	if err != nil {
		return "", err
	}
	return baseStringFrom(r, params), nil
}

// VerifyRequest checks r's oauth_signature with the given secrets (tokenSecret is "" for requests signed with
// client credentials only). It checks the signature method (HMAC-SHA1 or PLAINTEXT), oauth_version (1.0 when
// present) and the signature itself, but neither the timestamp nor the nonce: those need a clock and a memory,
// which the Server has.
func VerifyRequest(r *http.Request, consumerSecret, tokenSecret string) error {
	params, err := requestParams(r)
	if err != nil {
		return err
	}
	return verifyParams(r, params, consumerSecret, tokenSecret)
}

// verifyParams is VerifyRequest on already collected parameters.
func verifyParams(r *http.Request, params []param, consumerSecret, tokenSecret string) error {
	op := oauthParams(params)
	if v, ok := op["oauth_version"]; ok && v != "1.0" {
		return fmt.Errorf("oauth_version %q is not 1.0", v)
	}
	got, ok := op["oauth_signature"]
	if !ok || got == "" {
		return errors.New("no oauth_signature")
	}
	method := op["oauth_signature_method"]
	var want, base string
	switch method {
	case MethodHMACSHA1:
		base = baseStringFrom(r, params)
		want = Sign(method, base, consumerSecret, tokenSecret)
	case MethodPLAINTEXT:
		want = Sign(method, "", consumerSecret, tokenSecret)
	default:
		return fmt.Errorf("unsupported oauth_signature_method %q", method)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		if base != "" {
			return fmt.Errorf("%s signature mismatch: got %q, want %q for base string %q", method, got, want, base)
		}
		return fmt.Errorf("%s signature mismatch", method)
	}
	return nil
}

// oauthParams returns the protocol parameters (names starting with "oauth_") among params; the first occurrence wins.
func oauthParams(params []param) map[string]string {
	m := make(map[string]string)
	for _, p := range params {
		if strings.HasPrefix(p.name, "oauth_") {
			if _, dup := m[p.name]; !dup {
				m[p.name] = p.value
			}
		}
	}
	return m
}

// requestParams collects the parameters that take part in the signature (RFC 5849 §3.4.1.3.1) plus
// oauth_signature itself; realm is left out.
func requestParams(r *http.Request) ([]param, error) {
	var params []param
	if r.URL != nil && r.URL.RawQuery != "" {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return nil, fmt.Errorf("query: %w", err)
		}
		params = appendValues(params, q)
	}
	for _, h := range r.Header.Values("Authorization") {
		hp, ok, err := parseAuthorization(h)
		if err != nil {
			return nil, err
		}
		if ok {
			params = append(params, hp...)
		}
	}
	form, err := signedForm(r)
	if err != nil {
		return nil, err
	}
	return appendValues(params, form), nil
}

func appendValues(params []param, v url.Values) []param {
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	sort.Strings(names) // deterministic; the base string sorts again anyway
	for _, k := range names {
		for _, val := range v[k] {
			params = append(params, param{k, val})
		}
	}
	return params
}

// signedForm returns the body's form parameters when Content-Type is exactly formContentType, restoring r.Body.
func signedForm(r *http.Request) (url.Values, error) {
	if r.Header.Get("Content-Type") != formContentType {
		return nil, nil
	}
	if r.PostForm != nil { // already parsed by net/http (server side); the body is gone
		return r.PostForm, nil
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	v, err := url.ParseQuery(string(b))
	if err != nil {
		return nil, fmt.Errorf("form body: %w", err)
	}
	return v, nil
}

// parseAuthorization parses an `OAuth k="v", …` header (RFC 5849 §3.5.1). ok is false for other schemes.
// realm is dropped; names and values are percent-decoded.
func parseAuthorization(h string) (params []param, ok bool, err error) {
	h = strings.TrimSpace(h)
	scheme, rest, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "OAuth") {
		return nil, false, nil
	}
	rest = strings.TrimSpace(rest)
	for rest != "" {
		var name string
		name, rest, ok = strings.Cut(rest, "=")
		if !ok {
			return nil, true, fmt.Errorf("authorization header: no '=' after %q", name)
		}
		name = strings.TrimSpace(name)
		rest = strings.TrimLeft(rest, " \t")
		var value string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return nil, true, fmt.Errorf("authorization header: unterminated value for %q", name)
			}
			value, rest = rest[1:1+end], rest[2+end:]
		} else { // tolerate unquoted values
			value, rest, _ = strings.Cut(rest, ",")
			rest = "," + rest
			value = strings.TrimSpace(value)
		}
		rest = strings.TrimLeft(rest, " \t")
		if rest != "" {
			if rest[0] != ',' {
				return nil, true, fmt.Errorf("authorization header: expected ',' after %q", name)
			}
			rest = strings.TrimLeft(rest[1:], " \t")
		}
		dn, err1 := url.PathUnescape(name)
		dv, err2 := url.PathUnescape(value)
		if err := errors.Join(err1, err2); err != nil {
			return nil, true, fmt.Errorf("authorization header: %w", err)
		}
		if strings.EqualFold(dn, "realm") {
			continue
		}
		params = append(params, param{dn, dv})
	}
	return params, true, nil
}

// baseStringFrom builds the base string from already collected params (oauth_signature is skipped here).
func baseStringFrom(r *http.Request, params []param) string {
	enc := make([]param, 0, len(params))
	for _, p := range params {
		if p.name == "oauth_signature" {
			continue
		}
		enc = append(enc, param{percentEncode(p.name), percentEncode(p.value)})
	}
	sort.Slice(enc, func(i, j int) bool {
		if enc[i].name != enc[j].name {
			return enc[i].name < enc[j].name
		}
		return enc[i].value < enc[j].value
	})
	var norm strings.Builder
	for i, p := range enc {
		if i > 0 {
			norm.WriteByte('&')
		}
		norm.WriteString(p.name)
		norm.WriteByte('=')
		norm.WriteString(p.value)
	}
	return strings.ToUpper(r.Method) + "&" + percentEncode(baseURI(r)) + "&" + percentEncode(norm.String())
}

// baseURI is the base string URI of RFC 5849 §3.4.1.2.
func baseURI(r *http.Request) string {
	scheme := "http"
	if r.URL != nil && r.URL.Scheme != "" {
		scheme = strings.ToLower(r.URL.Scheme)
	} else if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" && r.URL != nil {
		host = r.URL.Host
	}
	host = strings.ToLower(host)
	if h, port, err := net.SplitHostPort(host); err == nil {
		if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
			host = h
			if strings.Contains(h, ":") {
				host = "[" + h + "]"
			}
		}
	}
	path := "/"
	if r.URL != nil && r.URL.EscapedPath() != "" {
		path = r.URL.EscapedPath()
	}
	return scheme + "://" + host + path
}

// percentEncode encodes s per RFC 5849 §3.6: every byte except ALPHA, DIGIT, '-', '.', '_', '~' becomes %XX.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
