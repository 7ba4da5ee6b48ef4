package pdf

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestSplitRuns(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	got := fs.splitRuns("TRL 6 技术就绪水平 P50 = 90.98 万元")
	want := []run{
		{familyLatin, "TRL 6 "},
		{familyCJK, "技术就绪水平 "},
		{familyLatin, "P50 = 90.98 "},
		{familyCJK, "万元"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("runs = %q, want %q", got, want)
	}
}

func TestTokens(t *testing.T) {
	got := tokens("收益法（DCF），value 3.5 years。")
	want := []string{"收", "益", "法", "（DCF），", "value", " ", "3.5", " ", "years。"}
	if !slices.Equal(got, want) {
		t.Fatalf("tokens = %q, want %q", got, want)
	}
}

func TestWrap(t *testing.T) {
	d, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	lines, err := d.Wrap("技术合同认定登记是卖方在所在地一次办理的手续，登记后方可享受税收优惠。", 10, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) < 3 {
		t.Fatalf("a long Chinese sentence in 100pt should wrap, got %q", lines)
	}
	for _, l := range lines {
		if w, _ := d.TextWidth(l, 10); w > 100+1e-9 {
			t.Errorf("line %q is %.1fpt wide", l, w)
		}
		if strings.HasPrefix(l, "，") || strings.HasPrefix(l, "。") {
			t.Errorf("line starts with closing punctuation: %q", l)
		}
	}
	lines, _ = d.Wrap("the quick brown fox jumps over the lazy dog", 10, 80)
	for _, l := range lines {
		if strings.HasPrefix(l, " ") || strings.HasSuffix(l, " ") {
			t.Errorf("line %q keeps a space at an end", l)
		}
		if strings.Contains(l, "qu ick") {
			t.Errorf("a word was split: %q", l)
		}
	}
	if got, _ := d.Wrap("a\nb", 10, 200); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("newline: %q", got)
	}
}

func sampleDocument(t testing.TB) []byte {
	d, err := New(Options{Title: "测试 Test", Footer: "techmarket 测试"})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Heading("技术评估报告 Valuation report", 16); err != nil {
		t.Fatal(err)
	}
	if err := d.Paragraph("评估结论：P50 = 90.98 万元（收益法）。The income approach applies.", 10, Black); err != nil {
		t.Fatal(err)
	}
	d.Rect(d.Left(), d.Y(), 120, 10, Blue)
	d.Space(14)
	rows := make([][]string, 80)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("第%d行 row", i+1), "发明专利 invention patent", fmt.Sprintf("%d.00", (i+1)*100)}
	}
	if err := d.Table(Table{Columns: []Column{{"项目 Item", 0.3, AlignLeft}, {"类型 Type", 0.5, AlignLeft}, {"金额 Amount", 0.2, AlignRight}},
		Rows: rows, Zebra: true}); err != nil {
		t.Fatal(err)
	}
	if d.Pages() < 2 {
		t.Fatalf("80 rows should take more than one page, got %d", d.Pages())
	}
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDocumentText(t *testing.T) {
	b := sampleDocument(t)
	if !bytes.HasPrefix(b, []byte("%PDF-")) || len(b) < 5000 {
		t.Fatalf("not a PDF or too small: %d bytes", len(b))
	}
	// Subsetting keeps the 4 MB CJK font out of a small document.
	if len(b) > 400_000 {
		t.Errorf("PDF is %d bytes: fonts are not subset", len(b))
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed; checked bytes only")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	for _, want := range []string{"技术评估报告", "Valuation report", "90.98", "万元", "收益法", "第80行", "金额 Amount", "techmarket 测试"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	// The header repeats on the second page.
	if strings.Count(text, "金额 Amount") < 2 {
		t.Error("table header not repeated after the page break")
	}
}

func TestConcurrentDocuments(t *testing.T) {
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { sampleDocument(t) })
	}
	wg.Wait()
}
