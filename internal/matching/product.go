package matching

import (
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/notify"
	"github.com/techmarket-org/techmarket/internal/search"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/textproc"
)

// What users touch of matching: matches for a listing or a saved need with the
// reasons, relevance feedback that changes later rankings, saved needs and the
// alerts they raise. The engine keeps no per-user state; judgments, saved
// needs and alerts live in the database (migration 0007_matching) and are passed to the
// engine with each query.

// product holds what the user-facing part needs beyond the engine. It is set
// by Wire; without it only the search box works.
type product struct {
	db       *store.DB
	notifier *notify.Service
	webhooks *http.Client

	queueMu sync.Mutex
	queue   []string      // listing ids waiting for alert evaluation
	busy    bool          // an evaluation is running
	wake    chan struct{} // capacity 1: "the queue is not empty"
	stop    chan struct{}
	done    chan struct{}
	closing sync.Once

	// retryDelays are the pauses between webhook attempts.
	retryDelays []time.Duration
}

// Wire connects the service to the database and the notifications, and
// starts the alert worker. Close stops it.
func (s *Service) Wire(db *store.DB, n *notify.Service) {
	p := &product{
		db: db, notifier: n,
		webhooks:    publicOnlyClient(os.Getenv("TECHMARKET_WEBHOOK_ALLOW_PRIVATE") == "1"),
		wake:        make(chan struct{}, 1),
		stop:        make(chan struct{}),
		done:        make(chan struct{}),
		retryDelays: []time.Duration{500 * time.Millisecond, 2 * time.Second},
	}
	s.mu.Lock()
	s.prod = p
	s.mu.Unlock()
	go s.alertWorker(p)
}

// SetWebhookClient replaces the HTTP client webhooks are sent with (tests use
// short timeouts and no retry pauses).
func (s *Service) SetWebhookClient(c *http.Client, retryDelays ...time.Duration) {
	s.prod.webhooks = c
	s.prod.retryDelays = retryDelays
}

// Close stops the alert worker after the evaluation in progress; listings
// still queued are evaluated again by the next start's catch-up (see
// CatchUp), and the unique key keeps that from notifying twice.
// It then saves the listing index, if it is kept on disk (persist.go).
func (s *Service) Close() error {
	s.stopFollowing()
	if p := s.prod; p != nil {
		p.closing.Do(func() { close(p.stop) })
		<-p.done
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != ready {
		return nil
	}
	return s.closeIndex()
}

// analyzer is the engine's analyzer, shared by every Service of the process
// (tests build many) and used again to highlight matched words.
var analyzer = sync.OnceValues(func() (*textproc.Analyzer, error) {
	return textproc.New(textproc.Options{Bigrams: true})
})

// ListingSummary is what matching shows of a listing: its public fields only.
// It has no field for the confidential detail, so no view built from it can
// carry it.
type ListingSummary struct {
	ID            string     `json:"id"`
	Kind          string     `json:"kind"`
	Status        string     `json:"status"`
	OwnerOrgID    string     `json:"owner_org_id"`
	OwnerName     string     `json:"owner_name"`
	OwnerNameEn   string     `json:"owner_name_en,omitempty"`
	TitleZh       string     `json:"title_zh"`
	TitleEn       string     `json:"title_en"`
	SummaryZh     string     `json:"summary_zh"`
	SummaryEn     string     `json:"summary_en"`
	Field         string     `json:"field"`
	IPCCodes      []string   `json:"ipc_codes"`
	TRL           int        `json:"trl,omitempty"`
	RequiredTRL   *int       `json:"required_trl,omitempty"`
	TransferModes []string   `json:"transfer_modes"`
	PriceType     string     `json:"price_type,omitempty"`
	PriceFen      *int64     `json:"price_fen,omitempty"`
	BudgetMinFen  *int64     `json:"budget_min_fen,omitempty"`
	BudgetMaxFen  *int64     `json:"budget_max_fen,omitempty"`
	RegionCode    string     `json:"region_code"`
	PublishedAt   *time.Time `json:"published_at,omitempty"`
}

func summaryOf(l listing.Listing) ListingSummary {
	s := ListingSummary{
		ID: l.ID, Kind: l.Kind, Status: l.Status, OwnerOrgID: l.OwnerOrgID, OwnerName: l.OwnerName, OwnerNameEn: l.OwnerNameEn,
		TitleZh: l.TitleZh, TitleEn: l.TitleEn, SummaryZh: l.SummaryZh, SummaryEn: l.SummaryEn,
		Field: l.Field, IPCCodes: l.IPCCodes, TransferModes: l.TransferModes, RegionCode: l.RegionCode, PublishedAt: l.PublishedAt,
	}
	if s.IPCCodes == nil {
		s.IPCCodes = []string{}
	}
	if s.TransferModes == nil {
		s.TransferModes = []string{}
	}
	if l.Kind == listing.KindNeed {
		s.RequiredTRL, s.BudgetMinFen, s.BudgetMaxFen = l.RequiredTRL, l.BudgetMinFen, l.BudgetMaxFen
	} else {
		s.TRL, s.PriceType, s.PriceFen = l.TRL, l.PriceType, l.PriceFen
	}
	return s
}

// Title returns the title in a language, falling back to the other one.
func (l ListingSummary) Title(lang string) string { return pick(lang, l.TitleZh, l.TitleEn) }

// Summary returns the public summary in a language, falling back.
func (l ListingSummary) Summary(lang string) string { return pick(lang, l.SummaryZh, l.SummaryEn) }

// Owner returns the owning organisation's name in a language.
func (l ListingSummary) Owner(lang string) string { return pick(lang, l.OwnerName, l.OwnerNameEn) }

func pick(lang, zh, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	if zh == "" {
		return en
	}
	return zh
}

// Reason is a not-relevant reason users choose from. Engine is the engine's
// reason code it feeds (empty: the listing is only demoted).
type Reason struct {
	Code   string       `json:"code"`
	Label  domain.Label `json:"label"`
	Engine string       `json:"-"`
}

// Reasons are the not-relevant reasons, in the order forms show them.
var Reasons = []Reason{
	{"trl_too_low", domain.Label{Zh: "太早期（成熟度不够）", En: "Too early stage (TRL too low)"}, search.ReasonTRLTooLow},
	{"too_expensive", domain.Label{Zh: "价格不合适", En: "Price too high"}, search.ReasonTooExpensive},
	{"benefit_unclear", domain.Label{Zh: "效益不明确", En: "Benefit unclear"}, ""},
	{"ip_weak", domain.Label{Zh: "知识产权不够稳固", En: "IP weak"}, ""},
	{"wrong_field", domain.Label{Zh: "不是我们的领域", En: "Not our field"}, search.ReasonWrongField},
	{"wrong_transfer_mode", domain.Label{Zh: "转化方式不合适", En: "Transfer mode does not suit"}, search.ReasonWrongTransferMode},
	{"wrong_region", domain.Label{Zh: "地域不合适", En: "Wrong region"}, search.ReasonWrongRegion},
	{"already_known", domain.Label{Zh: "已经了解", En: "Already known"}, search.ReasonAlreadyKnown},
	{"off_topic", domain.Label{Zh: "内容不相关", En: "Off topic"}, search.ReasonOffTopic},
}

// ReasonByCode finds a reason; ok is false for unknown codes.
func ReasonByCode(code string) (Reason, bool) {
	for _, r := range Reasons {
		if r.Code == code {
			return r, true
		}
	}
	return Reason{}, false
}

// factorLabels name the engine's factors for people.
var factorLabels = map[string]domain.Label{
	"field":         {Zh: "技术领域", En: "Technology field"},
	"ipc_subclass":  {Zh: "IPC 小类", En: "IPC subclass"},
	"ipc_group":     {Zh: "IPC 主组", En: "IPC main group"},
	"trl":           {Zh: "技术成熟度", En: "Readiness (TRL)"},
	"transfer_mode": {Zh: "转化方式", En: "Transfer mode"},
	"price":         {Zh: "价格与预算", En: "Price and budget"},
	"region":        {Zh: "地域", En: "Region"},
	"feedback":      {Zh: "您的评价", En: "Your feedback"},
}

// factorDetail says in both languages what a factor found; positive is the
// sign of its share.
func factorDetail(name string, positive bool, engineDetail string) domain.Label {
	pos := map[string]domain.Label{
		"field":         {Zh: "技术领域相同", En: "shares a technology field"},
		"ipc_subclass":  {Zh: "IPC 小类相同", En: "same IPC subclass"},
		"ipc_group":     {Zh: "IPC 主组相同", En: "same IPC main group"},
		"trl":           {Zh: "成熟度满足要求", En: "readiness meets the requirement"},
		"transfer_mode": {Zh: "提供所需的转化方式", En: "offers a wanted transfer mode"},
		"price":         {Zh: "价格在预算之内", En: "price within budget"},
		"region":        {Zh: "地域相近", En: "nearby region"},
		"feedback":      {Zh: "您标记为相关", En: "you marked it relevant"},
	}
	neg := map[string]domain.Label{
		"field":         {Zh: "技术领域不同", En: "no technology field in common"},
		"trl":           {Zh: "成熟度低于要求", En: "readiness below the requirement"},
		"transfer_mode": {Zh: "没有共同的转化方式", En: "no transfer mode in common"},
		"price":         {Zh: "价格超出预算", En: "price over budget"},
		"feedback":      {Zh: "您标记为不相关", En: "you marked it not relevant"},
	}
	m := pos
	if !positive {
		m = neg
	}
	if l, ok := m[name]; ok {
		if engineDetail != "" && (name == "trl" || name == "price" || name == "region") {
			l.En = engineDetail // the engine's text carries the numbers
		}
		return l
	}
	return domain.Label{Zh: engineDetail, En: engineDetail}
}

// system is the actor of the alert worker.
var system = domain.SystemActor("matching")
