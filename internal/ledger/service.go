package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// MaxAmount bounds every amount the ledger accepts: 10 trillion yuan, so that
// sums of many amounts stay far from int64 overflow.
const MaxAmount domain.Fen = 1_000_000_000_000_000

// Service is the settlement ledger. Every command takes the acting user and an
// idempotency key: replaying a key with the same request returns the original
// Transaction (Replayed set); the same key with a different request is a
// Conflict. Refused commands are not journalled, so a refused key may be retried.
type Service struct {
	db *store.DB
	e  *engine
}

// New starts the ledger's committers over db. Call Close to stop them.
func New(db *store.DB, cfg Config) *Service {
	return &Service{db: db, e: newEngine(db, cfg)}
}

// Close stops accepting commands after applying those already queued.
func (s *Service) Close() { s.e.close() }

// SetClock replaces the clock (tests, simulations).
func (s *Service) SetClock(now func() time.Time) { s.e.clock.Store(&now) }

// Stats reports the engine's counters.
func (s *Service) Stats() Stats {
	st := Stats{Batches: s.e.batches.Load(), Commands: s.e.commands.Load(), Fallbacks: s.e.fallbacks.Load(),
		BalanceRetries: s.e.balanceRetries.Load(), CachedBatches: s.e.cachedBatches.Load(),
		StaleRetries: s.e.staleRetries.Load(), PhaseSeconds: map[string]float64{}}
	for i, name := range phaseNames {
		st.PhaseSeconds[name] = time.Duration(s.e.phaseNanos[i].Load()).Seconds()
	}
	return st
}

// Config reports the engine configuration in effect.
func (s *Service) Config() Config { return s.e.cfg }

func (s *Service) now() time.Time { return s.e.now() }

// newCmd validates the key and fingerprints the request. The fingerprint covers
// the kind, the acting identity and the request, so a key replayed by someone
// else, or for another request, is refused rather than answered.
func newCmd(op, kind string, actor domain.Actor, key string, request any) (*cmd, error) {
	if actor.IsAnonymous() {
		return nil, apperr.E(op, apperr.Unauthenticated, "sign in first")
	}
	if err := validKey(key); err != nil {
		return nil, apperr.Fields(op, apperr.Field("idempotency_key", "invalid", err.Error(), "幂等键无效"))
	}
	body, err := json.Marshal(request)
	if err != nil {
		return nil, fmt.Errorf("%s: encode request: %w", op, err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", kind, actorID(actor))
	h.Write(body)
	return &cmd{key: key, kind: kind, actor: actor, hash: hex.EncodeToString(h.Sum(nil))}, nil
}

func validKey(key string) error {
	if key == "" || len(key) > 128 {
		return fmt.Errorf("an idempotency key of 1 to 128 characters is required")
	}
	for _, r := range key {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return fmt.Errorf("the idempotency key may not contain spaces or control characters")
		}
	}
	return nil
}

func actorID(a domain.Actor) string {
	if a.System {
		return "system:" + a.Name
	}
	return a.UserID
}

// actorOrg is the organisation the actor acts for, as the audit log records it.
func actorOrg(a domain.Actor) string {
	if len(a.Roles) > 0 {
		return a.Roles[0].OrgID
	}
	return ""
}

// newTx starts the Transaction of an accepted command.
func (w *world) newTx(c *cmd) *Transaction {
	return &Transaction{ID: domain.NewID(), Key: c.key, Kind: c.kind, ActorID: actorID(c.actor),
		RecordedAt: w.now, Postings: []Posting{}}
}

func post(src, dst string, amount int64) Posting {
	return Posting{Source: src, Destination: dst, Amount: domain.Fen(amount), Currency: "CNY"}
}

func isOperator(a domain.Actor) bool { return a.HasRole(domain.RoleOperator) }

func forbidden(op, msg string) error { return apperr.E(op, apperr.Forbidden, msg) }

// denied refuses an actor before a command is queued: anonymous callers are
// told to sign in, others that they may not.
func denied(op string, actor domain.Actor, msg string) error {
	if actor.IsAnonymous() {
		return apperr.E(op, apperr.Unauthenticated, "sign in first")
	}
	return forbidden(op, msg)
}

func checkAmount(l *apperr.FieldList, field string, v domain.Fen) {
	if v <= 0 || v > MaxAmount {
		l.Add(field, "out_of_range", "must be a positive amount in fen, at most 10 trillion yuan", "金额须为正数（分），且不超过十万亿元")
	}
}

// ---- Agreements ----

// RegisterAgreement records a signed contract's settlement terms: milestones,
// fee and commission rates, inventor share, deemed-acceptance period, refund
// rules and royalty terms. The contract layer calls it (as operator or system).
// With royalty terms and an entry fee, the entry-fee invoice is issued here.
func (s *Service) RegisterAgreement(ctx context.Context, actor domain.Actor, key string, in AgreementInput) (Transaction, error) {
	const op = "ledger.RegisterAgreement"
	terms, err := normalizeAgreement(op, in)
	if err != nil {
		return Transaction{}, err
	}
	if !isOperator(actor) {
		return Transaction{}, denied(op, actor, "only the platform registers settlement terms")
	}
	c, err := newCmd(op, KindAgreement, actor, key, terms)
	if err != nil {
		return Transaction{}, err
	}
	id := terms.ContractID
	// Batched like any command (see cmd.registers): a second registration of the
	// same contract in a batch sees the first in w.contracts and is refused.
	c.route, c.contracts, c.registers = id, []string{id}, id
	// The balance rows every release will credit are created now (a missing
	// row costs the batch that meets it a retry), and so are known to exist
	// before the first release, which can then run from a committer's cache.
	c.accounts = func(*world) []need {
		n := releaseNeeds(terms, Escrow(id))
		n[0].debit = false
		return n
	}
	c.exec = func(ctx context.Context, w *world) error {
		if w.contracts[id] != nil {
			return apperr.E(op, apperr.Conflict, "settlement terms for this contract are already registered")
		}
		t := w.newTx(c)
		t.ContractID, t.Amount = id, terms.Price()
		cs := &contractState{terms: terms, price: int64(terms.Price()), createdAt: w.now, isNew: true,
			milestones: map[int]*msState{}}
		for i, m := range terms.Milestones {
			cs.milestones[i+1] = &msState{Milestone: Milestone{Seq: i + 1, Title: m.Title, Amount: m.Amount,
				Status: MilestonePending}, isNew: true}
		}
		return w.accept(c, t, func() {
			w.contracts[id] = cs
			if r := terms.Royalty; r != nil && r.EntryFee > 0 {
				w.issueInvoice(t, id, "", InvoiceEntryFee, 0, 0, int64(r.EntryFee), entryFeeDue(r))
			}
		})
	}
	return s.e.submit(ctx, c)
}

// ---- Deposits and withdrawals ----

// DepositFromBank credits an organisation's available balance from a bank
// notice of an incoming transfer. One bank reference credits at most once.
func (s *Service) DepositFromBank(ctx context.Context, actor domain.Actor, key string, n BankNotice) (Transaction, error) {
	const op = "ledger.DepositFromBank"
	var l apperr.FieldList
	if !validBankRef(n.BankRef) {
		l.Add("bank_ref", "invalid", "the bank reference is required (1–64 characters, no spaces)", "银行流水号必填（1–64 个字符，不含空格）")
	}
	if !validID(n.OrgID) {
		l.Add("org_id", "invalid", "unknown organisation id", "机构编号无效")
	}
	checkAmount(&l, "amount_fen", n.Amount)
	if len(n.Memo) > 500 || len(n.Payer) > 200 {
		l.Add("memo", "too_long", "payer or memo too long", "付款人或附言过长")
	}
	if err := l.Err(op); err != nil {
		return Transaction{}, err
	}
	if !actor.HasRole(domain.RoleBankOfficer) && !isOperator(actor) {
		return Transaction{}, denied(op, actor, "only a bank officer or operator records bank notices")
	}
	c, err := newCmd(op, KindDeposit, actor, key, n)
	if err != nil {
		return Transaction{}, err
	}
	dst := PartyAvailable(n.OrgID)
	c.route = n.OrgID
	c.accounts = func(*world) []need { return []need{{AccountBankClearing, true}, {dst, false}} }
	c.exec = func(ctx context.Context, w *world) error {
		t := w.newTx(c)
		t.RefID, t.BankRef, t.Amount = n.OrgID, n.BankRef, n.Amount
		t.Memo = strings.TrimSpace(n.Payer + " " + n.Memo)
		t.Postings = []Posting{post(AccountBankClearing, dst, int64(n.Amount))}
		return w.accept(c, t, func() {
		})
	}
	return s.e.submit(ctx, c)
}

// Withdraw pays money out of a party's account to its bank; the payout appears
// on the bank statement under the returned BankRef.
func (s *Service) Withdraw(ctx context.Context, actor domain.Actor, key string, in WithdrawalInput) (Transaction, error) {
	const op = "ledger.Withdraw"
	var l apperr.FieldList
	info, err := ParseAccount(in.Account)
	withdrawable := err == nil && (info.Kind == "party" || info.Kind == "broker" && info.Purpose == "commission")
	if !withdrawable {
		l.Add("account", "invalid", "only a party's available or inventor-reward account, or a broker's commission, can be paid out",
			"只能从机构可用余额、发明人奖励账户或经纪佣金账户提现")
	}
	checkAmount(&l, "amount_fen", in.Amount)
	if in.BankRef != "" && !validBankRef(in.BankRef) {
		l.Add("bank_ref", "invalid", "bank reference: 1–64 characters, no spaces", "银行流水号为 1–64 个字符，不含空格")
	}
	if err := l.Err(op); err != nil {
		return Transaction{}, err
	}
	role := domain.RoleBroker
	if info.Kind == "party" {
		role = domain.RoleSeller
		if info.Purpose == "available" && actor.HasRoleIn(info.OrgID, domain.RoleBuyer) {
			role = domain.RoleBuyer
		}
	}
	if !actor.HasRoleIn(info.OrgID, role) && !isOperator(actor) {
		return Transaction{}, denied(op, actor, "only the account's organisation may withdraw from it")
	}
	c, err := newCmd(op, KindWithdrawal, actor, key, in)
	if err != nil {
		return Transaction{}, err
	}
	c.route = info.OrgID
	c.accounts = func(*world) []need { return []need{{in.Account, true}, {AccountBankClearing, false}} }
	c.exec = func(ctx context.Context, w *world) error {
		t := w.newTx(c)
		t.RefID, t.Amount, t.Memo, t.BankRef = in.Account, in.Amount, in.Memo, in.BankRef
		if t.BankRef == "" {
			t.BankRef = "TM" + strings.ReplaceAll(t.ID, "-", "")
		}
		t.Postings = []Posting{post(in.Account, AccountBankClearing, int64(in.Amount))}
		return w.accept(c, t, func() {
		})
	}
	return s.e.submit(ctx, c)
}

func validBankRef(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == ',' || r == '"' {
			return false
		}
	}
	return true
}

// ---- Escrow ----

// HoldEscrow moves buyer funds into the contract's escrow. The total held never
// exceeds the contract price.
func (s *Service) HoldEscrow(ctx context.Context, actor domain.Actor, key, contractID string, amount domain.Fen) (Transaction, error) {
	const op = "ledger.HoldEscrow"
	var l apperr.FieldList
	if !validID(contractID) {
		l.Add("contract_id", "invalid", "unknown contract id", "合同编号无效")
	}
	checkAmount(&l, "amount_fen", amount)
	if err := l.Err(op); err != nil {
		return Transaction{}, err
	}
	c, err := newCmd(op, KindHold, actor, key, struct {
		ContractID string     `json:"contract_id"`
		Amount     domain.Fen `json:"amount_fen"`
	}{contractID, amount})
	if err != nil {
		return Transaction{}, err
	}
	c.route, c.contracts = contractID, []string{contractID}
	c.accounts = func(w *world) []need {
		cs := w.contracts[contractID]
		if cs == nil {
			return nil
		}
		return []need{{PartyAvailable(cs.terms.BuyerOrg), true}, {Escrow(contractID), false}}
	}
	c.exec = func(ctx context.Context, w *world) error {
		cs := w.contracts[contractID]
		if cs == nil {
			return apperr.E(op, apperr.NotFound, "no settlement terms for this contract")
		}
		if !c.actor.HasRoleIn(cs.terms.BuyerOrg, domain.RoleBuyer) {
			return forbidden(op, "only the buyer funds escrow")
		}
		if cs.held+int64(amount) > cs.price {
			return apperr.E(op, apperr.Conflict, "escrow would exceed the contract price")
		}
		t := w.newTx(c)
		t.ContractID, t.Amount = contractID, amount
		t.Postings = []Posting{post(PartyAvailable(cs.terms.BuyerOrg), Escrow(contractID), int64(amount))}
		return w.accept(c, t, func() {
			cs.held += int64(amount)
			cs.dirty = true
		})
	}
	return s.e.submit(ctx, c)
}
