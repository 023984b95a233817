//go:build e2e

// The fault matrix: the real program in a real window under Xvfb, against
// pumptest with one fault per row, driven as a person would (keys, the
// scripted browser). Each row records what the person saw (read back from
// the screen's pixels with OCR, plus a screenshot), whether stored data was
// lost, how many registrations the row made against how many it needed,
// whether the window answered a key at once, and whether the person could
// go on (connect) once the fault was gone.
//
// `make test` runs one row per kind of fault; `make faults` runs them all
// (FAULTS=all) and writes docs/faults.md (FAULTS_REPORT) with the
// screenshots in docs/faults/.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// faultRow is one fault and how a person meets it.
type faultRow struct {
	name  string
	kind  string
	quick bool // in `make test`'s subset: one row per kind
	// stored: alice is connected first (and the app closed), so the row
	// meets the fault on a restart.
	stored bool
	// server: a pumptest server for the row (default: pumptest.NewServer).
	server func() *pumptest.Server
	// fault spoils something before the app (re)starts.
	fault func(r *faultRun)
	// meet drives the app until the fault shows and returns the phrase that
	// must be on screen.
	meet func(r *faultRun) string
	// respond presses a key and returns what must then show (default:
	// Escape, back to the address).
	respond func(r *faultRun) string
	// recover gets the person connected once the fault is gone (default:
	// clear the faults, Enter, approve if asked); nil when nothing can
	// (the certificate row).
	recover       func(r *faultRun)
	noRecovery    bool
	registrations int // registrations the row needs, from the fault to the end
}

// faultRun is one row under way.
type faultRun struct {
	*e2e
	row    faultRow
	result faultResult
}

// faultResult is one line of the report.
type faultResult struct {
	Row           faultRow
	Seen          string        // the screen's words, read back from its pixels
	Shot          string        // screenshot path, relative to the report
	Lost          []string      // stored things the fault took away
	Registrations int           // made by the row
	Respond       time.Duration // from a key to the next screen; -1: no answer
	Recovered     string        // "yes", "no (…)" or "n/a"
	Failures      []string
}

const alicePassword = "wonderland"

func TestE2EFaults(t *testing.T) {
	for _, tool := range []string{"Xvfb", "xdotool", "import", "tesseract"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: run `make faults`, which installs it", tool)
		}
	}
	all := os.Getenv("FAULTS") == "all"
	report := os.Getenv("FAULTS_REPORT")
	shots, _ := filepath.Abs(filepath.Join("artifacts", "faults"))
	if report != "" {
		shots, _ = filepath.Abs(filepath.Join(filepath.Dir(report), "faults"))
	}
	os.RemoveAll(shots)
	must(t, os.MkdirAll(shots, 0o755))

	base := &e2e{t: t, dir: t.TempDir(), shots: shots}
	base.build()
	base.startXvfb()

	var results []faultResult
	for i, row := range faultRows() {
		if !all && !row.quick {
			continue
		}
		t.Run(row.name, func(t *testing.T) {
			r := &faultRun{row: row, e2e: &e2e{t: t, dir: t.TempDir(), bin: base.bin, display: base.display, shots: shots}}
			r.shotStep = i
			defer func() { // also after a t.Fatal inside the row
				if t.Failed() && len(r.result.Failures) == 0 {
					r.result.Failures = append(r.result.Failures, "stopped early: see the test log")
				}
				results = append(results, r.result)
			}()
			r.run()
			for _, f := range r.result.Failures {
				t.Error(f)
			}
		})
	}
	if report != "" {
		must(t, os.WriteFile(report, []byte(faultReport(results, all)), 0o644))
	}
}

func (r *faultRun) run() {
	row := r.row
	r.result.Row = row
	if row.server != nil {
		r.srv = row.server()
	} else {
		r.srv = pumptest.NewServer()
	}
	defer r.srv.Close()
	r.fakeBrowser()
	if row.stored {
		r.connectAlice()
		r.stopApp()
	}
	before := r.storedAccounts()
	if row.fault != nil {
		row.fault(r)
	}
	clients := r.srv.Clients() // registrations the server holds

	// The fault, as the person meets it.
	want := row.meet(r)
	r.waitText(want, 60*time.Second)
	r.result.Seen = r.screenWords()
	r.result.Shot = filepath.Join("faults", filepath.Base(r.screenshot(slug(row.name))))
	r.result.Lost = lostAccounts(before, r.storedAccounts(), row)

	// The window answers a key at once.
	respond := row.respond
	if respond == nil {
		respond = func(r *faultRun) string { r.xdotool("key", "Escape"); return "pump.io address" }
	}
	start := time.Now()
	next := respond(r)
	r.waitText(next, 10*time.Second)
	r.result.Respond = time.Since(start)

	// Once the fault is gone, the person can go on.
	switch {
	case row.noRecovery:
		r.result.Recovered = "n/a"
	default:
		rec := row.recover
		if rec == nil {
			rec = (*faultRun).retry
		}
		rec(r)
		r.waitText("Connected as", 60*time.Second)
		if r.storedAccount("alice") == nil {
			r.fail("connected, but no token stored")
		}
		r.result.Recovered = "yes"
		r.result.Lost = append(r.result.Lost, lostAccounts(before, r.storedAccounts(), faultRow{})...)
	}
	r.result.Registrations = r.srv.Clients() - clients
	if r.result.Registrations != row.registrations {
		r.fail(fmt.Sprintf("%d registrations, want %d", r.result.Registrations, row.registrations))
	}
	if len(r.result.Lost) > 0 {
		r.fail(fmt.Sprintf("lost: %v", r.result.Lost))
	}
	if r.app != nil && r.app.ProcessState == nil {
		r.stopApp()
	}
}

func (r *faultRun) fail(msg string) { r.result.Failures = append(r.result.Failures, msg) }

// connectAlice starts the app and connects alice from scratch.
func (r *faultRun) connectAlice() {
	r.startApp()
	r.typeAddress("alice")
	r.approveNext(nil)
	r.waitText("Connected as", 30*time.Second)
	r.storedAccount("alice")
}

// typeAddress waits for the address screen and sends nick's address.
func (r *faultRun) typeAddress(nick string) {
	r.waitText("pump.io address", 20*time.Second)
	r.replaceAddress(r.srv.Address(nick))
	r.xdotool("key", "Return")
}

// approveNext waits for the app to open the browser after the URLs in seen,
// and approves as alice there.
func (r *faultRun) approveNext(seen []string) {
	url := r.waitBrowserURLAfter(seen, 30*time.Second)
	if _, err := r.srv.Approve(context.Background(), url, "alice", alicePassword); err != nil {
		r.t.Fatalf("approve: %v", err)
	}
}

// retry is the default recovery: the fault is gone, the person presses
// Enter on the address screen (or Retry) and approves if asked.
func (r *faultRun) retry() {
	r.srv.ClearFaults()
	seen := r.browserURLs()
	r.xdotool("key", "Return")
	r.approveIfAsked(seen)
}

// approveIfAsked approves when the browser opens before the app connects.
func (r *faultRun) approveIfAsked(seen []string) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if all := r.browserURLs(); len(all) > len(seen) {
			if _, err := r.srv.Approve(context.Background(), all[len(all)-1], "alice", alicePassword); err != nil {
				r.t.Fatalf("approve: %v", err)
			}
			return
		}
		if strings.Contains(strings.ToLower(r.screenText()), "connected as") {
			return
		}
	}
}

// waitGone polls the screen until OCR no longer finds text.
func (r *faultRun) waitGone(text string, limit time.Duration) {
	r.t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if !strings.Contains(strings.ToLower(r.screenText()), strings.ToLower(text)) {
			return
		}
	}
	r.t.Fatalf("%q stayed on screen", text)
}

// storedAccounts is what the real preferences file holds: address → what is stored.
func (r *faultRun) storedAccounts() map[string]storedAccount {
	out := map[string]storedAccount{}
	records, _ := r.storedRecords()
	for addr, rec := range records {
		key, _ := rec["clientKey"].(string)
		tok, _ := rec["token"].(string)
		out[addr] = storedAccount{clientKey: key, hasToken: tok != ""}
	}
	return out
}

type storedAccount struct {
	clientKey string
	hasToken  bool
}

// lostAccounts lists what was stored before and is gone now. A row where
// the server itself forgot the registration or the token may drop them.
func lostAccounts(before, now map[string]storedAccount, row faultRow) []string {
	var lost []string
	for addr, b := range before {
		n, ok := now[addr]
		switch {
		case !ok:
			lost = append(lost, addr+" (the whole account)")
		case b.clientKey != "" && n.clientKey == "" && row.kind != kindServerForgot:
			lost = append(lost, addr+" (its registration)")
		case b.hasToken && !n.hasToken && row.kind != kindServerForgot && row.kind != kindTokenRevoked:
			lost = append(lost, addr+" (its permission)")
		}
	}
	return lost
}

// screenWords is what OCR reads on the window: the words the person saw.
func (r *faultRun) screenWords() string {
	text := r.screenText()
	text = regexp.MustCompile(`\s+`).ReplaceAllString(text, " ")
	return strings.TrimSpace(text)
}

func slug(s string) string {
	s = regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(s), "-")
	return strings.Trim(s, "-")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// faultReport is docs/faults.md: the table, row by row.
func faultReport(results []faultResult, all bool) string {
	var b strings.Builder
	failed := 0
	for _, res := range results {
		if len(res.Failures) > 0 {
			failed++
		}
	}
	scope := "every row"
	if !all {
		scope = "the quick subset (one row per kind)"
	}
	fmt.Fprintf(&b, "# Fault matrix\n\n")
	fmt.Fprintf(&b, "Written by `make faults` (%s) on %s. Each row runs the real program in a real window under Xvfb,\n",
		scope, time.Now().UTC().Format("2006-01-02"))
	b.WriteString("with a fresh home folder, against pumptest with one fault, driven by keys and a scripted browser\n" +
		"(`faults_e2e_test.go`). *What the person saw* is read back from the window's pixels with OCR\n" +
		"(so it carries OCR's slips); the screenshot is next to it. *Lost* compares the accounts in the real\n" +
		"preferences file before the fault, when it shows, and at the end. *Registrations* counts the clients the\n" +
		"server holds for the app at the end against those the row needs. *Window answered* is the time from a\n" +
		"key press to the next screen read back on screen (reading it back takes about a second). *Went on* says whether the person got connected once the fault was gone\n" +
		"(or, for a slow server, by waiting).\n\n")
	fmt.Fprintf(&b, "**%d rows, %d with a problem.**\n\n", len(results), failed)
	b.WriteString("| # | Fault | Kind | What the person saw | Lost | Registrations (needed) | Window answered | Went on | Result |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for i, res := range results {
		seen := res.Seen
		if r := []rune(seen); len(r) > 240 {
			seen = string(r[:240]) + "…"
		}
		lost := "nothing"
		if len(res.Lost) > 0 {
			lost = strings.Join(res.Lost, "; ")
		}
		result := "ok"
		if len(res.Failures) > 0 {
			result = "**" + strings.Join(res.Failures, "; ") + "**"
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s ([screenshot](%s)) | %s | %d (%d) | %.1f s | %s | %s |\n",
			i+1, res.Row.name, res.Row.kind, mdCell(seen), filepath.ToSlash(res.Shot), lost,
			res.Registrations, res.Row.registrations, res.Respond.Seconds(), res.Recovered, result)
	}
	return b.String()
}

func mdCell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}
