package gui

import (
	"embed"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/pumpconnect/pumpconnect/gui/localeenv"
)

// Every text a person reads goes through Fyne's lang package: lang.L for a
// sentence, lang.N where a count decides the words. The key is the English
// text itself, always a string literal (lang_test.go reads them from the
// sources and checks each bundle has them all, and nothing else). Values
// go in as template fields ({{.Server}}), so a translation can put them
// where its language needs them. Addresses, names and the server's words
// are never translated, nor are log lines and the technical Details.
//
// The bundles are translations/LANG.json; the language is the system's
// (LC_ALL, LC_MESSAGES, LANG or LANGUAGE on Linux, the user's language on
// Windows and macOS), English when none of ours matches.

//go:embed translations
var translations embed.FS

// args is the data of a translated text's template.
type args = map[string]any

func init() { setUpLanguage() }

// setUpLanguage adds the bundles, with a C locale quietly meaning English
// (see localeenv), and gives the environment back as it was.
func setUpLanguage() {
	localeenv.Normalise()
	loadTranslations()
	localeenv.Restore()
}

// loadTranslations adds the bundles; lang then picks the language from the
// system's settings as they are now.
func loadTranslations() {
	if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
		fyne.LogError("could not load the translations", err)
	}
}
