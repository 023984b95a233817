package gui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // avatars come as PNG, JPEG or GIF
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"net/url"
	"sync/atomic"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	xdraw "golang.org/x/image/draw"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// maxAvatarSide bounds the decoded avatar (a small file can decode huge).
const maxAvatarSide = 2048

// maxAvatarRedirects bounds the redirects followed for an avatar.
const maxAvatarRedirects = 5

// The avatar's link comes from the server, so a hostile server could make
// the app fetch from this computer or its network (a router's page, a
// local service, the cloud metadata address): avatars may come only from
// public addresses, checked on the address actually dialled, so a name
// that resolves to 127.0.0.1 (DNS rebinding) is refused too. Exceptions:
// an account on this computer (a development or test server) may load
// from anywhere, and the account's own server may be on the local network
// (a self-hosted pump.io at home), never on this computer. Redirects from
// https to http are refused. A refused avatar leaves the default picture.

// errAddressRefused is the error of an avatar on a refused address.
var errAddressRefused = errors.New("the avatar is on a local or private address")

// avatarPolicy says which addresses an avatar may come from.
type avatarPolicy struct {
	anyAddress bool // the account is on this computer: every address goes
	private    bool // private (local network) addresses go: the account's own server
}

// policyFor is the policy for an avatar at link of the account on p's server.
func policyFor(p *pumpauth.Pump, ownServer bool) avatarPolicy {
	return avatarPolicy{anyAddress: p != nil && p.Address().IsLoopback(), private: ownServer}
}

// allows reports whether an avatar may come from ip.
func (pol avatarPolicy) allows(ip netip.Addr) bool {
	if pol.anyAddress {
		return ip.IsValid()
	}
	ip = ip.Unmap() // ::ffff:a.b.c.d is a.b.c.d
	if b := ip.As16(); ip.Is6() && [12]byte(b[:12]) == [12]byte{} {
		// ::a.b.c.d, the old IPv4-compatible form (and :: and ::1).
		ip = netip.AddrFrom4([4]byte(b[12:]))
	}
	switch {
	case !ip.IsValid(), ip.IsUnspecified(), ip.IsLoopback(), ip.IsMulticast(),
		ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast(),
		ip.Is4() && ip.As4()[0] == 0: // 0.0.0.0/8, "this network"
		return false
	case ip.IsPrivate():
		return pol.private
	}
	return true
}

// allowsAddr is allows for a connection's "ip:port" address.
func (pol avatarPolicy) allowsAddr(addr string) bool {
	ap, err := netip.ParseAddrPort(addr)
	return err == nil && pol.allows(ap.Addr())
}

// control is a net.Dialer Control function: the last check, on the
// address the socket connects to.
func (pol avatarPolicy) control(_, address string, _ syscall.RawConn) error {
	if !pol.allowsAddr(address) {
		return errAddressRefused
	}
	return nil
}

// avatarDialer resolves a name itself and dials only the addresses the
// policy allows, by address, so the name cannot resolve to another
// address between the check and the connection.
type avatarDialer struct {
	policy avatarPolicy
	lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	dial   func(ctx context.Context, network, address string) (net.Conn, error)
}

// newAvatarDialer dials through the system's resolver and sockets.
func newAvatarDialer(pol avatarPolicy) *avatarDialer {
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: pol.control}
	return &avatarDialer{
		policy: pol,
		lookup: func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		},
		dial: d.DialContext,
	}
}

func (d *avatarDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else if ips, err = d.lookup(ctx, host); err != nil {
		return nil, err
	}
	last := errAddressRefused
	for _, ip := range ips {
		if !d.policy.allows(ip) {
			continue
		}
		c, err := d.dial(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		last = err
	}
	return nil, last
}

// avatarClient is the client that fetches the avatar at link for the
// account on p's server (p may be nil), with plain the app's client (nil
// for a default one). It signs requests to the account's own server
// (private pictures need it) and follows only redirects within that
// server; elsewhere it sends plain requests. Either way it dials only the
// addresses the policy allows and never follows https to http.
func avatarClient(p *pumpauth.Pump, plain *http.Client, link string) *http.Client {
	return newAvatarClient(p, plain, link, newAvatarDialer)
}

// newAvatarClient is avatarClient with the dialer made by dialer.
func newAvatarClient(p *pumpauth.Pump, plain *http.Client, link string, dialer func(avatarPolicy) *avatarDialer) *http.Client {
	if p != nil && pumpauth.SameOrigin(link, p.BaseURL()) {
		pol := policyFor(p, true)
		c := *p.HTTPClient()
		c.Transport = &connGuard{next: c.Transport, policy: pol}
		c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxAvatarRedirects || !pumpauth.SameOrigin(req.URL.String(), p.BaseURL()) {
				return errors.New("redirect to another server")
			}
			return nil
		}
		return &c
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	c := &http.Client{Timeout: 30 * time.Second}
	if plain != nil {
		if pt, ok := plain.Transport.(*http.Transport); ok {
			t = pt.Clone() // keeps its TLS settings
		}
		if plain.Timeout > 0 {
			c.Timeout = plain.Timeout
		}
	}
	// No proxy: through one, the address dialled is the proxy's and
	// nothing could be checked.
	t.Proxy = nil
	t.DialContext = dialer(policyFor(p, false)).DialContext
	t.DialTLSContext = nil
	c.Transport = t
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= maxAvatarRedirects {
			return errors.New("too many redirects")
		}
		if req.URL.Scheme != "https" && via[len(via)-1].URL.Scheme == "https" {
			return errors.New("redirect from https to http")
		}
		return nil
	}
	return c
}

// connGuard checks the address of the connection each request of the
// signing client goes out on, before the request is written: the
// transport is pumpauth's, so its dialer cannot be changed. A refused
// connection is closed unused. Through a proxy there is nothing to check.
type connGuard struct {
	next   http.RoundTripper
	policy avatarPolicy
}

func (g *connGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if u, err := http.ProxyFromEnvironment(req); err == nil && u != nil {
		return g.next.RoundTrip(req)
	}
	var refused atomic.Bool
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if !g.policy.allowsAddr(info.Conn.RemoteAddr().String()) {
			refused.Store(true)
			info.Conn.Close()
		}
	}}
	resp, err := g.next.RoundTrip(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
	if refused.Load() {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, errAddressRefused
	}
	return resp, err
}

// fetchImage downloads and decodes a picture of at most limit bytes. Its
// errors do not repeat the links (a server's redirect may carry anything).
func fetchImage(ctx context.Context, c *http.Client, link string, limit int64) (image.Image, error) {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, errors.New("not a web link")
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, errors.New("not a web link")
	}
	req.Header.Set("Accept", "image/png, image/jpeg, image/gif")
	resp, err := c.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = fmt.Errorf("fetching the avatar: %w", ue.Err)
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, errors.New("picture too large")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if cfg.Width > maxAvatarSide || cfg.Height > maxAvatarSide {
		return nil, errors.New("picture too large")
	}
	img, _, err := image.Decode(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	return shrink(img, avatarPixels), nil
}

// avatarPixels is the largest side the avatar is kept at: the Connected
// screen shows it at avatarSize, twice that on a high-density screen.
const avatarPixels = 2 * avatarSize

// shrink returns img scaled down to fit side×side, keeping its aspect, or
// img itself when it fits: the window keeps the picture it shows, and a
// 2048×2048 picture would hold 16 MB for a 64-pixel square.
func shrink(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= side && h <= side {
		return img
	}
	if w >= h {
		w, h = side, max(1, h*side/w)
	} else {
		w, h = max(1, w*side/h), side
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
	return dst
}

// newAvatarImage is a square of side units for a person's picture, showing
// the placeholder until showAvatar gives it one.
func newAvatarImage(side float32) *canvas.Image {
	pic := canvas.NewImageFromResource(theme.AccountIcon())
	pic.FillMode = canvas.ImageFillContain
	pic.SetMinSize(fyne.NewSquareSize(side))
	return pic
}

// showAvatar puts img in pic, or the placeholder when img is nil.
func showAvatar(pic *canvas.Image, img image.Image) {
	if img == nil {
		pic.Image, pic.Resource = nil, theme.AccountIcon()
	} else {
		pic.Image, pic.Resource = img, nil
	}
	pic.Refresh()
}
