// Package search is the listing search and matching engine: an in-memory
// inverted index over analysed listing text with BM25-class scoring, exact
// dynamic pruning (MaxScore), structured compatibility factors, cross-language
// expansion, relevance-feedback hooks, and persistence to a data directory
// (snapshot plus append log). Writes are searchable as soon as Upsert returns.
package search

import (
	"strconv"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// Doc is one listing as the engine sees it.
type Doc struct {
	ID       string   `json:"id"`
	Kind     string   `json:"kind,omitempty"` // domain.ListingKinds: "achievement" or "need"
	Title    string   `json:"title,omitempty"`
	Body     string   `json:"body,omitempty"`
	Features Features `json:"features"`
}

// Features are the structured facts compared between a need and a technology.
// Zero values mean unknown and score neither for nor against.
type Features struct {
	Fields        []string `json:"fields,omitempty"`         // domain.TechFields codes
	IPC           []string `json:"ipc,omitempty"`            // IPC symbols, e.g. "H01M10/052"
	TRL           int      `json:"trl,omitempty"`            // offered (achievement) or required (need), 1–9
	TransferModes []string `json:"transfer_modes,omitempty"` // domain.TransferModes codes
	PriceFen      int64    `json:"price_fen,omitempty"`      // asking price of an achievement
	BudgetMinFen  int64    `json:"budget_min_fen,omitempty"` // budget range of a need
	BudgetMaxFen  int64    `json:"budget_max_fen,omitempty"`
	Region        string   `json:"region,omitempty"` // 6-digit administrative division code
}

// maxDocIDLen bounds ids so a snapshot record stays small.
const maxDocIDLen = 200

// Validate reports every field at fault as one apperr Invalid error.
func (d Doc) Validate() error {
	var l apperr.FieldList
	if d.ID == "" || len(d.ID) > maxDocIDLen {
		l.Add("id", "invalid", "id must be 1–200 bytes", "标识须为1至200字节")
	}
	if d.Kind != "" && !domain.ListingKinds.Has(d.Kind) {
		l.Add("kind", "unknown_code", "kind must be achievement or need", "类型须为科技成果或技术需求")
	}
	if strings.TrimSpace(d.Title) == "" && strings.TrimSpace(d.Body) == "" {
		l.Add("title", "required", "title or body is required", "标题和正文不能都为空")
	}
	d.Features.validate(&l, "features.")
	return l.Err("search.Upsert")
}

func (f Features) validate(l *apperr.FieldList, prefix string) {
	for i, c := range f.Fields {
		if !domain.TechFields.Has(c) {
			l.Add(prefix+"fields["+strconv.Itoa(i)+"]", "unknown_code", "unknown technology field "+c, "未知技术领域 "+c)
		}
	}
	for i, c := range f.TransferModes {
		if !domain.TransferModes.Has(c) {
			l.Add(prefix+"transfer_modes["+strconv.Itoa(i)+"]", "unknown_code", "unknown transfer mode "+c, "未知转化方式 "+c)
		}
	}
	for i, c := range f.IPC {
		if len(normaliseIPC(c)) < 4 {
			l.Add(prefix+"ipc["+strconv.Itoa(i)+"]", "invalid", "IPC symbol needs at least a subclass such as H01M", "IPC分类号至少需到小类，如H01M")
		}
	}
	if f.TRL < 0 || f.TRL > 9 {
		l.Add(prefix+"trl", "out_of_range", "TRL must be 1–9 (0 for unknown)", "技术成熟度须为1至9（0表示未知）")
	}
	if f.PriceFen < 0 {
		l.Add(prefix+"price_fen", "out_of_range", "price must not be negative", "价格不能为负")
	}
	if f.BudgetMinFen < 0 || f.BudgetMaxFen < 0 || (f.BudgetMaxFen > 0 && f.BudgetMinFen > f.BudgetMaxFen) {
		l.Add(prefix+"budget_max_fen", "out_of_range", "budget range must be non-negative with min ≤ max", "预算范围须非负且下限不高于上限")
	}
	if f.Region != "" {
		if err := domain.ValidateRegion(f.Region); err != nil {
			l.Add(prefix+"region", "invalid", "unknown region code "+f.Region, "未知行政区划代码 "+f.Region)
		}
	}
}

// normaliseIPC upper-cases an IPC symbol and drops spaces: "h01m 10/052" →
// "H01M10/052".
func normaliseIPC(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == ' ' {
			continue
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
