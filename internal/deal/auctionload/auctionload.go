// Package auctionload is the concurrent-bidding load test of the deal
// service: many bidders bid on one English auction at once through
// deal.Service.PlaceBid, exactly as the API would call it. It measures accepted
// bids per second and latency, and proves that no bid was lost or duplicated:
// every acceptance a bidder received is stored with the same sequence number
// and amount, nothing else is stored, and a sequential replay of the stored
// bids reproduces the final state (price, leader, count, close time and
// anti-sniping extensions). Tests run it small; `techmarket bench auction`
// runs it at full size on SQLite or PostgreSQL.
package auctionload

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/notify"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Config sizes a run.
type Config struct {
	Bidders  int   // concurrent bidders, each its own organisation and goroutine
	Attempts int   // bids attempted in total, spread evenly over the bidders
	Seed     int64 // makes each bidder's choice of raise reproducible
	// SerialBids, after the race, has two bidders outbid each other one bid at
	// a time: every bid is accepted, which measures the uncontended path.
	SerialBids int
}

// Report is what a run measured and verified.
type Report struct {
	Engine         string         `json:"engine"`
	Bidders        int            `json:"bidders"`
	Attempts       int            `json:"attempts"`
	Accepted       int            `json:"accepted"` // in the race; the serial bids come on top
	Refused        map[string]int `json:"refused"`  // by reason code
	Errors         int            `json:"errors"`   // failures that were not refusals
	FirstError     string         `json:"first_error,omitempty"`
	Seconds        float64        `json:"seconds"`
	AcceptedPerSec float64        `json:"accepted_per_sec"`
	AttemptsPerSec float64        `json:"attempts_per_sec"`
	P50Ms          float64        `json:"p50_ms"` // every attempt, accepted or refused
	P99Ms          float64        `json:"p99_ms"`
	MaxMs          float64        `json:"max_ms"`
	AcceptedP50Ms  float64        `json:"accepted_p50_ms"` // accepted bids only: they wait for the sale's lock
	AcceptedP99Ms  float64        `json:"accepted_p99_ms"`
	// The uncontended phase (Config.SerialBids).
	SerialBids           int        `json:"serial_bids,omitempty"`
	SerialAcceptedPerSec float64    `json:"serial_accepted_per_sec,omitempty"`
	SerialP50Ms          float64    `json:"serial_p50_ms,omitempty"`
	SerialP99Ms          float64    `json:"serial_p99_ms,omitempty"`
	FinalPriceFen        domain.Fen `json:"final_price_fen"`
	Extensions           int        `json:"extensions"`
	// ClientsAgree: the set of acceptances the bidders received equals the
	// stored bids (same sequence numbers, bidders and amounts).
	ClientsAgree bool `json:"clients_agree"`
	// ReplayEqual: replaying the stored bids one by one reproduces the stored state.
	ReplayEqual bool   `json:"replay_equal"`
	Mismatch    string `json:"mismatch,omitempty"`
	// WinnerAgreed: after the close the last bidder's deal is agreed at the final price.
	WinnerAgreed bool   `json:"winner_agreed"`
	SaleID       string `json:"sale_id"`
}

// OK reports whether the run proved correctness.
func (r Report) OK() bool {
	return r.Errors == 0 && r.ClientsAgree && r.ReplayEqual && r.WinnerAgreed && r.Accepted > 0
}

// offset is added to the real clock: bidding starts nine minutes into a ten
// minute auction, inside the platform's two-minute anti-sniping window, so that
// every accepted bid moves the close time and the replay must reproduce each move.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) set(d time.Duration) {
	c.mu.Lock()
	c.offset = d
	c.mu.Unlock()
}

// Run builds a fresh market in db (one seller, one published listing, cfg.Bidders
// buyer organisations with NDAs and registrations, one English auction on the
// platform venue) and lets the bidders loose on it. db should be a scratch
// database: the run leaves its data behind.
func Run(ctx context.Context, db *store.DB, cfg Config) (Report, error) {
	if cfg.Bidders < 1 || cfg.Attempts < cfg.Bidders {
		return Report{}, fmt.Errorf("need at least one bidder and one attempt per bidder")
	}
	rep := Report{Engine: db.Dialect().String(), Bidders: cfg.Bidders, Attempts: cfg.Attempts, Refused: map[string]int{}}
	clk := &clock{}
	ids := identity.New(db)
	notes := notify.New(db)
	listings := listing.New(db, notes)
	svc := deal.New(db, listings, notes)
	svc.SetClock(clk.now)
	if err := svc.EnsureSeed(ctx); err != nil {
		return rep, err
	}
	sale, bidders, err := setup(ctx, ids, listings, svc, cfg.Bidders)
	if err != nil {
		return rep, fmt.Errorf("set up the market: %w", err)
	}
	rep.SaleID = sale.ID
	clk.set(sale.EndsAt.Sub(time.Now()) - time.Minute)

	results, elapsed := bid(ctx, svc, sale, bidders, cfg)
	rep.tally(results, elapsed)
	if cfg.SerialBids > 0 && len(bidders) > 1 {
		serial, err := alternate(ctx, svc, sale, bidders[:2], cfg.SerialBids)
		if err != nil {
			return rep, fmt.Errorf("serial phase: %w", err)
		}
		rep.tallySerial(serial)
		results = append(results, serial...)
	}
	if err := rep.verify(ctx, svc, sale.ID, results); err != nil {
		return rep, err
	}
	// Close at the stored close time, as the clock job would.
	view, err := svc.GetSale(ctx, domain.SystemActor("bench"), sale.ID)
	if err != nil {
		return rep, err
	}
	clk.set(view.EndsAt.Sub(time.Now()) + time.Second)
	closed, err := svc.CloseSale(ctx, domain.SystemActor("bench"), sale.ID)
	if err != nil {
		return rep, fmt.Errorf("close the auction: %w", err)
	}
	if closed.Outcome == deal.OutcomeSold && closed.WinnerOrgID == view.LeaderOrgID {
		for _, b := range bidders {
			if b.org != closed.WinnerOrgID {
				continue
			}
			room, err := svc.Get(ctx, domain.SystemActor("bench"), b.dealID)
			if err != nil {
				return rep, err
			}
			rep.WinnerAgreed = room.Deal.State == deal.StateAgreed && room.Deal.AgreedTerms != nil &&
				room.Deal.AgreedTerms.PriceFen == *closed.WinningBidFen && *closed.WinningBidFen == rep.FinalPriceFen
		}
	}
	return rep, nil
}

type bidder struct {
	actor  domain.Actor
	org    string
	dealID string
}

func setup(ctx context.Context, ids *identity.Service, listings *listing.Service, svc *deal.Service, n int) (deal.Sale, []bidder, error) {
	sys := domain.SystemActor("bench")
	run := domain.NewID()[24:] // keeps e-mails and names unique when a database is reused
	seller, err := ids.CreateOrg(ctx, sys, identity.OrgInput{NameZh: "压测大学 " + run, Type: "university", RegionCode: "110108"})
	if err != nil {
		return deal.Sale{}, nil, err
	}
	if _, err := ids.CreateUser(ctx, sys, identity.UserInput{Email: "seller-" + run + "@bench.invalid", Name: "bench seller",
		Password: "bench-password-1", Roles: []domain.OrgRole{{OrgID: seller.ID, Role: domain.RoleSeller}}}); err != nil {
		return deal.Sale{}, nil, err
	}
	price := int64(100_000_000) // 100万元
	l, err := listings.Create(ctx, sys, seller.ID, listing.Input{Kind: listing.KindAchievement, TitleZh: "压测专利包 " + run,
		SummaryZh: "用于并发竞价压测的专利包。", DetailZh: "机密详情", Field: "EI", TRL: 5, TRLEvidence: "样机测试报告",
		IPItems:       []listing.IPItem{{Type: "invention_patent", Number: "ZL202310000001.1", Status: "granted"}},
		TransferModes: []string{"transfer"}, PriceType: "floor", PriceFen: &price, RegionCode: "110108"}, true)
	if err != nil {
		return deal.Sale{}, nil, err
	}
	if _, err := listings.Review(ctx, sys, l.ID, true, ""); err != nil {
		return deal.Sale{}, nil, err
	}
	nda, err := svc.CurrentNDA(ctx)
	if err != nil {
		return deal.Sale{}, nil, err
	}
	bidders := make([]bidder, n)
	for i := range bidders {
		org, err := ids.CreateOrg(ctx, sys, identity.OrgInput{NameZh: fmt.Sprintf("竞买企业 %s-%03d", run, i), Type: "enterprise", RegionCode: "310104"})
		if err != nil {
			return deal.Sale{}, nil, err
		}
		// Bidders act as signed-in users would: an actor with the buyer role. They
		// need no account rows; deal records carry the user id as text.
		a := domain.Actor{UserID: domain.NewID(), Name: fmt.Sprintf("bidder %d", i), Roles: []domain.OrgRole{{OrgID: org.ID, Role: domain.RoleBuyer}}}
		d, err := svc.ExpressInterest(ctx, a, deal.InterestInput{ListingID: l.ID})
		if err != nil {
			return deal.Sale{}, nil, err
		}
		if _, err := svc.AcceptNDA(ctx, a, d.ID, nda.Version); err != nil {
			return deal.Sale{}, nil, err
		}
		bidders[i] = bidder{actor: a, org: org.ID, dealID: d.ID}
	}
	end := time.Now().Add(11 * time.Minute) // the platform's shortest auction is ten minutes
	sale, err := svc.OpenSale(ctx, sys, deal.SaleInput{ListingID: l.ID, Venue: rules.DefaultVenue, Method: rules.English,
		StartPriceFen: domain.Fen(price), EndsAt: &end})
	if err != nil {
		return deal.Sale{}, nil, err
	}
	for _, b := range bidders {
		if _, err := svc.RegisterBidder(ctx, b.actor, sale.ID, b.org); err != nil {
			return deal.Sale{}, nil, err
		}
	}
	return sale, bidders, nil
}

type outcome struct {
	bidder   int
	latency  time.Duration
	accepted *deal.Bid
	code     string
	err      error
}

// bid runs the bidders. Each watches the live price as a bidding client does
// (GetSale, not timed), waits briefly while it holds the lead, then bids the
// minimum plus zero to two extra increments. Only PlaceBid is timed.
func bid(ctx context.Context, svc *deal.Service, sale deal.Sale, bidders []bidder, cfg Config) ([]outcome, time.Duration) {
	per := make([]int, len(bidders))
	for i := range cfg.Attempts {
		per[i%len(bidders)]++
	}
	out := make([][]outcome, len(bidders))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, b := range bidders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(i)))
			<-start
			for k := range per[i] {
				minNext, err := watch(ctx, svc, b.actor, sale.ID)
				if err != nil {
					out[i] = append(out[i], outcome{bidder: i, err: err})
					continue
				}
				amount := minNext + domain.Fen(rng.IntN(3))*sale.IncrementFen
				t0 := time.Now()
				res, err := svc.PlaceBid(ctx, b.actor, sale.ID, deal.BidInput{OrgID: b.org, AmountFen: amount, ClientRef: fmt.Sprintf("b%d-%d", i, k)})
				o := outcome{bidder: i, latency: time.Since(t0)}
				if err == nil {
					o.accepted = &res
				} else if r, refused := deal.ReasonOf(err); refused {
					o.code = r.Code
				} else {
					o.err = err
				}
				out[i] = append(out[i], o)
			}
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	elapsed := time.Since(t0)
	var all []outcome
	for _, o := range out {
		all = append(all, o...)
	}
	return all, elapsed
}

// alternate has two bidders outbid each other at the minimum, one bid at a
// time, so that every bid is accepted.
func alternate(ctx context.Context, svc *deal.Service, sale deal.Sale, pair []bidder, n int) ([]outcome, error) {
	view, err := svc.GetSale(ctx, pair[0].actor, sale.ID)
	if err != nil {
		return nil, err
	}
	turn := 0
	if view.YouLead {
		turn = 1
	}
	minNext := view.MinNextFen
	out := make([]outcome, 0, n)
	for k := range n {
		b := pair[turn]
		t0 := time.Now()
		res, err := svc.PlaceBid(ctx, b.actor, sale.ID, deal.BidInput{OrgID: b.org, AmountFen: minNext, ClientRef: fmt.Sprintf("serial-%d", k)})
		if err != nil {
			return out, err
		}
		out = append(out, outcome{bidder: turn, latency: time.Since(t0), accepted: &res})
		minNext, turn = res.MinNextFen, 1-turn
	}
	return out, nil
}

func (r *Report) tallySerial(results []outcome) {
	var lat []time.Duration
	var total time.Duration
	for _, o := range results {
		lat = append(lat, o.latency)
		total += o.latency
	}
	r.SerialBids = len(results)
	r.SerialP50Ms, r.SerialP99Ms = percentile(lat, 0.50), percentile(lat, 0.99)
	if total > 0 {
		r.SerialAcceptedPerSec = float64(len(results)) / total.Seconds()
	}
}

// watch reads the live price until the bidder is not leading (at most a few
// milliseconds) and returns the minimum next bid.
func watch(ctx context.Context, svc *deal.Service, a domain.Actor, saleID string) (domain.Fen, error) {
	for range 20 {
		v, err := svc.GetSale(ctx, a, saleID)
		if err != nil || !v.YouLead {
			return v.MinNextFen, err
		}
		time.Sleep(time.Millisecond)
	}
	v, err := svc.GetSale(ctx, a, saleID)
	return v.MinNextFen, err
}

func (r *Report) tally(results []outcome, elapsed time.Duration) {
	r.Seconds = elapsed.Seconds()
	var all, accepted []time.Duration
	for _, o := range results {
		all = append(all, o.latency)
		switch {
		case o.accepted != nil:
			r.Accepted++
			accepted = append(accepted, o.latency)
		case o.err != nil:
			r.Errors++
			if r.FirstError == "" {
				r.FirstError = o.err.Error()
			}
		default:
			r.Refused[o.code]++
		}
	}
	r.P50Ms, r.P99Ms, r.MaxMs = percentile(all, 0.50), percentile(all, 0.99), percentile(all, 1)
	r.AcceptedP50Ms, r.AcceptedP99Ms = percentile(accepted, 0.50), percentile(accepted, 0.99)
	if r.Seconds > 0 {
		r.AcceptedPerSec = float64(r.Accepted) / r.Seconds
		r.AttemptsPerSec = float64(len(all)) / r.Seconds
	}
}

// percentile is the nearest-rank percentile p (0–1) in milliseconds.
func percentile(d []time.Duration, p float64) float64 {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(math.Ceil(p*float64(len(s)))) - 1
	i = max(0, min(i, len(s)-1))
	return float64(s[i].Microseconds()) / 1000
}

// verify checks the acceptances the bidders saw against the stored bids and
// replays the stored bids.
func (r *Report) verify(ctx context.Context, svc *deal.Service, saleID string, results []outcome) error {
	stored, err := svc.Bids(ctx, domain.SystemActor("bench"), saleID)
	if err != nil {
		return err
	}
	var seen []deal.Bid
	for _, o := range results {
		if o.accepted != nil {
			seen = append(seen, *o.accepted)
		}
	}
	sort.Slice(seen, func(i, j int) bool { return seen[i].Seq < seen[j].Seq })
	r.ClientsAgree = len(seen) == len(stored)
	for i := 0; r.ClientsAgree && i < len(seen); i++ {
		s, c := stored[i], seen[i]
		if s.Seq != int64(i+1) || c.Seq != s.Seq || c.OrgID != s.OrgID || c.AmountFen != s.AmountFen || !c.PlacedAt.Equal(s.PlacedAt) {
			r.ClientsAgree = false
			r.Mismatch = fmt.Sprintf("bid %d: client saw seq %d %s %d, stored seq %d %s %d", i+1, c.Seq, c.OrgID, c.AmountFen, s.Seq, s.OrgID, s.AmountFen)
		}
	}
	if !r.ClientsAgree && r.Mismatch == "" {
		r.Mismatch = fmt.Sprintf("bidders saw %d acceptances, %d bids are stored", len(seen), len(stored))
	}
	rp, err := svc.VerifyReplay(ctx, saleID)
	if err != nil {
		return err
	}
	r.ReplayEqual = rp.Equal && rp.Bids == len(stored)
	if !rp.Equal && r.Mismatch == "" {
		r.Mismatch = "replay: " + rp.Difference
	}
	r.FinalPriceFen, r.Extensions = rp.Stored.Price, rp.Stored.Extensions
	return nil
}
