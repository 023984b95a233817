package gui

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/pumpconnect/pumpconnect/persist"
	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// "Use in scripts…": the account's keys saved where PyPump's JSONStore
// finds them (persist.DefaultPyPumpPath), or in a file the person picks,
// behind a warning that they give full access. The writes are small local
// files, done on the UI goroutine; nothing here touches the network.

// scriptsDialog is the warning with its three choices, and then what came
// of the choice. UI goroutine.
type scriptsDialog struct {
	u          *UI
	acct       Account
	pypumpPath string // where PyPump looks; "" when it cannot be worked out
	// pypumpBefore is PyPump's file as it was when the chooser opened: the
	// chooser empties the file it hands over, and PyPump's file keeps the
	// other accounts in it, whatever way it is saved.
	pypumpBefore []byte
	d            dialog.Dialog

	savePyPump *keyButton // save into pypumpPath, keeping the other accounts there
	pick       *keyButton // save into a file the person picks
	cancel     *keyButton

	picker *dialog.FileDialog // the file chooser, once opened
	// The outcome, once a save was tried: a dialog with a title and a text.
	result                  dialog.Dialog
	resultTitle, resultText string
}

// useInScripts offers to save addr's keys for scripts, after saying
// plainly what they give. UI goroutine.
func (u *UI) useInScripts(addr pumpauth.Address) {
	s, err := u.newScriptsDialog(addr)
	if err != nil {
		u.keyDialog(lang.L("Not connected"), newText(lang.L("{{.Account}} is not connected on this computer, so there are no keys to save. Connect it first, then try again.",
			args{"Account": addr.String()})),
			newKeyButton(lang.L("OK"), widget.HighImportance, nil, nil))
		return
	}
	s.show()
}

// newScriptsDialog builds the warning for addr's account, without showing
// it. An account that is not connected gives persist.ErrNotConnected.
func (u *UI) newScriptsDialog(addr pumpauth.Address) (*scriptsDialog, error) {
	acct, ok := u.store.Account(addr)
	if !ok || !acct.HasToken() || !acct.HasClient() {
		return nil, persist.ErrNotConnected
	}
	s := &scriptsDialog{u: u, acct: acct}
	s.pypumpPath, _ = persist.DefaultPyPumpPath() // "" when there is no home folder: the button is then off

	warning := newText(lang.L("These keys give full access to your account {{.Account}}: anyone who has the file can read what is sent to you and post as you. Keep the file private: don't share it, copy it to other computers or put it online. Pump Connect saves it readable by you only.",
		args{"Account": acct.Address}))
	where := &widget.Label{Text: lang.L("PyPump scripts find the keys in {{.Path}} (other accounts in that file are kept).", args{"Path": s.pypumpPath}),
		Wrapping: fyne.TextWrapBreak}

	s.cancel = newKeyButton(lang.L("Cancel"), widget.MediumImportance, nil, nil)
	s.pick = newKeyButton(lang.L("Save to a file I pick…"), widget.MediumImportance, s.onPick, nil)
	s.savePyPump = newKeyButton(lang.L("Save for PyPump"), widget.HighImportance, s.onSavePyPump, nil)
	if s.pypumpPath == "" {
		where.SetText(lang.L("Pump Connect cannot tell where PyPump keeps its keys on this computer: pick a file instead."))
		s.savePyPump.Disable()
	}
	buttons := container.NewHBox(s.cancel, layout.NewSpacer(), s.pick, s.savePyPump)
	content := container.NewVBox(warning, where, buttons)
	s.d = dialog.NewCustomWithoutButtons(lang.L("Use your account in scripts"), content, u.win)
	s.cancel.OnTapped = s.d.Hide
	for _, b := range []*keyButton{s.cancel, s.pick, s.savePyPump} {
		b.onEscape = s.d.Hide
	}
	s.d.SetOnClosed(u.refocus)
	s.d.Resize(fyne.NewSize(minWindowSize.Width-40, 0))
	return s, nil
}

// show shows the warning, with the keyboard on Cancel: nothing is saved
// by pressing Enter without reading.
func (s *scriptsDialog) show() {
	s.d.Show()
	s.u.win.Canvas().Focus(s.cancel)
}

// onSavePyPump saves the keys in PyPump's file.
func (s *scriptsDialog) onSavePyPump() {
	s.d.Hide()
	s.save(s.pypumpPath)
}

// onPick lets the person choose a file. Fyne's chooser asks before
// replacing a file and empties it before handing it over (savePicked).
func (s *scriptsDialog) onPick() {
	s.d.Hide()
	s.pypumpBefore = nil
	if s.pypumpPath != "" {
		s.pypumpBefore, _ = os.ReadFile(s.pypumpPath) // none: nothing to keep
	}
	s.picker = dialog.NewFileSave(s.savePicked, s.u.win)
	s.picker.SetFileName("pumpconnect-" + s.acct.Addr().Nick + ".json")
	if s.pypumpPath != "" {
		if dir, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(s.pypumpPath))); err == nil {
			s.picker.SetLocation(dir)
		}
	}
	s.picker.Show()
}

// savePicked is the chooser's answer: nil when the person cancelled.
func (s *scriptsDialog) savePicked(w fyne.URIWriteCloser, err error) {
	if err != nil {
		s.tell(lang.L("Not saved"), lang.L("Pump Connect could not open that file:")+" "+err.Error())
		return
	}
	if w == nil {
		return
	}
	// Fyne made or emptied the file (the person agreed to replace it); the
	// keys go in through the same atomic, private write as PyPump's file,
	// never through this writer, so the file is 0600 before it holds them.
	path := w.URI().Path()
	_ = w.Close()
	if w.URI().Scheme() != "file" {
		s.tell(lang.L("Not saved"), lang.L("Pump Connect can only save to a file on this computer."))
		return
	}
	if s.pypumpPath != "" && sameFile(path, s.pypumpPath) {
		if err := persist.RestorePyPumpFile(path, s.pypumpBefore); err != nil {
			s.tell(lang.L("Not saved"), scriptsProblem(path, err))
			return
		}
	}
	s.save(path)
}

// sameFile reports whether a and b name one file (links followed).
func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// save writes the keys to path and says what came of it.
func (s *scriptsDialog) save(path string) {
	err := persist.WritePyPumpFile(path, s.acct)
	if err == nil {
		s.tell(lang.L("Saved"), lang.L("The keys of {{.Account}} are in {{.Path}}, readable by you only. A PyPump script uses them with {{.Code}} (PyPump reads {{.PyPumpPath}}, or the file its JSONStore is given).",
			args{"Account": s.acct.Address, "Path": path, "PyPumpPath": s.pypumpPath,
				"Code": `PyPump(Client(webfinger="` + s.acct.Address + `", type="native"), verifier_callback=None)`}))
		return
	}
	s.tell(lang.L("Not saved"), scriptsProblem(path, err))
}

// scriptsProblem says in plain words why the keys could not be saved in path.
func scriptsProblem(path string, err error) string {
	var fe *persist.PyPumpFileError
	switch {
	case errors.As(err, &fe):
		// The reason is persist's, in English: a technical detail, as err's text below.
		return lang.L("{{.Path}} is there but is not a PyPump credentials file ({{.Reason}}), so Pump Connect left it as it is: replacing it could lose other keys kept in it. Move it away, or save to a file you pick.",
			args{"Path": path, "Reason": fileProblem(fe.Problem)})
	case errors.Is(err, persist.ErrNotConnected):
		return lang.L("This account is not connected, so there are no keys to save. Connect it first, then try again.")
	case errors.Is(err, fs.ErrPermission):
		return lang.L("Pump Connect is not allowed to write {{.Path}}. Pick another file, or check the folder's permissions.", args{"Path": path})
	}
	// persist's errors name the file and the system's reason, never a key.
	return lang.L("Pump Connect could not save the keys in {{.Path}}.", args{"Path": path}) + " " + err.Error()
}

// fileProblem says what is wrong with a PyPump file, in a few words.
func fileProblem(p persist.PyPumpFileProblem) string {
	switch p {
	case persist.NotRegularFile:
		return lang.L("it is not a regular file")
	case persist.FileTooLarge:
		return lang.L("it is far too large")
	case persist.NotJSON:
		return lang.L("it is not valid JSON")
	default:
		return lang.L("it holds JSON that is not an object")
	}
}

// tell shows the outcome of a save.
func (s *scriptsDialog) tell(title, text string) {
	s.resultTitle, s.resultText = title, text
	s.result = s.u.keyDialog(title, newText(text), newKeyButton(lang.L("OK"), widget.HighImportance, nil, nil))
}
