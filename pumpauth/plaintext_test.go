package pumpauth

import (
	"html"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestPlainText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "hello world", "hello world"},
		{"empty", "", ""},
		{"tags stripped", "<b>bold</b> and <i>italic</i>", "bold and italic"},
		{"entities decoded", "Tom &amp; Jerry &lt;3 &quot;x&quot; &#39;y&#39; &eacute;t&eacute; &#x1F600;", `Tom & Jerry <3 "x" 'y' été 😀`},
		{"escaped markup is text", "&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"},
		{"doubly escaped stays escaped once", "&amp;lt;b&amp;gt;", "&lt;b&gt;"},
		{"script dropped with its content", "a<script>alert('x')</script>b", "ab"},
		{"style dropped with its content", "<style>body{display:none}</style>visible", "visible"},
		{"noscript, template, iframe", "<noscript>n</noscript><template>t</template><iframe>i</iframe>x", "x"},
		{"unclosed script swallows the rest", "before<script>alert(1)", "before"},
		{"img onerror", `<img src=x onerror="alert(1)">caption`, "caption"},
		{"attributes never shown", `<p style="color:red" onclick="evil()" title="hidden">text</p>`, "text"},
		{"comment", "a<!-- secret -->b", "ab"},
		{"br", "one<br>two<br/>three", "one\ntwo\nthree"},
		{"two br: one blank line", "one<br><br>two", "one\n\ntwo"},
		{"many br: still one blank line", "one<br><br><br><br>two", "one\n\ntwo"},
		{"paragraphs", "<p>one</p><p>two</p>", "one\n\ntwo"},
		{"divs", "<div>one</div><div>two</div>", "one\ntwo"},
		{"list", "<ul><li>a</li><li>b</li></ul>after", "a\nb\n\nafter"},
		{"headings", "<h1>Title</h1>body", "Title\n\nbody"},
		{"white space collapsed", "  a \t\r\n  b\u00a0\u00a0c  ", "a b c"},
		{"no space at line ends", "<p> a </p> <p> b </p>", "a\n\nb"},
		{"empty paragraphs", "<p></p><p> </p><p>x</p><p></p>", "x"},
		{"pre keeps lines", "<pre>a\n  b\n\n\n\nc</pre>", "a\nb\n\nc"},
		{"link with text", `see <a href="https://example.org/x">this</a>!`, "see this (https://example.org/x)!"},
		{"link whose text is its href", `<a href="https://example.org/">https://example.org/</a>`, "https://example.org/"},
		{"link without text", `<a href="https://example.org/p.png"><img src="p.png"></a>`, "https://example.org/p.png"},
		{"mailto", `<a href="mailto:a@example.org">write</a>`, "write (mailto:a@example.org)"},
		{"javascript link: text only", `<a href="javascript:alert(1)">click</a>`, "click"},
		{"javascript with spaces and case", `<a href=" JaVa&#x09;Script:alert(1)">click</a>`, "click"},
		{"data link: text only", `<a href="data:text/html,<script>x</script>">d</a>`, "d"},
		{"relative link: text only", `<a href="/alice">Alice</a>`, "Alice"},
		{"nested anchors", `<a href="https://a.example/">outer <a href="https://b.example/">inner</a> tail</a>`,
			"outer (https://a.example/)inner (https://b.example/) tail"},
		{"href with invisible characters", "<a href=\"https://ex\u200bample.org/\u202e\">x</a>", "x (https://example.org/)"},
		{"bidi and invisible removed", "a\u202eb\u2066c\u2069\u200bd\ufeffe\u00adf\x07g", "abcdefg"},
		{"entity for a control", "a&#7;b&#x202E;c", "abc"},
		{"NUL", "a\x00b", "ab"},
		{"invalid UTF-8", "a\xffb", "ab"},
		{"line separators are space", "a\u2028b\u2029c\u0085d", "a b c d"},
		{"pump.io welcome note (measured)", "<p>Welcome to <a href=\"http://127.0.0.1:8051/\">pump.io lab</a>!\nNow that you&apos;re registered, here are a few tips.</p>",
			"Welcome to pump.io lab (http://127.0.0.1:8051/)! Now that you're registered, here are a few tips."},
		{"a whole document", "<!DOCTYPE html><html><head><title>T</title><script>x</script></head><body>body</body></html>", "body"},
		{"svg dropped", `<svg><script>alert(1)</script><text>svg text</text></svg>ok`, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(tt.in); got != tt.want {
				t.Errorf("PlainText(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPlainTextCap(t *testing.T) {
	tests := []struct {
		name, in string
		capped   bool
	}{
		{"exactly the cap", strings.Repeat("x", MaxPlainText), false},
		{"cap and trailing space", strings.Repeat("x", MaxPlainText) + "  <p> </p>", false},
		{"one more", strings.Repeat("x", MaxPlainText+1), true},
		{"a long paragraph list", strings.Repeat("<p>word</p>", 2000), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PlainText(tt.in)
			n := utf8.RuneCountInString(got)
			if n > MaxPlainText || strings.HasSuffix(got, "…") != tt.capped || strings.TrimSpace(got) != got {
				t.Errorf("%d runes, ends %q, want capped %v", n, got[max(0, len(got)-10):], tt.capped)
			}
		})
	}
}

// checkPlainText holds the promises PlainText makes for any input.
func checkPlainText(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("PlainText(%q) = %q: not UTF-8", in, out)
	}
	if n := utf8.RuneCountInString(out); n > MaxPlainText {
		t.Fatalf("PlainText(%q): %d runes", in, n)
	}
	if strings.TrimSpace(out) != out || strings.Contains(out, "\n\n\n") || strings.Contains(out, " \n") ||
		strings.Contains(out, "\n ") || strings.Contains(out, "  ") {
		t.Fatalf("PlainText(%q) = %q: stray white space", in, out)
	}
	for _, r := range out {
		if (r != '\n' && r != ' ' && unicode.IsSpace(r)) || (r != '\n' && IsInvisible(r)) || r == utf8.RuneError {
			t.Fatalf("PlainText(%q) = %q: holds %U", in, out, r)
		}
	}
}

func FuzzPlainText(f *testing.F) {
	for _, s := range []string{
		"<p>a</p>", "<a href='https://x/'>y</a>", "&lt;script&gt;", "<script>x</script>", "a<br><br>b",
		"<pre>a\n\nb</pre>", "<a href=x><a href=y>z</a></a>", "\u202e&#x202e;", "<svg><p>x</svg>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := PlainText(in)
		checkPlainText(t, in, out)
		// Text with its markup characters escaped comes back as its words:
		// nothing in it is taken for a tag, and nothing is lost but
		// invisible characters. (Only for UTF-8: the parser drops a NUL
		// between two stray bytes, which may then form a character.)
		if len(in) > MaxPlainText/2 || !utf8.ValidString(in) {
			return
		}
		clean := strings.Map(func(r rune) rune {
			if r == utf8.RuneError || IsInvisible(r) {
				return -1
			}
			return r
		}, in)
		escaped := PlainText(html.EscapeString(in))
		if got, want := strings.Join(strings.Fields(escaped), " "), strings.Join(strings.Fields(clean), " "); got != want {
			t.Fatalf("escaped text %q came back as %q, want %q", in, got, want)
		}
	})
}
