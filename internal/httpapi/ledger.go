package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
)

// Settlement ledger (issue 6): accounts and statements, a contract's settlement
// timeline, pending actions, the commands a person calls (deposit from a bank
// notice, accept a milestone, report royalty sales) and bank reconciliation.
// Who may see and do what is decided by ledger.Service; the routes are listed
// in routes.go.

// IdempotencyHeader carries the client's idempotency key on ledger commands.
const IdempotencyHeader = "Idempotency-Key"

// maxIdempotencyKey leaves room in the service's 128-character key for the
// caller's namespace (see idempotencyKey).
const maxIdempotencyKey = 80

// maxStatementUpload is the server's body limit for state-changing requests.
const maxStatementUpload = 2 << 20

// idempotencyKey maps the header to the service's key. Keys are namespaced by
// the caller, so two users choosing the same key never collide, and one user
// cannot learn from a 409 which keys another has used.
func idempotencyKey(r *http.Request, actor domain.Actor) (string, error) {
	k := strings.TrimSpace(r.Header.Get(IdempotencyHeader))
	ok := k != "" && len(k) <= maxIdempotencyKey
	for _, c := range k {
		if unicode.IsSpace(c) || unicode.IsControl(c) || c > unicode.MaxASCII {
			ok = false
		}
	}
	if !ok {
		return "", apperr.Fields("httpapi.idempotency", apperr.Field(IdempotencyHeader, "invalid",
			fmt.Sprintf("send an %s header of 1 to %d printable ASCII characters without spaces (a UUID is a good choice)", IdempotencyHeader, maxIdempotencyKey),
			fmt.Sprintf("请提供 %s 请求头：1 至 %d 个可打印 ASCII 字符，不含空格（建议使用 UUID）", IdempotencyHeader, maxIdempotencyKey)))
	}
	return "api:" + actor.UserID + ":" + k, nil
}

// writeCommand answers a ledger command: 201 with the transaction, the same
// status and body (replayed: true) when the key is replayed, flagged by the
// Idempotent-Replayed header.
// writeTx answers a ledger command: its error, or its transaction.
func writeTx(w http.ResponseWriter, t ledger.Transaction, err error) error {
	if err != nil {
		return err
	}
	return writeCommand(w, t.Replayed, t)
}

func writeCommand(w http.ResponseWriter, replayed bool, v any) error {
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	return writeJSON(w, http.StatusCreated, v)
}

// ledgerAccountList is an organisation's (or the platform's) accounts.
type ledgerAccountList struct {
	OrgID string                  `json:"org_id,omitempty"`
	Items []ledger.AccountBalance `json:"items"`
}

func (h *api) ledgerAccounts(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	org := ledger.ViewOrg(actor, params(r).str("org"))
	items, err := h.app.Ledger.Accounts(r.Context(), actor, org)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ledgerAccountList{OrgID: org, Items: items})
}

// ledgerStatementPage is one page of an account statement; opening, closing,
// debits and credits cover the whole period.
type ledgerStatementPage struct {
	ledger.Statement
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Total   int `json:"total"`
}

// dateRange reads ?from= and ?to= (YYYY-MM-DD, both inclusive, UTC) into the
// service's half-open [from, to).
func dateRange(p *queryParams) (from, to time.Time) {
	day := func(name string) time.Time {
		s := p.str(name)
		if s == "" {
			return time.Time{}
		}
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			p.faults.Add(name, "invalid", "a date YYYY-MM-DD is required", "须为 YYYY-MM-DD 格式的日期")
		}
		return t
	}
	from, to = day("from"), day("to")
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1)
		if !from.IsZero() && !to.After(from) {
			p.faults.Add("to", "before_from", "the last day is before the first", "截止日期早于起始日期")
		}
	}
	return from, to
}

func (h *api) ledgerStatement(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	p := params(r)
	from, to := dateRange(p)
	pg := p.pagination()
	if err := p.err(); err != nil {
		return err
	}
	st, err := h.app.Ledger.Statement(r.Context(), actor, r.PathValue("account"), from, to)
	if err != nil {
		return err
	}
	setPageHeaders(w, r, len(st.Lines), pg.page, pg.perPage)
	return writeJSON(w, http.StatusOK, ledgerStatementPage{Statement: st.Page(pg.page, pg.perPage),
		Page: pg.page, PerPage: pg.perPage, Total: len(st.Lines)})
}

// ledgerContractList is the contracts an organisation settles.
type ledgerContractList struct {
	OrgID string                   `json:"org_id,omitempty"`
	Items []ledger.ContractSummary `json:"items"`
}

func (h *api) ledgerContracts(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	org := ledger.ViewOrg(actor, params(r).str("org"))
	items, err := h.app.Ledger.Contracts(r.Context(), actor, org)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ledgerContractList{OrgID: org, Items: items})
}

func (h *api) ledgerTimeline(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	tl, err := h.app.Ledger.Timeline(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, tl)
}

func (h *api) ledgerPending(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	p, err := h.app.Ledger.PendingFor(r.Context(), actor, ledger.ViewOrg(actor, params(r).str("org")))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (h *api) ledgerDeposit(w http.ResponseWriter, r *http.Request) error {
	var in ledger.BankNotice
	actor, key, err := keyedCommand(w, r, &in)
	if err != nil {
		return err
	}
	t, err := h.app.Ledger.DepositFromBank(r.Context(), actor, key, in)
	return writeTx(w, t, err)
}

// ledgerAcceptRequest accepts a delivered milestone; amount_fen below the
// milestone amount is a partial release, 0 or absent releases it whole.
type ledgerAcceptRequest struct {
	Amount domain.Fen `json:"amount_fen,omitempty"`
	Memo   string     `json:"memo,omitempty"`
}

func (h *api) ledgerAccept(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	seq, err := milestoneSeq(r)
	if err != nil {
		return err
	}
	key, err := idempotencyKey(r, actor)
	if err != nil {
		return err
	}
	var in ledgerAcceptRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	id := r.PathValue("id")
	// Someone who is not a party learns nothing, not even that the contract exists.
	if _, err := h.app.Ledger.Agreement(r.Context(), actor, id); err != nil {
		return err
	}
	t, err := h.app.Ledger.AcceptMilestone(r.Context(), actor, key, ledger.AcceptInput{ContractID: id, Seq: seq,
		Amount: in.Amount, Memo: in.Memo})
	return writeTx(w, t, err)
}

// ledgerRoyaltyReportRequest is a licensee's sales for one period.
type ledgerRoyaltyReportRequest struct {
	PeriodStart string     `json:"period_start"`
	PeriodEnd   string     `json:"period_end"`
	Sales       domain.Fen `json:"sales_fen"`
}

// ledgerRoyaltyReportResult is the journalled report and the invoices it issued.
type ledgerRoyaltyReportResult struct {
	Transaction ledger.Transaction      `json:"transaction"`
	Invoices    []ledger.RoyaltyInvoice `json:"invoices"`
}

func (h *api) ledgerReportRoyalty(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	key, err := idempotencyKey(r, actor)
	if err != nil {
		return err
	}
	var in ledgerRoyaltyReportRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := h.app.Ledger.Agreement(r.Context(), actor, id); err != nil {
		return err
	}
	t, inv, err := h.app.Ledger.ReportRoyalty(r.Context(), actor, key, ledger.RoyaltyReport{ContractID: id,
		PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd, Sales: in.Sales})
	if err != nil {
		return err
	}
	if inv == nil {
		inv = []ledger.RoyaltyInvoice{}
	}
	return writeCommand(w, t.Replayed, ledgerRoyaltyReportResult{Transaction: t, Invoices: inv})
}

// ledgerReconcile imports a bank statement sent as text/csv (?name= names it
// in the report) and answers the reconciliation report: 201 for a new import,
// 200 with replayed: true for a file imported before.
func (h *api) ledgerReconcile(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if !ledger.IsStaff(actor) {
		// Refuse before reading a body the caller may not send.
		return apperr.E("httpapi.ledger", apperr.Forbidden, "only a bank officer or operator reconciles statements")
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "text/csv" {
		return &requestError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
			detail: "send the bank statement as text/csv (columns in docs/ledger.md)"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxStatementUpload))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &requestError{status: http.StatusRequestEntityTooLarge, code: "too_large",
				detail: fmt.Sprintf("the statement exceeds %d bytes; split it by date", maxStatementUpload)}
		}
		return badRequest("the request body could not be read")
	}
	name := params(r).str("name")
	if name == "" {
		name = "statement.csv"
	}
	if len(name) > 200 {
		return apperr.Fields("httpapi.ledger", apperr.Field("name", "too_long", "at most 200 characters", "最多 200 个字符"))
	}
	rep, err := h.app.Ledger.Reconcile(r.Context(), actor, name, bytes.NewReader(body))
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if rep.Replayed {
		status = http.StatusOK
	}
	return writeJSON(w, status, rep)
}
