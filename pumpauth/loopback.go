package pumpauth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// AuthorizeInBrowser runs the authorization with automatic capture of the
// verifier, the flow no other pump.io client has: instead of "oob" the
// request token's callback is a loopback URL, http://127.0.0.1:PORT/callback
// ?state=…, so when the person approves in their browser the verifier
// comes back by itself.
//
// As RFC 8252 §7.3 and §8.3 ask, it listens on 127.0.0.1 (and [::1] on the
// same port when it can) only, on an ephemeral port, only while the flow
// runs; it accepts exactly one callback, whose oauth_token is the request
// token it was issued (pump.io never checks the verifier itself) and whose
// state is the unguessable value it put in the callback URL; it answers the
// browser with a short page that closes the connection (no keep-alive), and
// it stops listening once the flow is over — promptly: a browser's idle or
// preconnected connection never holds it up.
//
// open is called once with the authorize URL, from the flow's goroutine;
// it should show or open the URL and return promptly. The wait ends with
// an error wrapping context.Canceled when ctx is cancelled (the listener
// closes at once), or with ErrAuthorizationTimeout after the authorization
// timeout (DefaultAuthorizationTimeout; see WithAuthorizationTimeout).
//
// After a timeout the listener stays up a while longer, so that a person
// who approves late sees a page saying Pump Connect stopped waiting (and
// to press Retry) instead of a browser error: it accepts no approval any
// more, and closes when ctx is done or after LateApprovalGrace, whichever
// comes first. A caller that shows the timeout and then moves on (Retry,
// Back, closing its window) should cancel ctx then.
func (p *Pump) AuthorizeInBrowser(ctx context.Context, open func(authorizeURL string)) (Token, error) {
	return p.AuthorizeInBrowserNotify(ctx, open, nil)
}

// AuthorizeInBrowserNotify is AuthorizeInBrowser that also calls approved
// (when not nil, from the flow's goroutine) as soon as the browser's
// approval arrives, before the access token is fetched: on a slow server
// the exchange takes a while, and the person has approved already.
func (p *Pump) AuthorizeInBrowserNotify(ctx context.Context, open func(authorizeURL string), approved func()) (Token, error) {
	c, e, err := p.prepare(ctx)
	if err != nil {
		return Token{}, err
	}
	cb, err := listenForCallback(p.loopbackHost)
	if err != nil {
		return Token{}, err
	}
	rt, authURL, err := p.getRequestToken(ctx, e, c, cb.URL())
	if err != nil {
		cb.abort()
		return Token{}, err
	}
	cb.expect(rt.Token)
	open(authURL)
	verifier, err := cb.wait(ctx, p.authTimeout)
	switch {
	case errors.Is(err, ErrAuthorizationTimeout):
		cb.stopWaiting(ctx, LateApprovalGrace)
		return Token{}, err
	case err != nil:
		cb.abort()
		return Token{}, err
	}
	cb.Close()
	if approved != nil {
		approved()
	}
	return p.finish(ctx, e, c, rt, verifier)
}

// LateApprovalGrace bounds how long AuthorizeInBrowser's listener stays up
// after ErrAuthorizationTimeout to tell a late approval that nobody waits
// for it. pump.io drops request tokens idle for 10 minutes, so an approval
// later than that cannot come.
const LateApprovalGrace = 10 * time.Minute

// callbackListener receives the one loopback callback of a flow.
type callbackListener struct {
	listeners []net.Listener
	srv       *http.Server
	port      int
	state     string
	verifier  chan string // buffered 1: the accepted verifier

	mu       sync.Mutex
	token    string // the request token the callback must carry
	accepted bool
	late     bool // the wait timed out: callbacks get pageLate
	closed   bool

	connMu sync.Mutex
	fresh  map[net.Conn]struct{} // connections that have not sent a request yet
}

// listenForCallback binds an ephemeral port on the loopback addresses
// given (the first must succeed; the others are tried on the same port).
func listenForCallback(hosts []string) (*callbackListener, error) {
	first, err := net.Listen("tcp", net.JoinHostPort(hosts[0], "0"))
	if err != nil {
		return nil, &ResponseError{Op: opAuthorize, Kind: ErrUnreachable, Cause: fmt.Errorf("cannot listen on loopback: %w", err)}
	}
	l := &callbackListener{
		listeners: []net.Listener{first},
		port:      first.Addr().(*net.TCPAddr).Port,
		state:     randomState(),
		verifier:  make(chan string, 1),
		fresh:     make(map[net.Conn]struct{}),
	}
	for _, h := range hosts[1:] {
		if more, err := net.Listen("tcp", net.JoinHostPort(h, strconv.Itoa(l.port))); err == nil {
			l.listeners = append(l.listeners, more)
		}
	}
	l.srv = &http.Server{Handler: l, ReadHeaderTimeout: 10 * time.Second, ConnState: l.track}
	// One request per connection: the answer page closes its connection,
	// so nothing the browser keeps open outlives the flow.
	l.srv.SetKeepAlivesEnabled(false)
	for _, ln := range l.listeners {
		go l.srv.Serve(ln) //nolint:errcheck // ends with ErrServerClosed on Close
	}
	return l, nil
}

// randomState is 256 bits from crypto/rand, base64url.
func randomState() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("pumpauth: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// URL is the callback URL to give the server.
func (l *callbackListener) URL() string {
	return "http://127.0.0.1:" + strconv.Itoa(l.port) + "/callback?" + url.Values{"state": {l.state}}.Encode()
}

func (l *callbackListener) expect(token string) {
	l.mu.Lock()
	l.token = token
	l.mu.Unlock()
}

// wait returns the verifier, or an error when ctx is done or timeout passes.
func (l *callbackListener) wait(ctx context.Context, timeout time.Duration) (string, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case v := <-l.verifier:
		return v, nil
	case <-ctx.Done():
		return "", wrapContext(opAuthorize, ctx.Err())
	case <-timer.C:
		return "", &ResponseError{Op: opAuthorize, Kind: ErrAuthorizationTimeout}
	}
}

// abort refuses every later callback and stops listening at once (a
// browser's idle preconnection must not hold up a Cancel). Safe to call
// more than once, and after Close.
func (l *callbackListener) abort() {
	l.mu.Lock()
	l.accepted = true // a callback racing the close gets "already done", never success
	l.closed = true
	l.mu.Unlock()
	l.srv.Close()
}

// stopWaiting answers every later callback with pageLate (never success),
// and keeps listening until ctx is done or grace has passed, whichever
// comes first; then it aborts. It returns at once.
func (l *callbackListener) stopWaiting(ctx context.Context, grace time.Duration) {
	l.mu.Lock()
	l.late = true
	l.mu.Unlock()
	go func() {
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		l.abort()
	}()
}

// track keeps the connections that have not sent a request yet
// (http.Server.ConnState).
func (l *callbackListener) track(c net.Conn, s http.ConnState) {
	l.connMu.Lock()
	defer l.connMu.Unlock()
	if s == http.StateNew {
		l.fresh[c] = struct{}{}
	} else {
		delete(l.fresh, c)
	}
}

// Close stops listening once the answer to the browser is out; safe to
// call more than once. The callback's answer is flushed before its
// verifier is handed over and its connection is not kept alive, so Close
// has nothing to wait for but handlers still running. Connections that
// never sent a request (browsers open spare ones ahead of time) are closed
// at once: http.Server.Shutdown would wait seconds for them.
func (l *callbackListener) Close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	l.mu.Unlock()
	for _, ln := range l.listeners {
		ln.Close() // no new connections while the fresh ones are closed
	}
	l.connMu.Lock()
	for c := range l.fresh {
		c.Close()
	}
	l.connMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), closeBound)
	defer cancel()
	if err := l.srv.Shutdown(ctx); err != nil {
		l.srv.Close()
	}
}

// closeBound is the longest Close waits for a handler still answering.
const closeBound = 500 * time.Millisecond

// ServeHTTP accepts the one callback whose state and oauth_token match.
func (l *callbackListener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if r.URL.Path != "/callback" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		callbackPage(w, http.StatusNotFound, pageNotFound)
		return
	}
	if !l.loopbackHostHeader(r.Host) {
		callbackPage(w, http.StatusBadRequest, pageMismatch)
		return
	}
	q := r.URL.Query()
	l.mu.Lock()
	ours := l.token != "" &&
		subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(l.state)) == 1 &&
		subtle.ConstantTimeCompare([]byte(q.Get("oauth_token")), []byte(l.token)) == 1
	v, verr := CleanVerifier(q.Get("oauth_verifier"))
	var page callbackContent
	status := http.StatusOK
	switch {
	case l.accepted:
		status, page = http.StatusGone, pageUsed
	case !ours:
		status, page = http.StatusBadRequest, pageMismatch
	case l.late:
		status, page = http.StatusGone, pageLate
	case verr != nil:
		status, page = http.StatusBadRequest, pageMismatch
	default:
		l.accepted = true // from now on, only this request may deliver
		page = pageDone
	}
	l.mu.Unlock()
	callbackPage(w, status, page)
	if page == pageDone {
		// The page is out before the flow may close the listener.
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		l.verifier <- v
	}
}

// loopbackHostHeader refuses requests whose Host is not our own address
// (a page elsewhere rebinding a name to 127.0.0.1).
func (l *callbackListener) loopbackHostHeader(host string) bool {
	h, port, err := net.SplitHostPort(host)
	if err != nil || port != strconv.Itoa(l.port) {
		return false
	}
	return h == "127.0.0.1" || h == "::1" || h == "localhost"
}

type callbackContent struct{ Title, Text string }

var (
	pageDone     = callbackContent{"Approval received", "Pump Connect finishes connecting by itself. You can close this tab and return to Pump Connect."}
	pageMismatch = callbackContent{"This link is not for Pump Connect's current sign-in", "Return to Pump Connect and start again; this tab can be closed."}
	pageUsed     = callbackContent{"This sign-in is over", "Pump Connect is no longer waiting for this approval. Close this tab and return to Pump Connect; press Retry there if it asks."}
	pageLate     = callbackContent{"Pump Connect stopped waiting", "This approval came after Pump Connect stopped waiting for it. Go back to Pump Connect and press Retry."}
	pageNotFound = callbackContent{"Not found", "You can close this tab and return to Pump Connect."}
)

var callbackTemplate = template.Must(template.New("cb").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;background:#f4f6f8;color:#1d2733;display:flex;min-height:90vh;align-items:center;justify-content:center}
main{background:#fff;border-radius:12px;padding:2em 2.5em;box-shadow:0 2px 12px #0002;max-width:32em;text-align:center}
h1{font-size:1.4em;margin:0 0 .6em}</style></head>
<body><main><h1>{{.Title}}</h1><p>{{.Text}}</p></main>
<script>history.replaceState(null, "", location.pathname)</script></body></html>
`))

// callbackPage answers the browser. Its script drops the query (token,
// verifier, state) from the address bar and the history: they are spent,
// but nobody needs to see them.
func callbackPage(w http.ResponseWriter, status int, c callbackContent) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = callbackTemplate.Execute(w, c)
}
