package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
)

// The ledger commands a person performs from the pages, besides accepting a
// milestone (ledger.go): on a contract's timeline the buyer funds escrow and
// disputes a delivery, the seller marks a milestone delivered, the seller or an
// operator refunds, the licensee pays royalty invoices; on the accounts page an
// organisation withdraws to its bank and an operator runs deemed acceptance
// now. The pages show only the forms the viewer's roles allow; the service
// still decides (a form posted by hand is refused there). A refused command
// draws the page again with the errors beside the form's fields.

func (s *site) ledgerActionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /ledger/contracts/{id}/hold", s.handle(s.ledgerHold))
	mux.HandleFunc("POST /ledger/contracts/{id}/milestones/{seq}/deliver", s.handle(s.ledgerDeliver))
	mux.HandleFunc("POST /ledger/contracts/{id}/milestones/{seq}/dispute", s.handle(s.ledgerDispute))
	mux.HandleFunc("POST /ledger/contracts/{id}/refunds", s.handle(s.ledgerRefund))
	mux.HandleFunc("POST /ledger/invoices/{id}/pay", s.handle(s.ledgerPayInvoice))
	mux.HandleFunc("POST /ledger/withdrawals", s.handle(s.ledgerWithdraw))
	mux.HandleFunc("POST /ledger/deemed-releases", s.handle(s.ledgerReleaseDeemed))
}

// ledgerFormState is the form a refused command came from: its errors by form
// field (messages naming no field of the form are General) and what was typed.
type ledgerFormState struct {
	Form   string // hold, deliver-N, dispute-N, accept-N, refund, pay-ID, withdraw
	Errs   formErrors
	Values url.Values
}

// Of returns the errors of one field of one form.
func (st ledgerFormState) Of(form, field string) []string {
	if st.Form != form {
		return nil
	}
	return st.Errs.Of(field)
}

// General returns the messages of a form that name none of its fields.
func (st ledgerFormState) General(form string) []string {
	if st.Form != form {
		return nil
	}
	return st.Errs.General
}

// Val is what was typed into a field of the refused form, to show it again.
func (st ledgerFormState) Val(form, field string) string {
	if st.Form != form {
		return ""
	}
	return st.Values.Get(field)
}

// ledgerActions says which forms a contract's timeline shows the viewer.
type ledgerActions struct {
	CanFund    bool // buyer, while escrow holds less than the price
	IsSeller   bool // delivers pending and disputed milestones
	CanRefund  bool // seller or operator
	CanPay     bool // licensee (buyer) or operator
	RefundSeqs []int
	Act        ledgerFormState
}

func timelineActions(actor domain.Actor, tl ledger.Timeline, act ledgerFormState) ledgerActions {
	t := tl.Agreement.Terms
	isBuyer := actor.HasRoleIn(t.BuyerOrg, domain.RoleBuyer)
	isOperator := actor.HasRole(domain.RoleOperator)
	a := ledgerActions{Act: act, IsSeller: actor.HasRoleIn(t.SellerOrg, domain.RoleSeller)}
	a.CanFund = isBuyer && tl.Agreement.Held < tl.Agreement.Price
	a.CanRefund = a.IsSeller || isOperator
	a.CanPay = isBuyer || isOperator
	for _, m := range tl.Agreement.Milestones {
		if m.Status == ledger.MilestoneReleased && m.Released > m.Refunded {
			a.RefundSeqs = append(a.RefundSeqs, m.Seq)
		}
	}
	return a
}

// shows reports whether the timeline draws the named form for the viewer.
func (a ledgerActions) shows(form string, tl ledger.Timeline, isBuyer bool) bool {
	status := map[string]string{}
	for _, m := range tl.Agreement.Milestones {
		status["accept-"+strconv.Itoa(m.Seq)] = m.Status
		status["dispute-"+strconv.Itoa(m.Seq)] = m.Status
		status["deliver-"+strconv.Itoa(m.Seq)] = m.Status
	}
	for _, inv := range tl.Invoices {
		status["pay-"+inv.ID] = inv.PaidTx
	}
	st := status[form]
	switch kind, _, _ := strings.Cut(form, "-"); kind {
	case "hold":
		return a.CanFund
	case "refund":
		return a.CanRefund
	case "accept":
		return isBuyer && (st == ledger.MilestoneDelivered || st == ledger.MilestoneDisputed)
	case "dispute":
		return isBuyer && st == ledger.MilestoneDelivered
	case "deliver":
		return a.IsSeller && (st == ledger.MilestonePending || st == ledger.MilestoneDisputed)
	case "pay":
		_, known := status[form]
		return a.CanPay && known && st == ""
	}
	return false
}

// ledgerFormKey reads the form's idempotency key into the user's web namespace.
func ledgerFormKey(l *apperr.FieldList, r *http.Request, actor domain.Actor) string {
	key := r.PostFormValue("key")
	if key == "" || len(key) > 64 {
		l.Add("key", "invalid", "reload the page and try again", "请刷新页面后重试")
	}
	return "web:" + actor.UserID + ":" + key
}

// formYuan reads a required positive amount in yuan and converts it to fen.
func formYuan(l *apperr.FieldList, r *http.Request, field string) domain.Fen {
	v := strings.TrimSpace(r.PostFormValue(field))
	a, err := domain.ParseYuan(v)
	if v == "" || err != nil || a <= 0 || a > ledger.MaxAmount {
		l.Add(field, "invalid", "a positive amount in yuan with at most two decimals", "请填写正数金额（元，最多两位小数）")
		return 0
	}
	return a
}

// refusal draws the page again for bad input and business refusals; other
// errors (forbidden, not found, failures) become the error page.
func refusal(r *http.Request, err error, form string, fields map[string]string, redraw func(int, ledgerFormState) error) error {
	switch apperr.KindOf(err) {
	case apperr.Invalid, apperr.Conflict:
		return redraw(userErrorStatus(err), ledgerFormState{Form: form, Errs: newFormErrors(reqLang(r), err, fields), Values: r.PostForm})
	}
	return err
}

// contractForm starts a timeline command: signed in, form parsed, and the
// contract visible — someone who is not a party learns nothing (404).
func (s *site) contractForm(w http.ResponseWriter, r *http.Request) (domain.Actor, string, error) {
	actor, err := signedIn(r)
	if err != nil {
		return actor, "", err
	}
	if err := parseForm(w, r); err != nil {
		return actor, "", err
	}
	id := r.PathValue("id")
	if _, err := s.app.Ledger.Agreement(r.Context(), actor, id); err != nil {
		return actor, "", err
	}
	return actor, id, nil
}

func (s *site) timelineRedraw(w http.ResponseWriter, r *http.Request, id string) func(int, ledgerFormState) error {
	return func(status int, st ledgerFormState) error {
		return s.renderTimelineOf(w, r, status, id, ledgerTimelinePage{ledgerActions: ledgerActions{Act: st}})
	}
}

func timelineURL(id string) string { return "/ledger/contracts/" + url.PathEscape(id) }

func pathSeq(l *apperr.FieldList, r *http.Request) int {
	seq, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil || seq < 1 {
		l.Add("seq", "invalid", "the milestone number is a whole number from 1", "节点序号须为从 1 起的整数")
	}
	return seq
}

func (s *site) ledgerHold(w http.ResponseWriter, r *http.Request) error {
	actor, id, err := s.contractForm(w, r)
	if err != nil {
		return err
	}
	redraw := s.timelineRedraw(w, r, id)
	fields := map[string]string{"amount": "amount", "amount_fen": "amount"}
	var l apperr.FieldList
	amount := formYuan(&l, r, "amount")
	key := ledgerFormKey(&l, r, actor)
	if err := l.Err("web.ledger"); err != nil {
		return refusal(r, err, "hold", fields, redraw)
	}
	if _, err := s.app.Ledger.HoldEscrow(r.Context(), actor, key, id, amount); err != nil {
		return refusal(r, err, "hold", fields, redraw)
	}
	seeOther(w, r, timelineURL(id), "ledger_held")
	return nil
}

func (s *site) ledgerDeliver(w http.ResponseWriter, r *http.Request) error {
	actor, id, err := s.contractForm(w, r)
	if err != nil {
		return err
	}
	var l apperr.FieldList
	seq := pathSeq(&l, r)
	form := "deliver-" + strconv.Itoa(seq)
	redraw := s.timelineRedraw(w, r, id)
	key := ledgerFormKey(&l, r, actor)
	if err := l.Err("web.ledger"); err != nil {
		return refusal(r, err, form, nil, redraw)
	}
	if _, err := s.app.Ledger.DeliverMilestone(r.Context(), actor, key, id, seq); err != nil {
		return refusal(r, err, form, nil, redraw)
	}
	seeOther(w, r, timelineURL(id), "ledger_delivered")
	return nil
}

func (s *site) ledgerDispute(w http.ResponseWriter, r *http.Request) error {
	actor, id, err := s.contractForm(w, r)
	if err != nil {
		return err
	}
	var l apperr.FieldList
	seq := pathSeq(&l, r)
	form := "dispute-" + strconv.Itoa(seq)
	redraw := s.timelineRedraw(w, r, id)
	key := ledgerFormKey(&l, r, actor)
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if err := l.Err("web.ledger"); err != nil {
		return refusal(r, err, form, nil, redraw)
	}
	// The service checks the reason (required, length) and names the field.
	if _, err := s.app.Ledger.DisputeMilestone(r.Context(), actor, key, id, seq, reason); err != nil {
		return refusal(r, err, form, map[string]string{"reason": "reason"}, redraw)
	}
	seeOther(w, r, timelineURL(id), "ledger_disputed")
	return nil
}

func (s *site) ledgerRefund(w http.ResponseWriter, r *http.Request) error {
	actor, id, err := s.contractForm(w, r)
	if err != nil {
		return err
	}
	redraw := s.timelineRedraw(w, r, id)
	fields := map[string]string{"seq": "seq", "amount": "amount", "amount_fen": "amount", "reason": "reason"}
	var l apperr.FieldList
	seq, convErr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("seq")))
	if convErr != nil || seq < 0 {
		l.Add("seq", "invalid", "choose escrow or a released milestone", "请选择托管资金或已付款的节点")
	}
	amount := formYuan(&l, r, "amount")
	key := ledgerFormKey(&l, r, actor)
	if err := l.Err("web.ledger"); err != nil {
		return refusal(r, err, "refund", fields, redraw)
	}
	in := ledger.RefundInput{ContractID: id, Seq: seq, Amount: amount, Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	if _, err := s.app.Ledger.Refund(r.Context(), actor, key, in); err != nil {
		return refusal(r, err, "refund", fields, redraw)
	}
	seeOther(w, r, timelineURL(id), "ledger_refunded")
	return nil
}

// ledgerPayInvoice pays a royalty invoice from its contract's timeline page.
func (s *site) ledgerPayInvoice(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	// Someone not party to the invoice's contract learns nothing (404).
	inv, err := s.app.Ledger.Invoice(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	form := "pay-" + inv.ID
	redraw := s.timelineRedraw(w, r, inv.ContractID)
	var l apperr.FieldList
	key := ledgerFormKey(&l, r, actor)
	if err := l.Err("web.ledger"); err != nil {
		return refusal(r, err, form, nil, redraw)
	}
	if _, err := s.app.Ledger.PayRoyaltyInvoice(r.Context(), actor, key, inv.ID); err != nil {
		return refusal(r, err, form, nil, redraw)
	}
	seeOther(w, r, timelineURL(inv.ContractID), "ledger_paid")
	return nil
}

// withdrawable lists the accounts of the page's organisation the viewer's
// roles let it pay out (the service applies the same rule when it is posted):
// available money to buyers and sellers, inventors' rewards to sellers, broker
// commission to brokers; operators any of them.
func withdrawable(actor domain.Actor, accounts []ledger.AccountBalance) []string {
	var out []string
	for _, a := range accounts {
		info, err := ledger.ParseAccount(a.Account)
		if err != nil {
			continue
		}
		ok := actor.HasRole(domain.RoleOperator)
		switch {
		case info.Kind == "party" && info.Purpose == "available":
			ok = ok || actor.HasRoleIn(info.OrgID, domain.RoleSeller) || actor.HasRoleIn(info.OrgID, domain.RoleBuyer)
		case info.Kind == "party" && info.Purpose == "inventor_rewards":
			ok = ok || actor.HasRoleIn(info.OrgID, domain.RoleSeller)
		case info.Kind == "broker" && info.Purpose == "commission":
			ok = ok || actor.HasRoleIn(info.OrgID, domain.RoleBroker)
		default:
			ok = false
		}
		if ok {
			out = append(out, a.Account)
		}
	}
	return out
}

// ledgerWithdraw pays money out to the organisation's bank from the accounts page.
func (s *site) ledgerWithdraw(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	org := ledger.ViewOrg(actor, r.PostFormValue("org"))
	redraw := func(status int, st ledgerFormState) error {
		return s.renderOverview(w, r, status, org, func(p *ledgerOverviewPage) { p.Act = st })
	}
	fields := map[string]string{"account": "account", "amount": "amount", "amount_fen": "amount", "bank_ref": "bank_ref", "memo": "memo"}
	var l apperr.FieldList
	amount := formYuan(&l, r, "amount")
	key := ledgerFormKey(&l, r, actor)
	if err := l.Err("web.ledger"); err != nil {
		return refusal(r, err, "withdraw", fields, redraw)
	}
	in := ledger.WithdrawalInput{Account: r.PostFormValue("account"), Amount: amount,
		BankRef: strings.TrimSpace(r.PostFormValue("bank_ref")), Memo: strings.TrimSpace(r.PostFormValue("memo"))}
	t, err := s.app.Ledger.Withdraw(r.Context(), actor, key, in)
	if err != nil {
		return refusal(r, err, "withdraw", fields, redraw)
	}
	return s.renderOverview(w, r, http.StatusOK, org, func(p *ledgerOverviewPage) { p.Withdrawn = &t })
}

// ledgerReleaseDeemed runs deemed acceptance now (operators; the service
// refuses anyone else) and shows how many milestones it released.
func (s *site) ledgerReleaseDeemed(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	released, err := s.app.Ledger.ReleaseDeemed(r.Context(), actor)
	if err != nil {
		return err
	}
	return s.renderOverview(w, r, http.StatusOK, ledger.ViewOrg(actor, r.PostFormValue("org")),
		func(p *ledgerOverviewPage) { p.DeemedRan, p.DeemedReleased = true, len(released) })
}
