// Package pdf writes simple A4 documents with mixed Chinese and Latin text:
// headings, wrapped paragraphs, tables, bars and lines, with automatic page
// breaks and a footer. It embeds its fonts (DejaVu Sans for Latin, Droid Sans
// Fallback for CJK), so output never depends on the machine's fonts. Valuation
// reports, registration certificates and contracts share it.
//
// Coordinates are points (1/72 inch) from the top-left corner of the page.
package pdf

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/signintech/gopdf"
)

// Color is an RGB colour.
type Color struct{ R, G, B uint8 }

// Colours used by the helpers; callers may pass any Color.
var (
	Black     = Color{0x1f, 0x29, 0x37}
	Gray      = Color{0x6b, 0x72, 0x80}
	LightGray = Color{0xe5, 0xe7, 0xeb}
	Blue      = Color{0x25, 0x63, 0xeb}
	LightBlue = Color{0xbf, 0xdb, 0xfe}
	Green     = Color{0x16, 0xa3, 0x4a}
	Red       = Color{0xdc, 0x26, 0x26}
	White     = Color{0xff, 0xff, 0xff}
)

// Options configure a document.
type Options struct {
	Title   string
	Author  string
	Subject string
	// Margin on every side in points; 0 means 48.
	Margin float64
	// Footer is printed at the bottom of every page before the page number.
	Footer string
}

// lineSpacing is the line height as a multiple of the font size.
const lineSpacing = 1.45

// Document is an A4 document being written top to bottom. It is not safe for
// concurrent use; separate documents are independent.
type Document struct {
	gp     *gopdf.GoPdf
	fonts  *fontSet
	opts   Options
	pageW  float64
	pageH  float64
	margin float64
	y      float64
	pages  int
	// onNewPage runs after a page break, e.g. to repeat a table header.
	onNewPage func() error
}

// New starts a document with its first page.
func New(opts Options) (*Document, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, fmt.Errorf("pdf fonts: %w", err)
	}
	if opts.Margin <= 0 {
		opts.Margin = 48
	}
	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	gp.SetInfo(gopdf.PdfInfo{Title: opts.Title, Author: opts.Author, Subject: opts.Subject, Creator: "techmarket"})
	for _, fam := range []string{familyLatin, familyCJK} {
		if err := gp.AddTTFFontFromFontContainer(fam, &fs.container); err != nil {
			return nil, fmt.Errorf("pdf font %s: %w", fam, err)
		}
	}
	d := &Document{gp: gp, fonts: fs, opts: opts, pageW: gopdf.PageSizeA4.W, pageH: gopdf.PageSizeA4.H, margin: opts.Margin}
	if err := d.NewPage(); err != nil {
		return nil, err
	}
	return d, nil
}

// ContentWidth is the width between the margins.
func (d *Document) ContentWidth() float64 { return d.pageW - 2*d.margin }

// Left is the x of the left margin.
func (d *Document) Left() float64 { return d.margin }

// Y is the current writing position.
func (d *Document) Y() float64 { return d.y }

// SetY moves the writing position.
func (d *Document) SetY(y float64) { d.y = y }

// Space moves down by h points.
func (d *Document) Space(h float64) { d.y += h }

// bottom is the lowest y content may reach (the footer sits below it).
func (d *Document) bottom() float64 { return d.pageH - d.margin - 14 }

// NewPage starts a page and writes its footer.
func (d *Document) NewPage() error {
	d.gp.AddPage()
	d.pages++
	d.y = d.margin
	footer := d.opts.Footer
	if footer != "" {
		footer += "  ·  "
	}
	footer += strconv.Itoa(d.pages)
	if err := d.TextAt(d.margin, d.pageH-d.margin+4, footer, 8, Gray); err != nil {
		return err
	}
	if d.onNewPage != nil {
		return d.onNewPage()
	}
	return nil
}

// EnsureSpace starts a new page unless h points fit above the bottom margin.
func (d *Document) EnsureSpace(h float64) error {
	if d.y+h <= d.bottom() {
		return nil
	}
	return d.NewPage()
}

// TextAt writes one line of text with its top-left corner at (x, y), switching
// fonts between Latin and CJK runs as needed.
func (d *Document) TextAt(x, y float64, text string, size float64, c Color) error {
	d.gp.SetTextColor(c.R, c.G, c.B)
	for _, r := range d.fonts.splitRuns(text) {
		if err := d.gp.SetFont(r.family, "", size); err != nil {
			return fmt.Errorf("pdf set font: %w", err)
		}
		d.gp.SetXY(x, y)
		if err := d.gp.Cell(nil, r.text); err != nil {
			return fmt.Errorf("pdf text: %w", err)
		}
		w, err := d.gp.MeasureTextWidth(r.text)
		if err != nil {
			return fmt.Errorf("pdf measure: %w", err)
		}
		x += w
	}
	return nil
}

// TextWidth is the width of one line of text at a size.
func (d *Document) TextWidth(text string, size float64) (float64, error) {
	total := 0.0
	for _, r := range d.fonts.splitRuns(text) {
		if err := d.gp.SetFont(r.family, "", size); err != nil {
			return 0, fmt.Errorf("pdf set font: %w", err)
		}
		w, err := d.gp.MeasureTextWidth(r.text)
		if err != nil {
			return 0, fmt.Errorf("pdf measure: %w", err)
		}
		total += w
	}
	return total, nil
}

// LineHeight is the height of one line of text at a size.
func LineHeight(size float64) float64 { return size * lineSpacing }

// Heading writes a heading on its own line, keeping at least two lines of
// body text with it on the page.
func (d *Document) Heading(text string, size float64) error {
	if err := d.EnsureSpace(LineHeight(size) + 2*LineHeight(10)); err != nil {
		return err
	}
	d.y += size * 0.3
	if err := d.TextAt(d.margin, d.y, text, size, Black); err != nil {
		return err
	}
	d.y += LineHeight(size)
	return nil
}

// Paragraph writes text wrapped to the content width.
func (d *Document) Paragraph(text string, size float64, c Color) error {
	return d.ParagraphAt(d.margin, d.ContentWidth(), text, size, c)
}

// ParagraphAt writes text wrapped to a width starting at x, breaking pages as
// needed.
func (d *Document) ParagraphAt(x, width float64, text string, size float64, c Color) error {
	lines, err := d.Wrap(text, size, width)
	if err != nil {
		return err
	}
	for _, line := range lines {
		if err := d.EnsureSpace(LineHeight(size)); err != nil {
			return err
		}
		if err := d.TextAt(x, d.y, line, size, c); err != nil {
			return err
		}
		d.y += LineHeight(size)
	}
	return nil
}

// Rect fills a rectangle.
func (d *Document) Rect(x, y, w, h float64, fill Color) {
	if w <= 0 || h <= 0 {
		return
	}
	d.gp.SetFillColor(fill.R, fill.G, fill.B)
	d.gp.RectFromUpperLeftWithStyle(x, y, w, h, "F")
}

// Line draws a line.
func (d *Document) Line(x1, y1, x2, y2 float64, c Color, width float64) {
	d.gp.SetStrokeColor(c.R, c.G, c.B)
	d.gp.SetLineWidth(width)
	d.gp.Line(x1, y1, x2, y2)
}

// Bytes finishes the document and returns the PDF.
func (d *Document) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	if _, err := d.gp.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("pdf write: %w", err)
	}
	return buf.Bytes(), nil
}

// Pages is the number of pages so far.
func (d *Document) Pages() int { return d.pages }
