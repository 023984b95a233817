package pumpauth

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// MaxPlainText is the longest text PlainText returns, in runes (longer
// text ends in "…").
const MaxPlainText = 5000

// PlainText turns HTML from a server (a note's content, a summary) into
// plain text to show as text, never as markup. It parses the HTML as a
// browser does (golang.org/x/net/html), then:
//
//   - keeps the text, with entities decoded: "&lt;script&gt;" is the
//     text "<script>";
//   - drops script, style, noscript, template, iframe, object, embed and
//     head elements with everything in them, and all attributes (so no
//     onerror, style or src survives), images, comments and doctypes;
//   - makes <br> a line break, and p, div, li, headings, blockquote,
//     lists, tables, pre and hr start and end a line (a paragraph leaves
//     one blank line); white space runs become one space, and there is
//     never more than one blank line, nor space at the start or end of a
//     line or of the text;
//   - writes a link as its text followed by " (href)" when the href differs
//     from the text, or the href alone for a link without text. Only
//     absolute http, https and mailto hrefs are written; others
//     (javascript:, data:, relative) leave just the text. Nothing in the
//     result is a link: whoever shows it decides what, if anything, to make
//     clickable;
//   - removes invisible, bidi-control and other format characters
//     (IsInvisible) and bytes that are not UTF-8;
//   - cuts the result to MaxPlainText runes, ending in "…".
//
// The result holds no control character other than '\n'. PlainText is not
// idempotent: text it returns that looks like markup ("<b>" typed as
// text) is markup when parsed again.
func PlainText(s string) string {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		// html.Parse fails only when reading fails; a strings.Reader does not.
		return ""
	}
	var w textWriter
	w.node(doc)
	return w.result()
}

// dropped are the elements whose content is not text to show.
var dropped = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "iframe": true,
	"object": true, "embed": true, "head": true, "svg": true, "math": true,
}

// paragraphs leave a blank line before and after; lines start and end a line.
var (
	paragraphs = map[string]bool{
		"p": true, "blockquote": true, "pre": true, "ul": true, "ol": true, "dl": true, "table": true,
		"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "hr": true, "figure": true,
	}
	lines = map[string]bool{
		"div": true, "li": true, "tr": true, "dt": true, "dd": true, "section": true, "article": true,
		"header": true, "footer": true, "nav": true, "aside": true, "address": true, "figcaption": true,
		"caption": true, "details": true, "summary": true, "main": true, "form": true, "fieldset": true,
	}
)

// textWriter builds the text: white space and line breaks are kept
// pending and written only before the next visible character, so none
// ends up at the start or end of the text or of a line.
type textWriter struct {
	b      strings.Builder
	runes  int
	breaks int  // pending line breaks (0–2)
	space  bool // a pending space
	pre    int  // depth inside <pre>: its line breaks are kept
	full   bool // the cap is reached
}

func (w *textWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
		if dropped[n.Data] {
			return
		}
	case html.DocumentNode:
	default: // comments, doctypes
		return
	}
	switch {
	case n.Type != html.ElementNode:
		w.children(n)
	case n.Data == "br":
		w.lineBreak()
	case n.Data == "a":
		w.link(n)
	case n.Data == "pre":
		w.block(2)
		w.pre++
		w.children(n)
		w.pre--
		w.block(2)
	case paragraphs[n.Data]:
		w.block(2)
		w.children(n)
		w.block(2)
	case lines[n.Data]:
		w.block(1)
		w.children(n)
		w.block(1)
	default:
		w.children(n)
	}
}

func (w *textWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil && !w.full; c = c.NextSibling {
		w.node(c)
	}
}

// link writes the link's text, then its href when that says more.
func (w *textWriter) link(n *html.Node) {
	w.children(n)
	href := shownHref(n)
	if href == "" {
		return
	}
	label := strings.Join(strings.Fields(textOf(n)), " ")
	switch {
	case label == href:
	case label == "":
		w.text(href)
	default:
		w.text(" (" + href + ")")
	}
}

// shown reports whether r is written at all: not an invisible or
// direction-changing character (IsInvisible), nor a byte that was not UTF-8.
func shown(r rune) bool { return r != utf8.RuneError && !IsInvisible(r) }

// visibleOnly is s without the characters that are not shown.
func visibleOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if !shown(r) {
			return -1
		}
		return r
	}, s)
}

// shownHref is the link's href when it is worth showing: absolute http,
// https or mailto, cleaned like any other text; else "".
func shownHref(n *html.Node) string {
	for _, a := range n.Attr {
		if a.Namespace != "" || a.Key != "href" {
			continue
		}
		href := strings.Join(strings.Fields(visibleOnly(a.Val)), "")
		u, err := url.Parse(href)
		if err != nil {
			return ""
		}
		switch strings.ToLower(u.Scheme) {
		case "http", "https":
			if u.Host == "" {
				return ""
			}
			return href
		case "mailto":
			return href
		}
		return ""
	}
	return ""
}

// textOf is the text PlainText would write for n's children, without the
// layout: what a link shows.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && b.Len() < 4*MaxPlainText; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(visibleOnly(c.Data))
			case c.Type == html.ElementNode && !dropped[c.Data]:
				if c.Data == "br" {
					b.WriteByte(' ')
				}
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// block asks for n (1: a new line, 2: a blank line) line breaks before the next text.
func (w *textWriter) block(n int) {
	w.breaks = max(w.breaks, n)
	w.space = false
}

// lineBreak is a <br>: one more line break, up to one blank line.
func (w *textWriter) lineBreak() {
	w.breaks = min(w.breaks+1, 2)
	w.space = false
}

func (w *textWriter) text(s string) {
	for _, r := range s {
		if w.full {
			return
		}
		switch {
		case !shown(r):
		case r == '\n' && w.pre > 0:
			w.lineBreak()
		case unicode.IsSpace(r):
			w.space = w.breaks == 0
		default:
			w.write(r)
		}
	}
}

// write writes a visible rune after whatever break or space is pending.
func (w *textWriter) write(r rune) {
	if w.runes > 0 {
		for range w.breaks {
			w.put('\n')
		}
		if w.space && w.breaks == 0 {
			w.put(' ')
		}
	}
	w.breaks, w.space = 0, false
	w.put(r)
}

// put writes r, or stops the text at the cap.
func (w *textWriter) put(r rune) {
	if w.runes >= MaxPlainText {
		w.full = true
		return
	}
	w.b.WriteRune(r)
	w.runes++
}

func (w *textWriter) result() string {
	out := w.b.String()
	if !w.full {
		return out
	}
	cut := []rune(out)[:MaxPlainText-1]
	return strings.TrimRightFunc(string(cut), unicode.IsSpace) + "…"
}
