package pumptest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// rfcVectors are the three requests of RFC 5849 §1.2, with Authorization headers written by hand.
var rfcVectors = []struct {
	name, method, url                string
	header                           string
	consumerSecret, tokenSecret, sig string
}{
	{
		name: "temporary credentials", method: "POST", url: "https://photos.example.net/initiate",
		header: `OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_signature_method="HMAC-SHA1", ` +
			`oauth_timestamp="137131200", oauth_nonce="wIjqoS", oauth_callback="http%3A%2F%2Fprinter.example.com%2Fready", ` +
			`oauth_signature="74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D"`,
		consumerSecret: "kd94hf93k423kf44", sig: "74KNZJeDHnMBp0EMJ9ZHt/XKycU=",
	},
	{
		name: "token credentials", method: "POST", url: "https://photos.example.net/token",
		header: `OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="hh5s93j4hdidpola", ` +
			`oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="walatlh", ` +
			`oauth_verifier="hfdp7dh39dks9884", oauth_signature="gKgrFCywp7rO0OXSjdot%2FIHF7IU%3D"`,
		consumerSecret: "kd94hf93k423kf44", tokenSecret: "hdhd0244k9j7ao03", sig: "gKgrFCywp7rO0OXSjdot/IHF7IU=",
	},
	{
		name: "resource", method: "GET", url: "http://photos.example.net/photos?file=vacation.jpg&size=original",
		header: `OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", ` +
			`oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", ` +
			`oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"`,
		consumerSecret: "kd94hf93k423kf44", tokenSecret: "pfkkdhi9sl3r4s00", sig: "MdpQcU8iPSUjWoN/UDMsK2sui9I=",
	},
}

func vectorRequest(t *testing.T, method, url, header string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", header)
	return r
}

func TestRFC5849Vectors(t *testing.T) {
	for _, v := range rfcVectors {
		t.Run(v.name, func(t *testing.T) {
			r := vectorRequest(t, v.method, v.url, v.header)
			base, err := BaseString(r)
			if err != nil {
				t.Fatalf("BaseString: %v", err)
			}
			if got := Sign(MethodHMACSHA1, base, v.consumerSecret, v.tokenSecret); got != v.sig {
				t.Errorf("Sign = %q, want %q\nbase string: %s", got, v.sig, base)
			}
			if err := VerifyRequest(r, v.consumerSecret, v.tokenSecret); err != nil {
				t.Errorf("VerifyRequest: %v", err)
			}
			if err := VerifyRequest(r, v.consumerSecret, v.tokenSecret+"x"); err == nil {
				t.Error("VerifyRequest accepted a wrong token secret")
			}
		})
	}
}

func TestBaseStringRFCInitiate(t *testing.T) {
	v := rfcVectors[0]
	base, err := BaseString(vectorRequest(t, v.method, v.url, v.header))
	if err != nil {
		t.Fatal(err)
	}
	const want = "POST&https%3A%2F%2Fphotos.example.net%2Finitiate&oauth_callback%3Dhttp%253A%252F%252Fprinter.example.com%252Fready" +
		"%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DwIjqoS%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131200"
	if base != want {
		t.Errorf("BaseString =\n%s\nwant\n%s", base, want)
	}
}

func TestVerifyRequestTampered(t *testing.T) {
	v := rfcVectors[2]
	tests := []struct {
		name, url, header string
	}{
		{"query value changed", "http://photos.example.net/photos?file=vacation.jpg&size=large", v.header},
		{"query parameter added", v.url + "&x=1", v.header},
		{"path changed", "http://photos.example.net/photos2?file=vacation.jpg&size=original", v.header},
		{"host changed", "http://photos.example.org/photos?file=vacation.jpg&size=original", v.header},
		{"port added", "http://photos.example.net:8080/photos?file=vacation.jpg&size=original", v.header},
		{"scheme changed", "https://photos.example.net/photos?file=vacation.jpg&size=original", v.header},
		{"nonce changed", v.url, strings.Replace(v.header, "chapoH", "chapoX", 1)},
		{"signature changed", v.url, strings.Replace(v.header, "MdpQ", "MdpR", 1)},
		{"version 2.0", v.url, v.header + `, oauth_version="2.0"`},
		{"RSA-SHA1", v.url, strings.Replace(v.header, "HMAC-SHA1", "RSA-SHA1", 1)},
		{"no signature", v.url, strings.Replace(v.header, `, oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"`, "", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := vectorRequest(t, "GET", tt.url, tt.header)
			if err := VerifyRequest(r, v.consumerSecret, v.tokenSecret); err == nil {
				t.Error("VerifyRequest accepted a tampered request")
			}
		})
	}
	// Method case and a default port do not change the base string.
	for _, u := range []string{"http://PHOTOS.example.net:80/photos?file=vacation.jpg&size=original"} {
		if err := VerifyRequest(vectorRequest(t, "GET", u, v.header), v.consumerSecret, v.tokenSecret); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	if err := VerifyRequest(vectorRequest(t, "GET", v.url, v.header+`, oauth_version="1.0"`), v.consumerSecret, v.tokenSecret); err == nil {
		t.Error("oauth_version added after signing must change the signature")
	}
}

func TestPlaintext(t *testing.T) {
	tests := []struct {
		name, sig, consumerSecret, tokenSecret string
		ok                                     bool
	}{
		{"client only", "kd94hf93k423kf44%26", "kd94hf93k423kf44", "", true},
		{"with token", "kd94hf93k423kf44%26pfkkdhi9sl3r4s00", "kd94hf93k423kf44", "pfkkdhi9sl3r4s00", true},
		{"wrong consumer secret", "kd94hf93k423kf44%26", "other", "", false},
		{"token secret missing", "kd94hf93k423kf44%26", "kd94hf93k423kf44", "pfkkdhi9sl3r4s00", false},
		{"secrets needing encoding", "a%2526b%26c%2520d", "a&b", "c d", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := vectorRequest(t, "POST", "https://photos.example.net/initiate",
				`OAuth oauth_consumer_key="dpf43f3p2l4k3l03", oauth_signature_method="PLAINTEXT", oauth_signature="`+tt.sig+`"`)
			err := VerifyRequest(r, tt.consumerSecret, tt.tokenSecret)
			if (err == nil) != tt.ok {
				t.Errorf("VerifyRequest = %v, want ok=%v", err, tt.ok)
			}
		})
	}
	if got := Sign(MethodPLAINTEXT, "ignored", "a&b", "c d"); got != "a%26b&c%20d" {
		t.Errorf("Sign(PLAINTEXT) = %q", got)
	}
	if got := Sign("RSA-SHA1", "x", "a", "b"); got != "" {
		t.Errorf("Sign(RSA-SHA1) = %q, want empty", got)
	}
}

func TestBaseStringFormBody(t *testing.T) {
	const hdr = `OAuth oauth_consumer_key="k", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_nonce="n"`
	tests := []struct {
		contentType string
		signed      bool
	}{
		{"application/x-www-form-urlencoded", true},
		{"application/x-www-form-urlencoded; charset=utf-8", false},
		{"application/json", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.contentType, func(t *testing.T) {
			r, _ := http.NewRequest("POST", "http://example.com/api?b=2", strings.NewReader("status=hello+world&a=1"))
			r.Header.Set("Content-Type", tt.contentType)
			r.Header.Set("Authorization", hdr)
			base, err := BaseString(r)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(base, "status%3Dhello%2520world"); got != tt.signed {
				t.Errorf("form parameters in base string = %v, want %v: %s", got, tt.signed, base)
			}
			if !strings.Contains(base, "b%3D2") {
				t.Errorf("query parameter missing: %s", base)
			}
			body, _ := io.ReadAll(r.Body)
			if string(body) != "status=hello+world&a=1" {
				t.Errorf("body after BaseString = %q", body)
			}
		})
	}
}

func TestBaseStringDetails(t *testing.T) {
	tests := []struct {
		name, method, url, header, want string
	}{
		{"default https port dropped, host lowercased", "get", "https://Example.COM:443/a%20b",
			`OAuth oauth_nonce="n"`, "GET&https%3A%2F%2Fexample.com%2Fa%2520b&oauth_nonce%3Dn"},
		{"other port kept", "POST", "http://127.0.0.1:8080/x",
			`OAuth realm="r",oauth_nonce="n"`, "POST&http%3A%2F%2F127.0.0.1%3A8080%2Fx&oauth_nonce%3Dn"},
		{"empty path is /", "GET", "http://example.com",
			`oauth oauth_nonce=n`, "GET&http%3A%2F%2Fexample.com%2F&oauth_nonce%3Dn"},
		{"sorted by name then value, duplicates kept", "GET", "http://example.com/?b=2&a=3&a=1&c=%7E%2A",
			`OAuth oauth_nonce="n"`, "GET&http%3A%2F%2Fexample.com%2F&a%3D1%26a%3D3%26b%3D2%26c%3D~%252A%26oauth_nonce%3Dn"},
		{"signature excluded, values decoded", "GET", "http://example.com/",
			`OAuth oauth_nonce="a%20b", oauth_signature="zzz"`, "GET&http%3A%2F%2Fexample.com%2F&oauth_nonce%3Da%2520b"},
		{"utf-8", "GET", "http://example.com/?n=%C3%A9",
			`Basic abc`, "GET&http%3A%2F%2Fexample.com%2F&n%3D%25C3%25A9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BaseString(vectorRequest(t, tt.method, tt.url, tt.header))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("BaseString =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
	if _, err := BaseString(vectorRequest(t, "GET", "http://example.com/", `OAuth oauth_nonce="unterminated`)); err == nil {
		t.Error("a broken Authorization header must be an error")
	}
}

func TestPercentEncode(t *testing.T) {
	tests := map[string]string{
		"abcXYZ019-._~": "abcXYZ019-._~",
		" ":             "%20",
		"+":             "%2B",
		"*":             "%2A",
		"/?&=%":         "%2F%3F%26%3D%25",
		"é":             "%C3%A9",
	}
	for in, want := range tests {
		if got := percentEncode(in); got != want {
			t.Errorf("percentEncode(%q) = %q, want %q", in, got, want)
		}
	}
}
