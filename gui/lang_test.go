package gui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"log"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
	"golang.org/x/text/language"

	"github.com/pumpconnect/pumpconnect/gui/localeenv"
)

// languages are the bundles in translations/, English first.
var languages = []string{"en", "es", "de", "fr"}

// pluralForms are the forms each language's plural rules use (CLDR, as
// go-i18n has them): a plural text needs every one.
var pluralForms = map[string][]string{
	"en": {"one", "other"},
	"de": {"one", "other"},
	"es": {"one", "many", "other"},
	"fr": {"one", "many", "other"},
}

// TestMain runs the tests in English, whatever the computer's language:
// they compare texts with the English ones.
func TestMain(m *testing.M) {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANGUAGE"} {
		os.Unsetenv(v)
	}
	os.Setenv("LANG", "en_US.UTF-8")
	loadTranslations()
	os.Exit(m.Run())
}

// useLanguage switches the texts to language (a locale such as "es_ES")
// for the rest of the test, then back to English. lang reads the language
// from the environment each time translations are added: Fyne 2.7 has no
// other way to choose it.
func useLanguage(t *testing.T, locale string) {
	t.Helper()
	t.Cleanup(loadTranslations) // after the variables below are back
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LC_ALL", locale+".UTF-8")
	loadTranslations()
}

// langKey is one text the code asks lang for.
type langKey struct {
	plural bool
	at     string // file:line of the first use
}

// sourceKeys reads the module's Go sources (tests excluded) and returns
// every key passed to lang, failing the test on a call whose key is not a
// string literal: a key the test cannot see could be missing from the
// bundles unnoticed.
func sourceKeys(t *testing.T) map[string]langKey {
	t.Helper()
	root := ".."
	keys := map[string]langKey{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != root) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		langName := ""
		for _, imp := range f.Imports {
			if imp.Path.Value == `"fyne.io/fyne/v2/lang"` {
				langName = "lang"
				if imp.Name != nil {
					langName = imp.Name.Name
				}
			}
		}
		if langName == "" {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != langName {
				return true
			}
			pos := fset.Position(sel.Pos()).String()
			switch sel.Sel.Name {
			case "L", "N", "X", "XN", "Localize", "LocalizePlural", "LocalizeKey", "LocalizePluralKey":
			default:
				return true
			}
			// Only calls: lang.L passed as a value would hide its keys.
			call := callOf(f, sel)
			if call == nil {
				t.Errorf("%s: lang.%s used other than in a call", pos, sel.Sel.Name)
				return true
			}
			literals := 1
			if strings.HasPrefix(sel.Sel.Name, "X") || strings.HasSuffix(sel.Sel.Name, "Key") {
				t.Errorf("%s: lang.%s: use lang.L or lang.N, whose key is the English text", pos, sel.Sel.Name)
				literals = 2
			}
			for i := range literals {
				if i >= len(call.Args) {
					continue
				}
				lit, ok := call.Args[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Errorf("%s: lang.%s needs a string literal key, got %T", pos, sel.Sel.Name, call.Args[i])
					continue
				}
				if i > 0 {
					continue
				}
				key, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				plural := sel.Sel.Name == "N" || strings.Contains(sel.Sel.Name, "Plural")
				if k, seen := keys[key]; seen && k.plural != plural {
					t.Errorf("%s: %q is used both as a plural and not (also at %s)", pos, key, k.at)
				}
				if _, seen := keys[key]; !seen {
					keys[key] = langKey{plural: plural, at: pos}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d keys in the sources: the scan is broken", len(keys))
	}
	return keys
}

// callOf is the call whose function is sel, nil when sel is not called.
func callOf(f *ast.File, sel *ast.SelectorExpr) *ast.CallExpr {
	var found *ast.CallExpr
	ast.Inspect(f, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && c.Fun == sel {
			found = c
			return false
		}
		return found == nil
	})
	return found
}

func readBundle(t *testing.T, language string) map[string]any {
	t.Helper()
	data, err := translations.ReadFile("translations/" + language + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var b map[string]any
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatalf("%s.json: %v", language, err)
	}
	return b
}

var templateField = regexp.MustCompile(`\{\{[^}]*\}\}`)

// fields are the template fields of s, sorted: a translation must use
// exactly those of its key.
func fields(s string) []string {
	f := templateField.FindAllString(s, -1)
	slices.Sort(f)
	return slices.Compact(f)
}

// Every text the code shows is in every bundle, with the same template
// fields and every plural form; no bundle keeps a text the code no longer
// uses; English says the key itself.
func TestTranslations_MatchTheCode(t *testing.T) {
	keys := sourceKeys(t)
	for _, language := range languages {
		t.Run(language, func(t *testing.T) {
			b := readBundle(t, language)
			for _, key := range slices.Sorted(maps.Keys(keys)) {
				k := keys[key]
				v, ok := b[key]
				if !ok {
					t.Errorf("%s.json lacks %q (%s)", language, key, k.at)
					continue
				}
				var texts map[string]string
				switch v := v.(type) {
				case string:
					if k.plural {
						t.Errorf("%s.json: %q needs plural forms %v", language, key, pluralForms[language])
						continue
					}
					texts = map[string]string{"": v}
					if language == "en" && v != key {
						t.Errorf("en.json: %q says %q, not its key", key, v)
					}
				case map[string]any:
					if !k.plural {
						t.Errorf("%s.json: %q is not a plural text in the code", language, key)
						continue
					}
					texts = map[string]string{}
					for form, s := range v {
						str, ok := s.(string)
						if !ok || !slices.Contains(pluralForms[language], form) {
							t.Errorf("%s.json: %q has a form %q (%v) its language does not use", language, key, form, s)
							continue
						}
						texts[form] = str
					}
					for _, form := range pluralForms[language] {
						if texts[form] == "" {
							t.Errorf("%s.json: %q lacks the plural form %q", language, key, form)
						}
					}
				default:
					t.Errorf("%s.json: %q is a %T", language, key, v)
					continue
				}
				for form, text := range texts {
					if strings.TrimSpace(text) == "" {
						t.Errorf("%s.json: %q %s is empty", language, key, form)
					}
					// A plural form may say its count or not ("your account").
					want := fields(key)
					if k.plural {
						want = slices.DeleteFunc(want, func(f string) bool { return f == "{{.Count}}" })
						text = strings.ReplaceAll(text, "{{.Count}}", "")
					}
					if got := fields(text); !slices.Equal(got, want) {
						t.Errorf("%s.json: %q %s uses fields %v, its key %v", language, key, form, got, want)
					}
				}
			}
			for _, key := range slices.Sorted(maps.Keys(b)) {
				if _, ok := keys[key]; !ok {
					t.Errorf("%s.json has %q, which the code no longer uses", language, key)
				}
			}
		})
	}
}

// Each language shows its own words for every plural count: a missing form
// would fall back to English.
func TestTranslations_PluralsInEveryLanguage(t *testing.T) {
	counts := []int{0, 1, 2, 5, 21, 1000000}
	english := map[int]string{}
	for _, n := range counts {
		english[n] = lang.N("{{.Count}} followers", n, args{"Count": n})
	}
	if english[1] != "1 follower" || english[2] != "2 followers" || english[0] != "0 followers" {
		t.Errorf("English: %v", english)
	}
	for _, loc := range []string{"es_ES", "de_DE", "fr_FR"} {
		t.Run(loc, func(t *testing.T) {
			useLanguage(t, loc)
			for _, n := range counts {
				got := lang.N("{{.Count}} followers", n, args{"Count": n})
				if got == english[n] || !strings.Contains(got, strconv.Itoa(n)) {
					t.Errorf("%d followers in %s: %q", n, loc, got)
				}
			}
		})
	}
}

// The system's language is picked, English when none of ours matches (or
// for a C locale), and LC_ALL wins over LANG.
func TestTranslations_SystemLanguage(t *testing.T) {
	tests := []struct {
		lcAll, lang, language string
		want                  string
		bundle                string // added besides en.json; "" for none
		fyneLogs              bool   // Fyne 2.7.1 logs that it cannot parse the name (it did before too)
	}{
		{lang: "es_ES.UTF-8", want: "Conectar", bundle: "es.json"},
		{lang: "de_AT.UTF-8", want: "Verbinden", bundle: "de.json"},
		{lang: "fr_CA.UTF-8", want: "Se connecter", bundle: "fr.json"},
		{lang: "de_DE@euro", want: "Verbinden", bundle: "de.json", fyneLogs: true},
		{lang: "en_GB.UTF-8", want: "Connect"},
		{lang: "ja_JP.UTF-8", want: "Connect"},
		{lang: "C", want: "Connect"},
		{lang: "C.UTF-8", want: "Connect"},
		{lcAll: "de_DE.UTF-8", lang: "es_ES.UTF-8", want: "Verbinden", bundle: "de.json"},
		{lang: "pt_BR.UTF-8", language: "fr:es", want: "Se connecter", bundle: "fr.json"},
	}
	for _, tt := range tests {
		t.Run(tt.lcAll+"/"+tt.lang+"/"+tt.language, func(t *testing.T) {
			t.Cleanup(loadTranslations)
			t.Setenv("LC_ALL", tt.lcAll)
			t.Setenv("LC_MESSAGES", "")
			t.Setenv("LANG", tt.lang)
			t.Setenv("LANGUAGE", tt.language)
			var logged strings.Builder
			log.SetOutput(&logged)
			setUpLanguage()
			log.SetOutput(os.Stderr)
			if got := lang.L("Connect"); got != tt.want {
				t.Errorf("Connect is %q, want %q", got, tt.want)
			}
			// lang keeps every bundle added so far in this process, so the
			// text above could come from an earlier case: check the choice.
			localeenv.Normalise()
			added := bundlesFor(systemLanguages())
			localeenv.Restore()
			wantAdded := []string{"en.json"}
			if tt.bundle != "" {
				wantAdded = append(wantAdded, tt.bundle)
			}
			if !slices.Equal(added, wantAdded) {
				t.Errorf("added %q, want %q", added, wantAdded)
			}
			if logged.Len() > 0 && !tt.fyneLogs {
				t.Errorf("choosing the language logged:\n%s", logged.String())
			}
			if got := os.Getenv("LANG"); got != tt.lang {
				t.Errorf("LANG is %q after, not %q as before", got, tt.lang)
			}
		})
	}
}

// loadTranslations adds English and the one bundle the person's languages
// match best, not all of them (each costs parsing before the first frame).
// lang matches those languages against Fyne's own bundles too: whenever it
// would pick one of ours, that one must have been added.
func TestBundlesFor(t *testing.T) {
	// Fyne 2.7.1's own bundles (fyne.io/fyne/v2/lang/translations).
	fyneLanguages := []string{"en", "cs", "de", "el", "es", "fr", "pl", "pt", "pt-BR", "ru", "sv", "ta", "uk", "zh-Hans"}
	tests := []struct {
		languages []string
		want      []string
	}{
		{[]string{"en-US"}, []string{"en.json"}},
		{[]string{"es-ES"}, []string{"en.json", "es.json"}},
		{[]string{"es-419"}, []string{"en.json", "es.json"}},
		{[]string{"de-AT"}, []string{"en.json", "de.json"}},
		{[]string{"fr-CA", "de"}, []string{"en.json", "fr.json"}},
		{[]string{"it", "es"}, []string{"en.json", "es.json"}},     // the first we have
		{[]string{"pt-BR"}, []string{"en.json"}},                   // Fyne's, not ours: English
		{[]string{"gl"}, []string{"en.json", "es.json"}},           // close enough, as lang sees it
		{[]string{"C"}, []string{"en.json"}},                       // not a language
		{[]string{"de-DE@euro"}, []string{"en.json", "de.json"}},   // glibc's name, half understood by Parse
		{[]string{"es-ES_tradnl"}, []string{"en.json", "es.json"}}, // Windows' traditional sort order
		{[]string{}, []string{"en.json"}},                          // none given
	}
	for _, tt := range tests {
		got := bundlesFor(tt.languages)
		if !slices.Equal(got, tt.want) {
			t.Errorf("bundlesFor(%q) = %q, want %q", tt.languages, got, tt.want)
		}
		var all []language.Tag
		for _, l := range append(slices.Clone(fyneLanguages), languages...) {
			all = append(all, language.Make(l))
		}
		var want []language.Tag
		for _, l := range tt.languages {
			tag, _ := language.Parse(l) // lang keeps what Parse made of it, error or not
			want = append(want, tag)
		}
		_, i, _ := language.NewMatcher(all).Match(want...)
		picked := all[i].String()
		if slices.Contains(languages, picked) && !slices.Contains(got, picked+".json") {
			t.Errorf("for %q lang picks %s, but only %q were added", tt.languages, picked, got)
		}
	}
}
