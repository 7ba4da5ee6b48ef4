package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/reqctx"
)

// Settlement ledger pages (issue 6): an overview of the organisation's
// accounts, contracts and pending actions; an account statement with its
// balance over time; a contract's settlement timeline, where the buyer accepts
// delivered milestones; and, for bank officers and operators, the upload of a
// bank statement with the reconciliation report. Who sees what is decided by
// ledger.Service.

func (s *site) ledgerRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /ledger", s.handle(s.ledgerOverview))
	mux.HandleFunc("GET /ledger/statement", s.handle(s.ledgerStatement))
	mux.HandleFunc("GET /ledger/contracts/{id}", s.handle(s.ledgerTimeline))
	mux.HandleFunc("POST /ledger/contracts/{id}/milestones/{seq}/accept", s.handle(s.ledgerAccept))
	mux.HandleFunc("GET /ledger/reconcile", s.handle(s.ledgerReconcileForm))
	mux.HandleFunc("POST /ledger/reconcile", s.handle(s.ledgerReconcile))
	s.ledgerActionRoutes(mux) // ledger_actions.go
}

// ledgerText gives the ledger pages their labels.
type ledgerText struct{}

// Kind names a transaction, pending action or account kind in a language.
func (ledgerText) Kind(lang, kind string) string {
	if _, ok := catalog["ledger.kind."+kind]; ok {
		return tr(lang, "ledger.kind."+kind)
	}
	return kind
}

// Account names an account for people: "可用余额 · party:…:available".
func (ledgerText) Account(lang, account string) string {
	info, err := ledger.ParseAccount(account)
	if err != nil {
		return account
	}
	for _, id := range []string{"ledger.acct." + info.Kind + "." + info.Purpose, "ledger.acct." + info.Kind} {
		if _, ok := catalog[id]; ok {
			return tr(lang, id)
		}
	}
	return account
}

// Amount writes an exact amount in yuan with thousands separators: ledger
// pages show every fen, unlike the rounded 万元 of listing prices.
func (ledgerText) Amount(lang string, v domain.Fen) string {
	if lang == "en" {
		return "¥" + v.Yuan()
	}
	return v.Yuan() + " 元"
}

// Sum adds two amounts (refunds from escrow and by clawback).
func (ledgerText) Sum(a, b domain.Fen) domain.Fen { return a + b }

// Year numbers a 0-based licence year from 1, as contracts do.
func (ledgerText) Year(n int) int { return n + 1 }

// Pick returns en for English pages when there is one, else zh.
func (ledgerText) Pick(lang, en, zh string) string {
	if lang == "en" && en != "" {
		return en
	}
	return zh
}

// orgChoice is one organisation the viewer can switch to.
type orgChoice struct {
	ID, Name string
	Current  bool
}

func (s *site) orgChoices(r *http.Request, actor domain.Actor, current string) []orgChoice {
	var out []orgChoice
	for _, id := range actor.OrgIDs() {
		name := id
		if o, err := s.app.Identity.GetOrg(r.Context(), id); err == nil {
			name = o.NameZh
			if reqLang(r) == "en" && o.NameEn != "" {
				name = o.NameEn
			}
		}
		out = append(out, orgChoice{ID: id, Name: name, Current: id == current})
	}
	return out
}

func reqLang(r *http.Request) string { return reqctx.Lang(r.Context()) }

type ledgerOverviewPage struct {
	ledgerText
	Org       string
	Orgs      []orgChoice
	IsStaff   bool
	Accounts  []ledger.AccountBalance
	Contracts []ledger.ContractSummary
	Pending   ledger.Pending
	// Forms (ledger_actions.go): the accounts the viewer may withdraw from,
	// whether it may run deemed acceptance, and the outcome of a posted form.
	Withdraw       []string
	IsOperator     bool
	Key            string
	Act            ledgerFormState
	Withdrawn      *ledger.Transaction
	DeemedRan      bool
	DeemedReleased int
}

func (s *site) ledgerOverview(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	return s.renderOverview(w, r, http.StatusOK, ledger.ViewOrg(actor, r.URL.Query().Get("org")), nil)
}

// renderOverview draws the accounts page of org; mutate adds the outcome of a
// posted form.
func (s *site) renderOverview(w http.ResponseWriter, r *http.Request, status int, org string, mutate func(*ledgerOverviewPage)) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	ctx, svc := r.Context(), s.app.Ledger
	page := ledgerOverviewPage{Org: org, Orgs: s.orgChoices(r, actor, org), IsStaff: ledger.IsStaff(actor),
		IsOperator: actor.HasRole(domain.RoleOperator), Key: newFormKey()}
	if page.Accounts, err = svc.Accounts(ctx, actor, org); err != nil {
		return err
	}
	if page.Contracts, err = svc.Contracts(ctx, actor, org); err != nil {
		return err
	}
	if page.Pending, err = svc.PendingFor(ctx, actor, org); err != nil {
		return err
	}
	if org != "" {
		page.Withdraw = withdrawable(actor, page.Accounts)
	}
	if mutate != nil {
		mutate(&page)
	}
	return s.render(w, r, status, "ledger_overview", page)
}

// ledgerStatementPerPage lines per statement page.
const ledgerStatementPerPage = 50

type ledgerStatementPage struct {
	ledgerText
	AccountName string
	From, To    string // as entered, YYYY-MM-DD, both inclusive
	Statement   ledger.Statement
	Total       int
	Page        int
	PrevURL     string
	NextURL     string
	Chart       balanceChart
	Errors      []apperr.FieldError
}

func (s *site) ledgerStatement(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	page := ledgerStatementPage{AccountName: q.Get("account"), From: q.Get("from"), To: q.Get("to"), Page: 1}
	var l apperr.FieldList
	from, to := parseDay(&l, "from", page.From), parseDay(&l, "to", page.To)
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1)
		if !from.IsZero() && !to.After(from) {
			l.Add("to", "before_from", "the last day is before the first", "截止日期早于起始日期")
		}
	}
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 1 {
		page.Page = p
	}
	if err := l.Err("web.ledger"); err != nil {
		page.Errors = apperr.FieldsOf(err)
		return s.render(w, r, http.StatusUnprocessableEntity, "ledger_statement", page)
	}
	st, err := s.app.Ledger.Statement(r.Context(), actor, page.AccountName, from, to)
	if err != nil {
		if apperr.KindOf(err) == apperr.Invalid {
			page.Errors = apperr.FieldsOf(err)
			return s.render(w, r, http.StatusUnprocessableEntity, "ledger_statement", page)
		}
		return err
	}
	page.Total = len(st.Lines)
	page.Chart = newBalanceChart(st, reqLang(r))
	page.Statement = st.Page(page.Page, ledgerStatementPerPage)
	link := func(p int) string {
		v := url.Values{"account": {page.AccountName}, "page": {strconv.Itoa(p)}}
		if page.From != "" {
			v.Set("from", page.From)
		}
		if page.To != "" {
			v.Set("to", page.To)
		}
		return "/ledger/statement?" + v.Encode()
	}
	if page.Page > 1 {
		page.PrevURL = link(page.Page - 1)
	}
	if page.Page*ledgerStatementPerPage < page.Total {
		page.NextURL = link(page.Page + 1)
	}
	return s.render(w, r, http.StatusOK, "ledger_statement", page)
}

func parseDay(l *apperr.FieldList, field, v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		l.Add(field, "invalid", "a date YYYY-MM-DD is required", "须为 YYYY-MM-DD 格式的日期")
	}
	return t
}

type ledgerTimelinePage struct {
	ledgerText
	Timeline ledger.Timeline
	IsBuyer  bool
	Key      string // idempotency key of the page's forms: a double submit applies once
	Errors   []apperr.FieldError
	Detail   string
	ledgerActions
}

func (s *site) ledgerTimeline(w http.ResponseWriter, r *http.Request) error {
	return s.renderTimeline(w, r, http.StatusOK, nil, "")
}

func (s *site) renderTimeline(w http.ResponseWriter, r *http.Request, status int, errs []apperr.FieldError, detail string) error {
	return s.renderTimelineOf(w, r, status, r.PathValue("id"), ledgerTimelinePage{Errors: errs, Detail: detail})
}

// renderTimelineOf draws a contract's timeline page with the actions the
// viewer's roles allow (page carries the errors of a refused form, if any).
func (s *site) renderTimelineOf(w http.ResponseWriter, r *http.Request, status int, contractID string, page ledgerTimelinePage) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	tl, err := s.app.Ledger.Timeline(r.Context(), actor, contractID)
	if err != nil {
		return err
	}
	page.Timeline, page.Key = tl, newFormKey()
	page.IsBuyer = actor.HasRoleIn(tl.Agreement.Terms.BuyerOrg, domain.RoleBuyer)
	page.ledgerActions = timelineActions(actor, tl, page.ledgerActions.Act)
	if g := page.Act.Errs.General; len(g) > 0 && !page.shows(page.Act.Form, tl, page.IsBuyer) {
		// The form is gone (the milestone moved on, the invoice was paid): say why at the top.
		page.Detail = strings.Join(g, " ")
	}
	return s.render(w, r, status, "ledger_timeline", page)
}

func newFormKey() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ledgerAccept releases a delivered milestone from the timeline page. The form's
// key makes a double submit (or a reload of the POST) release only once.
func (s *site) ledgerAccept(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := s.app.Ledger.Agreement(r.Context(), actor, id); err != nil {
		return err
	}
	var l apperr.FieldList
	seq, convErr := strconv.Atoi(r.PathValue("seq"))
	if convErr != nil || seq < 1 {
		l.Add("seq", "invalid", "the milestone number is a whole number from 1", "节点序号须为从 1 起的整数")
	}
	var amount domain.Fen
	if v := strings.TrimSpace(r.PostFormValue("amount")); v != "" {
		a, err := domain.ParseYuan(v)
		if err != nil || a <= 0 {
			l.Add("amount", "invalid", "a positive amount in yuan with at most two decimals, or empty for the whole milestone",
				"请填写正数金额（元，最多两位小数），留空表示全额")
		}
		amount = a
	}
	key := r.PostFormValue("key")
	if key == "" || len(key) > 64 {
		l.Add("key", "invalid", "reload the page and try again", "请刷新页面后重试")
	}
	form := "accept-" + strconv.Itoa(seq)
	if err := l.Err("web.ledger"); err != nil {
		return s.renderTimelineOf(w, r, http.StatusUnprocessableEntity, id, ledgerTimelinePage{Errors: apperr.FieldsOf(err),
			ledgerActions: ledgerActions{Act: ledgerFormState{Form: form, Errs: newFormErrors(reqLang(r), err, map[string]string{"amount": "amount"}), Values: r.PostForm}}})
	}
	_, err = s.app.Ledger.AcceptMilestone(r.Context(), actor, "web:"+actor.UserID+":"+key, ledger.AcceptInput{
		ContractID: id, Seq: seq, Amount: amount, Memo: strings.TrimSpace(r.PostFormValue("memo"))})
	switch apperr.KindOf(err) {
	case apperr.Invalid:
		return s.renderTimeline(w, r, http.StatusUnprocessableEntity, apperr.FieldsOf(err), apperr.SafeMessage(err))
	case apperr.Conflict:
		return s.renderTimeline(w, r, http.StatusConflict, nil, apperr.SafeMessage(err))
	}
	if err != nil {
		return err
	}
	seeOther(w, r, "/ledger/contracts/"+url.PathEscape(id), "ledger_accepted")
	return nil
}

type ledgerReconcilePage struct {
	ledgerText
	Report    *ledger.ReconcileReport
	Unmatched []ledger.UnmatchedLine
	Errors    []apperr.FieldError
	Detail    string
}

func (s *site) ledgerReconcileForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderReconcile(w, r, http.StatusOK, ledgerReconcilePage{})
}

func (s *site) renderReconcile(w http.ResponseWriter, r *http.Request, status int, page ledgerReconcilePage) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if page.Unmatched, err = s.app.Ledger.UnmatchedBankLines(r.Context(), actor); err != nil {
		return err
	}
	return s.render(w, r, status, "ledger_reconcile", page)
}

// ledgerReconcile imports an uploaded statement (multipart field "statement").
func (s *site) ledgerReconcile(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if !ledger.IsStaff(actor) {
		return apperr.E("web.ledger", apperr.Forbidden, "only a bank officer or operator reconciles statements")
	}
	f, hdr, err := r.FormFile("statement")
	if err != nil {
		field := apperr.Field("statement", "required", "choose the bank statement CSV file", "请选择银行对账单 CSV 文件")
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			field = apperr.Field("statement", "too_large", "the file is too large; split it by date", "文件过大，请按日期拆分")
		}
		return s.renderReconcile(w, r, http.StatusUnprocessableEntity, ledgerReconcilePage{Errors: []apperr.FieldError{field}})
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	rep, err := s.app.Ledger.Reconcile(r.Context(), actor, filepath.Base(hdr.Filename), strings.NewReader(string(data)))
	if apperr.KindOf(err) == apperr.Invalid {
		return s.renderReconcile(w, r, http.StatusUnprocessableEntity, ledgerReconcilePage{Errors: apperr.FieldsOf(err),
			Detail: apperr.SafeMessage(err)})
	}
	if err != nil {
		return err
	}
	return s.renderReconcile(w, r, http.StatusOK, ledgerReconcilePage{Report: &rep})
}
