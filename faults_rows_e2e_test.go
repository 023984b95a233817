//go:build e2e

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// Kinds of fault (one row of each runs in `make test`).
const (
	kindUnreachable  = "server unreachable"
	kindCertificate  = "certificate not trusted"
	kindStatus       = "server error (5xx)"
	kindDelay        = "slow server (20 s)"
	kindMalformed    = "malformed answer"
	kindServerForgot = "server forgot the app"
	kindTokenRevoked = "permission revoked"
	kindBrowser      = "browser"
	kindKilled       = "app killed"
	kindSettings     = "settings file"
)

// slowDelay is the slow-server fault: slow, but within pumpauth's 30 s
// bound of a request, so a patient person gets connected.
const slowDelay = 20 * time.Second

func faultRows() []faultRow {
	var rows []faultRow

	rows = append(rows,
		faultRow{name: "server unreachable", kind: kindUnreachable, quick: true,
			meet: func(r *faultRun) string {
				r.startApp()
				r.waitText("pump.io address", 20*time.Second)
				r.replaceAddress("alice@127.0.0.1:1") // nothing listens on port 1
				r.xdotool("key", "Return")
				return "Nothing is answering"
			},
			recover: func(r *faultRun) {
				seen := r.browserURLs()
				r.typeAddress("alice")
				r.approveIfAsked(seen)
			},
			registrations: 1},
		faultRow{name: "TLS certificate not trusted", kind: kindCertificate, quick: true,
			server: pumptest.NewTLSServer,
			meet: func(r *faultRun) string {
				r.startApp()
				r.typeAddress("alice")
				return "certificate isn't valid"
			},
			noRecovery: true},
	)

	// Each step of the first connection: 5xx, slow, malformed.
	steps := []struct {
		ep            pumptest.Endpoint
		afterApproval bool
	}{
		{pumptest.HostMeta, false}, {pumptest.Webfinger, false}, {pumptest.Register, false},
		{pumptest.RequestToken, false}, {pumptest.AccessToken, true}, {pumptest.Whoami, true},
	}
	for _, st := range steps {
		meetWith := func(f pumptest.Fault, want string) func(r *faultRun) string {
			return func(r *faultRun) string {
				r.srv.SetFault(st.ep, f)
				r.startApp()
				r.typeAddress("alice")
				if st.afterApproval {
					r.approveNext(nil)
				}
				return want
			}
		}
		progress := "Contacting"
		if st.afterApproval {
			progress = "Finishing"
		}
		rows = append(rows,
			faultRow{name: fmt.Sprintf("%s: 503", st.ep), kind: kindStatus, quick: st.ep == pumptest.Register,
				meet: meetWith(pumptest.Fault{Status: 503}, "had a problem"), registrations: 1},
			faultRow{name: fmt.Sprintf("%s: 20 s delay", st.ep), kind: kindDelay, quick: st.ep == pumptest.HostMeta,
				meet: meetWith(pumptest.Fault{Delay: slowDelay}, progress),
				// Cancel answers at once; then the person waits it out.
				respond: func(r *faultRun) string { r.xdotool("key", "Escape"); return "pump.io address" },
				recover: func(r *faultRun) {
					seen := r.browserURLs()
					r.xdotool("key", "Return")
					r.approveIfAsked(seen)
				},
				registrations: 1},
			faultRow{name: fmt.Sprintf("%s: malformed body", st.ep), kind: kindMalformed, quick: st.ep == pumptest.Whoami,
				meet: meetWith(pumptest.Fault{Malformed: true}, malformedSays(st.ep)), registrations: 1},
		)
	}

	rows = append(rows,
		faultRow{name: "the server forgets the app", kind: kindServerForgot, quick: true, stored: true,
			fault: func(r *faultRun) { r.srv.ForgetClients() },
			meet:  restart("no longer accepts"), respond: reconnect, recover: approveLatest,
			registrations: 1},
		faultRow{name: "the permission is revoked", kind: kindTokenRevoked, quick: true, stored: true,
			fault: func(r *faultRun) { r.srv.RevokeTokens() },
			meet:  restart("no longer accepts"), respond: reconnect, recover: approveLatest,
			registrations: 0},
		faultRow{name: "the server's database is wiped", kind: kindServerForgot, stored: true,
			fault: func(r *faultRun) {
				r.srv.ForgetClients()
				r.srv.AddUser("alice", alicePassword, "Alice Liddell") // the person signs up again
			},
			meet: restart("no longer accepts"), respond: reconnect, recover: approveLatest,
			registrations: 1},
		faultRow{name: "the browser never comes back", kind: kindBrowser, quick: true,
			meet: func(r *faultRun) string {
				r.untilBrowserOpens()
				r.waitText("Approve in your browser", 20*time.Second)
				// The person looks elsewhere for a while (not a synchronisation:
				// the window must still be waiting, and answer, after it).
				time.Sleep(5 * time.Second)
				return "Approve in your browser"
			},
			registrations: 1},
		faultRow{name: "a wrong code is pasted", kind: kindBrowser,
			meet: func(r *faultRun) string {
				r.untilBrowserOpens()
				r.waitText("Approve in your browser", 20*time.Second)
				r.clickText("code")
				r.waitText("Paste the code", 10*time.Second)
				r.clickText("here") // into the field ("Paste the code here")
				r.xdotool("type", "--delay", "20", "q1w2e3r4t5y6u7i8o9p0")
				r.xdotool("key", "Return")
				return "code didn't work"
			},
			registrations: 1},
		faultRow{name: "another account is approved", kind: kindBrowser,
			meet: func(r *faultRun) string {
				r.srv.AddUser("bob", "builder", "Bob Builder")
				r.startApp()
				r.typeAddress("bob")
				r.approveNext(nil) // the browser is logged in as alice
				return "approved another account"
			},
			respond:       func(r *faultRun) string { r.xdotool("key", "Return"); return "Connected as" }, // Use alice
			recover:       func(r *faultRun) {},
			registrations: 1},
		faultRow{name: "the app is killed between registration and approval", kind: kindKilled, quick: true,
			meet: func(r *faultRun) string {
				r.untilBrowserOpens()
				r.app.Process.Kill()
				r.app.Wait()
				r.appLog.Close()
				r.startApp()
				return "pump.io address"
			},
			// The kill may come before Fyne wrote the registration: then the
			// backup restores it, and a notice says so first.
			respond: func(r *faultRun) string {
				if strings.Contains(strings.ToLower(r.screenText()), "repaired") {
					r.xdotool("key", "Return")
					r.waitGone("repaired", 10*time.Second)
				}
				r.clickText("Open") // the saved account, listed under the address
				return "Approve in your browser"
			},
			recover:       approveLatest,
			registrations: 1},
		faultRow{name: "the settings file is cut short", kind: kindSettings, quick: true, stored: true,
			fault: func(r *faultRun) {
				data, err := os.ReadFile(r.prefsPath())
				must(r.t, err)
				i := strings.Index(string(data), "clientSecret")
				must(r.t, os.WriteFile(r.prefsPath(), data[:i], 0o600))
			},
			meet:       restart("settings were repaired"),
			respond:    dismissNotice,
			noRecovery: true},
		faultRow{name: "the settings file has a list of mixed types", kind: kindSettings, stored: true,
			fault: func(r *faultRun) {
				data, err := os.ReadFile(r.prefsPath())
				must(r.t, err)
				data = []byte(strings.Replace(string(data), "{", `{"x":[1,"a"],`, 1))
				must(r.t, os.WriteFile(r.prefsPath(), data, 0o600))
			},
			meet:       restart("set aside"),
			respond:    dismissNotice,
			noRecovery: true},
		faultRow{name: "the settings file is a folder", kind: kindSettings, stored: true,
			fault: func(r *faultRun) {
				must(r.t, os.Remove(r.prefsPath()))
				must(r.t, os.MkdirAll(filepath.Join(r.prefsPath(), "inside"), 0o700))
			},
			meet:       restart("settings were repaired"),
			respond:    dismissNotice,
			noRecovery: true},
	)
	return rows
}

// restart starts the app again (alice stored) and expects want.
func restart(want string) func(r *faultRun) string {
	return func(r *faultRun) string {
		r.startApp()
		return want
	}
}

// dismissNotice closes the "settings were repaired" notice: alice is
// connected behind it.
func dismissNotice(r *faultRun) string {
	r.xdotool("key", "Return")
	r.waitGone("repaired", 10*time.Second)
	return "Connected as"
}

// reconnect presses Reconnect, the default on "needs your permission again".
func reconnect(r *faultRun) string {
	r.xdotool("key", "Return")
	return "Approve in your browser"
}

// approveLatest approves the page the app opened last.
func approveLatest(r *faultRun) {
	all := r.browserURLs()
	if len(all) == 0 {
		r.t.Fatal("the app never opened the browser")
	}
	r.approveNext(all[:len(all)-1])
}

// malformedSays is what a garbled answer from ep makes the app say: a
// garbled host-meta means the server does not look like pump.io at all.
func malformedSays(ep pumptest.Endpoint) string {
	if ep == pumptest.HostMeta {
		return "look like a pump.io server"
	}
	return "didn't make sense"
}

// untilBrowserOpens starts the app, sends alice's address and waits until
// the app opens the browser on the authorize page.
func (r *faultRun) untilBrowserOpens() {
	r.startApp()
	r.typeAddress("alice")
	r.waitBrowserURL(30 * time.Second)
}
