package pumpauth

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Client is an application's registration on one user's server, as in
// PyPump's Client(webfinger, name, type, key, secret).
//
// A registration belongs to the server, not to the account: a second
// account on the same server may connect with the first one's Key and
// Secret (Webfinger changed), registering nothing. Measured on pump.io
// 5.1.4 and 6.0: the server issues that account its own access token, and
// both tokens keep working side by side.
type Client struct {
	Webfinger string    // "alice@example.org" or "alice@example.org:8443"
	Name      string    // application_name shown on the consent page
	Type      string    // "native" (the default when empty) or "web"
	Key       string    // client_id from an earlier registration; empty: not registered yet
	Secret    string    // client_secret
	ExpiresAt time.Time // zero: never expires
}

// Token is an OAuth access token and its secret (RFC 5849 §2.3).
type Token struct{ Token, Secret string }

// IsZero reports whether t holds no token.
func (t Token) IsZero() bool { return t.Token == "" && t.Secret == "" }

// VerifierFunc shows authorizeURL to the person and returns the verifier
// they got after approving (the "oob" copy-paste flow). It should return
// ctx.Err() promptly when ctx is done.
type VerifierFunc func(ctx context.Context, authorizeURL string) (verifier string, err error)

// Profile is the person behind the access token.
type Profile struct {
	ID                string // e.g. "https://pump.example/api/user/alice/profile"
	Address           string // the account, e.g. "alice@pump.example": the nickname at the host of ID
	PreferredUsername string // the nickname, e.g. "alice"
	DisplayName       string // e.g. "Alice Example"; may be empty; always cleaned by CleanDisplayName
	URL               string // the profile web page
	ImageURL          string // the avatar; empty when none
	Summary           string
	Followers         int // totalItems of the followers collection
	Following         int // totalItems of the following collection
}

// Name is the display name, or the nickname when there is none.
func (p Profile) Name() string {
	if strings.TrimSpace(p.DisplayName) != "" {
		return p.DisplayName
	}
	return p.PreferredUsername
}

// DefaultTimeout bounds each network request unless WithTimeout says otherwise.
const DefaultTimeout = 30 * time.Second

// DefaultAuthorizationTimeout bounds the wait for the browser approval in
// AuthorizeInBrowser: pump.io drops request tokens idle for 10 minutes.
const DefaultAuthorizationTimeout = 10 * time.Minute

// Pump is a connection to one user's pump.io account. It is safe for
// concurrent use; the methods that change its state (Register, Authorize)
// keep the newest client credentials and token.
type Pump struct {
	base          *http.Client // the caller's client (or a default), unsigned
	plain         *http.Client // base, refusing https→http redirects (discovery)
	originOnly    *http.Client // base, following redirects on the same origin only (registration)
	plainHTTP     bool
	pinHTTPS      bool // the account is pinned to https (pin.go)
	timeout       time.Duration
	authTimeout   time.Duration
	now           func() time.Time
	loopbackHost  []string
	withEndpoints Endpoints // from WithEndpoints, checked once the options are read

	mu              sync.Mutex
	addr            Address // may move to the server's own name during discovery
	client          Client
	token           Token
	endpoints       *Endpoints
	storedEndpoints bool   // endpoints came from WithEndpoints
	userChecked     bool   // webfinger confirmed the user (once per Pump)
	selfURL         string // the user's profile URL from webfinger
}

// Option configures New.
type Option func(*Pump)

// WithHTTPClient makes every request go through hc (its Transport, TLS
// settings and Timeout). The default is a client with DefaultTimeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(p *Pump) {
		if hc != nil {
			p.base = hc
		}
	}
}

// WithToken gives a stored access token (a reconnect: no authorization needed).
func WithToken(t Token) Option { return func(p *Pump) { p.token = t } }

// WithEndpoints gives the endpoints an earlier discovery found (see
// [Pump.Endpoints]), so host-meta is not read again. Endpoints that are
// malformed or not on this account's host are ignored. When a stored
// endpoint stops working (the server moved them), Whoami reads host-meta
// again by itself.
//
// Endpoints whose Base is https pin the account to https, as
// WithPinnedScheme("https") does: reading host-meta again never falls back
// to plain http, whatever WithPlainHTTP says.
func WithEndpoints(e Endpoints) Option { return func(p *Pump) { p.withEndpoints = e } }

// WithPlainHTTP allows plain http when the server does not offer https.
// Without it plain http is used only for servers on this computer
// (127.0.0.0/8, ::1, localhost; see Address.IsLoopback). A certificate
// failure never falls back to plain http, and neither does an account
// pinned to https (WithPinnedScheme).
func WithPlainHTTP() Option { return func(p *Pump) { p.plainHTTP = true } }

// WithTimeout sets the bound of each network request (DefaultTimeout).
func WithTimeout(d time.Duration) Option {
	return func(p *Pump) {
		if d > 0 {
			p.timeout = d
		}
	}
}

// WithAuthorizationTimeout sets how long AuthorizeInBrowser waits for the
// approval (DefaultAuthorizationTimeout).
func WithAuthorizationTimeout(d time.Duration) Option {
	return func(p *Pump) {
		if d > 0 {
			p.authTimeout = d
		}
	}
}

// New checks the client's address and prepares a connection; it does not
// touch the network. An address that is not nick@host or nick@host:port
// gives an error wrapping ErrInvalidWebfinger that says what is wrong.
func New(c Client, opts ...Option) (*Pump, error) {
	addr, err := ParseAddress(c.Webfinger)
	if err != nil {
		return nil, err
	}
	c.Webfinger = addr.String()
	p := &Pump{
		addr:         addr,
		client:       c,
		timeout:      DefaultTimeout,
		authTimeout:  DefaultAuthorizationTimeout,
		now:          time.Now,
		loopbackHost: []string{"127.0.0.1", "::1"},
	}
	for _, o := range opts {
		o(p)
	}
	if p.base == nil {
		p.base = &http.Client{Timeout: 2 * DefaultTimeout}
	}
	if IsHTTPS(p.withEndpoints.Base) {
		p.pinHTTPS = true
	}
	p.plain = newPlainClient(p.base)
	so := *p.base
	so.CheckRedirect = sameOriginRedirects(p.base.CheckRedirect)
	p.originOnly = &so
	p.addr.PlainHTTP = p.plainHTTP
	p.useStoredEndpoints(p.withEndpoints)
	return p, nil
}

// Address is the account address in canonical form, e.g. "alice@pump.example".
// After discovery it uses the server's own name for itself, which differs
// from the address given to New when the server redirected there (for
// example "alice@127.0.0.1:8000" for "alice@localhost:8000"): store the
// account under this address.
func (p *Pump) Address() Address { return p.account() }

// account is the parsed address (discovery may move it to the server's own name).
func (p *Pump) account() Address {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.addr
}

// Endpoints returns the server's endpoints once discovery has run (after
// Register, Authorize or Whoami, or given by WithEndpoints), else the zero
// value. Store them with the account to make the next reconnect cheaper.
func (p *Pump) Endpoints() Endpoints {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.endpoints == nil {
		return Endpoints{}
	}
	return *p.endpoints
}

// Client returns the current client credentials (after Register, the new ones).
func (p *Pump) Client() Client {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.client
}

// Token returns the current access token (zero before Authorize or WithToken).
func (p *Pump) Token() Token {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.token
}

// BaseURL is the server's scheme://host[:port] once discovery has run
// (after Register, Authorize or Whoami), else "".
func (p *Pump) BaseURL() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.endpoints == nil {
		return ""
	}
	return p.endpoints.Base
}

// withTimeout bounds one request.
func (p *Pump) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, p.timeout)
}

// Authorize runs the copy-paste ("oob") flow: it registers first when
// needed, gets a request token, calls verify with the authorize URL, checks
// the verifier and exchanges it for an access token, which it keeps and
// returns. "Invalid Consumer Key" gives ErrClientRejected (the server
// forgot this application: clear Key and call again). Cancelling ctx
// returns promptly with an error wrapping context.Canceled.
func (p *Pump) Authorize(ctx context.Context, verify VerifierFunc) (Token, error) {
	c, e, err := p.prepare(ctx)
	if err != nil {
		return Token{}, err
	}
	rt, authURL, err := p.getRequestToken(ctx, e, c, "oob")
	if err != nil {
		return Token{}, err
	}
	verifier, err := verify(ctx, authURL)
	if ctx.Err() != nil {
		return Token{}, wrapContext(opAuthorize, ctx.Err())
	}
	if err != nil {
		return Token{}, err
	}
	verifier, err = CleanVerifier(verifier)
	if err != nil {
		return Token{}, err
	}
	return p.finish(ctx, e, c, rt, verifier)
}

// prepare registers when needed and returns the credentials and endpoints.
func (p *Pump) prepare(ctx context.Context) (Client, Endpoints, error) {
	c, err := p.Register(ctx)
	if err != nil {
		return c, Endpoints{}, err
	}
	e, err := p.discover(ctx)
	return c, e, err
}

// finish exchanges the verifier and keeps the token.
func (p *Pump) finish(ctx context.Context, e Endpoints, c Client, rt requestToken, verifier string) (Token, error) {
	t, err := p.getAccessToken(ctx, e, c, rt, verifier)
	if err != nil {
		return Token{}, err
	}
	p.mu.Lock()
	p.token = t
	p.mu.Unlock()
	return t, nil
}

// CleanVerifier trims a pasted verification code and checks it is
// plausible: non-empty, at most 256 characters, and only the characters
// OAuth tokens use (letters, digits, - _ . ~ + / =). It returns an error
// wrapping ErrNoVerifier otherwise; the error never repeats the code.
func CleanVerifier(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 256 {
		return "", &ResponseError{Op: opAuthorize, Kind: ErrNoVerifier}
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.~+/=", r)) {
			return "", &ResponseError{Op: opAuthorize, Kind: ErrNoVerifier}
		}
	}
	return s, nil
}

// HTTPClient returns an *http.Client that signs every request with the
// client credentials and the access token, including each redirect hop,
// which is signed again for its own URL. Use it for the pump.io API.
// Requests go to the URLs you give; discovery is not needed first.
func (p *Pump) HTTPClient() *http.Client {
	p.mu.Lock()
	c, t := p.client, p.token
	p.mu.Unlock()
	return p.signingClient(Endpoints{}, c, t)
}
