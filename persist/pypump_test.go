package persist

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pumpconnect/pumpconnect/pumpauth"
	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// pypumpScript is what a person's script does with the exported file:
// PyPump finds the keys through its JSONStore by the webfinger alone (it
// would call verifier_callback only if it had to ask for approval), then
// reads the user's inbox, which pump.io serves only to a request signed
// with the user's own token. It prints what PyPump's store holds for the
// account and the inbox's title.
const pypumpScript = `
import json, sys
from pypump import PyPump, Client

webfinger = sys.argv[1]
def must_not_ask(url):
    sys.exit("PyPump asked for approval: the exported keys were not found")

pump = PyPump(client=Client(webfinger=webfinger, type="native", name="a script"),
              verifier_callback=must_not_ask)
keys = {k: pump.store[k] for k in ("client-key", "client-secret", "client-expirey",
                                   "oauth-access-token", "oauth-access-secret")}
inbox = pump.request("/api/user/%s/inbox" % pump.client.nickname)
print(json.dumps({"store": keys, "filename": pump.store.filename, "inbox": inbox["displayName"]}))
`

// requirePyPump returns a python3 that imports Debian's PyPump: the
// system's first (python3-pypump installs there; a python3 earlier in PATH,
// pyenv's say, does not see it). It skips the test when there is none,
// except under `make test` (PUMPCONNECT_NEED_PYPUMP) and in CI, where it
// is a test dependency (scripts/install-deps.sh).
func requirePyPump(t *testing.T) string {
	t.Helper()
	candidates := []string{"/usr/bin/python3"}
	if p, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, p)
	}
	var why error = exec.ErrNotFound
	for _, python := range candidates {
		if why = exec.Command(python, "-c", "import pypump").Run(); why == nil {
			return python
		}
	}
	if os.Getenv("CI") != "" || os.Getenv("PUMPCONNECT_NEED_PYPUMP") != "" {
		t.Fatalf("python3 with PyPump is needed (apt-get install python3-pypump): %v", why)
	}
	t.Skipf("no python3 with PyPump (apt-get install python3-pypump): %v", why)
	return ""
}

// Debian's real PyPump loads the exported file and makes a signed request
// with it to a pump.io server.
func TestPyPumpUsesExport(t *testing.T) {
	python := requirePyPump(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// alice connects as Pump Connect does, over HTTPS.
	srv := pumptest.NewTLSServer()
	defer srv.Close()
	p, err := pumpauth.New(pumpauth.Client{Webfinger: srv.Address("alice"), Name: "Pump Connect"},
		pumpauth.WithHTTPClient(srv.Client()))
	must(t, err)
	tok, err := p.Authorize(ctx, func(ctx context.Context, link string) (string, error) {
		a, err := srv.Approve(ctx, link, pumptest.DefaultNick, pumptest.DefaultPassword)
		return a.Verifier, err
	})
	must(t, err)
	prof, err := p.Whoami(ctx)
	must(t, err)
	s := openStore(t, memPrefs(t), "")
	must(t, s.SaveRegistration(p.Address(), p.Client(), p.Endpoints()))
	must(t, s.SaveToken(p.Address(), tok, prof))
	acct, ok := s.Account(p.Address())
	if !ok {
		t.Fatal("alice not stored")
	}

	// The export, into PyPump's default file, beside an account already there.
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	path, err := DefaultPyPumpPath()
	must(t, err)
	must(t, os.MkdirAll(filepath.Dir(path), 0o700))
	must(t, os.WriteFile(path, []byte(`{"bob@other.example-client-key": "bob-key"}`), 0o600))
	must(t, WritePyPumpFile(path, acct))

	// PyPump checks certificates through requests: trust the test server's.
	caFile := filepath.Join(home, "ca.pem")
	must(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	inboxBefore := srv.Requests(pumptest.Inbox)
	rejectedBefore := srv.LastRejection()

	cmd := exec.CommandContext(ctx, python, "-c", pypumpScript, acct.Address)
	cmd.Env = append(os.Environ(),
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"),
		"REQUESTS_CA_BUNDLE="+caFile,
		"NO_PROXY=*", "no_proxy=*",
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("the PyPump script failed: %v\n%s\nlast rejection by the server: %s", err, stderr.String(), srv.LastRejection())
	}
	var got struct {
		Store    map[string]any
		Filename string
		Inbox    string
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("the script printed %q: %v", stdout.String(), err)
	}
	if got.Filename != path {
		t.Errorf("PyPump read %s, the export wrote %s", got.Filename, path)
	}
	want := map[string]any{
		"client-key":          acct.ClientKey,
		"client-secret":       acct.ClientSecret,
		"client-expirey":      float64(0), // pump.io's registrations never expire
		"oauth-access-token":  acct.Token,
		"oauth-access-secret": acct.TokenSecret,
	}
	for k, v := range want {
		if got.Store[k] != v {
			t.Errorf("PyPump's store has the wrong %s", k) // no values: they are keys
		}
	}
	if wantTitle := "Activities for " + pumptest.DefaultDisplayName; got.Inbox != wantTitle {
		t.Errorf("PyPump read the inbox %q, want %q", got.Inbox, wantTitle)
	}
	if n := srv.Requests(pumptest.Inbox) - inboxBefore; n != 1 {
		t.Errorf("the server saw %d inbox requests, want 1", n)
	}
	if r := srv.LastRejection(); r != rejectedBefore {
		t.Errorf("the server rejected a request: %s", r)
	}
	// PyPump saves nothing when it has what it needs: bob is still there.
	if data, err := os.ReadFile(path); err != nil || !strings.Contains(string(data), "bob-key") {
		t.Errorf("the other account in the file is gone (%v)", err)
	}
}
