package pumpauth

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// captureTransport records the requests the app sends and answers with a
// canned body, so a request can be inspected exactly as it left.
type captureTransport struct {
	mu   sync.Mutex
	reqs []*http.Request
	body string
}

func (c *captureTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.reqs = append(c.reqs, r.Clone(context.Background()))
	c.mu.Unlock()
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		Body: io.NopCloser(strings.NewReader(c.body)), Request: r}, nil
}

func (c *captureTransport) last(t *testing.T) *http.Request {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.reqs) == 0 {
		t.Fatal("no request was sent")
	}
	return c.reqs[len(c.reqs)-1]
}

// authParams parses the OAuth Authorization header.
func authParams(t *testing.T, r *http.Request) map[string]string {
	t.Helper()
	h := strings.TrimPrefix(r.Header.Get("Authorization"), "OAuth ")
	out := map[string]string{}
	for _, part := range strings.Split(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			t.Fatalf("bad Authorization part %q", part)
		}
		v, err := url.PathUnescape(strings.Trim(v, `"`))
		if err != nil {
			t.Fatal(err)
		}
		out[k] = v
	}
	return out
}

// The three signature vectors of RFC 5849 (as recomputed in PUMPIO.md).
//
// mrjones/oauth cannot be given the RFC's nonces (its nonces are numbers
// from an internal generator) and always adds oauth_version=1.0, which the
// RFC's examples leave out. So each vector is checked in two links:
//  1. the RFC base string, signed by the independent RFC implementation
//     of pumptest, gives the published signature;
//  2. the request the app really sends for the same inputs has exactly the
//     RFC base string, but for its own nonce and timestamp and the added
//     oauth_version, and carries the signature of that base string.
func TestRFC5849Vectors(t *testing.T) {
	const consumerKey, consumerSecret = "dpf43f3p2l4k3l03", "kd94hf93k423kf44"
	tests := []struct {
		name, method, base, tokenSecret, want string
		nonce, timestamp, versionBefore       string // versionBefore: where oauth_version sorts in ("" = at the end)
		send                                  func(p *Pump) error
	}{
		{
			name: "temporary credentials", method: "POST", tokenSecret: "", want: "74KNZJeDHnMBp0EMJ9ZHt/XKycU=",
			base:  "POST&https%3A%2F%2Fphotos.example.net%2Finitiate&oauth_callback%3Dhttp%253A%252F%252Fprinter.example.com%252Fready%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DwIjqoS%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131200",
			nonce: "wIjqoS", timestamp: "137131200",
			send: func(p *Pump) error {
				_, _, err := p.getRequestToken(context.Background(), Endpoints{RequestToken: "https://photos.example.net/initiate",
					Authorize: "https://photos.example.net/authorize"}, Client{Key: consumerKey, Secret: consumerSecret},
					"http://printer.example.com/ready")
				return err
			},
		},
		{
			name: "token credentials", method: "POST", tokenSecret: "hdhd0244k9j7ao03", want: "gKgrFCywp7rO0OXSjdot/IHF7IU=",
			base:  "POST&https%3A%2F%2Fphotos.example.net%2Ftoken&oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dwalatlh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dhh5s93j4hdidpola%26oauth_verifier%3Dhfdp7dh39dks9884",
			nonce: "walatlh", timestamp: "137131201",
			send: func(p *Pump) error {
				_, err := p.getAccessToken(context.Background(), Endpoints{AccessToken: "https://photos.example.net/token"},
					Client{Key: consumerKey, Secret: consumerSecret},
					requestToken{Token: "hh5s93j4hdidpola", Secret: "hdhd0244k9j7ao03"}, "hfdp7dh39dks9884")
				return err
			},
		},
		{
			name: "protected resource", method: "GET", tokenSecret: "pfkkdhi9sl3r4s00", want: "MdpQcU8iPSUjWoN/UDMsK2sui9I=",
			base:  "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal",
			nonce: "chapoH", timestamp: "137131202", versionBefore: "%26size%3D",
			send: func(p *Pump) error {
				resp, err := p.HTTPClient().Get("http://photos.example.net/photos?file=vacation.jpg&size=original")
				if err == nil {
					resp.Body.Close()
				}
				return err
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Link 1: the published signature from the RFC base string.
			if got := pumptest.Sign("HMAC-SHA1", tt.base, consumerSecret, tt.tokenSecret); got != tt.want {
				t.Fatalf("RFC base string signs to %s, want %s", got, tt.want)
			}

			// Link 2: what the app sends.
			capture := &captureTransport{body: "oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=true"}
			opts := []Option{WithHTTPClient(&http.Client{Transport: capture})}
			if tt.method == "GET" {
				opts = append(opts, WithToken(Token{Token: "nnch734d00sl2jdk", Secret: tt.tokenSecret}))
			}
			p, err := New(Client{Webfinger: "alice@photos.example.net", Key: consumerKey, Secret: consumerSecret}, opts...)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.send(p); err != nil {
				t.Fatalf("send: %v", err)
			}
			req := capture.last(t)
			if req.Method != tt.method {
				t.Fatalf("method %s, want %s (token requests must be POSTs)", req.Method, tt.method)
			}
			got, err := pumptest.BaseString(req)
			if err != nil {
				t.Fatal(err)
			}
			ap := authParams(t, req)
			want := strings.Replace(tt.base, "oauth_nonce%3D"+tt.nonce, "oauth_nonce%3D"+ap["oauth_nonce"], 1)
			want = strings.Replace(want, "oauth_timestamp%3D"+tt.timestamp, "oauth_timestamp%3D"+ap["oauth_timestamp"], 1)
			if tt.versionBefore == "" {
				want += "%26oauth_version%3D1.0"
			} else {
				want = strings.Replace(want, tt.versionBefore, "%26oauth_version%3D1.0"+tt.versionBefore, 1)
			}
			if got != want {
				t.Fatalf("base string of the app's request\n got %s\nwant %s", got, want)
			}
			if sig := pumptest.Sign("HMAC-SHA1", got, consumerSecret, tt.tokenSecret); sig != ap["oauth_signature"] {
				t.Fatalf("the app signed %s, the RFC algorithm gives %s", ap["oauth_signature"], sig)
			}
			if err := pumptest.VerifyRequest(req, consumerSecret, tt.tokenSecret); err != nil {
				t.Fatalf("independent verifier rejects the app's request: %v", err)
			}
		})
	}
}
