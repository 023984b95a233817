package persist

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
)

// source is one copy of the accounts: the preferences Fyne loaded, the
// preferences file, the backup, or whatever a lenient scan found in a
// damaged file.
type source struct {
	// revision is the store revision the copy was written at (0: unknown).
	revision int64
	// complete is true for a consistent snapshot, in which a missing account
	// means a forgotten one (if it was written at or before revision). A
	// lenient scan is never complete: its gaps say nothing.
	complete bool
	current  string
	records  map[string]record
	// seen lists addresses the copy mentions (its index, its keys), whether
	// or not their records could be read.
	seen map[string]bool
}

func newSource() source {
	return source{records: map[string]record{}, seen: map[string]bool{}}
}

// add keeps r, or the copy already there if it is newer.
func (s *source) add(r record) {
	s.seen[r.Address] = true
	if old, ok := s.records[r.Address]; ok && old.Rev > r.Rev {
		return
	}
	s.records[r.Address] = r
}

// fromPrefs reads the accounts listed in the index of prefs, plus the ones
// under the extra addresses (found as keys in the preferences file).
func fromPrefs(prefs fyne.Preferences, extra []string) source {
	s := newSource()
	s.complete = true
	s.revision = int64(prefs.Int(keyRevision))
	s.current = prefs.String(keyCurrent)
	for _, a := range append(prefs.StringList(keyIndex), extra...) {
		if !validAddress(a) {
			continue
		}
		s.seen[a] = true
		if r, ok := decodeRecord(a, prefs.String(keyAccountPrefix+a)); ok {
			s.add(r)
		}
	}
	return s
}

// parseStrict reads a preferences file that is valid JSON (a flat object,
// as Fyne writes it). It fails on anything else.
func parseStrict(data []byte) (source, error) {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return source{}, err
	}
	if m == nil {
		return source{}, fmt.Errorf("persist: preferences file holds null")
	}
	s := newSource()
	s.complete = true
	if v, ok := m[keyRevision].(float64); ok && v > 0 {
		s.revision = int64(v)
	}
	if v, ok := m[keyCurrent].(string); ok {
		s.current = v
	}
	if list, ok := m[keyIndex].([]any); ok {
		for _, v := range list {
			if a, ok := v.(string); ok && validAddress(a) {
				s.seen[a] = true
			}
		}
	}
	for k, v := range m {
		a, ok := strings.CutPrefix(k, keyAccountPrefix)
		if !ok || !validAddress(a) {
			continue
		}
		s.seen[a] = true
		if str, ok := v.(string); ok {
			if r, ok := decodeRecord(a, str); ok {
				s.add(r)
			}
		}
	}
	return s, nil
}

// scanLenient recovers what it can from a damaged preferences file: every
// complete "account/<address>": "<record>" entry, the index, the current
// account and the revision, wherever they are, skipping garbage and
// stopping at nothing. It never fails.
func scanLenient(data []byte) source {
	s := newSource()
	for _, prefix := range []string{keyAccountPrefix, keyMetaPrefix} {
		pat := []byte(`"` + prefix)
		for off := 0; ; {
			i := bytes.Index(data[off:], pat)
			if i < 0 {
				break
			}
			i += off
			off = i + 1
			if escaped(data, i) {
				continue // a quote inside a string, not a key
			}
			end := stringEnd(data, i)
			if end < 0 {
				continue
			}
			var key string
			if json.Unmarshal(data[i:end], &key) != nil {
				continue
			}
			value, ok := valueAfterColon(data, end)
			s.scanEntry(key, value, ok)
		}
	}
	return s
}

// scanEntry takes one key found by scanLenient; value starts at the value's
// first byte when ok.
func (s *source) scanEntry(key string, value []byte, ok bool) {
	if a, isAccount := strings.CutPrefix(key, keyAccountPrefix); isAccount {
		if !validAddress(a) {
			return
		}
		s.seen[a] = true // even if its value is cut off: it existed
		var str string
		if ok && decodeOne(value, &str) {
			if r, valid := decodeRecord(a, str); valid {
				s.add(r)
			}
		}
		return
	}
	if !ok {
		return
	}
	switch key {
	case keyRevision:
		var f float64
		if decodeOne(value, &f) && f > 0 {
			s.revision = int64(f)
		}
	case keyCurrent:
		var c string
		if decodeOne(value, &c) && validAddress(c) {
			s.current = c
		}
	case keyIndex:
		for _, a := range scanStrings(value) {
			if validAddress(a) {
				s.seen[a] = true
			}
		}
	}
}

// escaped reports whether the quote at data[i] is preceded by an odd number
// of backslashes.
func escaped(data []byte, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && data[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// stringEnd returns the index just past the JSON string literal starting
// with the quote at data[i], or -1 if it is cut off or not a valid literal.
func stringEnd(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '\\':
			j++
		case c == '"':
			return j + 1
		case c < 0x20:
			return -1
		}
	}
	return -1
}

// valueAfterColon skips `\s*:\s*` after a key ending at data[end] and
// returns the rest, starting at the value.
func valueAfterColon(data []byte, end int) ([]byte, bool) {
	rest := bytes.TrimLeft(data[end:], " \t\r\n")
	if len(rest) == 0 || rest[0] != ':' {
		return nil, false
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	return rest, len(rest) > 0
}

// decodeOne decodes the single JSON value at the start of data, ignoring
// whatever follows it.
func decodeOne(data []byte, v any) bool {
	return json.NewDecoder(bytes.NewReader(data)).Decode(v) == nil
}

// scanStrings reads the complete string literals of a JSON array of strings
// at the start of data, even when the array is cut off.
func scanStrings(data []byte) []string {
	if len(data) == 0 || data[0] != '[' {
		return nil
	}
	var out []string
	for i := 1; i < len(data); {
		switch data[i] {
		case ' ', '\t', '\r', '\n', ',':
			i++
		case '"':
			end := stringEnd(data, i)
			if end < 0 {
				return out
			}
			var str string
			if json.Unmarshal(data[i:end], &str) != nil {
				return out
			}
			out = append(out, str)
			i = end
		default: // ']' or garbage
			return out
		}
	}
	return out
}

// merged is the result of merging sources.
type merged struct {
	revision int64
	current  string
	records  map[string]record
	lost     []string // mentioned somewhere, unreadable everywhere, not forgotten
}

// merge combines copies of the accounts. For each address the copy with the
// highest revision wins, unless a complete copy written at or after that
// revision lacks the account: then it was forgotten. An address that a
// copy mentions but no copy can provide is lost, unless a complete copy at
// least as new as the mentioning one lacks it (forgotten again).
func merge(sources ...source) merged {
	m := merged{records: map[string]record{}}
	for _, s := range sources {
		m.revision = max(m.revision, s.revision)
		for a, r := range s.records {
			m.revision = max(m.revision, r.Rev)
			if old, ok := m.records[a]; !ok || r.Rev > old.Rev {
				m.records[a] = r
			}
		}
	}
	forgotten := func(a string, since int64, except *source) bool {
		for i := range sources {
			s := &sources[i]
			if s != except && s.complete && s.revision >= since && !s.seen[a] {
				return true
			}
		}
		return false
	}
	for a, r := range m.records {
		if forgotten(a, r.Rev, nil) {
			delete(m.records, a)
		}
	}
	lost := map[string]bool{}
	for i := range sources {
		s := &sources[i]
		for a := range s.seen {
			if _, ok := m.records[a]; !ok && !forgotten(a, s.revision, s) {
				lost[a] = true
			}
		}
	}
	m.lost = slices.Sorted(maps.Keys(lost))
	// The current account: from the newest copy that names a kept account,
	// or none if the newest complete copy says none.
	order := slices.Clone(sources)
	slices.SortStableFunc(order, func(x, y source) int { return cmpInt64(y.revision, x.revision) })
	for _, s := range order {
		if _, ok := m.records[s.current]; ok {
			m.current = s.current
			break
		}
		if s.complete && s.current == "" {
			break
		}
	}
	return m
}

// forgottenIn lists the addresses some source mentions that the merge
// dropped as forgotten (neither kept nor lost).
func forgottenIn(m merged, sources []source) []string {
	set := map[string]bool{}
	for _, s := range sources {
		for a := range s.seen {
			if _, kept := m.records[a]; !kept && !slices.Contains(m.lost, a) {
				set[a] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
