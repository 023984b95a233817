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
	"net/http"
	"net/url"
	"time"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// maxAvatarSide bounds the decoded avatar (a small file can decode huge).
const maxAvatarSide = 2048

// avatarClient signs requests to the account's own server (private
// pictures need it) and sends plain requests elsewhere, with plain (the
// app's client; nil for a default one).
func avatarClient(p *pumpauth.Pump, plain *http.Client, link string) *http.Client {
	if p != nil && sameOrigin(link, p.BaseURL()) {
		c := *p.HTTPClient()
		c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 || !sameOrigin(req.URL.String(), p.BaseURL()) {
				return errors.New("redirect to another server")
			}
			return nil
		}
		return &c
	}
	if plain != nil {
		return plain
	}
	return &http.Client{Timeout: 30 * time.Second}
}

func sameOrigin(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ub.Host != "" && ua.Scheme == ub.Scheme && ua.Host == ub.Host
}

// fetchImage downloads and decodes a picture of at most limit bytes.
func fetchImage(ctx context.Context, c *http.Client, link string, limit int64) (image.Image, error) {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, errors.New("not a web link")
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "image/png, image/jpeg, image/gif")
	resp, err := c.Do(req)
	if err != nil {
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
	return img, err
}
