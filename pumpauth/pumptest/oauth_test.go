package pumptest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestFlowOOB(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := register(t, s, "Pump Connect")
	rt := getRequestToken(t, s, c, "oob")
	if len(rt.key) != 22 || len(rt.secret) != 43 {
		t.Errorf("request token lengths %d/%d, want 22/43", len(rt.key), len(rt.secret))
	}
	if got := s.CallbackFor(rt.key); got != "oob" {
		t.Errorf("CallbackFor = %q", got)
	}
	a, err := s.Approve(context.Background(), authorizeURL(s, rt), "alice", "wonderland")
	if err != nil {
		t.Fatal(err)
	}
	if a.Token != rt.key || len(a.Verifier) != 22 || !a.Consented || a.CallbackURL != "" || a.CallbackStatus != 0 {
		t.Errorf("Approval = %+v", a)
	}
	res := do(t, s, accessTokenRequest(t, s, c, rt, a.Verifier))
	res.want(t, 200, "oauth_token=")
	at := parseTokenBody(t, res.body)

	// The request token works once.
	do(t, s, accessTokenRequest(t, s, c, rt, a.Verifier)).want(t, 401, "Invalid / expired Token")

	// Re-authorizing: no consent page, same access token.
	rt2 := getRequestToken(t, s, c, "oob")
	a2, err := s.Approve(context.Background(), authorizeURL(s, rt2), "alice", "wonderland")
	if err != nil {
		t.Fatal(err)
	}
	if a2.Consented {
		t.Error("consent page shown again for an already authorized client")
	}
	res = do(t, s, accessTokenRequest(t, s, c, rt2, a2.Verifier))
	res.want(t, 200, "oauth_token=")
	if at2 := parseTokenBody(t, res.body); at2 != at {
		t.Errorf("re-authorization gave %v, want the same token %v", at2, at)
	}
	// Another client gets its own consent page.
	other := register(t, s, "Other")
	a3, err := s.Approve(context.Background(), authorizeURL(s, getRequestToken(t, s, other, "oob")), "alice", "wonderland")
	if err != nil || !a3.Consented {
		t.Errorf("other client: %+v, %v", a3, err)
	}
}

func TestFlowCallback(t *testing.T) {
	s := NewServer()
	defer s.Close()
	got := make(chan url.Values, 4)
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL.Query()
		io.WriteString(w, "You can close this window.")
	}))
	defer cb.Close()
	c := register(t, s, "Pump Connect")
	tests := []struct{ name, callback, prefix string }{
		{"plain", cb.URL + "/callback", cb.URL + "/callback?oauth_token="},
		{"with query", cb.URL + "/callback?state=xyz", cb.URL + "/callback?state=xyz&oauth_token="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := getRequestToken(t, s, c, tt.callback)
			a, err := s.Approve(context.Background(), authorizeURL(s, rt), "alice", "wonderland")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(a.CallbackURL, tt.prefix) || a.Token != rt.key || a.Verifier == "" ||
				a.CallbackStatus != 200 || a.CallbackBody != "You can close this window." {
				t.Errorf("Approval = %+v", a)
			}
			q := <-got
			if q.Get("oauth_token") != rt.key || q.Get("oauth_verifier") != a.Verifier {
				t.Errorf("callback got %v", q)
			}
			if strings.Contains(tt.callback, "state") && q.Get("state") != "xyz" {
				t.Errorf("callback query lost: %v", q)
			}
			do(t, s, accessTokenRequest(t, s, c, rt, a.Verifier)).want(t, 200, "oauth_token=")
		})
	}
}

// TestAuthorizeInBrowser walks the pages as a browser does and checks statuses: 200 pages, 303 after consent,
// 302 when consent is skipped.
func TestAuthorizeInBrowser(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := register(t, s, "Pump <Connect>")
	jar, _ := cookiejar.New(nil)
	b := s.Client()
	b.Jar = jar
	b.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	send := func(method, u string, form url.Values) result {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		r, _ := http.NewRequest(method, u, body)
		if form != nil {
			r.Header.Set("Content-Type", formContentType)
		}
		resp, err := b.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return result{resp.StatusCode, resp.Header, string(data)}
	}
	rt := getRequestToken(t, s, c, "http://127.0.0.1:1/cb?state=1")

	page := send("GET", authorizeURL(s, rt), nil)
	page.want(t, 200, `<form id="login" method="post" action="/oauth/authorize">`)
	for _, want := range []string{Banner, "local demo server", `name="oauth_token" value="` + rt.key + `"`, "Pump &lt;Connect&gt;"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("login page lacks %q", want)
		}
	}
	send("POST", s.URL+"/oauth/authorize", url.Values{"oauth_token": {rt.key}, "username": {"alice"}, "password": {"wrong"}}).
		want(t, 200, "Incorrect nickname or password.")
	send("POST", s.URL+"/oauth/authorize", url.Values{"oauth_token": {rt.key}, "authorize": {"Authorize"}}).
		want(t, 200, `<form id="login"`) // consent without a session
	consent := send("POST", s.URL+"/oauth/authorize", url.Values{"oauth_token": {rt.key}, "username": {"alice"}, "password": {"wonderland"}})
	consent.want(t, 200, "Do you want to authorize Pump &lt;Connect&gt;")
	if !strings.Contains(consent.body, `value="Authorize">Authorize</button>`) || strings.Contains(consent.body, "Deny") {
		t.Errorf("consent page must have one Authorize button and no Deny: %s", consent.body)
	}
	done := send("POST", s.URL+"/oauth/authorize", url.Values{"oauth_token": {rt.key}, "authorize": {"Authorize"}})
	if done.status != http.StatusSeeOther || !strings.HasPrefix(done.header.Get("Location"), "http://127.0.0.1:1/cb?state=1&oauth_token="+rt.key+"&oauth_verifier=") {
		t.Fatalf("after consent: %d %q", done.status, done.header.Get("Location"))
	}

	// Logged in and already granted: straight to a 302.
	rt2 := getRequestToken(t, s, c, "http://127.0.0.1:1/cb")
	skip := send("GET", authorizeURL(s, rt2), nil)
	if skip.status != http.StatusFound || !strings.HasPrefix(skip.header.Get("Location"), "http://127.0.0.1:1/cb?oauth_token="+rt2.key+"&oauth_verifier=") {
		t.Fatalf("skipped consent: %d %q", skip.status, skip.header.Get("Location"))
	}
	// oob, already granted: straight to the Authorization Complete page.
	rt3 := getRequestToken(t, s, c, "oob")
	send("GET", authorizeURL(s, rt3), nil).want(t, 200, `<td id="token">`+rt3.key+`</td>`)

	// Unknown, expired or missing request tokens: an HTML error page.
	s.ExpireRequestTokens()
	for _, u := range []string{authorizeURL(s, rt3), s.URL + "/oauth/authorize?oauth_token=nope", s.URL + "/oauth/authorize"} {
		res := send("GET", u, nil)
		if res.status != 400 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") || !strings.Contains(res.body, Banner) {
			t.Errorf("GET %s: %d %s", u, res.status, res.body)
		}
	}
}

func TestApproveErrors(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := register(t, s, "App")
	rt := getRequestToken(t, s, c, "oob")
	if _, err := s.Approve(context.Background(), authorizeURL(s, rt), "alice", "wrong"); err == nil || !strings.Contains(err.Error(), "Incorrect") {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := s.Approve(context.Background(), s.URL+"/oauth/authorize?oauth_token=nope", "alice", "wonderland"); err == nil || !strings.Contains(err.Error(), "400") {
		t.Errorf("unknown token: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Approve(ctx, authorizeURL(s, rt), "alice", "wonderland"); err == nil {
		t.Error("Approve with a cancelled context succeeded")
	}
}

func TestRequestTokenErrors(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := register(t, s, "App")
	rtURL := s.URL + "/oauth/request_token"
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
		body   string
	}{
		{"GET works", func() *http.Request {
			return newSigned(t, "GET", rtURL, nil, c, creds{}, map[string]string{"oauth_callback": "oob"})
		}, 200, "oauth_callback_confirmed=true"},
		{"form body", func() *http.Request {
			return newSigned(t, "POST", rtURL, url.Values{"oauth_callback": {"oob"}}, c, creds{}, nil)
		}, 200, "oauth_callback_confirmed=true"},
		{"query", func() *http.Request {
			return newSigned(t, "POST", rtURL+"?oauth_callback=oob", nil, c, creds{}, nil)
		}, 200, "oauth_callback_confirmed=true"},
		{"PLAINTEXT", func() *http.Request {
			return newSigned(t, "POST", rtURL, nil, c, creds{}, map[string]string{"oauth_callback": "oob", "oauth_signature_method": "PLAINTEXT"})
		}, 200, "oauth_callback_confirmed=true"},
		{"loopback callback", func() *http.Request {
			return newSigned(t, "POST", rtURL, nil, c, creds{}, map[string]string{"oauth_callback": "http://127.0.0.1:5555/callback?state=X"})
		}, 200, "oauth_callback_confirmed=true"},
		{"no callback", func() *http.Request { return newSigned(t, "POST", rtURL, nil, c, creds{}, nil) }, 400, "Missing required parameter"},
		{"custom scheme", func() *http.Request {
			return newSigned(t, "POST", rtURL, nil, c, creds{}, map[string]string{"oauth_callback": "myapp://callback"})
		}, 400, "internal error"},
		{"unsigned", func() *http.Request { r, _ := http.NewRequest("POST", rtURL, nil); return r }, 400, "Missing required parameter"},
		{"unknown consumer", func() *http.Request {
			return newSigned(t, "POST", rtURL, nil, creds{"nope", c.secret}, creds{}, map[string]string{"oauth_callback": "oob"})
		}, 400, "Invalid Consumer Key"},
		{"wrong secret", func() *http.Request {
			return newSigned(t, "POST", rtURL, nil, creds{c.key, "wrong"}, creds{}, map[string]string{"oauth_callback": "oob"})
		}, 401, "Invalid signature"},
		{"signed for another host", func() *http.Request {
			r := newSigned(t, "POST", strings.Replace(rtURL, "127.0.0.1", "localhost", 1), nil, c, creds{}, map[string]string{"oauth_callback": "oob"})
			r.URL.Host, r.Host = s.Host, ""
			return r
		}, 401, "Invalid signature"},
		{"unsupported method", func() *http.Request {
			return newSigned(t, "POST", rtURL, nil, c, creds{}, map[string]string{"oauth_callback": "oob", "oauth_signature_method": "RSA-SHA1"})
		}, 401, "Invalid signature"},
		{"charset form is not signed", func() *http.Request {
			r := newSigned(t, "POST", rtURL, url.Values{"oauth_callback": {"oob"}}, c, creds{}, nil)
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			return r
		}, 400, "Missing required parameter"}, // the callback in the ignored body is missing too
		{"charset form with header callback", func() *http.Request {
			r := newSigned(t, "POST", rtURL, url.Values{"extra": {"1"}}, c, creds{}, map[string]string{"oauth_callback": "oob"})
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			return r
		}, 401, "Invalid signature"},
		{"stale timestamp", func() *http.Request {
			old := strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10)
			return newSigned(t, "POST", rtURL, nil, c, creds{}, map[string]string{"oauth_callback": "oob", "oauth_timestamp": old})
		}, 401, "Invalid signature"},
		{"future timestamp", func() *http.Request {
			future := strconv.FormatInt(time.Now().Add(10*time.Minute).Unix(), 10)
			return newSigned(t, "POST", rtURL, nil, c, creds{}, map[string]string{"oauth_callback": "oob", "oauth_timestamp": future})
		}, 401, "Invalid signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, s, tt.req())
			res.want(t, tt.status, tt.body)
			want := "text/plain"
			if tt.status == 200 {
				want = "application/x-www-form-urlencoded"
			}
			if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, want) {
				t.Errorf("Content-Type %q, want %s", ct, want)
			}
			if tt.status != 200 && s.LastRejection() == "" {
				t.Error("no LastRejection")
			}
		})
	}
	if got := s.Requests(RequestToken); got != len(tests) {
		t.Errorf("Requests(RequestToken) = %d, want %d", got, len(tests))
	}
}

func TestReplay(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := register(t, s, "App")
	extra := map[string]string{"oauth_callback": "oob", "oauth_nonce": "once", "oauth_timestamp": strconv.FormatInt(time.Now().Unix(), 10)}
	do(t, s, newSigned(t, "POST", s.URL+"/oauth/request_token", nil, c, creds{}, extra)).want(t, 200, "oauth_token=")
	do(t, s, newSigned(t, "POST", s.URL+"/oauth/request_token", nil, c, creds{}, extra)).want(t, 401, "Invalid signature")
	if r := s.LastRejection(); !strings.Contains(r, "replay") {
		t.Errorf("LastRejection = %q", r)
	}
	// The same nonce with another timestamp is fine.
	extra["oauth_timestamp"] = strconv.FormatInt(time.Now().Unix()-1, 10)
	do(t, s, newSigned(t, "POST", s.URL+"/oauth/request_token", nil, c, creds{}, extra)).want(t, 200, "oauth_token=")

	old := strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)
	do(t, s, newSigned(t, "POST", s.URL+"/oauth/request_token", nil, c, creds{}, map[string]string{"oauth_callback": "oob", "oauth_timestamp": old})).
		want(t, 401, "Invalid signature")
	if r := s.LastRejection(); !strings.Contains(r, "oauth_timestamp") {
		t.Errorf("LastRejection = %q", r)
	}
}

func TestAccessTokenErrors(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := register(t, s, "App")
	other := register(t, s, "Other")
	approved := func() (creds, string) {
		rt := getRequestToken(t, s, c, "oob")
		a, err := s.Approve(context.Background(), authorizeURL(s, rt), "alice", "wonderland")
		if err != nil {
			t.Fatal(err)
		}
		return rt, a.Verifier
	}
	atURL := s.URL + "/oauth/access_token"
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
		body   string
	}{
		{"in form body", func() *http.Request {
			rt, v := approved()
			return newSigned(t, "POST", atURL, url.Values{"oauth_verifier": {v}}, c, rt, nil)
		}, 200, "oauth_token_secret="},
		{"in query", func() *http.Request {
			rt, v := approved()
			return newSigned(t, "POST", atURL+"?oauth_verifier="+v, nil, c, rt, nil)
		}, 200, "oauth_token_secret="},
		{"never approved", func() *http.Request {
			return accessTokenRequest(t, s, c, getRequestToken(t, s, c, "oob"), "whatever")
		}, 401, "Invalid / expired Token"},
		{"wrong verifier", func() *http.Request {
			rt, _ := approved()
			return accessTokenRequest(t, s, c, rt, "wrong")
		}, 401, "Invalid / expired Token"},
		{"no verifier", func() *http.Request {
			rt, _ := approved()
			return newSigned(t, "POST", atURL, nil, c, rt, nil)
		}, 400, "Missing required parameter"},
		{"unknown token", func() *http.Request {
			return accessTokenRequest(t, s, c, creds{"nope", "nope"}, "v")
		}, 401, "Invalid / expired Token"},
		{"another client's token", func() *http.Request {
			rt, v := approved()
			return accessTokenRequest(t, s, other, rt, v)
		}, 401, "Invalid / expired Token"},
		{"wrong token secret", func() *http.Request {
			rt, v := approved()
			return accessTokenRequest(t, s, c, creds{rt.key, "wrong"}, v)
		}, 401, "Invalid signature"},
		{"unknown consumer", func() *http.Request {
			rt, v := approved()
			return accessTokenRequest(t, s, creds{"nope", "x"}, rt, v)
		}, 400, "Invalid Consumer Key"},
		{"expired request token", func() *http.Request {
			rt, v := approved()
			s.ExpireRequestTokens()
			return accessTokenRequest(t, s, c, rt, v)
		}, 401, "Invalid / expired Token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, s, tt.req())
			res.want(t, tt.status, tt.body)
			if tt.status != 200 && !strings.HasPrefix(res.header.Get("Content-Type"), "text/plain") {
				t.Errorf("Content-Type %q", res.header.Get("Content-Type"))
			}
		})
	}
}

func TestForgetClients(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := register(t, s, "App")
	at := login(t, s, c, "alice", "wonderland")
	pending := getRequestToken(t, s, c, "oob")
	s.ForgetClients()
	if n := s.Clients(); n != 0 {
		t.Errorf("Clients() = %d", n)
	}
	for name, r := range map[string]*http.Request{
		"request token": newSigned(t, "POST", s.URL+"/oauth/request_token", nil, c, creds{}, map[string]string{"oauth_callback": "oob"}),
		"access token":  accessTokenRequest(t, s, c, pending, "v"),
	} {
		t.Run(name, func(t *testing.T) {
			res := do(t, s, r)
			res.want(t, 400, "Invalid Consumer Key")
			if !strings.HasPrefix(res.header.Get("Content-Type"), "text/plain") {
				t.Errorf("Content-Type %q", res.header.Get("Content-Type"))
			}
		})
	}
	// The API looks at the token first: after a wipe it is unknown too.
	t.Run("whoami", func(t *testing.T) {
		res := do(t, s, newSigned(t, "GET", s.URL+"/api/whoami", nil, c, at, nil))
		res.want(t, 400, "Invalid / expired Token")
		if !strings.HasPrefix(res.header.Get("Content-Type"), "text/plain") {
			t.Errorf("Content-Type %q", res.header.Get("Content-Type"))
		}
	})
	// Registering again cures it.
	c2 := register(t, s, "App")
	login(t, s, c2, "alice", "wonderland")
}

func TestRevokeTokens(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := register(t, s, "App")
	at := login(t, s, c, "alice", "wonderland")
	rt := getRequestToken(t, s, c, "oob")
	a, err := s.Approve(context.Background(), authorizeURL(s, rt), "alice", "wonderland")
	if err != nil {
		t.Fatal(err)
	}
	s.RevokeTokens()
	do(t, s, newSigned(t, "GET", s.URL+"/api/whoami", nil, c, at, nil)).want(t, 400, "Invalid / expired Token")
	do(t, s, accessTokenRequest(t, s, c, rt, a.Verifier)).want(t, 401, "Invalid / expired Token")
	at2 := login(t, s, c, "alice", "wonderland")
	if at2 == at {
		t.Error("a revoked token came back")
	}
	do(t, s, newSigned(t, "GET", s.URL+"/api/whoami", nil, c, at2, nil)).want(t, 302, "")
}

func TestCallbackFor(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := register(t, s, "App")
	for _, cb := range []string{"oob", "http://127.0.0.1:9/cb?state=" + fmt.Sprint(42)} {
		rt := getRequestToken(t, s, c, cb)
		if got := s.CallbackFor(rt.key); got != cb {
			t.Errorf("CallbackFor = %q, want %q", got, cb)
		}
	}
	if got := s.CallbackFor("nope"); got != "" {
		t.Errorf("CallbackFor(unknown) = %q", got)
	}
}
