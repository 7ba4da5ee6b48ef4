package ledger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Bank reconciliation. The custody bank's statement is imported as CSV (UTF-8,
// optional BOM, header row, columns in any order, extra columns ignored):
//
//	value_date  YYYY-MM-DD
//	bank_ref    the bank's reference of the movement (for credits, the same
//	            reference the bank notice carried)
//	direction   in (credit to the custody account) or out (debit)
//	amount      yuan with at most two decimals, positive: 1234.50
//	counterparty optional
//	memo        optional; for payouts the bank echoes our reference (TM…) here
//
// Expected movements are the ledger's deposits (in) and withdrawals (out).
// Matching, in order:
//  1. by reference: the line's bank_ref, or a word of its memo, equals the
//     movement's bank reference; the direction and amount must agree, else the
//     pair is reported as a mismatch and both stay unmatched;
//  2. by amount and date: same direction and amount, movement recorded within
//     MatchWindowDays of the value date; the nearest date wins, then the earliest.
//
// Each movement matches at most one line, ever (a unique index); re-importing
// the same file returns the original report.

// MatchWindowDays is how far a value date may be from the ledger date for a
// match by amount.
const MatchWindowDays = 3

// BankLine is one line of a bank statement.
type BankLine struct {
	LineNo       int        `json:"line_no"`
	ValueDate    string     `json:"value_date"`
	BankRef      string     `json:"bank_ref"`
	Direction    string     `json:"direction"`
	Amount       domain.Fen `json:"amount_fen"`
	Counterparty string     `json:"counterparty,omitempty"`
	Memo         string     `json:"memo,omitempty"`
}

// Movement is a ledger transaction expected on the bank statement.
type Movement struct {
	TxID       string     `json:"tx_id"`
	Kind       string     `json:"kind"`
	Direction  string     `json:"direction"`
	BankRef    string     `json:"bank_ref"`
	Amount     domain.Fen `json:"amount_fen"`
	RecordedAt time.Time  `json:"recorded_at"`
}

// Match pairs a bank line with a movement.
type Match struct {
	Line     BankLine `json:"line"`
	Movement Movement `json:"movement"`
	By       string   `json:"by"` // reference or amount_date
}

// Mismatch is a line and a movement with the same reference that disagree.
type Mismatch struct {
	Line     BankLine `json:"line"`
	Movement Movement `json:"movement"`
	Problem  string   `json:"problem"`
}

// ReconcileReport is the result of importing one statement.
type ReconcileReport struct {
	StatementID     string     `json:"statement_id"`
	Name            string     `json:"name"`
	FileSHA256      string     `json:"file_sha256"`
	Lines           int        `json:"lines"`
	Through         string     `json:"through"` // last value date on the statement
	Matched         []Match    `json:"matched"`
	Mismatches      []Mismatch `json:"mismatches"`
	UnmatchedBank   []BankLine `json:"unmatched_bank"`   // on the statement, not in the ledger
	UnmatchedLedger []Movement `json:"unmatched_ledger"` // in the ledger up to Through, not on any statement
	Replayed        bool       `json:"replayed"`
}

// ParseBankStatement reads the CSV format above, reporting every bad line.
func ParseBankStatement(r io.Reader) ([]BankLine, error) {
	const op = "ledger.ParseBankStatement"
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	records, err := cr.ReadAll()
	if err != nil {
		return nil, apperr.Fields(op, apperr.Field("statement", "bad_csv", err.Error(), "CSV 格式错误"))
	}
	if len(records) == 0 {
		return nil, apperr.Fields(op, apperr.Field("statement", "empty", "the statement is empty", "对账单为空"))
	}
	col := map[string]int{}
	for i, h := range records[0] {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var l apperr.FieldList
	for _, need := range []string{"value_date", "bank_ref", "direction", "amount"} {
		if _, ok := col[need]; !ok {
			l.Add("statement", "missing_column", "missing column "+need, "缺少列 "+need)
		}
	}
	if err := l.Err(op); err != nil {
		return nil, err
	}
	get := func(rec []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var out []BankLine
	for n, rec := range records[1:] {
		lineNo := n + 2 // 1-based, after the header
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		f := fmt.Sprintf("line %d", lineNo)
		bl := BankLine{LineNo: lineNo, ValueDate: get(rec, "value_date"), BankRef: get(rec, "bank_ref"),
			Direction: strings.ToLower(get(rec, "direction")), Counterparty: get(rec, "counterparty"), Memo: get(rec, "memo")}
		if _, err := parseDate(bl.ValueDate); err != nil {
			l.Add(f+".value_date", "invalid", "a date YYYY-MM-DD is required", "须为 YYYY-MM-DD 格式的日期")
		}
		if bl.Direction != "in" && bl.Direction != "out" {
			l.Add(f+".direction", "invalid", "direction must be in or out", "方向须为 in 或 out")
		}
		amt, err := domain.ParseYuan(get(rec, "amount"))
		if err != nil || amt <= 0 || amt > MaxAmount {
			l.Add(f+".amount", "invalid", "a positive amount in yuan with at most two decimals", "须为正数金额（元，最多两位小数）")
		}
		bl.Amount = amt
		out = append(out, bl)
	}
	if err := l.Err(op); err != nil {
		return nil, err
	}
	return out, nil
}

// Reconcile imports a bank statement, matches it to the ledger's deposits and
// withdrawals and reports what is unmatched on either side. Bank officers and
// operators only.
func (s *Service) Reconcile(ctx context.Context, actor domain.Actor, name string, r io.Reader) (ReconcileReport, error) {
	const op = "ledger.Reconcile"
	if !staff(actor) {
		return ReconcileReport{}, denied(op, actor, "only a bank officer or operator reconciles statements")
	}
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return ReconcileReport{}, fmt.Errorf("%s: %w", op, err)
	}
	lines, err := ParseBankStatement(bytes.NewReader(data))
	if err != nil {
		return ReconcileReport{}, err
	}
	sum := sha256.Sum256(data)
	rep := ReconcileReport{StatementID: domain.NewID(), Name: name, FileSHA256: hex.EncodeToString(sum[:]), Lines: len(lines)}
	var prior string
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		prior = ""
		err := tx.QueryRow(ctx, `SELECT report FROM ledger_bank_statements WHERE file_sha256 = ?`, rep.FileSHA256).Scan(&prior)
		if err == nil {
			return nil
		}
		if !store.IsNoRows(err) {
			return fmt.Errorf("look up statement: %w", err)
		}
		if tx.Dialect() == store.Postgres {
			// One import at a time, so two statements never claim the same movement.
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7261006)`); err != nil {
				return err
			}
		}
		if err := matchStatement(ctx, tx, lines, &rep); err != nil {
			return err
		}
		return storeStatement(ctx, tx, actor, lines, &rep)
	})
	if err != nil {
		return ReconcileReport{}, fmt.Errorf("%s: %w", op, err)
	}
	if prior != "" {
		var old ReconcileReport
		if err := json.Unmarshal([]byte(prior), &old); err != nil {
			return ReconcileReport{}, fmt.Errorf("%s: decode stored report: %w", op, err)
		}
		old.Replayed = true
		return old, nil
	}
	return rep, nil
}

func matchStatement(ctx context.Context, tx *store.Tx, lines []BankLine, rep *ReconcileReport) error {
	for _, l := range lines {
		if l.ValueDate > rep.Through {
			rep.Through = l.ValueDate
		}
	}
	through, _ := parseDate(rep.Through)
	rows, err := tx.Query(ctx, `SELECT t.id, t.kind, COALESCE(t.bank_ref, ''), t.amount_fen, t.recorded_at FROM ledger_transactions t
		WHERE t.kind IN ('deposit', 'withdrawal') AND t.recorded_at < ?
		AND NOT EXISTS (SELECT 1 FROM ledger_bank_lines b WHERE b.matched_tx = t.id)
		ORDER BY t.recorded_at, t.id`, through.AddDate(0, 0, 1+MatchWindowDays))
	if err != nil {
		return fmt.Errorf("read expected movements: %w", err)
	}
	var moves []Movement
	for rows.Next() {
		var m Movement
		if err := rows.Scan(&m.TxID, &m.Kind, &m.BankRef, &m.Amount, store.Time(&m.RecordedAt)); err != nil {
			rows.Close()
			return fmt.Errorf("read expected movements: %w", err)
		}
		m.Direction = "in"
		if m.Kind == KindWithdrawal {
			m.Direction = "out"
		}
		moves = append(moves, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	used := make([]bool, len(moves))
	byRef := map[string]int{}
	for i, m := range moves {
		if m.BankRef != "" {
			byRef[m.BankRef] = i
		}
	}
	lineDone := make([]bool, len(lines))
	for li, l := range lines {
		refs := append([]string{l.BankRef}, strings.Fields(l.Memo)...)
		for _, ref := range refs {
			mi, ok := byRef[ref]
			if !ok || ref == "" || used[mi] {
				continue
			}
			m := moves[mi]
			lineDone[li] = true
			if m.Direction != l.Direction || m.Amount != l.Amount {
				rep.Mismatches = append(rep.Mismatches, Mismatch{Line: l, Movement: m,
					Problem: fmt.Sprintf("reference matches but the bank shows %s %s and the ledger %s %s",
						l.Direction, l.Amount.Yuan(), m.Direction, m.Amount.Yuan())})
				used[mi] = true // reported as a mismatch, not offered to another line
				break
			}
			used[mi] = true
			rep.Matched = append(rep.Matched, Match{Line: l, Movement: m, By: "reference"})
			break
		}
	}
	for li, l := range lines {
		if lineDone[li] {
			continue
		}
		vd, _ := parseDate(l.ValueDate)
		best, bestDist := -1, time.Duration(0)
		for mi, m := range moves {
			if used[mi] || m.Direction != l.Direction || m.Amount != l.Amount {
				continue
			}
			day := m.RecordedAt.Truncate(24 * time.Hour)
			dist := vd.Sub(day)
			if dist < 0 {
				dist = -dist
			}
			if dist > MatchWindowDays*24*time.Hour {
				continue
			}
			if best < 0 || dist < bestDist {
				best, bestDist = mi, dist
			}
		}
		if best >= 0 {
			used[best], lineDone[li] = true, true
			rep.Matched = append(rep.Matched, Match{Line: l, Movement: moves[best], By: "amount_date"})
			continue
		}
		rep.UnmatchedBank = append(rep.UnmatchedBank, l)
	}
	for _, mm := range rep.Mismatches {
		rep.UnmatchedBank = append(rep.UnmatchedBank, mm.Line)
	}
	sort.Slice(rep.UnmatchedBank, func(i, j int) bool { return rep.UnmatchedBank[i].LineNo < rep.UnmatchedBank[j].LineNo })
	for mi, m := range moves {
		isMismatch := false
		for _, mm := range rep.Mismatches {
			isMismatch = isMismatch || mm.Movement.TxID == m.TxID
		}
		if (!used[mi] || isMismatch) && !m.RecordedAt.After(through.AddDate(0, 0, 1)) {
			rep.UnmatchedLedger = append(rep.UnmatchedLedger, m)
		}
	}
	if rep.Matched == nil {
		rep.Matched = []Match{}
	}
	if rep.Mismatches == nil {
		rep.Mismatches = []Mismatch{}
	}
	if rep.UnmatchedBank == nil {
		rep.UnmatchedBank = []BankLine{}
	}
	if rep.UnmatchedLedger == nil {
		rep.UnmatchedLedger = []Movement{}
	}
	return nil
}

func storeStatement(ctx context.Context, tx *store.Tx, actor domain.Actor, lines []BankLine, rep *ReconcileReport) error {
	matched := map[int]string{}
	for _, m := range rep.Matched {
		matched[m.Line.LineNo] = m.Movement.TxID
	}
	body, err := json.Marshal(rep)
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO ledger_bank_statements (id, file_sha256, name, line_count, report, imported_at)
		VALUES (?, ?, ?, ?, ?, ?)`, rep.StatementID, rep.FileSHA256, rep.Name, len(lines), string(body), time.Now()); err != nil {
		return fmt.Errorf("store statement: %w", err)
	}
	rows := make([][]any, len(lines))
	for i, l := range lines {
		rows[i] = []any{rep.StatementID, int64(l.LineNo), l.ValueDate, l.BankRef, l.Direction, int64(l.Amount),
			l.Counterparty, l.Memo, matched[l.LineNo]}
	}
	if err := insertRows(ctx, tx, "ledger_bank_lines", []column{{"statement_id", colText}, {"line_no", colInt},
		{"value_date", colDate}, {"bank_ref", colText}, {"direction", colText}, {"amount_fen", colInt},
		{"counterparty", colText}, {"memo", colText}, {"matched_tx", colTextNull}}, rows); err != nil {
		return err
	}
	return audit.Record(ctx, tx, actor, "ledger.reconcile", "ledger_bank_statement", rep.StatementID, map[string]any{
		"name": rep.Name, "lines": rep.Lines, "matched": len(rep.Matched), "unmatched_bank": len(rep.UnmatchedBank),
		"unmatched_ledger": len(rep.UnmatchedLedger), "mismatches": len(rep.Mismatches)})
}
