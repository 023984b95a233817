//go:build e2e

// The end-to-end test of the real program: the binary, a real window under
// Xvfb, a real preferences file, the pump.io test server, and a browser
// stand-in (a fake xdg-open that hands the authorize URL to the test,
// which approves it over HTTP as a browser would). Run by `make test-e2e`.
// Screenshots of each step land in artifacts/e2e/; with
// UPDATE_SCREENSHOTS=1 they are also copied to docs/screenshots/ for the README.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

type e2e struct {
	t        *testing.T
	dir      string // temporary HOME and bin
	bin      string
	display  string
	urls     string // file the fake xdg-open appends URLs to
	shots    string
	srv      *pumptest.Server
	app      *exec.Cmd
	appLog   *os.File
	shotStep int
}

func TestE2EConnectRestartReconnect(t *testing.T) {
	for _, tool := range []string{"Xvfb", "xdotool", "import", "tesseract"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: run `make test-e2e`, which installs it", tool)
		}
	}
	e := &e2e{t: t, dir: t.TempDir()}
	e.shots, _ = filepath.Abs(filepath.Join("artifacts", "e2e"))
	os.RemoveAll(e.shots)
	if err := os.MkdirAll(e.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	e.build()
	e.startXvfb()
	e.srv = pumptest.NewServer()
	defer e.srv.Close()
	e.srv.AddUser("bob", "builder", "Bob Builder")
	e.fakeBrowser()

	// 1. First start: the address screen, with the field focused.
	e.startApp()
	e.waitText("pump.io address", 20*time.Second)
	e.screenshot("address")

	// 2. A typo is explained inline, in words.
	e.xdotool("type", "--delay", "20", "alice")
	e.xdotool("key", "Return")
	e.waitText("needs an", 10*time.Second)
	e.screenshot("address-invalid")

	// 3. An unknown user: an error screen in one sentence, with Retry and Details;
	// Escape goes back to the address, kept.
	e.replaceAddress(e.srv.Address("nobody"))
	e.xdotool("key", "Return")
	e.waitText("know this user", 15*time.Second)
	e.screenshot("problem")
	if n := e.srv.Requests(pumptest.Register); n != 0 {
		t.Fatalf("an unknown user was registered (%d)", n)
	}
	e.xdotool("key", "Escape")
	e.waitText("pump.io address", 10*time.Second)

	// 4. The right address and Enter: contacting the server (slowed down to be seen).
	e.srv.SetFault(pumptest.Register, pumptest.Fault{Delay: 6 * time.Second})
	e.replaceAddress(e.srv.Address("alice"))
	e.screenshot("address-typed")
	e.xdotool("key", "Return")
	e.waitText("Contacting", 10*time.Second)
	e.screenshot("contacting")
	e.srv.ClearFaults()

	// 5. The browser is "opened" on the authorize page; the app waits.
	e.waitBrowserURL(20 * time.Second)
	e.waitText("Approve in your browser", 10*time.Second)
	e.screenshot("approve-in-browser")

	// 6. "Enter a code instead" shows the copy-paste fallback; Cancel leaves it.
	e.clickText("code")
	e.waitText("Paste the code", 10*time.Second)
	e.screenshot("enter-code")
	e.xdotool("key", "Escape")
	e.waitText("pump.io address", 10*time.Second)

	// 7. Connect again: the stored registration is reused, the browser opens again.
	opened := e.browserURLs()
	e.xdotool("key", "Return")
	authURL := e.waitBrowserURLAfter(opened, 20*time.Second)
	if n := e.srv.Requests(pumptest.Register); n != 1 {
		t.Fatalf("%d registrations after cancelling and connecting again, want 1", n)
	}

	// 8. The person approves; the callback reaches the app by itself.
	a, err := e.srv.Approve(context.Background(), authURL, "alice", "wonderland")
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	if a.CallbackStatus != 200 || !strings.Contains(a.CallbackBody, "close this tab") {
		t.Fatalf("the browser saw %d %q", a.CallbackStatus, a.CallbackBody)
	}
	e.waitText("Connected as", 20*time.Second)
	e.screenshot("connected")
	acct := e.storedAccount("alice")
	if acct["token"] == "" && acct["Token"] == "" {
		t.Fatalf("no token stored: %v", acct)
	}
	e.checkPrefsMode()
	if n := e.srv.Requests(pumptest.Register); n != 1 {
		t.Fatalf("%d registrations, want 1", n)
	}

	// 9. Restart: it reconnects with the stored credentials, no new registration.
	e.stopApp()
	if _, err := e.srv.Deliver("alice", "bob", "<p>Hello <b>Alice</b> &amp; welcome</p>"); err != nil {
		t.Fatal(err)
	}
	whoami := e.srv.Requests(pumptest.Whoami)
	requestTokens := e.srv.Requests(pumptest.RequestToken)
	e.startApp()
	e.waitText("Connected as", 20*time.Second)
	e.screenshot("reconnected")
	if n := e.srv.Requests(pumptest.Register); n != 1 {
		t.Fatalf("restart registered again: %d registrations", n)
	}
	if e.srv.Requests(pumptest.Whoami) <= whoami {
		t.Fatal("restart showed Connected without asking the server (no whoami)")
	}
	if n := e.srv.Requests(pumptest.RequestToken); n != requestTokens {
		t.Fatalf("restart asked for a new request token (%d)", n)
	}

	// 10. The account home: bob's note (sent as HTML while the app was
	// closed) reads as plain text in the inbox; a note typed in the box goes out with Ctrl+Enter and shows
	// at the top of the inbox.
	e.waitText("Alice & welcome", 15*time.Second)
	e.xdotool("type", "--delay", "20", "Written in the e2e test")
	e.xdotool("key", "ctrl+Return")
	e.waitText("Posted for everyone", 15*time.Second)
	e.waitText("Written in the e2e test", 5*time.Second)
	e.screenshot("home")

	if n := e.srv.Requests(pumptest.Feed); n != 1 {
		t.Fatalf("%d posts reached the server, want 1", n)
	}

	// 11. The account switcher lists the account and says it works; Escape goes back.
	e.clickText("Accounts")
	e.waitText("Your accounts", 10*time.Second)
	e.screenshot("accounts")
	e.xdotool("key", "Escape")
	e.waitText("Written in the e2e test", 10*time.Second)

	// 12. "Add another account": the address screen lists the saved account.
	e.clickText("another")
	e.waitText("Saved on this computer", 10*time.Second)
	e.screenshot("saved-accounts")

	// 13. Bob's address while the browser is logged in as alice: one screen
	// names who approved; nothing is stored under bob; "Use alice" keeps it
	// under alice.
	opened = e.browserURLs()
	e.replaceAddress(e.srv.Address("bob"))
	e.xdotool("key", "Return")
	authURL = e.waitBrowserURLAfter(opened, 20*time.Second)
	if _, err := e.srv.Approve(context.Background(), authURL, "alice", "wonderland"); err != nil {
		t.Fatalf("approve: %v", err)
	}
	e.waitText("approved another account", 20*time.Second)
	e.screenshot("wrong-account")
	if e.hasToken("bob") {
		t.Fatal("alice's token was stored under bob")
	}
	e.xdotool("key", "Return") // the default: Use alice@…
	e.waitText("Connected as", 20*time.Second)
	// This home read the inbox afresh: the note posted above comes from the server.
	e.waitText("Written in the e2e test", 15*time.Second)
	if e.hasToken("bob") || e.storedAccount("alice") == nil {
		t.Fatal("after Use alice: bob holds a token, or alice none")
	}
	e.stopApp()
	if os.Getenv("UPDATE_SCREENSHOTS") == "1" {
		e.publishScreenshots()
	}
}

func (e *e2e) build() {
	e.bin = filepath.Join(e.dir, "pumpconnect")
	cmd := exec.Command("go", "build", "-tags", appTags(), "-o", e.bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		e.t.Fatalf("build: %v\n%s", err, out)
	}
}

// appTags is the build tags this test was built with, less e2e: the app
// under test is built as the Makefile builds it (APP_TAGS).
func appTags() string {
	var tags []string
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key != "-tags" {
				continue
			}
			for _, t := range strings.Split(s.Value, ",") {
				if t != "e2e" && t != "" {
					tags = append(tags, t)
				}
			}
		}
	}
	return strings.Join(tags, ",")
}

func (e *e2e) startXvfb() {
	for n := 90; n < 140; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		cmd := exec.Command("Xvfb", ":"+strconv.Itoa(n), "-screen", "0", "1024x768x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			e.t.Fatal(err)
		}
		e.t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		e.display = ":" + strconv.Itoa(n)
		e.eventually("Xvfb to listen", 10*time.Second, func() bool {
			c, err := net.Dial("unix", fmt.Sprintf("/tmp/.X11-unix/X%d", n))
			if err == nil {
				c.Close()
			}
			return err == nil
		})
		return
	}
	e.t.Fatal("no free X display")
}

// fakeBrowser puts an xdg-open first on PATH that records the URL it is given.
func (e *e2e) fakeBrowser() {
	binDir := filepath.Join(e.dir, "bin")
	os.MkdirAll(binDir, 0o755)
	e.urls = filepath.Join(e.dir, "opened-urls")
	script := "#!/bin/sh\nprintf '%s\\n' \"$1\" >> " + e.urls + "\n"
	for _, name := range []string{"xdg-open", "x-www-browser", "www-browser"} {
		if err := os.WriteFile(filepath.Join(binDir, name), []byte(script), 0o755); err != nil {
			e.t.Fatal(err)
		}
	}
}

func (e *e2e) env() []string {
	home := filepath.Join(e.dir, "home")
	os.MkdirAll(home, 0o700)
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "HOME", "XDG_CONFIG_HOME", "DISPLAY", "PATH", "LANG", "WAYLAND_DISPLAY":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "DISPLAY="+e.display,
		"PATH="+filepath.Join(e.dir, "bin")+":"+os.Getenv("PATH"), "LANG=en_US.UTF-8")
}

func (e *e2e) startApp() {
	logPath := filepath.Join(e.shots, "app.log")
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		e.t.Fatal(err)
	}
	e.appLog = f
	e.app = exec.Command(e.bin)
	e.app.Env = e.env()
	e.app.Stdout, e.app.Stderr = f, f
	if err := e.app.Start(); err != nil {
		e.t.Fatal(err)
	}
	app := e.app
	e.t.Cleanup(func() {
		if app.ProcessState == nil {
			app.Process.Kill()
			app.Wait()
		}
	})
	// The window opens small enough for a 1366x768 screen at scale 1.5
	// (560x460); enlarged as a person would, the home shows the inbox's
	// first notes without scrolling, where OCR reads them.
	e.xdotool("search", "--sync", "--onlyvisible", "--name", "^Pump Connect$", "windowsize", "--sync", "560", "600")
}

func (e *e2e) stopApp() {
	e.app.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- e.app.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		e.app.Process.Kill()
		<-done
	}
	e.appLog.Close()
}

func (e *e2e) xdotool(args ...string) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xdotool", args...)
	cmd.Env = e.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		e.t.Fatalf("xdotool %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// xdotoolQuiet runs xdotool and returns its output, or "" when it fails.
func (e *e2e) xdotoolQuiet(args ...string) string {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = e.env()
	out, _ := cmd.Output()
	return string(out)
}

// screenshot saves the window as NN-name.png.
func (e *e2e) screenshot(name string) string {
	e.t.Helper()
	e.shotStep++
	path := filepath.Join(e.shots, fmt.Sprintf("%02d-%s.png", e.shotStep, name))
	cmd := exec.Command("import", "-window", e.windowOrRoot(), path)
	cmd.Env = e.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		e.t.Fatalf("screenshot: %v\n%s", err, out)
	}
	return path
}

// windowOrRoot is the app's window (what the person sees), or "root", the
// whole screen, when it is not found.
func (e *e2e) windowOrRoot() string {
	if id := strings.Fields(e.xdotoolQuiet("search", "--onlyvisible", "--name", "^Pump Connect$")); len(id) > 0 {
		return id[len(id)-1]
	}
	return "root"
}

// ocrShot saves window (an X window id, or "root") as path, made into what
// tesseract reads best: the lightness alone (plain grey loses red text on
// the dark theme), at twice the size.
func (e *e2e) ocrShot(window, path string) error {
	raw := path + ".raw.png"
	cmd := exec.Command("import", "-window", window, raw)
	cmd.Env = e.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("import: %v: %s", err, out)
	}
	if out, err := exec.Command("convert", raw, "-colorspace", "HSL", "-channel", "B", "-separate",
		"-resize", "200%", path).CombinedOutput(); err != nil {
		return fmt.Errorf("convert: %v: %s", err, out)
	}
	return nil
}

// screenText reads the window with OCR (the whole screen when no window is
// found). Tesseract reads nothing at all from some screens when it is given
// the whole, mostly black, screen; the window alone it reads.
func (e *e2e) screenText() string {
	path := filepath.Join(e.dir, "ocr.png")
	if e.ocrShot(e.windowOrRoot(), path) != nil {
		return ""
	}
	out, _ := exec.Command("tesseract", path, "-", "--psm", "3").Output()
	return string(out)
}

// waitText polls the screen until OCR finds want.
func (e *e2e) waitText(want string, limit time.Duration) {
	e.t.Helper()
	var last string
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		last = e.screenText()
		if strings.Contains(strings.ToLower(last), strings.ToLower(want)) {
			return
		}
		if e.app.ProcessState != nil {
			break
		}
	}
	e.screenshot("failed-waiting")
	e.t.Fatalf("the screen never showed %q; it shows:\n%s", want, last)
}

// browserURLs are the URLs the fake browser was asked to open so far.
func (e *e2e) browserURLs() []string {
	b, err := os.ReadFile(e.urls)
	if err != nil {
		return nil
	}
	return strings.Fields(string(b))
}

func (e *e2e) waitBrowserURL(limit time.Duration) string {
	e.t.Helper()
	return e.waitBrowserURLAfter(nil, limit)
}

// waitBrowserURLAfter waits for a URL opened after those in seen.
func (e *e2e) waitBrowserURLAfter(seen []string, limit time.Duration) string {
	e.t.Helper()
	var url string
	e.eventually("the app to open the browser", limit, func() bool {
		all := e.browserURLs()
		if len(all) > len(seen) {
			url = all[len(all)-1]
			return true
		}
		return false
	})
	return url
}

// replaceAddress selects what the focused field holds and types addr over it.
func (e *e2e) replaceAddress(addr string) {
	e.xdotool("key", "ctrl+a")
	e.xdotool("type", "--delay", "20", addr)
}

// clickText clicks the last word on screen that OCR reads as word.
func (e *e2e) clickText(word string) {
	e.t.Helper()
	path := filepath.Join(e.dir, "ocr-click.png")
	if err := e.ocrShot("root", path); err != nil {
		e.t.Fatalf("screenshot: %v", err)
	}
	out, err := exec.Command("tesseract", path, "-", "--psm", "3", "tsv").Output()
	if err != nil {
		e.t.Fatalf("tesseract: %v", err)
	}
	// The last match: buttons sit below the text that may mention them.
	found := false
	var x, y int
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 12 || !ocrWord(f[11], word) {
			continue
		}
		left, _ := strconv.Atoi(f[6])
		top, _ := strconv.Atoi(f[7])
		width, _ := strconv.Atoi(f[8])
		height, _ := strconv.Atoi(f[9])
		x, y, found = (left+width/2)/2, (top+height/2)/2, true
	}
	if found {
		e.xdotool("mousemove", "--sync", strconv.Itoa(x), strconv.Itoa(y), "click", "1")
		return
	}
	e.screenshot("failed-click")
	e.t.Fatalf("no %q on screen to click", word)
}

// ocrWord reports whether OCR's read is word: punctuation around it
// aside, and a button's icon read as a symbol glued to it ("&Accounts").
func ocrWord(read, word string) bool {
	read = strings.ToLower(strings.Trim(read, ".,:;“”\"()"))
	word = strings.ToLower(word)
	return read == word || (len(word) >= 6 && strings.HasSuffix(read, word) && len(read) <= len(word)+2)
}

func (e *e2e) prefsPath() string {
	m, err := appMetadata()
	if err != nil {
		e.t.Fatal(err)
	}
	return filepath.Join(e.dir, "home", ".config", "fyne", m.ID, "preferences.json")
}

// storedRecords reads the accounts in the real preferences file, by
// address; ok is false when the file is missing or not JSON.
func (e *e2e) storedRecords() (records map[string]map[string]any, ok bool) {
	b, err := os.ReadFile(e.prefsPath())
	if err != nil {
		return nil, false
	}
	var prefs map[string]any
	if json.Unmarshal(b, &prefs) != nil {
		return nil, false
	}
	records = map[string]map[string]any{}
	for k, v := range prefs {
		addr, isAccount := strings.CutPrefix(k, "account/")
		s, isString := v.(string)
		var rec map[string]any
		if isAccount && isString && json.Unmarshal([]byte(s), &rec) == nil {
			records[addr] = rec
		}
	}
	return records, true
}

// recordOf is nick's record with a token among records, or nil.
func recordOf(records map[string]map[string]any, nick string) map[string]any {
	for addr, rec := range records {
		if strings.HasPrefix(addr, nick+"@") {
			if t, _ := rec["token"].(string); t != "" {
				return rec
			}
		}
	}
	return nil
}

// storedAccount waits for nick's account with a token in the real preferences file.
func (e *e2e) storedAccount(nick string) map[string]any {
	e.t.Helper()
	var found map[string]any
	e.eventually("the account to be stored", 10*time.Second, func() bool {
		records, _ := e.storedRecords()
		found = recordOf(records, nick)
		return found != nil
	})
	return found
}

// hasToken reports whether the preferences file holds a token for nick now.
func (e *e2e) hasToken(nick string) bool {
	records, ok := e.storedRecords()
	if !ok {
		if _, err := os.Stat(e.prefsPath()); err == nil {
			e.t.Fatalf("the preferences file is not JSON")
		}
		return false
	}
	return recordOf(records, nick) != nil
}

func (e *e2e) checkPrefsMode() {
	fi, err := os.Stat(e.prefsPath())
	if err != nil {
		e.t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		e.t.Fatalf("preferences file mode %v, want 0600", fi.Mode().Perm())
	}
}

func (e *e2e) eventually(what string, limit time.Duration, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond) // polling an outside process, bounded by the deadline
	}
}

func (e *e2e) publishScreenshots() {
	dst := filepath.Join("docs", "screenshots")
	os.MkdirAll(dst, 0o755)
	entries, _ := os.ReadDir(e.shots)
	for _, en := range entries {
		if !strings.HasSuffix(en.Name(), ".png") || strings.Contains(en.Name(), "failed") {
			continue
		}
		in, err := os.Open(filepath.Join(e.shots, en.Name()))
		if err != nil {
			e.t.Fatal(err)
		}
		out, err := os.Create(filepath.Join(dst, en.Name()[3:]))
		if err != nil {
			e.t.Fatal(err)
		}
		io.Copy(out, in)
		in.Close()
		out.Close()
	}
}
