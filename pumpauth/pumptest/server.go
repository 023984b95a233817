package pumptest

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Endpoint names one part of the pump.io protocol, for faults and request counts.
type Endpoint string

// The endpoints a Server serves.
const (
	HostMeta     Endpoint = "host-meta"     // /.well-known/host-meta and /.well-known/host-meta.json
	Webfinger    Endpoint = "webfinger"     // /.well-known/webfinger and /api/lrdd
	Register     Endpoint = "register"      // /api/client/register
	RequestToken Endpoint = "request-token" // /oauth/request_token
	Authorize    Endpoint = "authorize"     // /oauth/authorize
	AccessToken  Endpoint = "access-token"  // /oauth/access_token
	Whoami       Endpoint = "whoami"        // /api/whoami
	Profile      Endpoint = "profile"       // /api/user/{nick}/profile
	Inbox        Endpoint = "inbox"         // /api/user/{nick}/inbox
	Feed         Endpoint = "feed"          // /api/user/{nick}/feed
	Avatar       Endpoint = "avatar"        // /images/{file}: the profile pictures
)

// Default user of NewServer and NewTLSServer.
const (
	DefaultNick        = "alice"
	DefaultPassword    = "wonderland"
	DefaultDisplayName = "Alice Example"
)

// Demo user of NewDemoServer.
const (
	DemoNick        = "demo"
	DemoPassword    = "demo"
	DemoDisplayName = "Demo User"
)

// Lifetimes, as in pump.io.
const (
	requestTokenIdle = 10 * time.Minute // pending request tokens are dropped after this
	maxClockSkew     = 5 * time.Minute  // stricter than pump.io: oauth_timestamp must be this close to now
	avatarSize       = 96
)

// Server is an in-process pump.io server. All methods are safe for concurrent use.
type Server struct {
	URL  string // "http://127.0.0.1:PORT" (https for NewTLSServer)
	Host string // "127.0.0.1:PORT"

	ts       *httptest.Server
	done     chan struct{} // closed by Close: ends fault delays
	inflight atomic.Int64  // handlers running (tests check that delays end when the client gives up)
	busy     atomic.Int64  // nanoseconds spent in handlers, for Busy
	now      func() time.Time
	demo     bool

	mu             sync.Mutex
	closed         bool
	users          map[string]*user // by nick
	clients        map[string]*client
	requestTokens  map[string]*requestToken
	accessTokens   map[string]*accessToken
	grants         map[grantKey]string // user consented to client → access token ("" until exchanged)
	callbacks      map[string]string   // request token → oauth_callback, kept after the token is gone
	sessions       map[string]string   // session cookie → nick
	nonces         map[string]time.Time
	faults         map[Endpoint]Fault
	counts         map[Endpoint]int
	lastRejection  string
	clientLifetime time.Duration
	seq            int       // activity ids
	lastPublished  time.Time // of the newest activity: see publishedNow
	version        Version   // which release's content negotiation
}

type user struct {
	nick, password, displayName string
	avatar                      []byte           // PNG
	feed, inbox                 []map[string]any // oldest first
	followers, following        int              // totalItems on the profile: SetFollowCounts
}

type grantKey struct{ clientID, nick string }

// NewServer starts a plain-HTTP server on 127.0.0.1 with the default user alice/wonderland ("Alice Example").
func NewServer() *Server {
	s := newServer()
	s.start(false)
	s.AddUser(DefaultNick, DefaultPassword, DefaultDisplayName)
	return s
}

// NewTLSServer is NewServer over HTTPS with httptest's self-signed certificate: a plain http.Client rejects it,
// Client trusts it.
func NewTLSServer() *Server {
	s := newServer()
	s.start(true)
	s.AddUser(DefaultNick, DefaultPassword, DefaultDisplayName)
	return s
}

// NewDemoServer starts a server on a loopback port for the app's demo mode, to be used from a real browser.
// It has one user, demo/demo ("Demo User"), whose avatar is served at /images/demo.png. Its pages also show
// the demo credentials.
func NewDemoServer() *Server {
	s := newServer()
	s.demo = true
	s.start(false)
	s.AddUser(DemoNick, DemoPassword, DemoDisplayName)
	return s
}

func newServer() *Server {
	return &Server{
		done:          make(chan struct{}),
		now:           time.Now,
		users:         make(map[string]*user),
		clients:       make(map[string]*client),
		requestTokens: make(map[string]*requestToken),
		accessTokens:  make(map[string]*accessToken),
		grants:        make(map[grantKey]string),
		callbacks:     make(map[string]string),
		sessions:      make(map[string]string),
		nonces:        make(map[string]time.Time),
		faults:        make(map[Endpoint]Fault),
		counts:        make(map[Endpoint]int),
	}
}

func (s *Server) start(tls bool) {
	mux := http.NewServeMux()
	s.routes(mux)
	s.ts = httptest.NewUnstartedServer(mux)
	// A client that rejects the self-signed certificate (which tests do on purpose) is not worth a log line.
	s.ts.Config.ErrorLog = log.New(dropTLSHandshakeErrors{}, "", log.LstdFlags)
	// URL and Host are set before the server starts, so no handler can see them change.
	s.Host = s.ts.Listener.Addr().String()
	s.URL = "http://" + s.Host
	if tls {
		s.URL = "https://" + s.Host
		s.ts.StartTLS()
	} else {
		s.ts.Start()
	}
	if s.ts.URL != s.URL {
		panic("pumptest: httptest URL " + s.ts.URL + " is not " + s.URL)
	}
}

func (s *Server) routes(mux *http.ServeMux) {
	mux.Handle("/.well-known/host-meta", s.endpoint(HostMeta, s.hostMeta))
	mux.Handle("/.well-known/host-meta.json", s.endpoint(HostMeta, s.hostMetaJSON))
	mux.Handle("/.well-known/webfinger", s.endpoint(Webfinger, s.webfinger))
	mux.Handle("/api/lrdd", s.endpoint(Webfinger, s.lrdd))
	mux.Handle("/api/client/register", s.endpoint(Register, s.register))
	mux.Handle("/oauth/request_token", s.endpoint(RequestToken, s.requestToken))
	mux.Handle("/oauth/authorize", s.endpoint(Authorize, s.authorize))
	mux.Handle("/oauth/access_token", s.endpoint(AccessToken, s.accessToken))
	mux.Handle("/api/whoami", s.endpoint(Whoami, s.whoami))
	mux.Handle("/api/user/{nick}/profile", s.endpoint(Profile, s.profile))
	mux.Handle("/api/user/{nick}/inbox", s.endpoint(Inbox, s.inbox))
	mux.Handle("/api/user/{nick}/feed", s.endpoint(Feed, s.feed))
	mux.Handle("/images/{file}", s.endpoint(Avatar, s.avatar))
	mux.Handle("/{nick}", s.endpoint("", s.profilePage))
	mux.Handle("/{$}", s.endpoint("", s.homePage))
}

// dropTLSHandshakeErrors passes the server's log to stderr, except TLS handshake errors.
type dropTLSHandshakeErrors struct{}

func (dropTLSHandshakeErrors) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("TLS handshake error")) {
		return len(p), nil
	}
	return os.Stderr.Write(p)
}

// Close shuts the server down, ending any fault delay still running.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	s.mu.Unlock()
	s.ts.Close()
}

// Client returns an http.Client for this server; for NewTLSServer it trusts the server's certificate.
// Each call returns a new Client value (sharing httptest's transport), so a caller may set CheckRedirect,
// Jar or Timeout on it.
func (s *Server) Client() *http.Client {
	c := *s.ts.Client()
	return &c
}

// Certificate is the server's certificate for NewTLSServer (nil for plain
// HTTP), for clients outside Go to trust: PEM-encode it for Python's
// requests (REQUESTS_CA_BUNDLE) or curl.
func (s *Server) Certificate() *x509.Certificate { return s.ts.Certificate() }

// AddUser adds (or replaces) a user with a generated avatar.
func (s *Server) AddUser(nick, password, displayName string) {
	avatar := makeAvatar(nick)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[nick] = &user{nick: nick, password: password, displayName: displayName, avatar: avatar}
}

// Address returns the webfinger account of nick, "nick@127.0.0.1:PORT".
func (s *Server) Address(nick string) string { return nick + "@" + s.Host }

// SetClientLifetime makes later registrations expire after d: their expires_at is now+d in unix seconds.
// 0 (the default, as on pump.io) means never: expires_at 0. A negative d gives already-expired clients.
func (s *Server) SetClientLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clientLifetime = d
}

// ForgetClients drops every registration and the tokens issued to them, as a wiped database does: later
// OAuth requests with an old consumer key get 400 "Invalid Consumer Key".
func (s *Server) ForgetClients() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.clients)
	clear(s.requestTokens)
	clear(s.accessTokens)
	clear(s.grants)
}

// RevokeTokens forgets every token: access tokens (API calls then get 400 "Invalid / expired Token"),
// pending request tokens (the access-token step then gets 401 "Invalid / expired Token") and the users'
// earlier consents (the consent page is shown again).
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.accessTokens)
	clear(s.requestTokens)
	clear(s.grants)
}

// ExpireRequestTokens drops all pending request tokens, as pump.io's 10-minute idle expiry does.
func (s *Server) ExpireRequestTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.requestTokens)
}

// Requests reports how many requests reached ep, failed ones and faulted ones included.
func (s *Server) Requests(ep Endpoint) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[ep]
}

// Busy reports the time the server has spent answering requests so far,
// fault delays included, added up over all requests (benchmarks subtract
// it from a client's elapsed time).
func (s *Server) Busy() time.Duration { return time.Duration(s.busy.Load()) }

// Clients reports the number of registered clients.
func (s *Server) Clients() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.clients)
}

// CallbackFor returns the oauth_callback given when requestToken was issued, "" if unknown.
func (s *Server) CallbackFor(requestToken string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callbacks[requestToken]
}

// LastRejection describes the last OAuth rejection (signature, timestamp, nonce, key or token), for test
// failure messages. It may contain base strings and expected signatures: it is meant for tests only.
func (s *Server) LastRejection() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastRejection
}

// reply is a response computed under s.mu and written after it is released.
type reply struct {
	status      int
	contentType string
	header      http.Header
	body        []byte
}

func (rep reply) write(w http.ResponseWriter) {
	for k, vs := range rep.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if rep.contentType != "" {
		w.Header().Set("Content-Type", rep.contentType)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.Header().Set("Cache-Control", "no-store")
	if rep.status == 0 {
		rep.status = http.StatusOK
	}
	w.WriteHeader(rep.status)
	w.Write(rep.body)
}

func textReply(status int, msg string) reply {
	return reply{status: status, contentType: "text/plain; charset=utf-8", body: []byte(msg)}
}

func redirectReply(status int, location string) reply {
	return reply{status: status, header: http.Header{"Location": {location}}, contentType: "text/plain; charset=utf-8",
		body: []byte(http.StatusText(status) + ". Redirecting to " + location)}
}

// endpoint wraps h: it counts the request, applies ep's fault, reads the body (so no handler holds the lock while
// waiting on the network) and runs h under s.mu.
func (s *Server) endpoint(ep Endpoint, h func(r *http.Request) reply) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.inflight.Add(1)
		defer s.inflight.Add(-1)
		began := time.Now()
		defer func() { s.busy.Add(int64(time.Since(began))) }()
		s.mu.Lock()
		f, faulted := s.faults[ep]
		if ep != "" {
			s.counts[ep]++
		}
		s.mu.Unlock()
		// Read the body first: net/http notices a client that hangs up (and cancels r.Context()) only once
		// the body has been read.
		var body []byte
		if r.Body != nil {
			var err error
			body, err = io.ReadAll(io.LimitReader(r.Body, maxBody))
			if err != nil {
				http.Error(w, "could not read body", http.StatusBadRequest)
				return
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if faulted && !s.applyFault(w, r, ep, f) {
			return
		}
		if !strings.EqualFold(r.Host, s.Host) {
			// pump.io sends requests for a non-canonical Host (localhost for 127.0.0.1, another port…) to the
			// canonical one — and escapes the query's "?" as %3F on the way, so a redirected query is lost.
			loc := s.URL + r.URL.EscapedPath()
			if r.URL.RawQuery != "" {
				loc += "%3F" + r.URL.RawQuery
			}
			redirectReply(http.StatusMovedPermanently, loc).write(w)
			return
		}
		s.mu.Lock()
		rep := h(r)
		s.mu.Unlock()
		rep.write(w)
	})
}

// base is the server's canonical URL; every generated URL uses it.
func (s *Server) base() string { return s.URL }

// isOurHost reports whether host (with or without port, which pump.io ignores; any case) is this server's own
// name. Another name for the same machine (localhost for 127.0.0.1) is not, as on pump.io.
func (s *Server) isOurHost(host string) bool {
	host = strings.ToLower(strings.TrimSpace(host))
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	own := strings.ToLower(s.Host)
	if h, _, err := net.SplitHostPort(own); err == nil {
		own = h
	}
	return host == own
}

// randomID returns n random bytes as unpadded base64url: 16 bytes → 22 chars, 32 bytes → 43 chars.
func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// makeAvatar draws a small round avatar whose colour depends on nick.
func makeAvatar(nick string) []byte {
	var h uint32 = 2166136261
	for i := 0; i < len(nick); i++ {
		h = (h ^ uint32(nick[i])) * 16777619
	}
	fg := color.NRGBA{R: uint8(h), G: uint8(h >> 8), B: uint8(h >> 16), A: 255}
	bg := color.NRGBA{R: 240, G: 240, B: 240, A: 255}
	img := image.NewNRGBA(image.Rect(0, 0, avatarSize, avatarSize))
	c := avatarSize / 2
	for y := 0; y < avatarSize; y++ {
		for x := 0; x < avatarSize; x++ {
			dx, dy := x-c, y-c
			switch {
			case dx*dx+dy*dy < (c-4)*(c-4):
				img.Set(x, y, fg)
			default:
				img.Set(x, y, bg)
			}
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

func (s *Server) avatar(r *http.Request) reply {
	nick, ok := strings.CutSuffix(r.PathValue("file"), ".png")
	u := s.users[nick]
	if !ok || u == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return textReply(http.StatusNotFound, "Not found")
	}
	return reply{contentType: "image/png", body: u.avatar}
}
