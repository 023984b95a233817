package pumptest

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// creds is a key/secret pair: client credentials or a token.
type creds struct{ key, secret string }

// testEnc is RFC 5849 §3.6 encoding, written independently of percentEncode.
func testEnc(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// signRequest signs r with an Authorization header, computing the base string itself (not with BaseString).
// form is the request's form body (nil if none). oauth holds extra or overriding protocol parameters
// (oauth_callback, oauth_verifier, oauth_timestamp, oauth_nonce, oauth_signature_method).
func signRequest(r *http.Request, form url.Values, consumer, token creds, oauth map[string]string) {
	p := map[string]string{
		"oauth_consumer_key":     consumer.key,
		"oauth_signature_method": "HMAC-SHA1",
		"oauth_timestamp":        strconv.FormatInt(time.Now().Unix(), 10),
		"oauth_nonce":            testNonce(),
		"oauth_version":          "1.0",
	}
	if token.key != "" {
		p["oauth_token"] = token.key
	}
	for k, v := range oauth {
		p[k] = v
	}
	var pairs []string
	for k, v := range p {
		pairs = append(pairs, testEnc(k)+"="+testEnc(v))
	}
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			pairs = append(pairs, testEnc(k)+"="+testEnc(v))
		}
	}
	for k, vs := range form {
		for _, v := range vs {
			pairs = append(pairs, testEnc(k)+"="+testEnc(v))
		}
	}
	sort.Strings(pairs)
	baseURL := strings.ToLower(r.URL.Scheme) + "://" + strings.ToLower(r.URL.Host) + r.URL.EscapedPath()
	base := r.Method + "&" + testEnc(baseURL) + "&" + testEnc(strings.Join(pairs, "&"))
	key := testEnc(consumer.secret) + "&" + testEnc(token.secret)
	if p["oauth_signature_method"] == "PLAINTEXT" {
		p["oauth_signature"] = key
	} else {
		mac := hmac.New(sha1.New, []byte(key))
		mac.Write([]byte(base))
		p["oauth_signature"] = base64.StdEncoding.EncodeToString(mac.Sum(nil))
	}
	var h []string
	for k, v := range p {
		h = append(h, testEnc(k)+`="`+testEnc(v)+`"`)
	}
	sort.Strings(h)
	r.Header.Set("Authorization", `OAuth realm="", `+strings.Join(h, ", "))
}

func testNonce() string {
	b := make([]byte, 12)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// newSigned builds a signed request; a non-nil form becomes an application/x-www-form-urlencoded body.
func newSigned(t *testing.T, method, rawURL string, form url.Values, consumer, token creds, oauth map[string]string) *http.Request {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		r.Header.Set("Content-Type", formContentType)
	}
	signRequest(r, form, consumer, token, oauth)
	return r
}

// result is a response with its body read.
type result struct {
	status int
	header http.Header
	body   string
}

// do sends r with the server's client, never following redirects.
func do(t *testing.T, s *Server, r *http.Request) result {
	t.Helper()
	c := s.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return result{resp.StatusCode, resp.Header, string(b)}
}

func get(t *testing.T, s *Server, rawURL string, header ...string) result {
	t.Helper()
	r, err := http.NewRequest("GET", rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return do(t, s, r)
}

func postJSON(t *testing.T, s *Server, rawURL string, v any) result {
	t.Helper()
	b, _ := json.Marshal(v)
	r, _ := http.NewRequest("POST", rawURL, strings.NewReader(string(b)))
	r.Header.Set("Content-Type", "application/json")
	return do(t, s, r)
}

func (res result) want(t *testing.T, status int, bodyPart string) {
	t.Helper()
	if res.status != status || !strings.Contains(res.body, bodyPart) {
		t.Fatalf("got %d %q, want %d containing %q", res.status, res.body, status, bodyPart)
	}
}

// register registers a client called name.
func register(t *testing.T, s *Server, name string) creds {
	t.Helper()
	res := postJSON(t, s, s.URL+"/api/client/register", map[string]string{
		"type": "client_associate", "application_type": "native", "application_name": name,
	})
	res.want(t, 200, "client_id")
	var v struct{ ClientID, ClientSecret string }
	var raw map[string]any
	json.Unmarshal([]byte(res.body), &raw)
	v.ClientID, _ = raw["client_id"].(string)
	v.ClientSecret, _ = raw["client_secret"].(string)
	return creds{v.ClientID, v.ClientSecret}
}

// requestToken gets a request token for callback.
func getRequestToken(t *testing.T, s *Server, c creds, callback string) creds {
	t.Helper()
	res := do(t, s, newSigned(t, "POST", s.URL+"/oauth/request_token", nil, c, creds{}, map[string]string{"oauth_callback": callback}))
	res.want(t, 200, "oauth_callback_confirmed=true")
	return parseTokenBody(t, res.body)
}

func parseTokenBody(t *testing.T, body string) creds {
	t.Helper()
	v, err := url.ParseQuery(body)
	if err != nil || v.Get("oauth_token") == "" || v.Get("oauth_token_secret") == "" {
		t.Fatalf("bad token body %q", body)
	}
	return creds{v.Get("oauth_token"), v.Get("oauth_token_secret")}
}

func accessTokenRequest(t *testing.T, s *Server, c, rt creds, verifier string) *http.Request {
	return newSigned(t, "POST", s.URL+"/oauth/access_token", nil, c, rt, map[string]string{"oauth_verifier": verifier})
}

func authorizeURL(s *Server, rt creds) string {
	return s.URL + "/oauth/authorize?oauth_token=" + rt.key
}

// login runs the whole oob flow for nick and returns the client and its access token.
func login(t *testing.T, s *Server, c creds, nick, password string) creds {
	t.Helper()
	rt := getRequestToken(t, s, c, "oob")
	a, err := s.Approve(context.Background(), authorizeURL(s, rt), nick, password)
	if err != nil {
		t.Fatalf("Approve: %v", err)
	}
	res := do(t, s, accessTokenRequest(t, s, c, rt, a.Verifier))
	res.want(t, 200, "oauth_token=")
	return parseTokenBody(t, res.body)
}

// eventually polls cond until it holds or a deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

// newSignedJSON builds a signed request with a JSON body (JSON bodies are not signed).
func newSignedJSON(t *testing.T, method, rawURL, body string, consumer, token creds) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, rawURL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	signRequest(r, nil, consumer, token, nil)
	return r
}
