package persist

import (
	"bytes"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// fullFile returns a preferences file as Fyne writes it, holding three
// connected accounts and the GUI's own values, and those accounts.
func fullFile(t *testing.T) ([]byte, map[string]record) {
	t.Helper()
	_, path := appDir(t)
	prefs := filePrefs(t, path)
	prefs.SetFloat("window.width", 800)
	prefs.SetString("gui.note", `quotes " and \ and "account/x@y.example": "{}"`)
	s := openStore(t, prefs, path)
	for _, n := range []string{"alice", "bob", "carol"} {
		connect(t, s, n)
	}
	c := client("dave")
	c.Secret = `tricky "account/dave@pump.example":"\u0000` // escaped quotes inside a record
	must(t, s.SaveRegistration(parsedPlain("dave@pump.example"), c, pumpauth.Endpoints{Base: "https://pump.example"}))
	return readFile(t, path), s.records
}

// TestScanLenientEveryCut cuts a real file at every byte: what the lenient
// scan recovers is always exactly right, and every entry that is complete
// before the cut is recovered.
func TestScanLenientEveryCut(t *testing.T) {
	data, want := fullFile(t)
	ends := map[string]int{} // where each account's entry ends
	for a := range want {
		key := []byte(`"` + keyAccountPrefix + a + `":`)
		i := bytes.Index(data, key)
		if i < 0 {
			t.Fatalf("no entry for %s", a)
		}
		end := stringEnd(data, i+len(key))
		if end < 0 {
			t.Fatalf("entry for %s unterminated", a)
		}
		ends[a] = end
	}
	for cut := 0; cut <= len(data); cut++ {
		src := scanLenient(data[:cut])
		for a, r := range src.records {
			if w, ok := want[a]; !ok || !r.Account.equal(w.Account) || r.Rev != w.Rev {
				t.Fatalf("cut at %d: recovered a wrong record for %s: %+v", cut, a, r)
			}
		}
		for a, end := range ends {
			if _, ok := src.records[a]; (cut >= end) != ok {
				t.Fatalf("cut at %d (entry of %s ends at %d): recovered=%v", cut, a, end, ok)
			}
		}
	}
	full := scanLenient(data)
	if full.revision == 0 || full.current != "carol@pump.example" || len(full.seen) != 4 {
		t.Errorf("whole file: revision %d, current %q, seen %v", full.revision, full.current, full.seen)
	}
}

func TestScanLenient(t *testing.T) {
	rec := `"{\"v\":1,\"rev\":3,\"address\":\"alice@pump.example\",\"clientKey\":\"k\"}"`
	tests := []struct {
		name     string
		in       string
		records  []string
		seen     []string
		revision int64
	}{
		{"empty", "", nil, nil, 0},
		{"garbage", "\x00\xff{[}]\"", nil, nil, 0},
		{"one entry", `{"account/alice@pump.example":` + rec + `}`, []string{alice}, []string{alice}, 0},
		{"garbage around", "\x00\x00junk\"account/alice@pump.example\" : " + rec + ",\x00 more junk", []string{alice}, []string{alice}, 0},
		{"cut in the value", `{"account/alice@pump.example":` + rec[:30], nil, []string{alice}, 0},
		{"cut in the key", `{"account/alice@pump.exa`, nil, nil, 0},
		{"key without a value", `{"account/alice@pump.example"}`, nil, []string{alice}, 0},
		{"record under another address", `{"account/bob@pump.example":` + rec + `}`, nil, []string{bob}, 0},
		{"not an address", `{"account/nobody":` + rec + `}`, nil, nil, 0},
		{"value not a string", `{"account/alice@pump.example":{"v":1}}`, nil, []string{alice}, 0},
		{"escaped key is a value, not a key", `{"x":"\"account/alice@pump.example\":` + strings.ReplaceAll(rec, `"`, `\"`) + `"}`, nil, nil, 0},
		{"meta", `{"PumpConnect/accounts":["alice@pump.example","bob@pump.ex`, nil, []string{alice}, 0},
		{"revision", `{"PumpConnect/revision":42,"PumpConnect/current":"bob@pump.example"}`, nil, nil, 42},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := scanLenient([]byte(tt.in))
			if got := slices.Sorted(maps.Keys(src.records)); !slices.Equal(got, tt.records) && len(got)+len(tt.records) > 0 {
				t.Errorf("records %v, want %v", got, tt.records)
			}
			if got := slices.Sorted(maps.Keys(src.seen)); !slices.Equal(got, tt.seen) && len(got)+len(tt.seen) > 0 {
				t.Errorf("seen %v, want %v", got, tt.seen)
			}
			if src.revision != tt.revision {
				t.Errorf("revision %d, want %d", src.revision, tt.revision)
			}
		})
	}
}

func FuzzScanLenient(f *testing.F) {
	f.Add([]byte(`{"PumpConnect/accounts":["alice@pump.example"],"account/alice@pump.example":"{\"v\":1,\"rev\":1,\"address\":\"alice@pump.example\"}"}`))
	f.Add([]byte(`"account/"account/\"account/a@b.c":"`))
	f.Add([]byte{0, '"', 'a'})
	f.Fuzz(func(t *testing.T, data []byte) {
		src := scanLenient(data)
		for a, r := range src.records {
			if r.Address != a || !validAddress(a) || !src.seen[a] {
				t.Fatalf("bad record %q: %+v", a, r)
			}
		}
		for a := range src.seen {
			if !validAddress(a) {
				t.Fatalf("bad address %q", a)
			}
		}
	})
}

func TestMerge(t *testing.T) {
	rec := func(a string, rev int64, key string) record {
		return record{Rev: rev, Account: Account{Address: a, ClientKey: key}}
	}
	src := func(complete bool, revision int64, current string, recs []record, seenOnly ...string) source {
		s := newSource()
		s.complete, s.revision, s.current = complete, revision, current
		for _, r := range recs {
			s.add(r)
		}
		for _, a := range seenOnly {
			s.seen[a] = true
		}
		return s
	}
	tests := []struct {
		name    string
		sources []source
		want    map[string]string // address → client key
		lost    []string
		current string
	}{
		{"newest record wins", []source{
			src(true, 5, alice, []record{rec(alice, 5, "new")}),
			src(true, 4, alice, []record{rec(alice, 4, "old")}),
		}, map[string]string{alice: "new"}, nil, alice},
		{"newer backup wins over stale preferences", []source{
			src(true, 4, alice, []record{rec(alice, 4, "old")}),
			src(true, 5, alice, []record{rec(alice, 5, "new")}),
		}, map[string]string{alice: "new"}, nil, alice},
		{"forgotten: a newer complete copy lacks it", []source{
			src(true, 4, bob, []record{rec(alice, 3, "a"), rec(bob, 4, "b")}),
			src(true, 5, "", []record{rec(alice, 3, "a")}),
		}, map[string]string{alice: "a"}, nil, ""},
		{"kept: only an older complete copy lacks it", []source{
			src(true, 3, alice, []record{rec(alice, 3, "a")}),
			src(true, 4, bob, []record{rec(alice, 3, "a"), rec(bob, 4, "b")}),
		}, map[string]string{alice: "a", bob: "b"}, nil, bob},
		{"an incomplete copy's gaps mean nothing", []source{
			src(false, 9, "", nil),
			src(true, 4, alice, []record{rec(alice, 4, "a")}),
		}, map[string]string{alice: "a"}, nil, alice},
		{"lost: mentioned, unreadable, no newer copy", []source{
			src(false, 0, "", []record{rec(alice, 2, "a")}, bob),
		}, map[string]string{alice: "a"}, []string{bob}, ""},
		{"not lost: the backup is at least as new", []source{
			src(false, 0, "", []record{rec(alice, 2, "a")}, bob),
			src(true, 3, "", []record{rec(alice, 2, "a")}),
		}, map[string]string{alice: "a"}, nil, ""},
		{"lost: the damaged copy is newer than the backup", []source{
			src(false, 7, "", nil, bob),
			src(true, 3, "", []record{rec(alice, 2, "a")}),
		}, map[string]string{alice: "a"}, []string{bob}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := merge(tt.sources...)
			got := map[string]string{}
			for a, r := range m.records {
				got[a] = r.ClientKey
			}
			if len(got) != len(tt.want) {
				t.Errorf("records %v, want %v", got, tt.want)
			}
			for a, k := range tt.want {
				if got[a] != k {
					t.Errorf("records %v, want %v", got, tt.want)
				}
			}
			if !slices.Equal(m.lost, tt.lost) && len(m.lost)+len(tt.lost) > 0 {
				t.Errorf("lost %v, want %v", m.lost, tt.lost)
			}
			if m.current != tt.current {
				t.Errorf("current %q, want %q", m.current, tt.current)
			}
		})
	}
}

func TestNoticeText(t *testing.T) {
	tests := []struct {
		state    fileState
		restored int
		lost     []string
		want     string
	}{
		{fileDamaged, 2, nil, "Pump Connect's settings file was damaged. Your 2 accounts were restored."},
		{fileDamaged, 1, nil, "Pump Connect's settings file was damaged. Your account was restored."},
		{fileDamaged, 0, []string{bob}, "Pump Connect's settings file was damaged and 1 account could not be restored: please connect bob@pump.example again."},
		{fileDamaged, 0, []string{"a@x.example", "b@x.example", "c@x.example"}, "Pump Connect's settings file was damaged and 3 accounts could not be restored: please connect a@x.example, b@x.example and c@x.example again."},
		{fileDamaged, 2, []string{bob}, "Pump Connect's settings file was damaged. Your 2 accounts were restored, but 1 account could not be: please connect bob@pump.example again."},
		{fileDamaged, 0, nil, "Pump Connect's settings file was damaged and had to be reset."},
		{fileMissing, 1, nil, "Pump Connect's settings file was missing. Your account was restored."},
	}
	for _, tt := range tests {
		if got := noticeText(tt.state, tt.restored, tt.lost); got != tt.want {
			t.Errorf("noticeText(%d, %d, %v)\n got %q\nwant %q", tt.state, tt.restored, tt.lost, got, tt.want)
		}
	}
}

func TestNoticeWithSetAside(t *testing.T) {
	aside := filepath.Join("cfg", "preferences.json.damaged-20261203T120000Z")
	tests := []struct{ notice, setAside, want string }{
		{"", "", ""},
		{"Pump Connect's settings file was missing. Your account was restored.", "",
			"Pump Connect's settings file was missing. Your account was restored."},
		{"", aside, "Pump Connect's settings file held something it could not read. It was set aside as " +
			"preferences.json.damaged-20261203T120000Z in the settings folder; your accounts are as they were."},
		{"Pump Connect's settings file was missing. Your account was restored.", aside,
			"Pump Connect's settings file was missing. Your account was restored. What was there is kept as " +
				"preferences.json.damaged-20261203T120000Z in the settings folder."},
	}
	for _, tc := range tests {
		if got := withSetAside(tc.notice, tc.setAside); got != tc.want {
			t.Errorf("withSetAside(%q, %q) = %q, want %q", tc.notice, tc.setAside, got, tc.want)
		}
	}
}
