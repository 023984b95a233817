package persist

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

const (
	alice = "alice@pump.example"
	bob   = "bob@pump.example"
)

func TestStoreOperations(t *testing.T) {
	aliceRegistered := Account{
		Address: alice, BaseURL: "https://pump.example", Endpoints: pumpauth.Endpoints{Base: "https://pump.example"},
		ClientKey: "key-alice", ClientSecret: "client-secret-alice", ClientExpiresAt: client("alice").ExpiresAt,
	}
	aliceConnected := aliceRegistered
	aliceConnected.Token, aliceConnected.TokenSecret = "token-alice", "token-secret-alice"
	aliceConnected.DisplayName, aliceConnected.AvatarURL = "Alice Example", "https://pump.example/avatars/alice.png"
	aliceConnected.ConnectedAt = fixedNow
	aliceTokenGone := aliceConnected // registered, profile kept, no token
	aliceTokenGone.Token, aliceTokenGone.TokenSecret = "", ""

	tests := []struct {
		name    string
		do      func(t *testing.T, s *Store)
		want    []Account
		current string
	}{
		{
			name: "registration saved alone",
			do: func(t *testing.T, s *Store) {
				must(t, s.SaveRegistration(parsed(alice), client("alice"), pumpauth.Endpoints{Base: "https://pump.example"}))
			},
			want: []Account{aliceRegistered},
		},
		{
			name: "any address form is stored canonical",
			do: func(t *testing.T, s *Store) {
				must(t, s.SaveRegistration(parsed(" acct:alice@PUMP.example "), client("alice"), pumpauth.Endpoints{Base: "https://pump.example"}))
			},
			want: []Account{aliceRegistered},
		},
		{
			name: "plain http allowed",
			do: func(t *testing.T, s *Store) {
				must(t, s.SaveRegistration(parsedPlain(alice), client("alice"), pumpauth.Endpoints{Base: "http://pump.example"}))
			},
			want: []Account{func() Account {
				a := aliceRegistered
				a.BaseURL, a.Endpoints.Base, a.PlainHTTP = "http://pump.example", "http://pump.example", true
				return a
			}()},
		},
		{
			name: "base URL kept when not known yet",
			do: func(t *testing.T, s *Store) {
				must(t, s.SaveRegistration(parsed(alice), client("alice"), pumpauth.Endpoints{Base: "https://pump.example"}))
				must(t, s.SaveRegistration(parsed(alice), client("alice"), pumpauth.Endpoints{}))
			},
			want: []Account{aliceRegistered},
		},
		{
			name: "token makes the account current",
			do:   func(t *testing.T, s *Store) { connect(t, s, "alice") },
			want: []Account{aliceConnected}, current: alice,
		},
		{
			name: "registration again with the same key keeps the token",
			do: func(t *testing.T, s *Store) {
				connect(t, s, "alice")
				must(t, s.SaveRegistration(parsed(alice), client("alice"), pumpauth.Endpoints{Base: "https://pump.example"}))
			},
			want: []Account{aliceConnected}, current: alice,
		},
		{
			name: "a new client key drops the old client's token",
			do: func(t *testing.T, s *Store) {
				connect(t, s, "alice")
				c := client("alice")
				c.Key, c.Secret, c.ExpiresAt = "key-2", "client-secret-2", time.Time{}
				must(t, s.SaveRegistration(parsed(alice), c, pumpauth.Endpoints{Base: "https://pump.example"}))
			},
			want: []Account{func() Account {
				a := aliceConnected
				a.ClientKey, a.ClientSecret, a.ClientExpiresAt = "key-2", "client-secret-2", time.Time{}
				a.Token, a.TokenSecret = "", ""
				return a
			}()},
			current: alice,
		},
		{
			name: "DropToken drops the token it names",
			do: func(t *testing.T, s *Store) {
				connect(t, s, "alice")
				must(t, s.DropToken(parsed(alice), pumpauth.Token{Token: "token-alice", Secret: "token-secret-alice"}))
			},
			want:    []Account{aliceTokenGone},
			current: alice,
		},
		{
			name: "DropToken keeps a newer token",
			do: func(t *testing.T, s *Store) {
				connect(t, s, "alice")
				must(t, s.DropToken(parsed(alice), pumpauth.Token{Token: "an-older-token", Secret: "token-secret-alice"}))
			},
			want:    []Account{aliceConnected},
			current: alice,
		},
		{
			name: "ClearToken keeps the registration",
			do: func(t *testing.T, s *Store) {
				connect(t, s, "alice")
				must(t, s.ClearToken(parsed(alice)))
			},
			want:    []Account{aliceTokenGone},
			current: alice,
		},
		{
			name: "ClearClient drops the registration and the token",
			do: func(t *testing.T, s *Store) {
				connect(t, s, "alice")
				must(t, s.ClearClient(parsed(alice)))
			},
			want: []Account{func() Account {
				a := aliceConnected
				a.ClientKey, a.ClientSecret, a.ClientExpiresAt = "", "", time.Time{}
				a.Token, a.TokenSecret = "", ""
				return a
			}()},
			current: alice,
		},
		{
			name: "Forget removes the account and the current choice",
			do: func(t *testing.T, s *Store) {
				connect(t, s, "alice")
				must(t, s.Forget(parsed(alice)))
			},
			want: []Account{},
		},
		{
			name: "unknown accounts: clearing and forgetting do nothing",
			do: func(t *testing.T, s *Store) {
				must(t, s.ClearToken(parsed(bob)))
				must(t, s.ClearClient(parsed(bob)))
				must(t, s.Forget(parsed(bob)))
			},
			want: []Account{},
		},
		{
			name: "two accounts sorted, current switched",
			do: func(t *testing.T, s *Store) {
				connect(t, s, "bob")
				connect(t, s, "alice")
				must(t, s.SetCurrent(parsed(bob)))
			},
			want: []Account{aliceConnected, func() Account {
				a := aliceConnected
				a.Address, a.ClientKey, a.ClientSecret = bob, "key-bob", "client-secret-bob"
				a.Token, a.TokenSecret = "token-bob", "token-secret-bob"
				a.DisplayName, a.AvatarURL = "Bob Example", "https://pump.example/avatars/bob.png"
				return a
			}()},
			current: bob,
		},
		{
			name: "no current account",
			do: func(t *testing.T, s *Store) {
				connect(t, s, "alice")
				must(t, s.SetCurrent(parsed("")))
			},
			want: []Account{aliceConnected},
		},
		{
			name: "display name falls back to the nickname",
			do: func(t *testing.T, s *Store) {
				must(t, s.SaveRegistration(parsed(alice), client("alice"), pumpauth.Endpoints{Base: "https://pump.example"}))
				must(t, s.SaveToken(parsed(alice), token("alice"), pumpauth.Profile{PreferredUsername: "alice"}))
			},
			want: []Account{func() Account {
				a := aliceConnected
				a.DisplayName, a.AvatarURL = "alice", ""
				return a
			}()},
			current: alice,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefs := memPrefs(t)
			s := openStore(t, prefs, "")
			tt.do(t, s)
			checkAccounts(t, "same store", s, tt.want, tt.current)
			// What a restart sees: a new store on the same preferences.
			checkAccounts(t, "new store", openStore(t, prefs, ""), tt.want, tt.current)
		})
	}
}

func checkAccounts(t *testing.T, which string, s *Store, want []Account, current string) {
	t.Helper()
	got := s.Accounts()
	if !slices.EqualFunc(got, want, Account.equal) {
		t.Errorf("%s: Accounts()\n got %+v\nwant %+v", which, got, want)
	}
	for _, w := range want {
		if a, ok := s.Account(parsed(w.Address)); !ok || !a.equal(w) {
			t.Errorf("%s: Account(%q) = %+v, %v", which, w.Address, a, ok)
		}
	}
	c, ok := s.Current()
	if ok != (current != "") || c.Address != current {
		t.Errorf("%s: Current() = %q, %v; want %q", which, c.Address, ok, current)
	}
	if n := s.Notice(); n != "" {
		t.Errorf("%s: Notice() = %q, want none", which, n)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestStoreErrors(t *testing.T) {
	tests := []struct {
		name string
		do   func(s *Store) error
		want error // nil: any error
	}{
		{"token for an unregistered account", func(s *Store) error { return s.SaveToken(parsed(bob), token("bob"), profile("bob")) }, ErrUnknownAccount},
		{"current account unknown", func(s *Store) error { return s.SetCurrent(parsed(bob)) }, ErrUnknownAccount},
		{"invalid address", func(s *Store) error {
			return s.SaveRegistration(parsed("not an address"), client("x"), pumpauth.Endpoints{})
		}, pumpauth.ErrInvalidWebfinger},
		{"token for no address (the zero Address)", func(s *Store) error { return s.SaveToken(pumpauth.Address{}, token("x"), profile("x")) }, pumpauth.ErrInvalidWebfinger},
		{"registration without a key", func(s *Store) error {
			return s.SaveRegistration(parsed(alice), pumpauth.Client{}, pumpauth.Endpoints{})
		}, nil},
		{"empty token", func(s *Store) error { return s.SaveToken(parsed(alice), pumpauth.Token{}, profile("alice")) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openStore(t, memPrefs(t), "")
			must(t, s.SaveRegistration(parsed(alice), client("alice"), pumpauth.Endpoints{Base: "https://pump.example"}))
			err := tt.do(s)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("got error %v, want %v", err, tt.want)
			}
			if got := addresses(s.Accounts()); !slices.Equal(got, []string{alice}) {
				t.Errorf("accounts after a failed change: %v", got)
			}
		})
	}
}

func TestAccountConversions(t *testing.T) {
	a := Account{Address: alice, ClientKey: "k", ClientSecret: "s", ClientExpiresAt: fixedNow, Token: "t", TokenSecret: "ts"}
	want := pumpauth.Client{Webfinger: alice, Name: "Pump Connect", Key: "k", Secret: "s", ExpiresAt: fixedNow}
	if got := a.Client("Pump Connect"); got != want {
		t.Errorf("Client() = %+v, want %+v", got, want)
	}
	if got := a.PumpToken(); got != (pumpauth.Token{Token: "t", Secret: "ts"}) {
		t.Errorf("PumpToken() = %+v", got)
	}
	if !a.HasToken() || !a.HasClient() || (Account{}).HasToken() || (Account{}).HasClient() {
		t.Error("HasToken/HasClient wrong")
	}
}

// TestNoSecretRemains checks, in the preferences (every key, and the keys
// the store uses one by one), that clearing and forgetting leave nothing of
// the secrets they drop.
func TestNoSecretRemains(t *testing.T) {
	tests := []struct {
		name  string
		do    func(s *Store) error
		gone  []string // secrets of alice that must be gone
		kept  []string // and those that must stay
		still bool     // alice is still stored
	}{
		{"ClearToken", func(s *Store) error { return s.ClearToken(parsed(alice)) },
			[]string{"token-secret-alice", "token-alice"}, []string{"client-secret-alice"}, true},
		{"ClearClient", func(s *Store) error { return s.ClearClient(parsed(alice)) },
			secretsOf("alice"), nil, true},
		{"Forget", func(s *Store) error { return s.Forget(parsed(alice)) },
			append(secretsOf("alice"), alice), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefs := memPrefs(t)
			s := openStore(t, prefs, "")
			connect(t, s, "alice")
			connect(t, s, "bob")
			must(t, tt.do(s))
			all := dumpPrefs(t, prefs)
			assertNoSecrets(t, "preferences", all, tt.gone...)
			assertNoSecrets(t, "known keys", knownValues(prefs, alice, bob), tt.gone...)
			for _, k := range append(tt.kept, secretsOf("bob")...) {
				if !contains(all, k) {
					t.Errorf("preferences lost %q", k)
				}
			}
			if _, ok := s.Account(parsed(alice)); ok != tt.still {
				t.Errorf("Account(alice) present = %v, want %v", ok, tt.still)
			}
		})
	}
}

func TestSchemaVersionWritten(t *testing.T) {
	prefs := memPrefs(t)
	s := openStore(t, prefs, "")
	if v := prefs.Int(keySchema); v != 0 {
		t.Errorf("schema written before any change: %d", v)
	}
	must(t, s.SaveRegistration(parsed(alice), client("alice"), pumpauth.Endpoints{}))
	if v := prefs.Int(keySchema); v != SchemaVersion {
		t.Errorf("schema = %d, want %d", v, SchemaVersion)
	}
	r1 := prefs.Int(keyRevision)
	must(t, s.SaveToken(parsed(alice), token("alice"), profile("alice")))
	if r2 := prefs.Int(keyRevision); r2 <= r1 {
		t.Errorf("revision %d after %d: not bumped", r2, r1)
	}
	if got := prefs.StringList(keyIndex); !slices.Equal(got, []string{alice}) {
		t.Errorf("index = %v", got)
	}

	newer := memPrefs(t)
	newer.SetInt(keySchema, SchemaVersion+1)
	if _, err := NewStore(newer, ""); !errors.Is(err, ErrNewerSchema) {
		t.Errorf("NewStore on a newer schema: %v, want ErrNewerSchema", err)
	}
}

// TestConcurrentUse runs changes from many goroutines (meaningful with -race).
func TestConcurrentUse(t *testing.T) {
	s := openStore(t, memPrefs(t), "")
	nicks := []string{"a1", "b2", "c3", "d4", "e5", "f6"}
	var wg sync.WaitGroup
	for _, n := range nicks {
		wg.Go(func() {
			addr := n + "@pump.example"
			if err := s.SaveRegistration(parsed(addr), client(n), pumpauth.Endpoints{Base: "https://pump.example"}); err != nil {
				t.Error(err)
			}
			if err := s.SaveToken(parsed(addr), token(n), profile(n)); err != nil {
				t.Error(err)
			}
			s.Accounts()
			s.Current()
		})
	}
	wg.Wait()
	if got := len(s.Accounts()); got != len(nicks) {
		t.Errorf("%d accounts, want %d", got, len(nicks))
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
