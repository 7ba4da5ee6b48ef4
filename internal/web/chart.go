package web

import (
	"fmt"
	"strings"
)

// barChart is a horizontal bar chart drawn as inline SVG by the server: no
// script, readable by screen readers (title + description), every bar a link.
type barChart struct {
	Width, Height int
	LabelX        int // right edge of the labels (text-anchor end)
	BarX          int // left edge of the bars
	BarHeight     int
	Bars          []chartBar
	Desc          string // the numbers as a sentence, for assistive technology
}

type chartBar struct {
	Label    string
	Value    int
	URL      string
	Y        int // top of the bar
	TextY    int // baseline of the label and value
	BarWidth int
	ValueX   int
}

type chartItem struct {
	Label string
	Value int
	URL   string
}

// Geometry in SVG user units; the SVG scales to its container via viewBox.
const (
	chartWidth      = 780
	chartLabelWidth = 330 // fits the longest English field name at 13px
	chartRowHeight  = 30
	chartBarHeight  = 18
	chartValueRoom  = 48 // room right of the longest bar for its number
)

// newBarChart lays out items in the given order; bar lengths are relative to the
// largest value (an all-zero chart draws no bars, only labels and zeros).
func newBarChart(items []chartItem) barChart {
	c := barChart{
		Width: chartWidth, Height: len(items)*chartRowHeight + 8,
		LabelX: chartLabelWidth - 10, BarX: chartLabelWidth, BarHeight: chartBarHeight,
	}
	max := 0
	for _, it := range items {
		if it.Value > max {
			max = it.Value
		}
	}
	room := chartWidth - chartLabelWidth - chartValueRoom
	var desc []string
	for i, it := range items {
		b := chartBar{Label: it.Label, Value: it.Value, URL: it.URL}
		b.Y = 4 + i*chartRowHeight + (chartRowHeight-chartBarHeight)/2
		b.TextY = b.Y + chartBarHeight - 4
		if max > 0 {
			b.BarWidth = it.Value * room / max
		}
		if it.Value > 0 && b.BarWidth < 2 {
			b.BarWidth = 2 // a non-zero count stays visible
		}
		b.ValueX = chartLabelWidth + b.BarWidth + 6
		c.Bars = append(c.Bars, b)
		desc = append(desc, fmt.Sprintf("%s %d", it.Label, it.Value))
	}
	c.Desc = strings.Join(desc, "; ")
	return c
}
