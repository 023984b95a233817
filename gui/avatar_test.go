package gui

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

func TestAvatarPolicy(t *testing.T) {
	foreign := avatarPolicy{}
	own := avatarPolicy{private: true}
	local := avatarPolicy{anyAddress: true}
	tests := []struct {
		addr                string
		foreign, own, local bool
	}{
		{"93.184.216.34", true, true, true},
		{"2606:4700::1111", true, true, true},
		{"172.32.0.1", true, true, true}, // just past 172.16/12
		{"127.0.0.1", false, false, true},
		{"127.5.5.5", false, false, true},
		{"::1", false, false, true},
		{"::ffff:127.0.0.1", false, false, true},
		{"::127.0.0.1", false, false, true}, // IPv4-compatible
		{"0.0.0.0", false, false, true},
		{"0.1.2.3", false, false, true},
		{"::", false, false, true},
		{"169.254.169.254", false, false, true}, // cloud metadata
		{"fe80::1", false, false, true},
		{"224.0.0.1", false, false, true},
		{"ff02::1", false, false, true},
		{"10.1.2.3", false, true, true},
		{"172.16.0.1", false, true, true},
		{"172.31.255.255", false, true, true},
		{"192.168.1.1", false, true, true},
		{"::ffff:192.168.1.1", false, true, true},
		{"::ffff:10.0.0.1", false, true, true},
		{"fc00::1", false, true, true},
		{"fd12:3456::1", false, true, true},
	}
	for _, tt := range tests {
		ip := netip.MustParseAddr(tt.addr)
		for _, c := range []struct {
			name string
			pol  avatarPolicy
			want bool
		}{{"foreign", foreign, tt.foreign}, {"own server", own, tt.own}, {"local account", local, tt.local}} {
			if got := c.pol.allows(ip); got != c.want {
				t.Errorf("%s: allows(%s) = %v, want %v", c.name, tt.addr, got, c.want)
			}
			wantErr := !c.want
			if err := c.pol.control("tcp", netip.AddrPortFrom(ip, 443).String(), nil); (err != nil) != wantErr {
				t.Errorf("%s: control(%s) = %v", c.name, tt.addr, err)
			}
		}
	}
	if (avatarPolicy{}).allowsAddr("not an address") {
		t.Error("allowsAddr took a bad address")
	}
}

// pngBytes is a small PNG picture.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fakeNet is a name service for avatar tests: names map to addresses, and
// some (pretend public) addresses are really served by test servers on
// this computer.
type fakeNet struct {
	names  map[string]netip.Addr
	routes map[netip.Addr]string // pretend address → real "127.0.0.1:port"
}

func (n fakeNet) dialer(pol avatarPolicy) *avatarDialer {
	return &avatarDialer{
		policy: pol,
		lookup: func(_ context.Context, host string) ([]netip.Addr, error) {
			if ip, ok := n.names[host]; ok {
				return []netip.Addr{ip}, nil
			}
			return nil, errors.New("no such host")
		},
		dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			ap := netip.MustParseAddrPort(address)
			if real, ok := n.routes[ap.Addr()]; ok {
				address = real
			}
			if err := pol.control(network, address, nil); err != nil && !n.pretend(ap.Addr()) {
				return nil, err
			}
			var d net.Dialer
			return d.DialContext(ctx, network, address)
		},
	}
}

func (n fakeNet) pretend(ip netip.Addr) bool { _, ok := n.routes[ip]; return ok }

// hostPort is the host:port of a test server's URL with another host.
func withHost(t *testing.T, serverURL, host string) string {
	t.Helper()
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = net.JoinHostPort(host, u.Port())
	return u.String()
}

// Avatars of an account elsewhere than on this computer come only from
// public addresses: not from a link to this computer, not through a
// redirect there, not through a name that resolves there, and never
// through a redirect from https to http.
func TestAvatarAddressesRefused(t *testing.T) {
	pic := pngBytes(t)
	local := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write(pic) }))
	t.Cleanup(local.Close)
	// public is "avatars.example" at 203.0.113.10, really on this computer.
	public := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a.png":
			w.Write(pic)
		case "/to-local":
			http.Redirect(w, r, local.URL+"/a.png", http.StatusFound)
		case "/to-rebound":
			http.Redirect(w, r, withHost(t, local.URL, "rebound.example")+"/a.png", http.StatusFound)
		}
	}))
	t.Cleanup(public.Close)
	// secure is "example.com" (the test certificate's name) at 203.0.113.11.
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a.png":
			w.Write(pic)
		case "/to-http":
			http.Redirect(w, r, withHost(t, public.URL, "avatars.example")+"/a.png", http.StatusFound)
		}
	}))
	t.Cleanup(secure.Close)
	pubIP, secIP := netip.MustParseAddr("203.0.113.10"), netip.MustParseAddr("203.0.113.11")
	n := fakeNet{
		names: map[string]netip.Addr{"avatars.example": pubIP, "example.com": secIP,
			"rebound.example": netip.MustParseAddr("127.0.0.1")},
		routes: map[netip.Addr]string{pubIP: public.Listener.Addr().String(), secIP: secure.Listener.Addr().String()},
	}
	remote, err := pumpauth.New(pumpauth.Client{Webfinger: "alice@pump.example"})
	must(t, err)
	onThisComputer, err := pumpauth.New(pumpauth.Client{Webfinger: "alice@127.0.0.1:8000"})
	must(t, err)

	pubURL := withHost(t, public.URL, "avatars.example")
	tests := []struct {
		name    string
		account *pumpauth.Pump
		link    string
		refused string // "" when the picture loads; else what the error says
	}{
		{"public", remote, pubURL + "/a.png", ""},
		{"https", remote, withHost(t, secure.URL, "example.com") + "/a.png", ""},
		{"this computer", remote, local.URL + "/a.png", errAddressRefused.Error()},
		{"this computer, IPv4-mapped", remote, withHost(t, local.URL, "::ffff:127.0.0.1") + "/a.png", errAddressRefused.Error()},
		{"redirect to this computer", remote, pubURL + "/to-local", errAddressRefused.Error()},
		{"name resolving to this computer", remote, withHost(t, local.URL, "rebound.example") + "/a.png", errAddressRefused.Error()},
		{"redirect to a name resolving to this computer", remote, pubURL + "/to-rebound", errAddressRefused.Error()},
		{"redirect from https to http", remote, withHost(t, secure.URL, "example.com") + "/to-http", "redirect from https to http"},
		{"no account", nil, local.URL + "/a.png", errAddressRefused.Error()},
		{"account on this computer", onThisComputer, local.URL + "/a.png", ""},
		{"account on this computer, redirect", onThisComputer, pubURL + "/to-local", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newAvatarClient(tt.account, secure.Client(), tt.link, n.dialer)
			img, err := fetchImage(context.Background(), c, tt.link, maxAvatar)
			switch {
			case tt.refused == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.refused == "" && img == nil:
				t.Fatal("no picture")
			case tt.refused != "" && err == nil:
				t.Fatal("the picture loaded")
			case tt.refused != "" && !strings.Contains(err.Error(), tt.refused):
				t.Fatalf("error %q, want it to say %q", err, tt.refused)
			}
			if err != nil && strings.Contains(err.Error(), tt.link) {
				t.Errorf("error %q repeats the link", err)
			}
		})
	}
}

// The account's own server is asked with the signing client; when its name
// resolves to this computer (DNS rebinding), no request goes out.
func TestAvatarOwnServerOnThisComputerRefused(t *testing.T) {
	pic := pngBytes(t)
	requests := make(chan string, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests <- r.Header.Get("Authorization")
		w.Write(pic)
	}))
	t.Cleanup(srv.Close)
	// pump.example resolves to the test server on 127.0.0.1.
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Listener.Addr().String())
	}}
	base := "http://pump.example"
	e := pumpauth.Endpoints{Base: base, Webfinger: base + "/.well-known/webfinger?resource={uri}",
		Register: base + "/api/client/register", RequestToken: base + "/oauth/request_token", Authorize: base + "/oauth/authorize",
		AccessToken: base + "/oauth/access_token", Whoami: base + "/api/whoami"}
	p, err := pumpauth.New(pumpauth.Client{Webfinger: "alice@pump.example", Key: "key", Secret: "client-secret-value"},
		pumpauth.WithToken(pumpauth.Token{Token: "token-value", Secret: "token-secret-value"}),
		pumpauth.WithHTTPClient(&http.Client{Transport: tr}), pumpauth.WithPlainHTTP(), pumpauth.WithEndpoints(e))
	must(t, err)
	if p.BaseURL() != base {
		t.Fatalf("BaseURL %q: the endpoints were not taken", p.BaseURL())
	}
	link := base + "/images/alice.png"
	_, err = fetchImage(context.Background(), avatarClient(p, nil, link), link, maxAvatar)
	if err == nil || !strings.Contains(err.Error(), errAddressRefused.Error()) {
		t.Fatalf("err %v, want the address refused", err)
	}
	select {
	case auth := <-requests:
		t.Fatalf("a request reached the server (Authorization %q)", auth)
	default:
	}
}

// A large picture is kept at the size it is shown at, in its proportions.
func TestShrinkAvatar(t *testing.T) {
	tests := []struct{ w, h, wantW, wantH int }{
		{2048, 2048, avatarPixels, avatarPixels},
		{2000, 1000, avatarPixels, avatarPixels / 2},
		{300, 1200, avatarPixels / 4, avatarPixels},
		{96, 96, 96, 96}, // fits: kept as it is
		{4000, 1, avatarPixels, 1},
	}
	for _, tt := range tests {
		got := shrink(image.NewNRGBA(image.Rect(0, 0, tt.w, tt.h)), avatarPixels).Bounds()
		if got.Dx() != tt.wantW || got.Dy() != tt.wantH {
			t.Errorf("%d×%d shrinks to %d×%d, want %d×%d", tt.w, tt.h, got.Dx(), got.Dy(), tt.wantW, tt.wantH)
		}
	}
}

// BenchmarkAvatarDecode decodes a 2048×2048 PNG avatar, the largest
// accepted; "kept-B" is what the window holds on to afterwards.
func BenchmarkAvatarDecode(b *testing.B) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, maxAvatarSide, maxAvatarSide))); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(buf.Bytes()) }))
	b.Cleanup(srv.Close)
	var img image.Image
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if img, err = fetchImage(context.Background(), srv.Client(), srv.URL+"/a.png", maxAvatar); err != nil {
			b.Fatal(err)
		}
	}
	r := img.Bounds()
	b.ReportMetric(float64(r.Dx()*r.Dy()*4), "kept-B")
}
