package web

import (
	"strconv"
	"strings"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
)

// balanceChart is an account's balance over time as an inline SVG step line,
// drawn by the server like barChart (chart.go): no script, the same width, a
// title and a sentence of numbers for assistive technology.
type balanceChart struct {
	Width, Height int
	PlotLeft      int
	PlotRight     int
	Points        string // polyline points "x,y x,y …"
	ZeroY         int
	Ticks         []chartTick // balance labels on the left
	StartLabel    string
	EndLabel      string
	LabelY        int
	Desc          string
	Empty         bool
}

type chartTick struct {
	Y     int
	TextY int
	Label string
}

const (
	balanceChartHeight = 220
	balanceChartLeft   = 130 // room for the largest balance label
	balanceChartRight  = 16
	balanceChartTop    = 12
	balanceChartBottom = 28
)

// newBalanceChart plots the opening balance and the balance after every line.
func newBalanceChart(st ledger.Statement, lang string) balanceChart {
	c := balanceChart{Width: chartWidth, Height: balanceChartHeight, PlotLeft: balanceChartLeft,
		PlotRight: chartWidth - balanceChartRight, LabelY: balanceChartHeight - 8}
	if len(st.Lines) == 0 {
		c.Empty = true
		return c
	}
	t0, t1 := st.Lines[0].At, st.Lines[len(st.Lines)-1].At
	span := t1.Sub(t0).Seconds()
	lo, hi := min(domain.Fen(0), st.Opening), max(domain.Fen(0), st.Opening)
	for _, l := range st.Lines {
		lo, hi = min(lo, l.Balance), max(hi, l.Balance)
	}
	if hi == lo {
		hi = lo + 1
	}
	plotH := balanceChartHeight - balanceChartTop - balanceChartBottom
	// The last movement sits short of the right edge so the closing balance shows as a level.
	plotW := (c.PlotRight - c.PlotLeft) * 19 / 20
	y := func(b domain.Fen) int {
		return balanceChartTop + int(float64(hi-b)/float64(hi-lo)*float64(plotH))
	}
	x := func(i int) int {
		if span <= 0 {
			// All lines at one instant: spread them evenly instead.
			return c.PlotLeft + (i+1)*plotW/(len(st.Lines)+1)
		}
		return c.PlotLeft + int(st.Lines[i].At.Sub(t0).Seconds()/span*float64(plotW))
	}
	var pts strings.Builder
	add := func(px, py int) {
		pts.WriteString(strconv.Itoa(px) + "," + strconv.Itoa(py) + " ")
	}
	prev := st.Opening
	add(c.PlotLeft, y(prev))
	for i, l := range st.Lines {
		px := x(i)
		add(px, y(prev))
		add(px, y(l.Balance))
		prev = l.Balance
	}
	add(c.PlotRight, y(prev))
	c.Points = strings.TrimSpace(pts.String())
	c.ZeroY = y(0)
	for _, v := range []domain.Fen{hi, 0, lo} {
		ty := y(v)
		c.Ticks = append(c.Ticks, chartTick{Y: ty, TextY: ty + 4, Label: money(lang, v)})
	}
	c.Ticks = dedupeTicks(c.Ticks)
	c.StartLabel = t0.UTC().Format("2006-01-02 15:04")
	c.EndLabel = t1.UTC().Format("2006-01-02 15:04")
	c.Desc = tr(lang, "ledger.chart_desc", money(lang, st.Opening), c.StartLabel, money(lang, st.Closing), c.EndLabel,
		money(lang, lo), money(lang, hi))
	return c
}

func dedupeTicks(ts []chartTick) []chartTick {
	var out []chartTick
	for _, t := range ts {
		if len(out) > 0 && out[len(out)-1].Y == t.Y {
			continue
		}
		out = append(out, t)
	}
	return out
}
