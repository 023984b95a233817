package persist

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Repair is what the store repaired when it opened, as facts; its String
// says it in English (Store.Notice). The zero Repair is nothing repaired.
type Repair struct {
	File     bool     // the settings file was damaged or missing and was repaired
	Missing  bool     // with File: it was missing (else damaged)
	Restored int      // with File: accounts restored
	Lost     []string // with File: the addresses that could not be restored
	// SetAside is the name, in the settings folder, of what PrepareForFyne
	// set aside before Fyne started; "" for nothing.
	SetAside string
}

// fileRepair is the Repair of a settings file found in state at open.
func fileRepair(state fileState, restored int, lost []string) Repair {
	return Repair{File: true, Missing: state == fileMissing, Restored: restored, Lost: slices.Clone(lost)}
}

// setAsideName is the name of a file set aside, "" for none.
func setAsideName(path string) string {
	if path == "" {
		return ""
	}
	return filepath.Base(path)
}

// String says r in plain English words; "" when nothing was repaired.
func (r Repair) String() string {
	notice := ""
	if r.File {
		state := fileDamaged
		if r.Missing {
			state = fileMissing
		}
		notice = noticeText(state, r.Restored, r.Lost)
	}
	return withSetAside(notice, r.SetAside)
}

// noticeText says in plain words what happened to a settings file found in
// state at open: restored accounts came back (from the backup or from the
// readable part of the file), the lost ones could not.
func noticeText(state fileState, restored int, lost []string) string {
	what := "was damaged"
	if state == fileMissing {
		what = "was missing"
	}
	var b strings.Builder
	b.WriteString("Pump Connect's settings file " + what)
	switch {
	case restored == 0 && len(lost) == 0:
		b.WriteString(" and had to be reset.")
	case len(lost) == 0:
		b.WriteString(". " + restoredSentence(restored) + ".")
	case restored == 0:
		fmt.Fprintf(&b, " and %s could not be restored: please connect %s again.", countAccounts(len(lost)), pronounOrList(lost))
	default:
		fmt.Fprintf(&b, ". %s, but %s could not be: please connect %s again.",
			restoredSentence(restored), countAccounts(len(lost)), pronounOrList(lost))
	}
	return b.String()
}

func restoredSentence(n int) string {
	if n == 1 {
		return "Your account was restored"
	}
	return fmt.Sprintf("Your %d accounts were restored", n)
}

func countAccounts(n int) string {
	if n == 1 {
		return "1 account"
	}
	return fmt.Sprintf("%d accounts", n)
}

// pronounOrList names the accounts to connect again: "alice@pump.example",
// or "alice@a.example and bob@b.example", or "a, b and c".
func pronounOrList(addrs []string) string {
	switch len(addrs) {
	case 0:
		return "it"
	case 1:
		return addrs[0]
	}
	return strings.Join(addrs[:len(addrs)-1], ", ") + " and " + addrs[len(addrs)-1]
}

// withSetAside adds to notice what PrepareForFyne set aside before Fyne
// started (setAside; "" for nothing), by its name in the settings folder.
func withSetAside(notice, setAside string) string {
	if setAside == "" {
		return notice
	}
	name := filepath.Base(setAside)
	if notice == "" {
		return "Pump Connect's settings file held something it could not read. It was set aside as " + name +
			" in the settings folder; your accounts are as they were."
	}
	return notice + " What was there is kept as " + name + " in the settings folder."
}
