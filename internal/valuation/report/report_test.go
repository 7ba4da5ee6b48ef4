package report

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/valuation"
)

func exampleValuation(t *testing.T) (valuation.Input, valuation.Result) {
	t.Helper()
	in, err := valuation.DecodeInput(bytes.NewReader(valuation.ExampleInputJSON()))
	if err != nil {
		t.Fatal(err)
	}
	in.Simulation.Draws = 2000
	res, err := valuation.Run(in)
	if err != nil {
		t.Fatal(err)
	}
	return in, res
}

func TestHTMLSections(t *testing.T) {
	in, res := exampleValuation(t)
	for lang, words := range map[string][]string{
		"zh": {"技术价值评估报告", "评估方法及选择理由", "价值区间", "敏感性分析", "输入参数", "假设与口径", "可比交易", "指标评分", "万元", "收益法"},
		"en": {"Technology valuation report", "Method and why it was chosen", "Value range", "Sensitivity (tornado chart)",
			"Inputs", "Assumptions", "Comparable deals", "Indicator score", "Income approach", "¥"},
	} {
		var buf bytes.Buffer
		if err := HTML(&buf, in, res, lang); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		page := buf.String()
		for _, id := range []string{`id="summary"`, `id="method"`, `id="range"`, `id="sensitivity"`, `id="inputs"`,
			`id="assumptions"`, `id="comparables"`, `id="indicators"`, `class="chart tornado"`, `class="chart range"`} {
			if !strings.Contains(page, id) {
				t.Errorf("%s: page lacks %s", lang, id)
			}
		}
		for _, w := range words {
			if !strings.Contains(page, w) {
				t.Errorf("%s: page lacks %q", lang, w)
			}
		}
		// Self-contained: no external scripts, styles or images.
		for _, ext := range []string{"<script", "<link", "src=\"http", "href=\"http"} {
			if strings.Contains(page, ext) {
				t.Errorf("%s: page loads an external resource (%s)", lang, ext)
			}
		}
		// Every tornado bar and every comparable is listed.
		for _, b := range res.Tornado {
			if !strings.Contains(page, b.Label.In(lang)) {
				t.Errorf("%s: tornado input %s missing", lang, b.Path)
			}
		}
		for _, c := range res.Comparables {
			if !strings.Contains(page, c.ID) {
				t.Errorf("%s: comparable %s missing", lang, c.ID)
			}
		}
	}
}

func TestHTMLEscapesInput(t *testing.T) {
	in, res := exampleValuation(t)
	res.Title = `<script>alert(1)</script>`
	in.Title = res.Title
	var buf bytes.Buffer
	if err := HTML(&buf, in, res, "en"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "<script>") {
		t.Fatal("a title was written unescaped")
	}
}

func TestPDF(t *testing.T) {
	in, res := exampleValuation(t)
	for _, lang := range []string{"zh", "en"} {
		b, err := PDF(in, res, lang)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if !bytes.HasPrefix(b, []byte("%PDF-")) || len(b) < 20000 {
			t.Fatalf("%s: %d bytes, not a real report", lang, len(b))
		}
		if _, err := exec.LookPath("pdftotext"); err != nil {
			continue
		}
		path := filepath.Join(t.TempDir(), "report.pdf")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		text := string(out)
		want := map[string][]string{
			"zh": {"技术价值评估报告", "评估方法及选择理由", "敏感性分析", "可比交易", "指标评分", "deal-101", money(res.Value.P50, "zh")},
			"en": {"Technology valuation report", "Sensitivity", "Comparable deals", "Indicator score", "deal-101", money(res.Value.P50, "en")},
		}[lang]
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: PDF text lacks %q", lang, w)
			}
		}
	}
}
