package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/reqctx"
)

// Deal rooms (issue 4): one per listing and counterparty. Who may see a room,
// and whether the confidential detail is in it, is decided by deal.Service.Get
// (parties, their mandated brokers and venue operators; the detail only once
// the counterparty accepted the NDA); these handlers only render what it gives.

func (s *site) dealRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /deals", s.handle(s.myDeals))
	mux.HandleFunc("POST /listings/{id}/interest", s.handle(s.expressInterest))
	mux.HandleFunc("GET /deals/{id}", s.handle(s.dealRoom))
	mux.HandleFunc("POST /deals/{id}/nda", s.handle(s.acceptNDA))
	mux.HandleFunc("POST /deals/{id}/messages", s.handle(s.postDealMessage))
	mux.HandleFunc("POST /deals/{id}/offers", s.handle(s.makeOffer))
	mux.HandleFunc("POST /deals/{id}/offers/{offer}/{answer}", s.handle(s.answerOffer))
	mux.HandleFunc("POST /deals/{id}/withdraw", s.handle(s.withdrawDeal))
	mux.HandleFunc("POST /deals/{id}/contract", s.handle(s.draftContract))
	mux.HandleFunc("GET /deals/{id}/contract/{version}", s.handle(s.contractHTML))
	mux.HandleFunc("GET /deals/{id}/contract/{version}/pdf", s.handle(s.contractPDF))
	mux.HandleFunc("POST /deals/{id}/sign", s.handle(s.signContract))
	s.auctionRoutes(mux)   // auction.go
	s.challengeRoutes(mux) // challenge.go
	s.venueRoutes(mux)     // venue.go
	s.openingRoutes(mux)   // auction_new.go
	s.mandateRoutes(mux)   // mandate.go
	s.noticeRoutes(mux)    // deal_notice.go
}

// dealDone are the confirmations a deal page shows after a redirect (?done=).
var dealDone = map[string]bool{"interest": true, "nda": true, "message": true, "offer": true, "accepted": true,
	"rejected": true, "withdrawn": true, "drafted": true, "signed": true, "bid": true, "registered": true,
	"proposal": true, "selected": true, "objection": true, "deposit": true}

func doneMessage(r *http.Request) string {
	if d := r.URL.Query().Get("done"); dealDone[d] {
		return "deal.done." + d
	}
	return ""
}

type myDealsPage struct {
	dealText
	Deals []deal.Deal
}

func (s *site) myDeals(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	ds, err := s.app.Deals.Mine(r.Context(), actor)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "deal_list", myDealsPage{Deals: ds})
}

// expressInterest opens (or returns to) the actor's room on a listing.
func (s *site) expressInterest(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	d, err := s.app.Deals.ExpressInterest(r.Context(), actor, deal.InterestInput{ListingID: r.PathValue("id"),
		Venue: r.PostFormValue("venue"), Message: r.PostFormValue("message")})
	if err != nil {
		if isUserError(err) {
			// The listing page has no place for the reason; the error page says it.
			return apperr.E("web.interest", apperr.KindOf(err), newFormErrors(reqctx.Lang(r.Context()), err, nil).General[0])
		}
		return err
	}
	http.Redirect(w, r, "/deals/"+d.ID+"?done=interest", http.StatusSeeOther)
	return nil
}

// stage is one step of the deal's progress bar.
type stage struct {
	Key           string
	Done, Current bool
}

// dealStages are the steps every deal goes through, in order.
var dealStages = []string{"interest", "nda", "room", "messages", "offers", "agreed", "contract", "concluded"}

func stagesOf(room deal.Room) []stage {
	at := map[deal.State]int{deal.StateInterest: 1, deal.StateRoomOpen: 3, deal.StateNegotiating: 4, deal.StateAgreed: 6,
		deal.StateNotice: 5, deal.StateContracting: 6, deal.StateConcluded: 8}
	cur, ok := at[room.Deal.State]
	if !ok { // withdrawn or lost: show how far it got
		cur = 1
		if room.Deal.NDA != nil {
			cur = 3
		}
		if len(room.Offers) > 0 {
			cur = 4
		}
	}
	if cur == 3 && len(room.Messages) > 0 {
		cur = 4
	}
	out := make([]stage, len(dealStages))
	for i, k := range dealStages {
		out[i] = stage{Key: k, Done: i < cur, Current: i == cur}
	}
	return out
}

// offerForm is the offer form's values as typed.
type offerForm struct {
	PriceYuan, ContractType, SubType, PaymentMode, Exclusivity, Territory string
	TermMonths, RoyaltyPct, EntryFeeYuan, FreeUseMonths, ValidDays, Note  string
}

// offerFormOf fills the offer form from an offer's terms.
func offerFormOf(t deal.OfferTerms) offerForm {
	var x dealText
	f := offerForm{PriceYuan: x.Yuan(t.PriceFen), ContractType: t.ContractType, SubType: t.SubType, PaymentMode: t.PaymentMode,
		Exclusivity: t.Exclusivity, Territory: t.Territory, EntryFeeYuan: x.Yuan(t.EntryFeeFen)}
	if t.TermMonths > 0 {
		f.TermMonths = strconv.Itoa(t.TermMonths)
	}
	if t.FreeUseMonths > 0 {
		f.FreeUseMonths = strconv.Itoa(t.FreeUseMonths)
	}
	if t.RoyaltyBP > 0 {
		f.RoyaltyPct = x.BP(t.RoyaltyBP)
	}
	return f
}

// offerFields maps the service's field names onto the offer form's.
var offerFields = map[string]string{
	"terms.price_fen": "price_yuan", "terms.contract_type": "contract_type", "terms.sub_type": "sub_type",
	"terms.payment_mode": "payment_mode", "terms.exclusivity": "exclusivity", "terms.territory": "territory",
	"terms.term_months": "term_months", "terms.royalty_bp": "royalty_pct", "terms.entry_fee_fen": "entry_fee_yuan",
	"terms.free_use_months": "free_use_months", "terms.note": "note", "valid_days": "valid_days",
}

// dealRoomPage is a deal room as the viewer sees it, with what it may do.
type dealRoomPage struct {
	dealText
	Room    deal.Room
	Stages  []stage
	Done    string
	NDA     *deal.NDA // shown while the counterparty has not accepted it
	Secret  bool      // the confidential detail is in Room.Listing
	IsParty bool      // a member of a side (signs, accepts the NDA)
	CanAct  bool      // a party or a broker (messages, offers, contract)
	CanNDA  bool
	// CanOffer is set when the deal is priced by negotiation and open to offers.
	CanOffer    bool
	Answerable  map[string]bool // offer IDs the viewer may accept or reject
	CanDraft    bool
	CanSign     bool
	CanWithdraw bool
	DocSHA      string
	Signed      map[string]deal.Signature // by side

	Offer         offerForm
	OfferErrors   formErrors
	MessageErrors formErrors
	ContractJSON  string
	ContractErrs  formErrors
	ActionErrors  formErrors // NDA, answers, withdrawal, signing
	ObjectionErrs formErrors // an operator's decision on ObjectionID
	ObjectionID   string
	CanResolve    bool // a venue operator decides open objections

	ContractTypes, PaymentModes, Exclusivities []option
	SubTypes                                   []option

	// ContractForm is the typed contract form (deal_contract.go); the JSON
	// textarea is its advanced alternative.
	ContractForm contractForm
}

func (s *site) dealRoom(w http.ResponseWriter, r *http.Request) error {
	return s.renderRoom(w, r, http.StatusOK, func(*dealRoomPage) {})
}

// renderRoom renders the room; edit fills in what a failed post needs shown.
func (s *site) renderRoom(w http.ResponseWriter, r *http.Request, status int, edit func(*dealRoomPage)) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	ctx, lang := r.Context(), reqctx.Lang(r.Context())
	room, err := s.app.Deals.Get(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := room.Deal
	p := dealRoomPage{Room: room, Stages: stagesOf(room), Done: doneMessage(r), Answerable: map[string]bool{},
		Signed: map[string]deal.Signature{}}
	ownerSide := deal.SideSeller
	if d.ListingKind == listing.KindNeed {
		ownerSide = deal.SideBuyer
	}
	p.IsParty = room.ViewerSide != "operator" && !room.ViaBroker
	p.CanAct = room.ViewerSide != "operator"
	p.Secret = room.Listing.DetailZh != "" || room.Listing.DetailEn != ""
	if d.State == deal.StateInterest {
		nda, err := s.app.Deals.CurrentNDA(ctx)
		if err != nil {
			return err
		}
		p.NDA = &nda
		p.CanNDA = p.IsParty && room.ViewerSide != ownerSide
	}
	p.CanOffer = p.CanAct && d.Method == rules.Agreement && (d.State == deal.StateRoomOpen || d.State == deal.StateNegotiating)
	if p.CanAct && d.State == deal.StateNegotiating {
		for _, o := range room.Offers {
			if o.Status == deal.OfferOpen && o.FromSide != room.ViewerSide {
				p.Answerable[o.ID] = true
			}
		}
	}
	p.CanDraft = p.CanAct && (d.State == deal.StateAgreed || d.State == deal.StateContracting)
	p.CanWithdraw = p.IsParty && !d.State.Terminal()
	p.CanResolve = room.ViewerSide == "operator"
	if room.Contract != nil {
		_, sum, err := s.app.Deals.ContractDocument(ctx, actor, d.ID, room.Contract.Version)
		if err != nil {
			return err
		}
		p.DocSHA = sum
		for _, sg := range room.Contract.Signatures {
			p.Signed[sg.Side] = sg
		}
		_, mine := p.Signed[room.ViewerSide]
		p.CanSign = p.IsParty && d.State == deal.StateContracting && !mine
	}
	if p.CanDraft {
		t := contractSkeleton(room)
		b, _ := json.MarshalIndent(t, "", "  ") // plain data always marshals
		p.ContractJSON, p.ContractForm = string(b), contractFormOf(t)
	}
	if n := len(room.Offers); n > 0 && p.CanOffer {
		// A counter-offer usually changes the price only: start from the last offer's terms.
		p.Offer = offerFormOf(room.Offers[n-1].Terms)
	}
	edit(&p)
	p.ContractForm.options(lang)
	p.ContractTypes = dealOptions(lang, registration.ContractTypes, p.Offer.ContractType, true)
	p.PaymentModes = dealOptions(lang, registration.PaymentModes, p.Offer.PaymentMode, true)
	p.Exclusivities = dealOptions(lang, registration.Exclusivities, p.Offer.Exclusivity, true)
	p.SubTypes = []option{{Value: "", Label: "—", Selected: p.Offer.SubType == ""}}
	for _, t := range registration.ContractTypes {
		for _, st := range registration.SubTypes[t.Code] {
			p.SubTypes = append(p.SubTypes, option{Value: st.Code, Label: t.Label.In(lang) + " · " + st.Label.In(lang),
				Selected: st.Code == p.Offer.SubType})
		}
	}
	return s.render(w, r, status, "deal_room", p)
}

// contractSkeleton starts the contract terms from what was agreed, so that the
// drafter fills in the rest rather than retyping the price and type.
func contractSkeleton(room deal.Room) deal.Terms {
	t := deal.Terms{Title: room.Listing.Title("zh"), Subject: room.Listing.Summary("zh"), Improvements: "improver",
		Confidentiality: deal.Confidentiality{Years: 5}, Dispute: deal.Dispute{Method: "arbitration"}}
	if a := room.Deal.AgreedTerms; a != nil {
		t.ContractType, t.SubType, t.PriceFen = a.ContractType, a.SubType, a.PriceFen
		t.Payment.Mode = a.PaymentMode
		if a.Exclusivity != "" || a.Territory != "" {
			t.Licence = &deal.LicenceScope{Exclusivity: a.Exclusivity, Territory: a.Territory, TermMonths: a.TermMonths}
		}
	}
	if room.Contract != nil {
		t = room.Contract.Terms
	}
	for _, it := range room.Listing.IPItems {
		if room.Contract == nil {
			t.IPItems = append(t.IPItems, deal.IPItem{Type: it.Type, Number: it.Number, Title: it.Title})
		}
	}
	return t
}

// dealStep runs one action on a room and returns to it, or shows the room again
// with the refusal beside the action.
func (s *site) dealStep(w http.ResponseWriter, r *http.Request, done string, act func(domain.Actor) error,
	onErr func(*dealRoomPage, formErrors)) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	if err := act(actor); err != nil {
		if !isUserError(err) {
			return err
		}
		fe := newFormErrors(reqctx.Lang(r.Context()), err, offerFields)
		return s.renderRoom(w, r, userErrorStatus(err), func(p *dealRoomPage) { onErr(p, fe) })
	}
	http.Redirect(w, r, "/deals/"+r.PathValue("id")+"?done="+done, http.StatusSeeOther)
	return nil
}

func actionErr(p *dealRoomPage, fe formErrors) { p.ActionErrors = fe }

func (s *site) acceptNDA(w http.ResponseWriter, r *http.Request) error {
	return s.dealStep(w, r, "nda", func(a domain.Actor) error {
		v, _ := strconv.Atoi(r.PostFormValue("version"))
		_, err := s.app.Deals.AcceptNDA(r.Context(), a, r.PathValue("id"), v)
		return err
	}, actionErr)
}

func (s *site) postDealMessage(w http.ResponseWriter, r *http.Request) error {
	return s.dealStep(w, r, "message", func(a domain.Actor) error {
		_, err := s.app.Deals.PostMessage(r.Context(), a, r.PathValue("id"), r.PostFormValue("body"))
		return err
	}, func(p *dealRoomPage, fe formErrors) { p.MessageErrors = fe })
}

// makeOffer reads the typed offer form; unreadable numbers are named beside
// their fields together with what the service finds wrong.
func (s *site) makeOffer(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	lang := reqctx.Lang(r.Context())
	f := offerForm{PriceYuan: r.PostFormValue("price_yuan"), ContractType: r.PostFormValue("contract_type"),
		SubType: r.PostFormValue("sub_type"), PaymentMode: r.PostFormValue("payment_mode"), Exclusivity: r.PostFormValue("exclusivity"),
		Territory: r.PostFormValue("territory"), TermMonths: r.PostFormValue("term_months"), RoyaltyPct: r.PostFormValue("royalty_pct"),
		EntryFeeYuan: r.PostFormValue("entry_fee_yuan"), FreeUseMonths: r.PostFormValue("free_use_months"),
		ValidDays: r.PostFormValue("valid_days"), Note: r.PostFormValue("note")}
	fe := formErrors{By: map[string][]string{}}
	in := deal.OfferInput{Terms: deal.OfferTerms{ContractType: f.ContractType, SubType: f.SubType, PaymentMode: f.PaymentMode,
		Exclusivity: f.Exclusivity, Territory: strings.TrimSpace(f.Territory), Note: strings.TrimSpace(f.Note)}}
	if strings.TrimSpace(f.PriceYuan) == "" {
		fe.add("price_yuan", tr(lang, "deal.err.price_required"))
	}
	in.Terms.PriceFen = parseYuanField(lang, f.PriceYuan, &fe, "price_yuan")
	in.Terms.EntryFeeFen = parseYuanField(lang, f.EntryFeeYuan, &fe, "entry_fee_yuan")
	in.Terms.TermMonths = parseIntField(lang, f.TermMonths, &fe, "term_months")
	in.Terms.FreeUseMonths = parseIntField(lang, f.FreeUseMonths, &fe, "free_use_months")
	in.ValidDays = parseIntField(lang, f.ValidDays, &fe, "valid_days")
	if pct := strings.TrimSpace(f.RoyaltyPct); pct != "" {
		// A percentage with up to two decimals is a whole number of basis points.
		bp, err := domain.ParseYuan(pct)
		if err != nil {
			fe.add("royalty_pct", tr(lang, "deal.err.percent"))
		}
		in.Terms.RoyaltyBP = int64(bp)
	}
	var svcErr error
	if !fe.Any() {
		_, svcErr = s.app.Deals.MakeOffer(r.Context(), actor, r.PathValue("id"), in)
		if svcErr == nil {
			http.Redirect(w, r, "/deals/"+r.PathValue("id")+"?done=offer", http.StatusSeeOther)
			return nil
		}
		if !isUserError(svcErr) {
			return svcErr
		}
		fe = newFormErrors(lang, svcErr, offerFields)
	}
	status := http.StatusUnprocessableEntity
	if svcErr != nil {
		status = userErrorStatus(svcErr)
	}
	return s.renderRoom(w, r, status, func(p *dealRoomPage) { p.Offer, p.OfferErrors = f, fe })
}

func (s *site) answerOffer(w http.ResponseWriter, r *http.Request) error {
	answer := r.PathValue("answer")
	if answer != "accept" && answer != "reject" {
		return apperr.E("web.answerOffer", apperr.NotFound, "no such answer")
	}
	done := map[string]string{"accept": "accepted", "reject": "rejected"}[answer]
	return s.dealStep(w, r, done, func(a domain.Actor) error {
		_, err := s.app.Deals.RespondOffer(r.Context(), a, r.PathValue("id"), r.PathValue("offer"), answer == "accept")
		return err
	}, actionErr)
}

func (s *site) withdrawDeal(w http.ResponseWriter, r *http.Request) error {
	return s.dealStep(w, r, "withdrawn", func(a domain.Actor) error {
		_, err := s.app.Deals.Withdraw(r.Context(), a, r.PathValue("id"), r.PostFormValue("reason"))
		return err
	}, actionErr)
}

// draftContract takes the typed contract form, or (the advanced alternative,
// a post with "terms") the contract terms as JSON (the typed deal.Terms); the
// service names every field at fault by its JSON path.
func (s *site) draftContract(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	if !r.PostForm.Has("terms") {
		return s.draftContractTyped(w, r, actor)
	}
	lang, raw := reqctx.Lang(r.Context()), r.PostFormValue("terms")
	var t deal.Terms
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err = dec.Decode(&t); err != nil {
		err = apperr.Fields("web.contract", apperr.Field("terms", "invalid_json", "not valid contract terms: "+err.Error(),
			"合同条款格式不正确："+err.Error()))
	} else {
		_, err = s.app.Deals.DraftContract(r.Context(), actor, r.PathValue("id"), t)
	}
	if err == nil {
		http.Redirect(w, r, "/deals/"+r.PathValue("id")+"?done=drafted", http.StatusSeeOther)
		return nil
	}
	if !isUserError(err) {
		return err
	}
	// Every field of the terms is inside the one textarea: name them all there.
	fe := formErrors{By: map[string][]string{}}
	fields := apperr.FieldsOf(err)
	for _, f := range fields {
		if f.Field == "terms" {
			fe.add("terms", localMessage(lang, f))
		} else {
			fe.add("terms", f.Field+": "+localMessage(lang, f))
		}
	}
	if len(fields) == 0 {
		fe = newFormErrors(lang, err, nil)
	}
	return s.renderRoom(w, r, userErrorStatus(err), func(p *dealRoomPage) { p.ContractJSON, p.ContractErrs = raw, fe })
}

func contractVersion(r *http.Request) (int, error) {
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || v < 1 {
		return 0, apperr.E("web.contract", apperr.NotFound, "no such contract version")
	}
	return v, nil
}

// contractHTML serves the stored contract document exactly as hashed, so that
// what a signer reads is byte for byte what the signature commits to. It is
// generated by the service from escaped terms; its own style sheet is inline,
// and no script may run in it.
func (s *site) contractHTML(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	v, err := contractVersion(r)
	if err != nil {
		return err
	}
	doc, sum, err := s.app.Deals.ContractDocument(r.Context(), actor, r.PathValue("id"), v)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Document-SHA256", sum)
	_, _ = w.Write(doc)
	return nil
}

func (s *site) contractPDF(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	v, err := contractVersion(r)
	if err != nil {
		return err
	}
	body, err := s.app.Deals.ContractPDF(r.Context(), actor, r.PathValue("id"), v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", `inline; filename="contract-`+r.PathValue("id")+`-v`+strconv.Itoa(v)+`.pdf"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
	return nil
}

func (s *site) signContract(w http.ResponseWriter, r *http.Request) error {
	return s.dealStep(w, r, "signed", func(a domain.Actor) error {
		v, _ := strconv.Atoi(r.PostFormValue("version"))
		_, err := s.app.Deals.Sign(r.Context(), a, r.PathValue("id"), v, r.PostFormValue("sha256"))
		return err
	}, actionErr)
}
