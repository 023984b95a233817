package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// endpoints are the parts of the protocol pumptest counts requests for.
var endpoints = []pumptest.Endpoint{pumptest.HostMeta, pumptest.Webfinger, pumptest.Register,
	pumptest.RequestToken, pumptest.Authorize, pumptest.AccessToken, pumptest.Whoami, pumptest.Profile,
	pumptest.Inbox, pumptest.Feed, pumptest.Avatar}

type counts map[pumptest.Endpoint]int

func countsOf(srv *pumptest.Server) counts {
	c := counts{}
	for _, ep := range endpoints {
		c[ep] = srv.Requests(ep)
	}
	return c
}

// since is "TOTAL ep=n,…" for the requests made after before.
func (c counts) since(before counts) string {
	total := 0
	var parts []string
	for _, ep := range endpoints {
		if n := c[ep] - before[ep]; n > 0 {
			total += n
			parts = append(parts, fmt.Sprintf("%s=%d", ep, n))
		}
	}
	sort.Strings(parts)
	return fmt.Sprintf("%d %s", total, strings.Join(parts, ","))
}

// connect measures a first connect and then restarts with the saved account.
func connect(bin string, rounds int) error {
	x, err := openDisplay()
	if err != nil {
		return err
	}
	defer x.close()
	srv := pumptest.NewServer()
	defer srv.Close()

	dir, err := os.MkdirTemp("", "bench-connect-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	env, urls, err := appEnv(dir)
	if err != nil {
		return err
	}

	// The first connect, as a person would: type the address, press Enter.
	app, err := start([]string{bin}, env)
	if err != nil {
		return err
	}
	if _, err := watchWindow(x, app, 30*time.Second, nil); err != nil {
		app.stop()
		return err
	}
	time.Sleep(500 * time.Millisecond) // the address field takes the focus with the first screen
	if err := xdotool(env, "type", "--delay", "5", srv.Address("alice")); err != nil {
		app.stop()
		return err
	}
	before := countsOf(srv)
	busy0 := srv.Busy()
	if err := xdotool(env, "key", "Return"); err != nil {
		app.stop()
		return err
	}
	t0 := time.Now()
	link, err := waitFor(30*time.Second, func() (string, bool) {
		b, _ := os.ReadFile(urls)
		return strings.TrimSpace(string(b)), len(b) > 0
	})
	if err != nil {
		app.stop()
		return fmt.Errorf("the browser was never opened: %w", err)
	}
	tb, busyB := time.Now(), srv.Busy()
	if _, err := srv.Approve(context.Background(), link, "alice", "wonderland"); err != nil {
		app.stop()
		return err
	}
	browser, busyInBrowser := time.Since(tb), srv.Busy()-busyB
	if _, err := waitFor(30*time.Second, func() (struct{}, bool) {
		return struct{}{}, srv.Requests(pumptest.Profile) > before[pumptest.Profile]
	}); err != nil {
		app.stop()
		return fmt.Errorf("never connected: %w", err)
	}
	total := time.Since(t0)
	server := srv.Busy() - busy0 - busyInBrowser
	time.Sleep(time.Second) // whatever follows the connected screen
	fmt.Printf("connect_requests %s\n", countsOf(srv).since(before))
	fmt.Printf("connect_ms %.1f %.1f %.1f %.1f\n", ms(total), ms(server), ms(browser), ms(total-server-browser))
	app.stop()

	// Restarts with the saved account.
	for range rounds {
		before := countsOf(srv)
		var connected time.Duration
		app, err := start([]string{bin}, env)
		if err != nil {
			return err
		}
		f, err := watchWindow(x, app, 30*time.Second, func() {
			if connected == 0 && srv.Requests(pumptest.Profile) > before[pumptest.Profile] {
				connected = time.Since(app.t0)
			}
		})
		if err == nil && connected == 0 {
			_, err = waitFor(30*time.Second, func() (struct{}, bool) {
				return struct{}{}, srv.Requests(pumptest.Profile) > before[pumptest.Profile]
			})
			connected = time.Since(app.t0)
		}
		if err != nil {
			app.stop()
			return fmt.Errorf("restart: %w", err)
		}
		time.Sleep(time.Second)
		fmt.Printf("reconnect_ms %d %d %d\n", f.mapped.Milliseconds(), f.painted.Milliseconds(), connected.Milliseconds())
		fmt.Printf("reconnect_requests %s\n", countsOf(srv).since(before))
		app.stop()
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// appEnv is the app's environment: a fresh HOME, and a browser stand-in
// first on PATH that appends each URL it is given to the returned file.
func appEnv(dir string) (env []string, urls string, err error) {
	home, bin := filepath.Join(dir, "home"), filepath.Join(dir, "bin")
	urls = filepath.Join(dir, "opened-urls")
	for _, d := range []string{home, bin} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, "", err
		}
	}
	script := "#!/bin/sh\nprintf '%s\\n' \"$1\" >> " + urls + "\n"
	for _, name := range []string{"xdg-open", "x-www-browser", "www-browser"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			return nil, "", err
		}
	}
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "HOME", "XDG_CONFIG_HOME", "PATH":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"PATH="+bin+":"+os.Getenv("PATH"))
	return env, urls, nil
}

func xdotool(env []string, args ...string) error {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("xdotool %v: %v: %s", args, err, out)
	}
	return nil
}

// waitFor polls cond every millisecond until it holds.
func waitFor[T any](limit time.Duration, cond func() (T, bool)) (T, error) {
	deadline := time.Now().Add(limit)
	for {
		if v, ok := cond(); ok {
			return v, nil
		}
		if time.Now().After(deadline) {
			var zero T
			return zero, errors.New("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}
