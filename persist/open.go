package persist

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"
)

func (s *Store) open() error {
	if v := s.prefs.Int(keySchema); v > SchemaVersion {
		return fmt.Errorf("%w (layout %d, this version knows %d)", ErrNewerSchema, v, SchemaVersion)
	}
	if s.path == "" {
		s.load(merge(fromPrefs(s.prefs, nil)))
		return nil
	}
	dir := filepath.Dir(s.path)
	if err := prepareFolder(dir, s.path, s.now()); err != nil {
		return err
	}
	state, live, sources, haveBackup, err := s.readSources(dir)
	if err != nil {
		return err
	}
	m := merge(sources...)
	if err := s.settleFile(state, live, m); err != nil {
		return err
	}
	// Accounts forgotten since a copy was made: no copy may keep them.
	for _, a := range forgottenIn(m, sources) {
		if err := scrubDamagedCopies(s.path, a); err != nil {
			return fmt.Errorf("persist: removing old copies of the settings: %w", err)
		}
	}
	s.load(m)
	if err := s.writeBackupIfChanged(dir, len(m.records) > 0 || haveBackup); err != nil {
		return err
	}
	s.writePrefs(live)
	return nil
}

// prepareFolder keeps the settings folder, file and backup private (a
// backup restored by hand may come back 0644), drops temporary files an
// interrupted write left, and sets aside a folder or other non-file found
// where the settings file or the backup belongs: nothing could be written
// there, and the app would refuse to start.
func prepareFolder(dir, path string, now time.Time) error {
	if err := secureDir(dir); err != nil {
		return fmt.Errorf("persist: settings folder: %w", err)
	}
	removeTemps(dir)
	for _, p := range []string{path, backupPath(dir)} {
		if _, err := setAsideIfNotFile(p, now); err != nil {
			return err
		}
		if err := secureFile(p); err != nil {
			return fmt.Errorf("persist: %s: %w", filepath.Base(p), err)
		}
	}
	return nil
}

// readSources gathers every copy of the accounts: what Fyne loaded (live),
// the file as it is on disk, and the backup.
func (s *Store) readSources(dir string) (state fileState, live source, sources []source, haveBackup bool, err error) {
	state, file, err := readPreferencesFile(s.path)
	if err != nil {
		return state, live, nil, false, err
	}
	var extra []string // accounts in the file, listed in the index or not
	if state == fileValid {
		extra = slices.Collect(maps.Keys(file.seen))
	}
	live = fromPrefs(s.prefs, extra)
	// After a failed load Fyne has nothing: its gaps mean nothing either.
	live.complete = state == fileValid || state == fileMissing
	sources = []source{live, file}
	bk, haveBackup := readBackup(backupPath(dir))
	if haveBackup {
		sources = append(sources, bk.source())
	}
	return state, live, sources, haveBackup, nil
}

// settleFile moves a damaged or incomplete settings file aside, says in
// the notice what was restored or lost, and leaves a private file Fyne can load.
func (s *Store) settleFile(state fileState, live source, m merged) error {
	var restored []string
	for a := range m.records {
		if _, ok := live.records[a]; !ok {
			restored = append(restored, a)
		}
	}
	slices.Sort(restored)
	switch {
	case state == fileDamaged:
		if _, err := moveAside(s.path, s.now()); err != nil {
			return fmt.Errorf("persist: moving the damaged settings file aside: %w", err)
		}
		s.repair = fileRepair(state, len(restored), m.lost)
	case state == fileValid && len(restored) > 0:
		if _, err := moveAside(s.path, s.now()); err != nil {
			return fmt.Errorf("persist: moving the incomplete settings file aside: %w", err)
		}
		s.repair = fileRepair(state, len(restored), m.lost)
	case len(restored) > 0 || len(m.lost) > 0: // missing or empty file
		s.repair = fileRepair(state, len(restored), m.lost)
	}
	if state == fileEmpty {
		// Nothing to keep; "{}" spares Fyne a load error at every start.
		if err := writeFileAtomic(s.path, []byte(emptyPreferences)); err != nil {
			return fmt.Errorf("persist: settings file: %w", err)
		}
	}
	if err := ensurePrivateFile(s.path); err != nil {
		return fmt.Errorf("persist: settings file: %w", err)
	}
	return nil
}

// writeBackupIfChanged writes the backup (first, as in update) when wanted
// and different from what is on disk.
func (s *Store) writeBackupIfChanged(dir string, wanted bool) error {
	if !wanted {
		return nil
	}
	want := s.backup().encode()
	if have, err := os.ReadFile(backupPath(dir)); err == nil && bytes.Equal(have, want) {
		return nil
	}
	if err := writeFileAtomic(backupPath(dir), want); err != nil {
		return fmt.Errorf("persist: writing the backup: %w", err)
	}
	return nil
}
