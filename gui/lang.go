package gui

import (
	"embed"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"github.com/jeandeaual/go-locale"
	"golang.org/x/text/language"

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

// loadTranslations adds the bundles the system's language settings, as
// they are now, can use; lang then picks the language from them. Parsing
// a bundle costs about 3 ms before the first frame: English is always
// added (the texts of a language that is not ours, plurals included), and
// of the others only the one that matches best, as lang would choose it.
func loadTranslations() {
	for _, name := range bundlesFor(systemLanguages()) {
		data, err := translations.ReadFile("translations/" + name)
		if err == nil {
			err = lang.AddTranslationsForLocale(data, fyne.Locale(strings.TrimSuffix(name, ".json")))
		}
		if err != nil {
			fyne.LogError("could not load the translations "+name, err)
		}
	}
}

// systemLanguages is the person's languages, most wanted first, as lang
// reads them.
func systemLanguages() []string {
	all, err := locale.GetLocales()
	if err != nil || len(all) == 0 {
		return []string{"en"}
	}
	return all
}

// bundlesFor returns the files of translations/ to add for a person whose
// languages are these: en.json, and the bundle of the language that
// matches them best, if it is another.
func bundlesFor(languages []string) []string {
	entries, _ := translations.ReadDir("translations")
	files := []string{"en.json"}
	tags := []language.Tag{language.English} // first: the match when none does
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".json"); ok && name != "en" {
			files = append(files, e.Name())
			tags = append(tags, language.Make(name))
		}
	}
	want := make([]language.Tag, 0, len(languages))
	for _, l := range languages {
		// As lang does: a name Parse only half understands (glibc's
		// de_DE@euro, Windows' es-ES_tradnl) still gives its language.
		t, _ := language.Parse(l)
		want = append(want, t)
	}
	_, i, conf := language.NewMatcher(tags).Match(want...)
	if i > 0 && conf != language.No {
		return []string{files[0], files[i]}
	}
	return files[:1]
}
