package report

import (
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Doc is a report built block by block and rendered twice: Markdown with
// figures linked by relative path, and one self-contained HTML file with the
// figures embedded as base64 data URIs.
type Doc struct {
	Dir    string // figure paths are relative to this directory
	blocks []block
}

type block struct {
	kind  string // h1, h2, p, table, fig, code
	text  string
	table *Table
}

// H1 adds a title.
func (d *Doc) H1(s string) { d.blocks = append(d.blocks, block{kind: "h1", text: s}) }

// H2 adds a section heading.
func (d *Doc) H2(s string) { d.blocks = append(d.blocks, block{kind: "h2", text: s}) }

// P adds a paragraph (inline **bold** is kept in Markdown and rendered in HTML).
func (d *Doc) P(format string, args ...any) {
	d.blocks = append(d.blocks, block{kind: "p", text: fmt.Sprintf(format, args...)})
}

// Bullet adds one list item.
func (d *Doc) Bullet(format string, args ...any) {
	d.blocks = append(d.blocks, block{kind: "li", text: fmt.Sprintf(format, args...)})
}

// Code adds a preformatted block.
func (d *Doc) Code(s string) { d.blocks = append(d.blocks, block{kind: "code", text: s}) }

// Table adds a table.
func (d *Doc) Table(t *Table) { d.blocks = append(d.blocks, block{kind: "table", table: t}) }

// Figure adds an image (path relative to Dir) with a caption.
func (d *Doc) Figure(rel, caption string) {
	d.blocks = append(d.blocks, block{kind: "fig", text: rel + "\x00" + caption})
}

// Markdown renders the document.
func (d *Doc) Markdown() string {
	var b strings.Builder
	for i, bl := range d.blocks {
		if bl.kind != "li" && i > 0 && d.blocks[i-1].kind == "li" {
			b.WriteString("\n")
		}
		switch bl.kind {
		case "h1":
			fmt.Fprintf(&b, "# %s\n\n", bl.text)
		case "h2":
			fmt.Fprintf(&b, "## %s\n\n", bl.text)
		case "p":
			fmt.Fprintf(&b, "%s\n\n", bl.text)
		case "li":
			fmt.Fprintf(&b, "- %s\n", bl.text)
		case "code":
			fmt.Fprintf(&b, "```\n%s\n```\n\n", strings.TrimRight(bl.text, "\n"))
		case "table":
			fmt.Fprintf(&b, "%s\n", bl.table.Markdown())
		case "fig":
			rel, caption, _ := strings.Cut(bl.text, "\x00")
			fmt.Fprintf(&b, "![%s](%s)\n\n*%s*\n\n", caption, filepath.ToSlash(rel), caption)
		}
	}
	return b.String()
}

// mdLink is a Markdown link [text](href) whose href has no space or
// parenthesis (report text writes no other).
var mdLink = regexp.MustCompile(`\[([^\[\]]+)\]\(([^()\s]+)\)`)

// inline renders **bold** and `code` spans and [text](href) links of
// escaped text.
func inline(s string) string {
	s = html.EscapeString(s)
	s = mdLink.ReplaceAllString(s, `<a href="$2">$1</a>`)
	for _, m := range []struct{ mark, open, close string }{{"**", "<b>", "</b>"}, {"`", "<code>", "</code>"}} {
		parts := strings.Split(s, m.mark)
		if len(parts) < 3 {
			continue
		}
		used := (len(parts) - 1) / 2 * 2 // an unpaired last mark stays literal
		var b strings.Builder
		for i, p := range parts {
			switch {
			case i == 0:
			case i > used:
				b.WriteString(m.mark)
			case i%2 == 1:
				b.WriteString(m.open)
			default:
				b.WriteString(m.close)
			}
			b.WriteString(p)
		}
		s = b.String()
	}
	return s
}

// HTML renders the document as one self-contained page.
func (d *Doc) HTML(title string) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>\n", html.EscapeString(title))
	b.WriteString("<style>" + pageStyle + "</style>\n</head><body>\n")
	inList := false
	for _, bl := range d.blocks {
		if bl.kind == "li" && !inList {
			b.WriteString("<ul>\n")
			inList = true
		} else if bl.kind != "li" && inList {
			b.WriteString("</ul>\n")
			inList = false
		}
		switch bl.kind {
		case "h1":
			fmt.Fprintf(&b, "<h1>%s</h1>\n", inline(bl.text))
		case "h2":
			fmt.Fprintf(&b, "<h2>%s</h2>\n", inline(bl.text))
		case "p":
			fmt.Fprintf(&b, "<p>%s</p>\n", inline(bl.text))
		case "li":
			fmt.Fprintf(&b, "<li>%s</li>\n", inline(bl.text))
		case "code":
			fmt.Fprintf(&b, "<pre>%s</pre>\n", html.EscapeString(bl.text))
		case "table":
			writeHTMLTable(&b, bl.table)
		case "fig":
			rel, caption, _ := strings.Cut(bl.text, "\x00")
			raw, err := os.ReadFile(filepath.Join(d.Dir, rel))
			if err != nil {
				return "", fmt.Errorf("report: embedding figure: %w", err)
			}
			fmt.Fprintf(&b, "<figure><img src=\"data:image/png;base64,%s\" alt=\"%s\"><figcaption>%s</figcaption></figure>\n",
				base64.StdEncoding.EncodeToString(raw), html.EscapeString(caption), inline(caption))
		}
	}
	if inList {
		b.WriteString("</ul>\n")
	}
	b.WriteString("</body></html>\n")
	return b.String(), nil
}

// Save writes report.md and report.html into Dir atomically.
func (d *Doc) Save(title string) error {
	md := d.Markdown()
	if err := WriteAtomic(filepath.Join(d.Dir, "report.md"), func(w io.Writer) error {
		_, err := io.WriteString(w, md)
		return err
	}); err != nil {
		return err
	}
	h, err := d.HTML(title)
	if err != nil {
		return err
	}
	return WriteAtomic(filepath.Join(d.Dir, "report.html"), func(w io.Writer) error {
		_, err := io.WriteString(w, h)
		return err
	})
}

// pageStyle lays the report out for a window of about 1280 pixels and less:
// text in a column of at most 1100 pixels, figures scaled down to it, and
// tables that fit it, their headers wrapping (a wide table gets a smaller
// font), numbers right-aligned, text left-aligned, verdicts on one line.
const pageStyle = "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.45}" +
	"table{border-collapse:collapse;margin:1em 0;max-width:100%}" +
	"td,th{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}" +
	"th{vertical-align:bottom;overflow-wrap:break-word;background:#f4f4f4}" +
	"td.num{text-align:right;white-space:nowrap}td.verdict{white-space:nowrap}" +
	"table.wide{font-size:0.8em}table.wide td,table.wide th{padding:2px 4px}" +
	"img{max-width:100%;height:auto;border:1px solid #ddd}figcaption{font-style:italic;color:#444}" +
	"pre{background:#f4f4f4;padding:8px;overflow-x:auto}"

// wideTable is the column count from which a table gets the smaller font.
const wideTable = 9

// writeHTMLTable renders t; cells keep the inline **bold** and `code` of
// the report's text.
func writeHTMLTable(b *strings.Builder, t *Table) {
	if len(t.Header) >= wideTable {
		b.WriteString("<table class=\"wide\"><tr>")
	} else {
		b.WriteString("<table><tr>")
	}
	for _, h := range t.Header {
		fmt.Fprintf(b, "<th>%s</th>", inline(h))
	}
	b.WriteString("</tr>\n")
	for _, r := range t.Rows {
		b.WriteString("<tr>")
		for _, c := range r {
			switch {
			case numericCell(c):
				fmt.Fprintf(b, "<td class=\"num\">%s</td>", inline(c))
			case isVerdict(c):
				fmt.Fprintf(b, "<td class=\"verdict\">%s</td>", inline(c))
			default:
				fmt.Fprintf(b, "<td>%s</td>", inline(c))
			}
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
}

// numericCell reports whether a cell holds a number, a fraction k/n or a
// placeholder for a missing one (n/a, —): those align right.
func numericCell(c string) bool {
	if c == "n/a" || c == "—" {
		return true
	}
	if k, n, ok := strings.Cut(c, "/"); ok {
		return isNumber(k) && isNumber(n)
	}
	return isNumber(c)
}

// isVerdict reports whether a cell is one bold span (a claim's verdict),
// kept on one line.
func isVerdict(c string) bool {
	inner, ok := strings.CutPrefix(c, "**")
	if inner, ok = strings.CutSuffix(inner, "**"); !ok || inner == "" {
		return false
	}
	return !strings.Contains(inner, "*")
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
