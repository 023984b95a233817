package persist

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// Export for scripts: an account's keys in the forms scripts read.
//
// PyPump (Debian's python3-pypump 0.7, pypump/store.py) keeps its keys in
// one JSON object, $XDG_CONFIG_HOME/PyPump/credentials.json (else
// ~/.config/PyPump/credentials.json, on every system), each key prefixed
// with the account's webfinger and a dash. PyPump reads client-key,
// client-secret, client-expirey (sic: it stores pump.io's expires_at as
// the server sent it, a number of unix seconds, 0 for never, and never
// reads it back for anything), oauth-access-token and oauth-access-secret.
// It reaches the server at https://<the part after the @>/, so the
// webfinger keeps its port; it checks certificates through requests
// (REQUESTS_CA_BUNDLE names other trusted ones), and tries plain http only
// when certificate checks are off.

// The keys PyPump reads, after "<webfinger>-".
const (
	PyPumpClientKey    = "client-key"
	PyPumpClientSecret = "client-secret"
	PyPumpClientExpiry = "client-expirey" // PyPump's spelling
	PyPumpToken        = "oauth-access-token"
	PyPumpTokenSecret  = "oauth-access-secret"
)

// pyPumpRequestKeys are what PyPump keeps while the person approves; once an
// access token is there they are dead, and from another registration.
var pyPumpRequestKeys = []string{"oauth-request-token", "oauth-request-secret"}

// The environment variables EnvExport sets.
const (
	EnvWebfinger    = "PUMP_WEBFINGER"      // alice@pump.example
	EnvServer       = "PUMP_SERVER"         // https://pump.example, the server's base URL
	EnvClientKey    = "PUMP_CLIENT_KEY"     // OAuth consumer key (client_id)
	EnvClientSecret = "PUMP_CLIENT_SECRET"  // OAuth consumer secret
	EnvClientExpiry = "PUMP_CLIENT_EXPIRES" // unix seconds; 0: never
	EnvToken        = "PUMP_TOKEN"          // OAuth access token
	EnvTokenSecret  = "PUMP_TOKEN_SECRET"   // OAuth access token secret
)

// Errors of the export.
var (
	// ErrNotConnected: the account has no access token (never approved, or
	// the server rejected it), so there is nothing a script could use.
	ErrNotConnected = errors.New("persist: this account is not connected, so there are no keys to export")
	// ErrNotPyPumpFile: the PyPump credentials file is there but is not a
	// JSON object; see PyPumpFileError.
	ErrNotPyPumpFile = errors.New("persist: not a PyPump credentials file")
)

// PyPumpFileError says why an existing PyPump credentials file was left
// alone: writing would have lost what it holds. It wraps ErrNotPyPumpFile.
// Its text never quotes the file's content.
type PyPumpFileError struct {
	Path    string
	Problem PyPumpFileProblem
	Reason  string // the problem in English, e.g. "it is not valid JSON (at byte 12)"
}

// PyPumpFileProblem is what is wrong with a PyPump credentials file, for a
// window to say in the person's language.
type PyPumpFileProblem int

// Problems of a PyPump credentials file.
const (
	NotRegularFile PyPumpFileProblem = iota + 1 // a folder, a device, …
	FileTooLarge                                // far larger than any credentials file
	NotJSON                                     // not valid JSON
	NotJSONObject                               // JSON, but not an object
)

func (e *PyPumpFileError) Error() string {
	return fmt.Sprintf("%s is not a PyPump credentials file: %s. It was left unchanged; move it away or pick another file", e.Path, e.Reason)
}

// Unwrap returns ErrNotPyPumpFile.
func (e *PyPumpFileError) Unwrap() error { return ErrNotPyPumpFile }

// exportable checks acct has what a script needs.
func exportable(acct Account) error {
	if !acct.HasToken() || !acct.HasClient() || !validAddress(acct.Address) {
		return ErrNotConnected
	}
	return nil
}

// PyPumpCredentials is acct as PyPump's JSONStore holds it: the five keys,
// prefixed "<webfinger>-". The expiry is unix seconds (0: never), a number
// as pump.io sends it. An account without a token gives ErrNotConnected.
func PyPumpCredentials(acct Account) (map[string]any, error) {
	if err := exportable(acct); err != nil {
		return nil, err
	}
	p := acct.Address + "-"
	return map[string]any{
		p + PyPumpClientKey:    acct.ClientKey,
		p + PyPumpClientSecret: acct.ClientSecret,
		p + PyPumpClientExpiry: expirySeconds(acct),
		p + PyPumpToken:        acct.Token,
		p + PyPumpTokenSecret:  acct.TokenSecret,
	}, nil
}

// expirySeconds is when the registration expires, in unix seconds, as
// pump.io sends it; 0 for never.
func expirySeconds(acct Account) int64 {
	if acct.ClientExpiresAt.IsZero() {
		return 0
	}
	return acct.ClientExpiresAt.Unix()
}

// PyPumpJSON is PyPumpCredentials as an indented JSON object, ending in a
// newline: what `pumpconnect -export ADDRESS -format pypump` prints.
func PyPumpJSON(acct Account) ([]byte, error) {
	m, err := PyPumpCredentials(acct)
	if err != nil {
		return nil, err
	}
	return encodeJSONObject(m), nil
}

func encodeJSONObject[V any](m map[string]V) []byte {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil { // cannot happen: strings, numbers and raw JSON that was parsed
		panic("persist: encoding an export: " + err.Error())
	}
	return append(b, '\n')
}

// ServerURL is the server's base URL for scripts: the one discovery found,
// else https (http when the person allowed plain http) on the address's
// host and port.
func ServerURL(acct Account) string {
	switch {
	case acct.BaseURL != "":
		return acct.BaseURL
	case acct.Endpoints.Base != "":
		return acct.Endpoints.Base
	}
	addr, err := pumpauth.ParseAddress(acct.Address)
	if err != nil {
		return ""
	}
	scheme := "https"
	if acct.PlainHTTP {
		scheme = "http"
	}
	return scheme + "://" + addr.HostPort()
}

// EnvExport is acct as POSIX shell lines, `export NAME='value'`, one per
// variable (EnvWebfinger … EnvTokenSecret), after a comment saying what
// they give. Every value is single-quoted, so nothing in it is expanded.
// An account without a token gives ErrNotConnected.
func EnvExport(acct Account) (string, error) {
	if err := exportable(acct); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("# Pump Connect: the keys of " + acct.Address + ".\n")
	b.WriteString("# They give full access to the account: keep them private.\n")
	for _, kv := range [][2]string{
		{EnvWebfinger, acct.Address},
		{EnvServer, ServerURL(acct)},
		{EnvClientKey, acct.ClientKey},
		{EnvClientSecret, acct.ClientSecret},
		{EnvClientExpiry, strconv.FormatInt(expirySeconds(acct), 10)},
		{EnvToken, acct.Token},
		{EnvTokenSecret, acct.TokenSecret},
	} {
		b.WriteString("export " + kv[0] + "=" + shellQuote(kv[1]) + "\n")
	}
	return b.String(), nil
}

// shellQuote quotes s for a POSIX shell: inside single quotes nothing is
// special but the single quote itself, written '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// DefaultPyPumpPath is the file PyPump's JSONStore reads:
// $XDG_CONFIG_HOME/PyPump/credentials.json, or ~/.config/PyPump/credentials.json
// when XDG_CONFIG_HOME is unset, empty or relative (PyPump uses ~/.config on
// Windows and macOS too: %USERPROFILE%\.config\PyPump\credentials.json). A
// leading ~ in XDG_CONFIG_HOME is the home folder, as PyPump expands it.
func DefaultPyPumpPath() (string, error) {
	config := os.Getenv("XDG_CONFIG_HOME")
	if config == "~" || strings.HasPrefix(config, "~/") || strings.HasPrefix(config, `~\`) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("persist: finding PyPump's folder: %w", err)
		}
		config = filepath.Join(home, config[1:])
	}
	if config == "" || !filepath.IsAbs(config) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("persist: finding PyPump's folder: %w", err)
		}
		config = filepath.Join(home, ".config")
	}
	return filepath.Join(config, "PyPump", "credentials.json"), nil
}

// WritePyPumpFile writes acct's keys into the PyPump credentials file at
// path, keeping every other entry in it (other accounts, other keys): the
// file is read as one JSON object, acct's keys are set (PyPump's leftover
// request token of that account is dropped), and the result replaces the
// file atomically (a temporary file in the same folder, 0600, fsync,
// rename), so it is 0600 afterwards whatever it was before. A missing
// folder is made 0700. A symbolic link is followed: the file it names is
// replaced.
//
// A file that is not a JSON object is left unchanged: the error is a
// *PyPumpFileError. An account without a token gives ErrNotConnected.
// Errors never contain a key or the file's content.
func WritePyPumpFile(path string, acct Account) error {
	keys, err := PyPumpCredentials(acct)
	if err != nil {
		return err
	}
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		path = resolved
	}
	entries, err := readPyPumpFile(path)
	if err != nil {
		return err
	}
	for _, k := range pyPumpRequestKeys {
		delete(entries, acct.Address+"-"+k)
	}
	for k, v := range keys {
		b, err := json.Marshal(v)
		if err != nil { // cannot happen: strings and a number
			return fmt.Errorf("persist: encoding PyPump's keys: %w", err)
		}
		entries[k] = b
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return fmt.Errorf("persist: making the folder for %s: %w", path, err)
	}
	if err := writeFileAtomic(path, encodeJSONObject(entries)); err != nil {
		return fmt.Errorf("persist: writing %s: %w", path, err)
	}
	return nil
}

// RestorePyPumpFile puts back data, what path held before something
// emptied it (Fyne's file chooser truncates the file it hands over), with
// the same atomic, private write as WritePyPumpFile. It does nothing when
// path holds something again or data is empty.
func RestorePyPumpFile(path string, data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		path = resolved
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		return nil
	}
	if err := writeFileAtomic(path, data); err != nil {
		return fmt.Errorf("persist: writing %s: %w", path, err)
	}
	return nil
}

// readPyPumpFile reads the entries of an existing PyPump credentials file;
// a missing or empty one has none.
func readPyPumpFile(path string) (map[string]json.RawMessage, error) {
	entries := map[string]json.RawMessage{}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return entries, nil
	case err != nil:
		return nil, fmt.Errorf("persist: reading %s: %w", path, err)
	case !fi.Mode().IsRegular():
		return nil, &PyPumpFileError{Path: path, Problem: NotRegularFile, Reason: "it is not a regular file"}
	}
	data, err := readLimited(path)
	switch {
	case errors.Is(err, errTooLarge):
		return nil, &PyPumpFileError{Path: path, Problem: FileTooLarge, Reason: "it is far too large"}
	case err != nil:
		return nil, fmt.Errorf("persist: reading %s: %w", path, err)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) { // PyPump reads null as empty too
		return entries, nil
	}
	if err := json.Unmarshal(trimmed, &entries); err != nil {
		// The decoder's own text may quote the file: say where, not what.
		var syn *json.SyntaxError
		problem, reason := NotJSONObject, "it holds JSON that is not an object"
		switch {
		case errors.As(err, &syn):
			problem, reason = NotJSON, "it is not valid JSON (at byte "+strconv.FormatInt(syn.Offset, 10)+")"
		case !json.Valid(trimmed):
			problem, reason = NotJSON, "it is not valid JSON"
		}
		return nil, &PyPumpFileError{Path: path, Problem: problem, Reason: reason}
	}
	if entries == nil {
		entries = map[string]json.RawMessage{}
	}
	return entries, nil
}

// ReadAccounts reads the accounts stored in the preferences file at path
// and in the backup beside it, without changing either (nor their folder):
// for a command run while the app may be running. A file being rewritten
// by the app at that moment is read as a damaged one is, falling back on
// the backup. No file gives no accounts. Settings written by a newer
// version give ErrNewerSchema.
func ReadAccounts(path string) ([]Account, error) {
	state, file, err := readPreferencesFile(path)
	if err != nil {
		return nil, err
	}
	if state == fileValid {
		var meta struct {
			Schema int `json:"PumpConnect/schema"`
		}
		if data, err := readLimited(path); err == nil && json.Unmarshal(data, &meta) == nil && meta.Schema > SchemaVersion {
			return nil, fmt.Errorf("%w (layout %d, this version knows %d)", ErrNewerSchema, meta.Schema, SchemaVersion)
		}
	}
	sources := []source{file}
	if bk, ok := readBackup(backupPath(filepath.Dir(path))); ok {
		if bk.Schema > SchemaVersion {
			return nil, fmt.Errorf("%w (layout %d, this version knows %d)", ErrNewerSchema, bk.Schema, SchemaVersion)
		}
		sources = append(sources, bk.source())
	}
	m := merge(sources...)
	out := make([]Account, 0, len(m.records))
	for _, r := range m.records {
		out = append(out, r.Account)
	}
	slices.SortFunc(out, func(a, b Account) int { return strings.Compare(a.Address, b.Address) })
	return out, nil
}

// FindAccount is the account stored under addr: the same address, else the
// only one that differs from it in letter case alone (pump.io nicknames are
// lowercase, people may type capitals). ErrUnknownAccount when none.
func FindAccount(accounts []Account, addr pumpauth.Address) (Account, error) {
	want := addr.String()
	var fold []Account
	for _, a := range accounts {
		if a.Address == want {
			return a, nil
		}
		if strings.EqualFold(a.Address, want) {
			fold = append(fold, a)
		}
	}
	if len(fold) == 1 {
		return fold[0], nil
	}
	return Account{}, fmt.Errorf("%w: %s", ErrUnknownAccount, want)
}
