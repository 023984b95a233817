package pumptest

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
)

// Approval is what Approve saw at the end of the authorization step.
type Approval struct {
	Token, Verifier string // from the oob page or from the redirect Location
	CallbackURL     string // full Location the server redirected to ("" for oob)
	CallbackStatus  int    // status of the GET to CallbackURL (0 for oob)
	CallbackBody    string
	Consented       bool // the consent page was shown and approved (false when the server skipped it)
}

// Approve is a person at a browser: it GETs authorizeURL, logs in with the login form, presses Authorize on the
// consent page (unless the server skips it because nick already granted this client) and then, for an oob
// callback, reads token and verifier from the "Authorization Complete" page; for a callback URL, it follows the
// server's redirect to it with a plain http.Client (see ApproveWith) and reports the callback's answer.
// The browser part uses Client, so it works with NewTLSServer too.
func (s *Server) Approve(ctx context.Context, authorizeURL, nick, password string) (Approval, error) {
	return s.ApproveWith(ctx, nil, authorizeURL, nick, password)
}

// ApproveWith is Approve with callbackClient making the GET to the callback URL (nil: a plain http.Client).
func (s *Server) ApproveWith(ctx context.Context, callbackClient *http.Client, authorizeURL, nick, password string) (Approval, error) {
	var a Approval
	jar, _ := cookiejar.New(nil)
	browser := s.Client()
	browser.Jar = jar
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	method, target, form := http.MethodGet, authorizeURL, url.Values(nil)
	loggedIn := false
	for step := 0; step < 10; step++ {
		status, loc, page, err := fetch(ctx, browser, method, target, form)
		if err != nil {
			return a, fmt.Errorf("pumptest: approve: %s %s: %w", method, target, err)
		}
		switch {
		case status == http.StatusMovedPermanently || status == http.StatusFound || status == http.StatusSeeOther:
			next, err := resolve(target, loc)
			if err != nil {
				return a, fmt.Errorf("pumptest: approve: bad Location %q: %w", loc, err)
			}
			if next.Path == "/oauth/authorize" && s.isOurHost(next.Host) {
				method, target, form = http.MethodGet, next.String(), nil
				continue
			}
			return s.followCallback(ctx, callbackClient, a, next)
		case status != http.StatusOK:
			return a, fmt.Errorf("pumptest: approve: %s %s: status %d: %s", method, target, status, pageMessage(page))
		}
		if tok, ver, ok := oobResult(page); ok {
			a.Token, a.Verifier = tok, ver
			return a, nil
		}
		f, ok := findForm(page)
		if !ok {
			return a, fmt.Errorf("pumptest: approve: no form on the page from %s: %s", target, pageMessage(page))
		}
		action, err := resolve(target, f.action)
		if err != nil {
			return a, fmt.Errorf("pumptest: approve: bad form action %q: %w", f.action, err)
		}
		method, target, form = http.MethodPost, action.String(), f.values
		switch f.id {
		case "login":
			if loggedIn {
				return a, fmt.Errorf("pumptest: approve: login as %q failed: %s", nick, pageMessage(page))
			}
			loggedIn = true
			form.Set("username", nick)
			form.Set("password", password)
		case "authorize":
			a.Consented = true
		default:
			return a, fmt.Errorf("pumptest: approve: unexpected form %q", f.id)
		}
	}
	return a, errors.New("pumptest: approve: too many steps")
}

func (s *Server) followCallback(ctx context.Context, c *http.Client, a Approval, cb *url.URL) (Approval, error) {
	a.CallbackURL = cb.String()
	q := cb.Query()
	a.Token, a.Verifier = q.Get("oauth_token"), q.Get("oauth_verifier")
	if c == nil {
		c = &http.Client{}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.CallbackURL, nil)
	if err != nil {
		return a, fmt.Errorf("pumptest: approve: callback: %w", err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return a, fmt.Errorf("pumptest: approve: callback: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	a.CallbackStatus, a.CallbackBody = resp.StatusCode, string(b)
	if err != nil {
		return a, fmt.Errorf("pumptest: approve: callback body: %w", err)
	}
	return a, nil
}

func fetch(ctx context.Context, c *http.Client, method, target string, form url.Values) (status int, location, body string, err error) {
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return 0, "", "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", formContentType)
	}
	req.Header.Set("Accept", "text/html")
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	return resp.StatusCode, resp.Header.Get("Location"), string(b), err
}

func resolve(base, ref string) (*url.URL, error) {
	b, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	return b.Parse(ref)
}

var (
	reToken    = regexp.MustCompile(`<td id="token">([^<]*)</td>`)
	reVerifier = regexp.MustCompile(`<td id="verifier">([^<]*)</td>`)
	reForm     = regexp.MustCompile(`(?s)<form\b([^>]*)>(.*?)</form>`)
	reControl  = regexp.MustCompile(`<(?:input|button)\b([^>]*)>`)
	reAttr     = regexp.MustCompile(`([a-zA-Z_-]+)="([^"]*)"`)
	reMessage  = regexp.MustCompile(`(?s)<p [^>]*id="(?:error|message)"[^>]*>(.*?)</p>`)
)

// oobResult reads the "Authorization Complete" page.
func oobResult(page string) (token, verifier string, ok bool) {
	t, v := reToken.FindStringSubmatch(page), reVerifier.FindStringSubmatch(page)
	if t == nil || v == nil || !strings.Contains(page, "Authorization Complete") {
		return "", "", false
	}
	return html.UnescapeString(t[1]), html.UnescapeString(v[1]), true
}

type htmlForm struct {
	id, action string
	values     url.Values // hidden inputs and the submit button
}

// findForm returns the page's first form, with what a browser would submit by itself.
func findForm(page string) (htmlForm, bool) {
	m := reForm.FindStringSubmatch(page)
	if m == nil {
		return htmlForm{}, false
	}
	fa := attrs(m[1])
	f := htmlForm{id: fa["id"], action: fa["action"], values: url.Values{}}
	for _, c := range reControl.FindAllStringSubmatch(m[2], -1) {
		a := attrs(c[1])
		if a["name"] == "" {
			continue
		}
		switch a["type"] {
		case "hidden", "submit":
			f.values.Set(a["name"], a["value"])
		}
	}
	return f, true
}

func attrs(s string) map[string]string {
	m := make(map[string]string)
	for _, a := range reAttr.FindAllStringSubmatch(s, -1) {
		m[strings.ToLower(a[1])] = html.UnescapeString(a[2])
	}
	return m
}

// pageMessage is the error text of a page, or its start.
func pageMessage(page string) string {
	if m := reMessage.FindStringSubmatch(page); m != nil {
		return html.UnescapeString(strings.TrimSpace(m[1]))
	}
	if len(page) > 200 {
		page = page[:200] + "…"
	}
	return page
}
