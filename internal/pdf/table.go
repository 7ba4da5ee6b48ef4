package pdf

import "fmt"

// Align is the horizontal alignment of a table column.
type Align int

const (
	AlignLeft Align = iota
	AlignRight
	AlignCenter
)

// Column is one table column; Width is a share of the content width (the
// shares should sum to 1).
type Column struct {
	Title string
	Width float64
	Align Align
}

// Table is a table whose cells wrap; the header repeats on every page.
type Table struct {
	Columns  []Column
	Rows     [][]string
	FontSize float64 // 0 means 9
	// Zebra shades every other row.
	Zebra bool
}

const cellPad = 3

// Table writes a table at the current position.
func (d *Document) Table(t Table) error {
	size := t.FontSize
	if size == 0 {
		size = 9
	}
	widths := make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = c.Width * d.ContentWidth()
	}
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Title
	}
	writeHeader := func() error { return d.tableRow(t.Columns, widths, header, size, LightGray, true) }

	if err := d.EnsureSpace(2 * (LineHeight(size) + 2*cellPad)); err != nil {
		return err
	}
	if err := writeHeader(); err != nil {
		return err
	}
	// Repeat the header when a row breaks the page.
	previous := d.onNewPage
	d.onNewPage = writeHeader
	defer func() { d.onNewPage = previous }()
	for i, row := range t.Rows {
		if len(row) != len(t.Columns) {
			return fmt.Errorf("pdf table row %d has %d cells, want %d", i, len(row), len(t.Columns))
		}
		fill := White
		if t.Zebra && i%2 == 1 {
			fill = Color{0xf9, 0xfa, 0xfb}
		}
		if err := d.tableRow(t.Columns, widths, row, size, fill, false); err != nil {
			return err
		}
	}
	d.y += 4
	return nil
}

func (d *Document) tableRow(cols []Column, widths []float64, cells []string, size float64, fill Color, header bool) error {
	wrapped := make([][]string, len(cells))
	lines := 1
	for i, cell := range cells {
		ls, err := d.Wrap(cell, size, widths[i]-2*cellPad)
		if err != nil {
			return err
		}
		wrapped[i] = ls
		lines = max(lines, len(ls))
	}
	h := float64(lines)*LineHeight(size) + 2*cellPad
	if err := d.EnsureSpace(h); err != nil {
		return err
	}
	x := d.margin
	d.Rect(x, d.y, d.ContentWidth(), h, fill)
	color := Black
	if header {
		color = Gray
	}
	for i, ls := range wrapped {
		for j, line := range ls {
			lx := x + cellPad
			if cols[i].Align != AlignLeft {
				w, err := d.TextWidth(line, size)
				if err != nil {
					return err
				}
				if cols[i].Align == AlignRight {
					lx = x + widths[i] - cellPad - w
				} else {
					lx = x + (widths[i]-w)/2
				}
			}
			if err := d.TextAt(lx, d.y+cellPad+float64(j)*LineHeight(size), line, size, color); err != nil {
				return err
			}
		}
		x += widths[i]
	}
	d.Line(d.margin, d.y+h, d.margin+d.ContentWidth(), d.y+h, LightGray, 0.5)
	d.y += h
	return nil
}
