package persist

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// Preferences keys. The meta keys sort before the accounts ('P' < 'a'), and
// Fyne writes keys in order, so a file cut short keeps them.
const (
	keyMetaPrefix    = "PumpConnect/"
	keySchema        = keyMetaPrefix + "schema"   // int: SchemaVersion
	keyRevision      = keyMetaPrefix + "revision" // int: bumped by every change
	keyCurrent       = keyMetaPrefix + "current"  // string: address of the current account, "" for none
	keyIndex         = keyMetaPrefix + "accounts" // string list: every stored address
	keyAccountPrefix = "account/"                 // + address: string, the account as JSON (a record)
)

// Errors returned by the Store.
var (
	// ErrUnknownAccount: no account is stored under that address.
	ErrUnknownAccount = errors.New("persist: no such account")
	// ErrNewerSchema: the preferences were written by a newer Pump Connect,
	// whose layout this one does not know; nothing was changed.
	ErrNewerSchema = errors.New("persist: settings written by a newer version")
)

// Store keeps accounts in Fyne preferences and, when the preferences live
// in a file, in a backup file beside it. It is safe for concurrent use.
type Store struct {
	mu     sync.Mutex
	prefs  fyne.Preferences
	path   string // the preferences file; "" for in-memory preferences
	now    func() time.Time
	repair Repair // what was repaired at open; its String is the notice
	// setAside is what PrepareForFyne set aside before Fyne started ("": nothing).
	setAside string
	rev      int64
	current  string
	records  map[string]record
}

// fileState is what NewStore found in the preferences file.
type fileState int

const (
	fileMissing fileState = iota
	fileEmpty             // zero bytes, or only white space
	fileDamaged           // not valid JSON
	fileValid
)

// NewStore wraps prefs. path is the real preferences file ("" for in-memory
// prefs, e.g. test.NewTempApp: then no file handling). Call it before
// anything else sets a preference.
//
// With a file, before returning it makes the directory 0700 and the file
// 0600 (creating an empty one if needed, so Fyne never creates it 0644),
// and checks the file: if it is damaged, or lacks accounts the backup has,
// it moves it aside (preferences.json.damaged-<time>), recovers the
// accounts from the backup and from whatever is readable in the damaged
// file, writes them back into prefs, and says so in Notice.
func NewStore(prefs fyne.Preferences, path string, opts ...StoreOption) (*Store, error) {
	return newStoreAt(prefs, path, time.Now, opts...)
}

// StoreOption configures NewStore.
type StoreOption func(*Store)

// SetAsideAtStart tells the store what PrepareForFyne set aside before
// Fyne started ("" for nothing), so that its Notice tells the person too.
func SetAsideAtStart(path string) StoreOption {
	return func(s *Store) { s.setAside = path }
}

// newStoreAt is NewStore with a clock.
func newStoreAt(prefs fyne.Preferences, path string, now func() time.Time, opts ...StoreOption) (*Store, error) {
	if prefs == nil {
		return nil, errors.New("persist: no preferences")
	}
	s := &Store{prefs: prefs, path: path, now: now, records: map[string]record{}}
	for _, o := range opts {
		o(s)
	}
	if err := s.open(); err != nil {
		return nil, err
	}
	s.repair.SetAside = setAsideName(s.setAside)
	return s, nil
}

// readPreferencesFile reads the preferences file and says what state it is
// in; file holds what could be read from it.
func readPreferencesFile(path string) (fileState, source, error) {
	data, err := readLimited(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fileMissing, newSource(), nil
	case errors.Is(err, errTooLarge):
		return fileDamaged, scanLenient(data), nil
	case err != nil:
		return 0, source{}, fmt.Errorf("persist: reading the settings file: %w", err)
	case len(bytes.TrimSpace(data)) == 0:
		return fileEmpty, newSource(), nil
	}
	if src, err := parseStrict(data); err == nil {
		return fileValid, src, nil
	}
	return fileDamaged, scanLenient(data), nil
}

// load makes m the store's state.
func (s *Store) load(m merged) {
	s.rev = m.revision
	s.current = m.current
	s.records = m.records
}

// writePrefs writes the store's state into the preferences where they differ
// from old (what they held). Records go first and the revision last: Fyne
// writes its file on every Set, and a file written half-way through must
// never claim a revision whose records it lacks.
func (s *Store) writePrefs(old source) {
	changed := false
	for _, a := range slices.Sorted(maps.Keys(s.records)) {
		r := s.records[a]
		if o, ok := old.records[a]; ok && o.Rev == r.Rev && o.Account.equal(r.Account) {
			continue
		}
		s.prefs.SetString(keyAccountPrefix+a, r.encode())
		changed = true
	}
	for a := range old.seen {
		if _, ok := s.records[a]; !ok {
			s.prefs.RemoveValue(keyAccountPrefix + a)
			changed = true
		}
	}
	index := slices.Sorted(maps.Keys(s.records))
	if !slices.Equal(s.prefs.StringList(keyIndex), index) {
		s.prefs.SetStringList(keyIndex, index)
		changed = true
	}
	if s.prefs.String(keyCurrent) != s.current {
		s.prefs.SetString(keyCurrent, s.current)
		changed = true
	}
	if changed || int64(s.prefs.Int(keyRevision)) != s.rev {
		s.prefs.SetInt(keySchema, SchemaVersion)
		s.prefs.SetInt(keyRevision, int(s.rev))
	}
}

// backup returns the store's state as the backup file holds it.
func (s *Store) backup() backup {
	b := backup{Schema: SchemaVersion, Revision: s.rev, Current: s.current, Accounts: []record{}}
	for _, a := range slices.Sorted(maps.Keys(s.records)) {
		b.Accounts = append(b.Accounts, s.records[a])
	}
	return b
}

func (b backup) source() source {
	src := newSource()
	src.complete = true
	src.revision = b.Revision
	src.current = b.Current
	for _, r := range b.Accounts {
		src.add(r)
	}
	return src
}

// update applies change to a copy of the accounts and the current address,
// then stores the result: first the backup (atomic and synced, so it is
// never older than the preferences file), then the preferences. Changed
// records get the new revision.
func (s *Store) update(change func(records map[string]record, current *string) error) error {
	next := maps.Clone(s.records)
	current := s.current
	if err := change(next, &current); err != nil {
		return err
	}
	rev := s.rev + 1
	dirty := current != s.current
	for a, r := range next {
		if o, ok := s.records[a]; ok && o.Account.equal(r.Account) {
			next[a] = o
			continue
		}
		r.V, r.Rev = SchemaVersion, rev
		next[a] = r
		dirty = true
	}
	for a := range s.records {
		if _, ok := next[a]; !ok {
			dirty = true
		}
	}
	if !dirty {
		return nil
	}
	old := s.asSource()
	s.rev, s.records, s.current = rev, next, current

	var errs []error
	if s.path != "" {
		if err := writeFileAtomic(backupPath(filepath.Dir(s.path)), s.backup().encode()); err != nil {
			errs = append(errs, fmt.Errorf("persist: writing the backup: %w", err))
		}
	}
	s.writePrefs(old)
	return errors.Join(errs...)
}

// asSource describes the current state for writePrefs.
func (s *Store) asSource() source {
	src := newSource()
	for _, r := range s.records {
		src.add(r)
	}
	return src
}

// Notice is a message for the person using the app, in plain words, about
// settings that had to be recovered when the store was opened; "" when
// nothing happened.
func (s *Store) Notice() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.repair.String()
}

// Repair is what Notice says, as facts: for an app that says it in the
// person's language.
func (s *Store) Repair() Repair {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repair
	r.Lost = slices.Clone(r.Lost)
	return r
}

// Accounts returns every stored account, sorted by address.
func (s *Store) Accounts() []Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Account, 0, len(s.records))
	for _, a := range slices.Sorted(maps.Keys(s.records)) {
		out = append(out, s.records[a].Account)
	}
	return out
}

// Account returns the account stored under address.
func (s *Store) Account(address pumpauth.Address) (Account, bool) {
	a := address.String()
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.records[a]
	return r.Account, ok
}

// Current returns the account in use, if any.
func (s *Store) Current() (Account, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.records[s.current]
	return r.Account, ok
}

// SetCurrent makes the account stored under address the one in use; the
// zero Address means none.
func (s *Store) SetCurrent(address pumpauth.Address) error {
	a := ""
	if address != (pumpauth.Address{}) {
		a = address.String()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.update(func(records map[string]record, current *string) error {
		if _, ok := records[a]; !ok && a != "" {
			return ErrUnknownAccount
		}
		*current = a
		return nil
	})
}

// SaveRegistration stores the client credentials c that Register returned
// for the account at address, with the server's endpoints (kept as they
// were when e is zero; e.Base becomes BaseURL) and whether plain http is
// allowed (address.PlainHTTP). Call it as soon as Register
// returns, before the browser step, so a later attempt never registers
// again. It creates the account if needed and keeps its token, unless the
// client key changed: a token belongs to the client that obtained it.
func (s *Store) SaveRegistration(address pumpauth.Address, c pumpauth.Client, e pumpauth.Endpoints) error {
	a := address.String()
	if !validAddress(a) {
		return fmt.Errorf("persist: %w: %q", pumpauth.ErrInvalidWebfinger, a)
	}
	if c.Key == "" {
		return errors.New("persist: registration without a client key")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.update(func(records map[string]record, _ *string) error {
		r, ok := records[a]
		if !ok {
			r = record{Account: Account{Address: a}}
		}
		if r.ClientKey != "" && r.ClientKey != c.Key {
			r.Token, r.TokenSecret = "", ""
		}
		r.ClientKey, r.ClientSecret, r.ClientExpiresAt = c.Key, c.Secret, cleanTime(c.ExpiresAt)
		if !e.IsZero() {
			r.Endpoints, r.BaseURL = e, e.Base
		}
		r.PlainHTTP = address.PlainHTTP
		records[a] = r
		return nil
	})
}

// SaveToken stores the access token and the profile's name and avatar for
// the account at address, which must have been registered (see
// SaveRegistration); it sets ConnectedAt to now and makes the account
// current. The name is p.Name() (the display name, or the nickname),
// cleaned with pumpauth.CleanDisplayName.
func (s *Store) SaveToken(address pumpauth.Address, t pumpauth.Token, p pumpauth.Profile) error {
	a := address.String()
	if !validAddress(a) {
		return fmt.Errorf("persist: %w: %q", pumpauth.ErrInvalidWebfinger, a)
	}
	if t.Token == "" {
		return errors.New("persist: empty access token")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.update(func(records map[string]record, current *string) error {
		r, ok := records[a]
		if !ok {
			return ErrUnknownAccount
		}
		r.Token, r.TokenSecret = t.Token, t.Secret
		r.DisplayName, r.AvatarURL = pumpauth.CleanDisplayName(p.Name()), p.ImageURL
		r.ConnectedAt = cleanTime(s.now())
		records[a] = r
		*current = a
		return nil
	})
}

// ClearToken drops the access token of the account at address (the server
// rejected it) and keeps the registration. An unknown account is no error.
func (s *Store) ClearToken(address pumpauth.Address) error {
	return s.edit(address, func(r *record) {
		r.Token, r.TokenSecret = "", ""
	})
}

// DropToken removes the access token t of address if it is still the
// stored one: a check that found t rejected never drops a newer token
// saved while it ran.
func (s *Store) DropToken(address pumpauth.Address, t pumpauth.Token) error {
	return s.edit(address, func(r *record) {
		if r.Token == t.Token && r.TokenSecret == t.Secret {
			r.Token, r.TokenSecret = "", ""
		}
	})
}

// ClearClient drops the client credentials and the token of the account at
// address (the server forgot this application), so the next connection
// registers again. An unknown account is no error.
func (s *Store) ClearClient(address pumpauth.Address) error {
	return s.edit(address, func(r *record) {
		r.ClientKey, r.ClientSecret, r.ClientExpiresAt = "", "", time.Time{}
		r.Token, r.TokenSecret = "", ""
	})
}

// edit changes the account at address, if there is one.
func (s *Store) edit(address pumpauth.Address, change func(*record)) error {
	a := address.String()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.update(func(records map[string]record, _ *string) error {
		if r, ok := records[a]; ok {
			change(&r)
			records[a] = r
		}
		return nil
	})
}

// Forget removes the account at address and every secret of it: from the
// preferences, from the backup, and from any damaged copy of the settings
// file kept aside (such a copy is deleted). An unknown account is no error.
func (s *Store) Forget(address pumpauth.Address) error {
	a := address.String()
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.update(func(records map[string]record, current *string) error {
		delete(records, a)
		if *current == a {
			*current = ""
		}
		return nil
	})
	if s.path != "" {
		// Also when it was not stored (any more): a damaged copy may hold it.
		if serr := scrubDamagedCopies(s.path, a); serr != nil {
			err = errors.Join(err, fmt.Errorf("persist: removing old copies of the settings: %w", serr))
		}
	}
	return err
}
