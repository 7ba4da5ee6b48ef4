package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// TestRandomWorkloadAgainstReferenceModel runs a randomized workload of every
// ledger command from concurrent clients against the real ledger and against
// the reference model, and compares them after every batch: each command's
// outcome, every balance, every contract total and milestone, and every
// invariant (Verify). Clients own disjoint parties and contracts, so each
// client's outcomes are deterministic, while all of them share the hot
// platform accounts and the bank clearing account and race through the same
// committers. LEDGER_WORKLOAD_OPS sets the number of operations per engine
// (default 2,000), LEDGER_WORKLOAD_SEED the random seed (default 1).
func TestRandomWorkloadAgainstReferenceModel(t *testing.T) {
	ops, seed := 2000, uint64(1)
	if v, err := strconv.Atoi(os.Getenv("LEDGER_WORKLOAD_OPS")); err == nil && v > 0 {
		ops = v
	}
	if v, err := strconv.ParseUint(os.Getenv("LEDGER_WORKLOAD_SEED"), 10, 64); err == nil {
		seed = v
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		runWorkload(t, db, ops, 8, seed)
	})
}

type workload struct {
	t     *testing.T
	s     *ledger.Service
	clock *atomicClock
	// reached counts how often interesting states were reached, to show the
	// workload is not trivially refusing everything ("sometimes" assertions).
	reached sync.Map
}

type atomicClock struct{ ns atomic.Int64 }

func (c *atomicClock) now() time.Time { return time.Unix(0, c.ns.Load()).UTC() }

func (w *workload) hit(what string) {
	v, _ := w.reached.LoadOrStore(what, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

// client drives one party set against its own model.
type client struct {
	w        *workload
	id       int
	rng      *rand.Rand
	m        *refModel
	buyer    string
	seller   string
	brokers  [2]string
	bidder   string
	n        int
	done     []doneCmd // accepted commands, for replays
	auctions []string
}

type doneCmd struct {
	key    string
	replay func(key string) (ledger.Transaction, error)
	tx     ledger.Transaction
}

// TestRandomWorkloadStatementByStatement runs the workload on PostgreSQL
// without pipelining (as before it existed) and with four committers, so both
// ways of writing a batch face the reference model.
func TestRandomWorkloadStatementByStatement(t *testing.T) {
	if os.Getenv(storetest.EnvPG) == "" {
		t.Skip("PostgreSQL only; set " + storetest.EnvPG)
	}
	runWorkloadWith(t, storetest.Postgres(t), ledger.Config{MaxBatch: 64, NoPipeline: true}, 2000, 8, 1)
	runWorkloadWith(t, storetest.Postgres(t), ledger.Config{MaxBatch: 64, Committers: 4}, 2000, 8, 1)
}

func runWorkload(t *testing.T, db *store.DB, ops, clients int, seed uint64) {
	runWorkloadWith(t, db, ledger.Config{MaxBatch: 64}, ops, clients, seed)
}

func runWorkloadWith(t *testing.T, db *store.DB, cfg ledger.Config, ops, clients int, seed uint64) {
	ctx := context.Background()
	s := ledger.New(db, cfg)
	defer s.Close()
	clk := &atomicClock{}
	clk.ns.Store(time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC).UnixNano())
	s.SetClock(clk.now)
	w := &workload{t: t, s: s, clock: clk}
	cs := make([]*client, clients)
	for i := range cs {
		p := fmt.Sprintf("w%d", i)
		cs[i] = &client{w: w, id: i, rng: rand.New(rand.NewPCG(seed, uint64(i))), m: newRefModel(),
			buyer: p + "-buyer", seller: p + "-seller", brokers: [2]string{p + "-k1", p + "-k2"}, bidder: p + "-bidder"}
	}
	const perBatch = 25
	batches := max(1, ops/(clients*perBatch))
	start := time.Now()
	for b := 0; b < batches; b++ {
		var wg sync.WaitGroup
		for _, c := range cs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < perBatch; i++ {
					c.step(ctx)
				}
			}()
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		// Between batches: time passes and the deemed-acceptance job runs.
		clk.ns.Add(int64(time.Duration(1+cs[0].rng.IntN(4)) * 24 * time.Hour))
		want := 0
		for _, c := range cs {
			want += c.m.deemed(clk.now())
		}
		got, err := s.ReleaseDeemed(ctx, system)
		if err != nil || len(got) != want {
			t.Fatalf("batch %d: deemed releases %d (err %v), model %d", b, len(got), err, want)
		}
		if want > 0 {
			w.hit("deemed release")
		}
		compare(t, ctx, s, db, cs)
		if t.Failed() {
			t.Fatalf("divergence after batch %d", b)
		}
	}
	t.Logf("%d operations from %d clients in %s; stats %+v", batches*clients*perBatch, clients, time.Since(start).Round(time.Millisecond), s.Stats())
	for _, what := range []string{"deposit", "register", "hold", "hold refused", "deliver", "dispute", "accept", "partial accept",
		"accept refused", "refund escrow", "clawback", "clawback refused", "broker receivable", "withdraw", "withdraw refused",
		"auction", "replay", "conflicting replay", "forbidden", "deemed release"} {
		v, ok := w.reached.Load(what)
		if !ok || v.(*atomic.Int64).Load() == 0 {
			t.Errorf("the workload never reached %q", what)
		}
	}
}

// compare checks the ledger against every client's model and the invariants.
func compare(t *testing.T, ctx context.Context, s *ledger.Service, db *store.DB, cs []*client) {
	t.Helper()
	shared := map[string]int64{}
	for _, c := range cs {
		for acct, want := range c.m.bal {
			info, _ := ledger.ParseAccount(acct)
			if info.Kind == "platform" || info.Kind == "bank" {
				shared[acct] += want
				continue
			}
			if got := balance(t, s, acct); int64(got) != want {
				t.Errorf("client %d: %s = %d, model %d", c.id, acct, got, want)
			}
		}
		for id, rc := range c.m.contracts {
			a := must(s.Agreement(ctx, operator, id))(t)
			if int64(a.Held) != rc.held || int64(a.Released) != rc.released || int64(a.EscrowRefunded) != rc.erefund ||
				int64(a.ClawbackRefunded) != rc.crefund {
				t.Errorf("contract %s totals %+v, model held %d released %d refunds %d/%d", id, a, rc.held, rc.released, rc.erefund, rc.crefund)
			}
			for i, ms := range a.Milestones {
				r := rc.milestones[i]
				if ms.Status != r.status || int64(ms.Released) != r.released || int64(ms.Refunded) != r.refunded {
					t.Errorf("contract %s milestone %d = %s/%d/%d, model %s/%d/%d", id, i+1, ms.Status, ms.Released, ms.Refunded,
						r.status, r.released, r.refunded)
				}
			}
		}
	}
	for acct, want := range shared {
		if got := balance(t, s, acct); int64(got) != want {
			t.Errorf("shared %s = %d, model %d", acct, got, want)
		}
	}
	verifyClean(t, db)
}

func (c *client) key() string {
	c.n++
	return fmt.Sprintf("w%d-k%d", c.id, c.n)
}

func (c *client) fen(lo, hi int64) int64 { return lo + c.rng.Int64N(hi-lo+1) }

// check compares a command's result with the model's expectation and, when
// accepted, remembers it for later replays.
func (c *client) check(op string, want outcome, key string, tx ledger.Transaction, err error, replay func(string) (ledger.Transaction, error)) {
	t := c.w.t
	got := expectOK
	switch {
	case err == nil:
	case apperr.Is(err, apperr.Conflict):
		got = expectConflict
	case apperr.Is(err, apperr.Forbidden):
		got = expectForbidden
	case apperr.Is(err, apperr.Invalid):
		got = expectInvalid
	default:
		t.Errorf("client %d %s: unexpected error %v", c.id, op, err)
		return
	}
	if got != want {
		t.Errorf("client %d %s (key %s): ledger %s (%v), model %s", c.id, op, key, got, err, want)
		return
	}
	if got == expectOK {
		c.done = append(c.done, doneCmd{key: key, replay: replay, tx: tx})
		var sum domain.Fen
		for _, p := range tx.Postings {
			sum += p.Amount
		}
		if len(tx.Postings) > 0 && sum != tx.Amount && op != "auction apply" {
			t.Errorf("client %d %s: legs sum to %d, amount %d", c.id, op, sum, tx.Amount)
		}
	}
}

func (c *client) contract() (string, *refContract) {
	if len(c.m.contracts) == 0 {
		return "", nil
	}
	k := c.rng.IntN(len(c.m.contracts))
	id := fmt.Sprintf("w%d-c%d", c.id, k)
	return id, c.m.contracts[id]
}

func (c *client) step(ctx context.Context) {
	s, w := c.w.s, c.w
	buyerA, sellerA := member(c.buyer, domain.RoleBuyer), member(c.seller, domain.RoleSeller)
	now := w.clock.now()
	id, rc := c.contract()
	switch r := c.rng.IntN(100); {
	case rc == nil || r < 8:
		in := c.randomAgreement()
		key := c.key()
		want := c.m.register(in)
		tx, err := s.RegisterAgreement(ctx, operator, key, in)
		c.check("register", want, key, tx, err, func(k string) (ledger.Transaction, error) { return s.RegisterAgreement(ctx, operator, k, in) })
		w.hit("register")
	case r < 16:
		n := BankNoticeFor(c, c.fen(1_000_00, 5_000_000_00))
		key := c.key()
		c.m.move(ledger.AccountBankClearing, ledger.PartyAvailable(n.OrgID), int64(n.Amount))
		tx, err := s.DepositFromBank(ctx, bankOfficer, key, n)
		c.check("deposit", expectOK, key, tx, err, func(k string) (ledger.Transaction, error) { return s.DepositFromBank(ctx, bankOfficer, k, n) })
		w.hit("deposit")
	case r < 30:
		amt := c.fen(1, max(1, rc.price()-rc.held)*5/4+1)
		key := c.key()
		want := c.m.hold(id, amt)
		tx, err := s.HoldEscrow(ctx, buyerA, key, id, domain.Fen(amt))
		c.check("hold", want, key, tx, err, func(k string) (ledger.Transaction, error) { return s.HoldEscrow(ctx, buyerA, k, id, domain.Fen(amt)) })
		w.hit(map[bool]string{true: "hold", false: "hold refused"}[want == expectOK])
	case r < 40:
		seq := 1 + c.rng.IntN(len(rc.milestones))
		key := c.key()
		want := c.m.deliver(id, seq, now)
		tx, err := s.DeliverMilestone(ctx, sellerA, key, id, seq)
		c.check("deliver", want, key, tx, err, func(k string) (ledger.Transaction, error) { return s.DeliverMilestone(ctx, sellerA, k, id, seq) })
		w.hit("deliver")
	case r < 44:
		seq := 1 + c.rng.IntN(len(rc.milestones))
		key := c.key()
		want := c.m.dispute(id, seq, now)
		tx, err := s.DisputeMilestone(ctx, buyerA, key, id, seq, "not as specified")
		c.check("dispute", want, key, tx, err, nil)
		if want == expectOK {
			w.hit("dispute")
		}
	case r < 58:
		seq := 1 + c.rng.IntN(len(rc.milestones))
		in := ledger.AcceptInput{ContractID: id, Seq: seq}
		if c.rng.IntN(4) == 0 {
			in.Amount = domain.Fen(c.fen(1, rc.milestones[seq-1].amount*9/8+1))
		}
		actor := buyerA
		if c.rng.IntN(5) == 0 {
			actor = operator
		}
		key := c.key()
		want := c.m.accept(id, seq, int64(in.Amount))
		tx, err := s.AcceptMilestone(ctx, actor, key, in)
		c.check("accept", want, key, tx, err, func(k string) (ledger.Transaction, error) { return s.AcceptMilestone(ctx, actor, k, in) })
		switch {
		case want == expectOK && in.Amount > 0:
			w.hit("partial accept")
		case want == expectOK:
			w.hit("accept")
		default:
			w.hit("accept refused")
		}
	case r < 64:
		amt := c.fen(1, max(1, c.m.bal[ledger.Escrow(id)])*5/4+1)
		in := ledger.RefundInput{ContractID: id, Amount: domain.Fen(amt), Reason: "cancelled"}
		key := c.key()
		want := c.m.refundEscrow(id, amt)
		tx, err := s.Refund(ctx, sellerA, key, in)
		c.check("refund escrow", want, key, tx, err, func(k string) (ledger.Transaction, error) { return s.Refund(ctx, sellerA, k, in) })
		if want == expectOK {
			w.hit("refund escrow")
		}
	case r < 72:
		seq := 1 + c.rng.IntN(len(rc.milestones))
		ms := rc.milestones[seq-1]
		amt := c.fen(1, max(1, ms.released-ms.refunded)*5/4+1)
		in := ledger.RefundInput{ContractID: id, Seq: seq, Amount: domain.Fen(amt), Reason: "dispute ruling"}
		key := c.key()
		before := map[string]int64{}
		for _, b := range rc.in.Brokers {
			before[b.OrgID] = c.m.bal[ledger.BrokerReceivable(b.OrgID)]
		}
		want := c.m.refundReleased(id, seq, amt)
		tx, err := s.Refund(ctx, operator, key, in)
		c.check("clawback", want, key, tx, err, func(k string) (ledger.Transaction, error) { return s.Refund(ctx, operator, k, in) })
		if want == expectOK {
			w.hit("clawback")
			for _, b := range rc.in.Brokers {
				if c.m.bal[ledger.BrokerReceivable(b.OrgID)] < before[b.OrgID] {
					w.hit("broker receivable")
				}
			}
		} else if ms.status == ledger.MilestoneReleased {
			w.hit("clawback refused")
		}
	case r < 80:
		accounts := []string{ledger.PartyAvailable(c.seller), ledger.InventorRewards(c.seller), ledger.BrokerCommission(c.brokers[0]),
			ledger.BrokerCommission(c.brokers[1]), ledger.PartyAvailable(c.buyer)}
		acct := accounts[c.rng.IntN(len(accounts))]
		amt := c.fen(1, max(1, c.m.bal[acct])*9/8+1)
		in := ledger.WithdrawalInput{Account: acct, Amount: domain.Fen(amt)}
		key := c.key()
		want := c.m.withdraw(acct, amt)
		tx, err := s.Withdraw(ctx, operator, key, in)
		c.check("withdraw", want, key, tx, err, func(k string) (ledger.Transaction, error) { return s.Withdraw(ctx, operator, k, in) })
		w.hit(map[bool]string{true: "withdraw", false: "withdraw refused"}[want == expectOK])
	case r < 86:
		c.auctionStep(ctx)
	case r < 94 && len(c.done) > 0:
		d := c.done[c.rng.IntN(len(c.done))]
		if d.replay == nil {
			return
		}
		tx, err := d.replay(d.key)
		if err != nil || !tx.Replayed || tx.ID != d.tx.ID || tx.Amount != d.tx.Amount || len(tx.Postings) != len(d.tx.Postings) ||
			!tx.RecordedAt.Equal(d.tx.RecordedAt) {
			c.w.t.Errorf("client %d replay of %s: got %+v (%v), want the original %+v", c.id, d.key, tx, err, d.tx)
		}
		w.hit("replay")
	case r < 97 && len(c.done) > 0:
		// The same key with a different request is refused.
		d := c.done[c.rng.IntN(len(c.done))]
		_, err := s.DepositFromBank(ctx, bankOfficer, d.key, ledger.BankNotice{BankRef: "X" + d.key, OrgID: c.buyer, Amount: 1})
		if !apperr.Is(err, apperr.Conflict) {
			c.w.t.Errorf("client %d: conflicting replay of %s: %v", c.id, d.key, err)
		}
		w.hit("conflicting replay")
	default:
		// Someone else's role is refused and changes nothing.
		seq := 1 + c.rng.IntN(len(rc.milestones))
		_, err := s.AcceptMilestone(ctx, sellerA, c.key(), ledger.AcceptInput{ContractID: id, Seq: seq})
		if !apperr.Is(err, apperr.Forbidden) {
			c.w.t.Errorf("client %d: seller accepting: %v", c.id, err)
		}
		w.hit("forbidden")
	}
}

// BankNoticeFor makes a unique bank notice crediting the client's buyer.
func BankNoticeFor(c *client, amt int64) ledger.BankNotice {
	return ledger.BankNotice{BankRef: fmt.Sprintf("W%dBN%d", c.id, c.n+1), OrgID: c.buyer, Amount: domain.Fen(amt)}
}

func (c *client) randomAgreement() ledger.AgreementInput {
	id := fmt.Sprintf("w%d-c%d", c.id, len(c.m.contracts))
	in := ledger.AgreementInput{ContractID: id, BuyerOrg: c.buyer, SellerOrg: c.seller,
		PlatformFeeBps: c.rng.IntN(501), DeemedAcceptanceDays: 1 + c.rng.IntN(10),
		PlatformRetainsFeeOnRefund: c.rng.IntN(4) == 0, BrokersRetainCommissionOnRefund: c.rng.IntN(4) == 0}
	for i := 0; i < 1+c.rng.IntN(4); i++ {
		in.Milestones = append(in.Milestones, ledger.MilestoneInput{Title: fmt.Sprintf("m%d", i+1), Amount: domain.Fen(c.fen(1, 3_000_000_00))})
	}
	for i := 0; i < c.rng.IntN(3); i++ {
		in.Brokers = append(in.Brokers, ledger.BrokerShare{OrgID: c.brokers[i], CommissionBps: c.rng.IntN(301)})
	}
	switch c.rng.IntN(4) {
	case 1:
		in.InventorShareBps = intp(0)
	case 2:
		in.InventorShareBps = intp(7000)
	case 3:
		in.InventorShareBps = intp(c.rng.IntN(10001))
	}
	in.DeemedAcceptanceDays = normalizeDays(in.DeemedAcceptanceDays)
	return in
}

func normalizeDays(d int) int {
	if d == 0 {
		return ledger.DefaultDeemedAcceptanceDays
	}
	return d
}

// auctionStep holds, returns, forfeits or applies an auction deposit.
func (c *client) auctionStep(ctx context.Context) {
	s := c.w.s
	if len(c.auctions) == 0 || c.rng.IntN(3) == 0 {
		c.auctions = append(c.auctions, fmt.Sprintf("w%d-a%d", c.id, len(c.auctions)))
	}
	auc := c.auctions[c.rng.IntN(len(c.auctions))]
	in := ledger.AuctionDepositInput{AuctionID: auc, OrgID: c.buyer}
	dep := ledger.AuctionDeposit(auc, c.buyer)
	key := c.key()
	held := c.m.bal[dep]
	switch c.rng.IntN(4) {
	case 0, 1:
		in.Amount = domain.Fen(c.fen(1, 100_000_00))
		want := expectConflict
		if c.m.bal[ledger.PartyAvailable(c.buyer)] >= int64(in.Amount) {
			want = expectOK
			c.m.move(ledger.PartyAvailable(c.buyer), dep, int64(in.Amount))
		}
		tx, err := s.HoldAuctionDeposit(ctx, member(c.buyer, domain.RoleBuyer), key, in)
		c.check("auction hold", want, key, tx, err, nil)
	case 2:
		want := expectConflict
		if held > 0 {
			want = expectOK
			c.m.move(dep, ledger.AccountPlatformForfeits, held)
		}
		tx, err := s.ForfeitAuctionDeposit(ctx, operator, key, in)
		c.check("auction forfeit", want, key, tx, err, nil)
	default:
		want := expectConflict
		if held > 0 {
			want = expectOK
			c.m.move(dep, ledger.PartyAvailable(c.buyer), held)
		}
		tx, err := s.ReturnAuctionDeposit(ctx, operator, key, in)
		c.check("auction return", want, key, tx, err, nil)
	}
	c.w.hit("auction")
}
