package web

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
)

// The balance chart stays inside its plot, steps at each movement and keeps the
// zero line visible for accounts that go negative (bank clearing).
func TestBalanceChartGeometry(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	st := ledger.Statement{Opening: 1_000_00, Closing: -2_000_00, Lines: []ledger.StatementLine{
		{At: t0, Debit: 500_00, Balance: 500_00},
		{At: t0.Add(24 * time.Hour), Debit: 2_500_00, Balance: -2_000_00},
	}}
	c := newBalanceChart(st, "en")
	if c.Empty {
		t.Fatal("chart of two lines is empty")
	}
	pts := strings.Fields(c.Points)
	if len(pts) != 2+2*len(st.Lines) {
		t.Fatalf("%d points: %s", len(pts), c.Points)
	}
	top, bottom := balanceChartTop, balanceChartHeight-balanceChartBottom
	prevX := -1
	for _, p := range pts {
		xs, ys, _ := strings.Cut(p, ",")
		x, _ := strconv.Atoi(xs)
		y, _ := strconv.Atoi(ys)
		if x < c.PlotLeft || x > c.PlotRight || y < top || y > bottom || x < prevX {
			t.Fatalf("point %s outside the plot or going back in time: %s", p, c.Points)
		}
		prevX = x
	}
	if c.ZeroY <= top || c.ZeroY >= bottom {
		t.Errorf("zero line at %d, want strictly inside (%d, %d)", c.ZeroY, top, bottom)
	}
	if !strings.Contains(c.Desc, "¥1,000") || !strings.Contains(c.Desc, "¥-2,000") {
		t.Errorf("description %q", c.Desc)
	}
	if empty := newBalanceChart(ledger.Statement{Opening: domain.Fen(5)}, "zh"); !empty.Empty {
		t.Error("a statement without lines draws a chart")
	}
}
