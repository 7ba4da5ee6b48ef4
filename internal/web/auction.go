package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/reqctx"
)

// Live auctions and fixed-price listings (issue 4). The page is rendered on the
// server and then kept current by server-sent events (/auctions/{id}/events),
// falling back to polling /auctions/{id}/state when EventSource fails. What a
// viewer may see of a sale (reserve, sealed amounts, bidder identities) is
// redacted by deal.Service.GetSale and Bids; both feeds use the same calls.

func (s *site) auctionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /auctions", s.handle(s.auctionBoard))
	mux.HandleFunc("GET /auctions/{id}", s.handle(s.auctionPage))
	mux.HandleFunc("GET /auctions/{id}/state", s.handle(s.auctionState))
	mux.HandleFunc("GET /auctions/{id}/events", s.handle(s.auctionEvents))
	mux.HandleFunc("POST /auctions/{id}/register", s.handle(s.registerBidder))
	mux.HandleFunc("POST /auctions/{id}/bids", s.handle(s.placeBid))
	mux.HandleFunc("POST /auctions/{id}/deposits", s.handle(s.confirmDeposit))
	// Notifications about a sale link to /sales/{id}.
	mux.HandleFunc("GET /sales/{id}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/auctions/"+r.PathValue("id"), http.StatusMovedPermanently)
	})
}

type auctionBoardPage struct {
	dealText
	State string
	Sales []deal.SaleView
	Title map[string]string // listing titles by listing ID
}

func (s *site) auctionBoard(w http.ResponseWriter, r *http.Request) error {
	actor := reqctx.Actor(r.Context())
	state := r.URL.Query().Get("state")
	switch state {
	case "all":
		state = ""
	case "closed", "cancelled":
	default:
		state = "open"
	}
	sales, err := s.app.Deals.SaleBoard(r.Context(), actor, state)
	if err != nil {
		return err
	}
	p := auctionBoardPage{State: r.URL.Query().Get("state"), Sales: sales, Title: map[string]string{}}
	for _, sv := range sales {
		p.Title[sv.ListingID] = s.listingTitle(r.Context(), reqctx.Lang(r.Context()), sv.ListingID)
	}
	return s.render(w, r, http.StatusOK, "auction_list", p)
}

// listingTitle is a listing's public title; a sale's listing is public while it
// runs, and afterwards its title is still shown on the sale's record.
func (s *site) listingTitle(ctx context.Context, lang, id string) string {
	l, err := s.app.Listings.Get(ctx, domain.SystemActor("web-auction"), id)
	if err != nil {
		return id
	}
	return l.Title(lang)
}

// auctionLive is what the live feed sends and the page script shows.
type auctionLive struct {
	SaleID        string        `json:"sale_id"`
	State         string        `json:"state"`
	StateText     string        `json:"state_text"`
	Outcome       string        `json:"outcome,omitempty"`
	OutcomeText   string        `json:"outcome_text,omitempty"`
	Price         string        `json:"price"`
	MinNext       string        `json:"min_next"`
	MinNextYuan   string        `json:"min_next_yuan"`
	StartsAt      string        `json:"starts_at"`
	EndsAt        string        `json:"ends_at"`
	EndsText      string        `json:"ends_text"`
	OriginalEnds  string        `json:"original_ends_text"`
	Extensions    int           `json:"extensions"`
	ExtensionText string        `json:"extension_text"`
	BidCount      int           `json:"bid_count"`
	LastSeq       int64         `json:"last_seq"`
	Bidders       int           `json:"bidders"`
	YouLead       bool          `json:"you_lead"`
	Reserve       string        `json:"reserve,omitempty"`
	FollowOn      string        `json:"follow_on,omitempty"`
	Bids          []auctionLBid `json:"bids"`
	// Now is the server's clock, so the countdown does not depend on the viewer's.
	Now string `json:"now"`
}

type auctionLBid struct {
	Seq    int64  `json:"seq"`
	Bidder string `json:"bidder"`
	Amount string `json:"amount"`
	At     string `json:"at"`
	Mine   bool   `json:"mine"`
}

// historyShown bounds the bid history on the page and in each event.
const historyShown = 30

func liveOf(lang string, v deal.SaleView, bids []deal.BidView) auctionLive {
	var t dealText
	l := auctionLive{SaleID: v.ID, State: string(v.State), StateText: t.Label(lang, "sale_state", string(v.State)),
		Outcome: v.Outcome, Price: t.Money(lang, v.CurrentPriceFen), MinNext: money(lang, v.MinNextFen), MinNextYuan: t.Yuan(v.MinNextFen),
		StartsAt: t.ISO(v.StartsAt), EndsAt: t.ISO(v.EndsAt), EndsText: t.When(lang, v.EndsAt), OriginalEnds: t.When(lang, v.OriginalEndsAt),
		Extensions: v.Extensions, BidCount: v.BidCount, LastSeq: v.LastSeq, Bidders: v.Bidders, YouLead: v.YouLead,
		FollowOn: v.FollowOnSaleID, Now: time.Now().UTC().Format(time.RFC3339Nano)}
	if v.Outcome != "" {
		l.OutcomeText = tr(lang, "auction.outcome."+v.Outcome)
	}
	if v.CurrentPriceFen == nil {
		l.Price = money(lang, v.StartPriceFen)
	}
	if v.Extensions > 0 {
		l.ExtensionText = tr(lang, "auction.extended", v.Extensions, t.When(lang, v.OriginalEndsAt))
	}
	if v.ReserveMet != nil {
		l.Reserve = tr(lang, "auction.reserve_not_met")
		if *v.ReserveMet {
			l.Reserve = tr(lang, "auction.reserve_met")
		}
	}
	for i := len(bids) - 1; i >= 0 && len(l.Bids) < historyShown; i-- {
		b := bids[i]
		l.Bids = append(l.Bids, auctionLBid{Seq: b.Seq, Bidder: bidderAlias(lang, b.Bidder), Amount: money(lang, b.AmountFen),
			At: t.When(lang, b.PlacedAt), Mine: b.Mine})
	}
	return l
}

// bidderAlias keeps the half of "竞买人 3 / Bidder 3" in the reader's language.
func bidderAlias(lang, alias string) string {
	zh, en, ok := strings.Cut(alias, " / ")
	if !ok {
		return alias
	}
	if lang == "en" {
		return en
	}
	return zh
}

func (s *site) live(ctx context.Context, actor domain.Actor, lang, id string) (auctionLive, deal.SaleView, error) {
	v, err := s.app.Deals.GetSale(ctx, actor, id)
	if err != nil {
		return auctionLive{}, v, err
	}
	bids, err := s.app.Deals.Bids(ctx, actor, id)
	if err != nil {
		return auctionLive{}, v, err
	}
	return liveOf(lang, v, bids), v, nil
}

// auctionPage is the live sale page.
type auctionPage struct {
	dealText
	Sale        deal.SaleView
	Live        auctionLive
	Listing     listing.Listing
	Done        string
	CanBid      bool // registered, signed in as a buyer, the sale open
	CanRegister bool
	BidYuan     string
	ClientRef   string
	BidErrors   formErrors
	RegErrors   formErrors
	Increment   string
	AntiSnipe   string
	// CanConfirm: an operator records a deposit paid outside the ledger, for
	// one of the organisations with a deal room on the listing (DepositOrgs).
	CanConfirm  bool
	DepositOrgs []option
	DepositYuan string
	DepErrors   formErrors
}

func (s *site) auctionPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAuction(w, r, http.StatusOK, func(*auctionPage) {})
}

func (s *site) renderAuction(w http.ResponseWriter, r *http.Request, status int, edit func(*auctionPage)) error {
	ctx, lang, actor := r.Context(), reqctx.Lang(r.Context()), reqctx.Actor(r.Context())
	live, v, err := s.live(ctx, actor, lang, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := auctionPage{Sale: v, Live: live, Done: doneMessage(r), BidYuan: live.MinNextYuan, ClientRef: newClientRef()}
	if p.Listing, err = s.app.Listings.Get(ctx, actor, v.ListingID); err != nil {
		// A withdrawn listing's sale record stays public; show its title only.
		p.Listing = listing.Listing{ID: v.ListingID, Input: listing.Input{TitleZh: s.listingTitle(ctx, "zh", v.ListingID),
			TitleEn: s.listingTitle(ctx, "en", v.ListingID)}}
	}
	open := v.State == deal.SaleOpen
	buyer := !actor.IsAnonymous() && actor.HasRole(domain.RoleBuyer)
	p.CanBid = open && buyer && v.Registered
	p.CanRegister = open && buyer && !v.Registered
	inc := money(lang, v.IncrementFen)
	if v.IncrementBP > 0 {
		inc = tr(lang, "auction.increment_bp", inc, formatBP(int(v.IncrementBP)))
	}
	p.Increment = inc
	if v.AntiSnipingSec > 0 && v.Method == rules.English {
		p.AntiSnipe = tr(lang, "auction.anti_sniping_rule", v.AntiSnipingSec/60, v.ExtensionSec/60)
		if v.MaxExtensions > 0 {
			p.AntiSnipe += tr(lang, "auction.max_extensions", v.MaxExtensions)
		}
	}
	if open && v.DepositFen > 0 && actor.HasRole(domain.RoleOperator) {
		// The service decides whether this operator runs the sale's venue; the
		// form is offered to operators who may see the listing's rooms.
		if rooms, err := s.app.Deals.ForListing(ctx, actor, v.ListingID); err == nil {
			seen := map[string]bool{}
			for _, d := range rooms {
				if d.BuyerOrgID != "" && !seen[d.BuyerOrgID] {
					seen[d.BuyerOrgID] = true
					p.DepositOrgs = append(p.DepositOrgs, option{Value: d.BuyerOrgID, Label: d.BuyerName})
				}
			}
			p.CanConfirm = len(p.DepositOrgs) > 0
			p.DepositYuan = p.Yuan(v.DepositFen)
		}
	}
	edit(&p)
	return s.render(w, r, status, "auction", p)
}

// newClientRef makes each rendered bid form a fresh idempotency key, so that a
// double-clicked or re-sent form bids once.
func newClientRef() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "web-" + hex.EncodeToString(b)
}

func (s *site) registerBidder(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	if _, err := s.app.Deals.RegisterBidder(r.Context(), actor, r.PathValue("id"), r.PostFormValue("org_id")); err != nil {
		if !isUserError(err) {
			return err
		}
		fe := newFormErrors(reqctx.Lang(r.Context()), err, nil)
		return s.renderAuction(w, r, userErrorStatus(err), func(p *auctionPage) { p.RegErrors = fe })
	}
	http.Redirect(w, r, "/auctions/"+r.PathValue("id")+"?done=registered", http.StatusSeeOther)
	return nil
}

// confirmDeposit records a bidder's deposit received outside the ledger (a
// bank transfer to the venue); the venue's operators only, as the service
// decides.
func (s *site) confirmDeposit(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	lang, raw, org := reqctx.Lang(r.Context()), r.PostFormValue("amount_yuan"), r.PostFormValue("org_id")
	fe := formErrors{By: map[string][]string{}}
	amount := parseYuanField(lang, raw, &fe, "deposit_yuan")
	if strings.TrimSpace(raw) == "" {
		fe.add("deposit_yuan", tr(lang, "deal.err.price_required"))
	}
	status := http.StatusUnprocessableEntity
	if !fe.Any() {
		err = s.app.Deals.ConfirmDeposit(r.Context(), actor, r.PathValue("id"), org, amount)
		if err == nil {
			http.Redirect(w, r, "/auctions/"+r.PathValue("id")+"?done=deposit", http.StatusSeeOther)
			return nil
		}
		if !isUserError(err) {
			return err
		}
		status = userErrorStatus(err)
		fe = newFormErrors(lang, err, map[string]string{"amount_fen": "deposit_yuan"})
	}
	return s.renderAuction(w, r, status, func(p *auctionPage) {
		p.DepositYuan, p.DepErrors = raw, fe
		for i := range p.DepositOrgs {
			p.DepositOrgs[i].Selected = p.DepositOrgs[i].Value == org
		}
	})
}

// placeBid bids from the form; a refusal (below the increment, after the close,
// already leading…) is shown beside the amount with the current minimum.
func (s *site) placeBid(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	lang, raw := reqctx.Lang(r.Context()), r.PostFormValue("amount_yuan")
	fe := formErrors{By: map[string][]string{}}
	amount := parseYuanField(lang, raw, &fe, "amount_yuan")
	if strings.TrimSpace(raw) == "" {
		fe.add("amount_yuan", tr(lang, "deal.err.price_required"))
	}
	status := http.StatusUnprocessableEntity
	if !fe.Any() {
		_, err = s.app.Deals.PlaceBid(r.Context(), actor, r.PathValue("id"), deal.BidInput{OrgID: r.PostFormValue("org_id"),
			AmountFen: amount, ClientRef: r.PostFormValue("client_ref")})
		if err == nil {
			http.Redirect(w, r, "/auctions/"+r.PathValue("id")+"?done=bid", http.StatusSeeOther)
			return nil
		}
		if !isUserError(err) {
			return err
		}
		status = userErrorStatus(err)
		fe = newFormErrors(lang, err, map[string]string{"amount_fen": "amount_yuan"})
		// Every refusal of a bid is about the amount or the moment: show it there.
		for _, g := range fe.General {
			fe.add("amount_yuan", g)
		}
		fe.General = nil
	}
	return s.renderAuction(w, r, status, func(p *auctionPage) { p.BidYuan, p.BidErrors = raw, fe })
}

// auctionState is the polling fallback of the live page.
func (s *site) auctionState(w http.ResponseWriter, r *http.Request) error {
	live, _, err := s.live(r.Context(), reqctx.Actor(r.Context()), reqctx.Lang(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(live)
}

// Timing of the event stream: the re-read catches bids placed on other nodes
// (the in-process hub only sees this one) and doubles as a keep-alive; a
// stream ends after streamLife and the browser reconnects by itself, so no
// connection outlives the server's write deadline for long.
var (
	streamReread = 5 * time.Second
	streamLife   = 10 * time.Minute
)

// auctionEvents streams the sale's state as server-sent events: one "state"
// event at once, then one after each committed bid, close or cancellation.
func (s *site) auctionEvents(w http.ResponseWriter, r *http.Request) error {
	ctx, actor, lang, id := r.Context(), reqctx.Actor(r.Context()), reqctx.Lang(r.Context()), r.PathValue("id")
	live, _, err := s.live(ctx, actor, lang, id)
	if err != nil {
		return err
	}
	// Watch before the first write, so that no bid falls between the read above
	// and the subscription unseen: at worst it is sent twice.
	changed, stop := s.app.Deals.WatchSale(id)
	defer stop()
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // a buffering proxy would hold the events back
	w.WriteHeader(http.StatusOK)
	send := func(l auctionLive) error {
		_ = rc.SetWriteDeadline(time.Now().Add(30 * time.Second))
		b, _ := json.Marshal(l) // plain data always marshals
		if _, err := fmt.Fprintf(w, "id: %d\nevent: state\ndata: %s\n\n", l.LastSeq, b); err != nil {
			return err
		}
		return rc.Flush()
	}
	if _, err := fmt.Fprint(w, "retry: 3000\n"); err != nil {
		return nil
	}
	if send(live) != nil {
		return nil // the client went away
	}
	last := live
	reread := time.NewTicker(streamReread)
	defer reread.Stop()
	end := time.NewTimer(streamLife)
	defer end.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-end.C:
			return nil
		case <-changed:
		case <-reread.C:
		}
		cur, _, err := s.live(ctx, actor, lang, id)
		if err != nil {
			if ctx.Err() == nil {
				s.app.Log.Warn("web: auction events", "sale", id, "err", err)
			}
			return nil // the headers are sent; the browser reconnects
		}
		if cur.LastSeq == last.LastSeq && cur.State == last.State && cur.EndsAt == last.EndsAt {
			_ = rc.SetWriteDeadline(time.Now().Add(30 * time.Second))
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
				return nil
			}
			continue
		}
		if send(cur) != nil {
			return nil
		}
		last = cur
	}
}
