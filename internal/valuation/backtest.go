package valuation

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// RenewalRecord is one patent of a renewal data set: bibliographic counts known
// at grant, and how many maintenance fees the owner later paid. Owners renew a
// patent only while they think it is worth more than the fee, so renewal depth
// is a classic lower-bound proxy of value.
type RenewalRecord struct {
	ID              string
	PublicationYear int
	// Sections are the CPC sections (B…H) flagged for the patent.
	Sections []string
	// Classifications is the column num_applications. The data set's README
	// calls it "family applications", but the upstream scraper
	// (JY2014/PatentEvaluation patent_scraper.py, find_patent_applications)
	// counts the leaf classification codes on the Google Patents page, so it
	// is read here as breadth of application.
	Classifications    int
	PatentCitations    int // patents cited by this one (backward)
	NonPatentCitations int // non-patent literature cited
	Claims             int
	SimilarDocs        int // similar documents published before filing
	Inventors          int
	PaymentTimes       int
}

// renewalColumns maps the CSV header to setters.
var renewalColumns = map[string]func(*RenewalRecord, int){
	"publication_year":        func(r *RenewalRecord, v int) { r.PublicationYear = v },
	"num_applications":        func(r *RenewalRecord, v int) { r.Classifications = v },
	"num_patent_citations":    func(r *RenewalRecord, v int) { r.PatentCitations = v },
	"num_nonpatent_citations": func(r *RenewalRecord, v int) { r.NonPatentCitations = v },
	"num_claims":              func(r *RenewalRecord, v int) { r.Claims = v },
	"num_similar_doc":         func(r *RenewalRecord, v int) { r.SimilarDocs = v },
	"num_authors":             func(r *RenewalRecord, v int) { r.Inventors = v },
	"payment_times":           func(r *RenewalRecord, v int) { r.PaymentTimes = v },
}

var cpcSections = []string{"B", "C", "D", "E", "F", "G", "H"}

// ReadRenewalCSV reads the renewal data set (columns id, publication_year,
// B…H, num_applications, num_patent_citations, num_nonpatent_citations,
// num_claims, num_similar_doc, num_authors, payment_times), finding columns by
// header name.
func ReadRenewalCSV(r io.Reader) ([]RenewalRecord, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read renewal header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, name := range append([]string{"id"}, keys(renewalColumns)...) {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("renewal CSV: missing column %q", name)
		}
	}
	var out []RenewalRecord
	for line := 2; ; line++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("renewal CSV line %d: %w", line, err)
		}
		rec := RenewalRecord{ID: row[col["id"]]}
		for name, set := range renewalColumns {
			v, err := strconv.Atoi(strings.TrimSpace(row[col[name]]))
			if err != nil {
				return nil, fmt.Errorf("renewal CSV line %d, column %s: %w", line, name, err)
			}
			set(&rec, v)
		}
		for _, s := range cpcSections {
			if i, ok := col[s]; ok && strings.TrimSpace(row[i]) == "1" {
				rec.Sections = append(rec.Sections, s)
			}
		}
		out = append(out, rec)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// RenewalFacts maps a renewal record onto indicator facts: a granted,
// examined patent whose counts feed claims (L21), prior-art grounding (T12),
// science linkage (T32), novelty (T11, fewer similar earlier documents is
// better), inventor team (T51) and breadth of application (E12). Everything
// else (TRL, remaining term, market) is unknown and scores neutral. The
// mapping is fixed; nothing here looks at payment_times.
func RenewalFacts(rec RenewalRecord) Facts {
	item := IPItem{
		Type: "invention_patent", Status: "granted",
		Claims: &rec.Claims, BackwardCitations: &rec.PatentCitations, NonPatentCitations: &rec.NonPatentCitations,
		ClassificationCount: &rec.Classifications, SimilarPriorDocs: &rec.SimilarDocs, Inventors: &rec.Inventors,
	}
	return Facts{IPItems: []IPItem{item}}
}

// IndicatorDiagnostic is the rank correlation of one indicator with renewal
// depth: a diagnostic printed after the fact, never an input to the weights.
type IndicatorDiagnostic struct {
	ID       string       `json:"id"`
	Label    domain.Label `json:"label"`
	Weight   float64      `json:"weight"`
	Spearman float64      `json:"spearman"`
}

// BacktestResult measures the indicator score against renewal depth.
type BacktestResult struct {
	N        int    `json:"n"`
	Scenario string `json:"scenario"`
	// Spearman is the rank correlation of the score with payment_times.
	Spearman float64 `json:"spearman"`
	// AUCLapsed is the AUC for "lapsed at the first window" (no fee paid),
	// oriented so that 0.5 is chance and 1 means every lapsed patent scored
	// below every renewed one.
	AUCLapsed float64 `json:"auc_lapsed"`
	// AUCFullTerm is the AUC of the score for "renewed to full term" (all
	// three fees paid).
	AUCFullTerm  float64               `json:"auc_full_term"`
	Lapsed       int                   `json:"lapsed"`
	FullTerm     int                   `json:"full_term"`
	MeanByDepth  []float64             `json:"mean_score_by_payments"`
	Diagnostics  []IndicatorDiagnostic `json:"diagnostics"`
	EvidenceMean float64               `json:"evidence"`
}

// fullTermPayments is the number of US maintenance fees (3.5, 7.5 and 11.5
// years) that keeps a patent to full term.
const fullTermPayments = 3

// BacktestRenewal scores every record in a scenario and measures the score
// against renewal depth.
func BacktestRenewal(tree *Tree, scenario string, recs []RenewalRecord) (BacktestResult, error) {
	if len(recs) == 0 {
		return BacktestResult{}, fmt.Errorf("back-test: no records")
	}
	leaves := tree.Leaves()
	scores := make([]float64, len(recs))
	depth := make([]float64, len(recs))
	renewed := make([]bool, len(recs))
	full := make([]bool, len(recs))
	perLeaf := make([][]float64, len(leaves))
	for i := range perLeaf {
		perLeaf[i] = make([]float64, len(recs))
	}
	res := BacktestResult{N: len(recs), Scenario: scenario}
	maxDepth := 0
	for i, rec := range recs {
		s, err := tree.Score(scenario, IndicatorValues(RenewalFacts(rec)))
		if err != nil {
			return BacktestResult{}, fmt.Errorf("back-test record %s: %w", rec.ID, err)
		}
		scores[i] = s.Total
		res.EvidenceMean += s.Evidence / float64(len(recs))
		for j, leaf := range leaves {
			n, _ := s.Node(leaf.ID)
			perLeaf[j][i] = n.Score
		}
		depth[i] = float64(rec.PaymentTimes)
		renewed[i] = rec.PaymentTimes > 0
		full[i] = rec.PaymentTimes >= fullTermPayments
		if !renewed[i] {
			res.Lapsed++
		}
		if full[i] {
			res.FullTerm++
		}
		maxDepth = max(maxDepth, rec.PaymentTimes)
	}
	res.Spearman = Spearman(scores, depth)
	res.AUCLapsed = AUC(scores, renewed)
	res.AUCFullTerm = AUC(scores, full)

	sums := make([]float64, maxDepth+1)
	counts := make([]float64, maxDepth+1)
	for i, rec := range recs {
		sums[rec.PaymentTimes] += scores[i]
		counts[rec.PaymentTimes]++
	}
	res.MeanByDepth = make([]float64, maxDepth+1)
	for d := range sums {
		if counts[d] > 0 {
			res.MeanByDepth[d] = sums[d] / counts[d]
		}
	}
	for j, leaf := range leaves {
		rho := Spearman(perLeaf[j], depth)
		if rho != rho { // NaN: the indicator is constant (unknown) in this data
			continue
		}
		res.Diagnostics = append(res.Diagnostics, IndicatorDiagnostic{ID: leaf.ID, Label: leaf.Label,
			Weight: tree.GlobalWeight(leaf.ID, scenario), Spearman: rho})
	}
	return res, nil
}
