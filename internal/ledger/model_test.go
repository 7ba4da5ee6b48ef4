package ledger_test

import (
	"math/big"
	"sort"
	"time"

	"github.com/techmarket-org/techmarket/internal/ledger"
)

// refModel is an in-memory reference model of the ledger's rules, written
// independently of the implementation (plain maps, no batching, no SQL). The
// randomized workload runs every command against both and compares them.

type refMilestone struct {
	amount             int64
	status             string
	deemedAt           time.Time
	released, refunded int64
	clawed             [5]int64
}

type refContract struct {
	in                               ledger.AgreementInput
	inventorBps                      int64
	held, released, erefund, crefund int64
	milestones                       []*refMilestone
}

type refModel struct {
	bal       map[string]int64
	contracts map[string]*refContract
}

func newRefModel() *refModel {
	return &refModel{bal: map[string]int64{}, contracts: map[string]*refContract{}}
}

func (m *refModel) move(src, dst string, amt int64) {
	if amt > 0 {
		m.bal[src] -= amt
		m.bal[dst] += amt
	}
}

// refAllocate is the documented rounding rule: floors, then one fen each to the
// largest remainders, ties to the earlier part. Exact rational arithmetic.
func refAllocate(total int64, weights []int64) []int64 {
	out := make([]int64, len(weights))
	var sum int64
	for _, w := range weights {
		sum += w
	}
	if total == 0 || sum == 0 {
		return out
	}
	type rem struct {
		i int
		r *big.Int
	}
	var rems []rem
	left := total
	for i, w := range weights {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(big.NewInt(total), big.NewInt(w)), big.NewInt(sum), new(big.Int))
		out[i] = q.Int64()
		left -= out[i]
		if w > 0 {
			rems = append(rems, rem{i, r})
		}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r.Cmp(rems[b].r) > 0 })
	for k := 0; left > 0; k++ {
		out[rems[k].i]++
		left--
	}
	return out
}

// parts of a release: fee, broker 1, broker 2, inventors, seller.
func (c *refContract) split(gross int64) [5]int64 {
	w := []int64{int64(c.in.PlatformFeeBps), 0, 0, 0}
	rest := int64(10000 - c.in.PlatformFeeBps)
	for i, b := range c.in.Brokers {
		w[1+i] = int64(b.CommissionBps)
		rest -= int64(b.CommissionBps)
	}
	w[3] = rest
	a := refAllocate(gross, w)
	n := refAllocate(a[3], []int64{c.inventorBps, 10000 - c.inventorBps})
	return [5]int64{a[0], a[1], a[2], n[0], n[1]}
}

func (m *refModel) payOut(c *refContract, src string, gross int64) {
	p := c.split(gross)
	m.move(src, ledger.AccountPlatformFees, p[0])
	for i, b := range c.in.Brokers {
		m.move(src, ledger.BrokerCommission(b.OrgID), p[1+i])
	}
	m.move(src, ledger.InventorRewards(c.in.SellerOrg), p[3])
	m.move(src, ledger.PartyAvailable(c.in.SellerOrg), p[4])
}

// outcome is what the model expects of a command: ok, or the refusal kind.
type outcome string

const (
	expectOK        outcome = "ok"
	expectConflict  outcome = "conflict"
	expectForbidden outcome = "forbidden"
	expectInvalid   outcome = "invalid"
)

func (m *refModel) register(in ledger.AgreementInput) outcome {
	if m.contracts[in.ContractID] != nil {
		return expectConflict
	}
	c := &refContract{in: in, inventorBps: 5000}
	if in.InventorShareBps != nil {
		c.inventorBps = int64(*in.InventorShareBps)
	}
	for _, ms := range in.Milestones {
		c.milestones = append(c.milestones, &refMilestone{amount: int64(ms.Amount), status: ledger.MilestonePending})
	}
	m.contracts[in.ContractID] = c
	return expectOK
}

func (c *refContract) price() int64 {
	var p int64
	for _, ms := range c.milestones {
		p += ms.amount
	}
	return p
}

func (m *refModel) hold(id string, amt int64) outcome {
	c := m.contracts[id]
	buyer := ledger.PartyAvailable(c.in.BuyerOrg)
	if c.held+amt > c.price() || m.bal[buyer] < amt {
		return expectConflict
	}
	m.move(buyer, ledger.Escrow(id), amt)
	c.held += amt
	return expectOK
}

func (m *refModel) deliver(id string, seq int, now time.Time) outcome {
	c := m.contracts[id]
	ms := c.milestones[seq-1]
	if ms.status != ledger.MilestonePending && ms.status != ledger.MilestoneDisputed {
		return expectConflict
	}
	ms.status, ms.deemedAt = ledger.MilestoneDelivered, now.AddDate(0, 0, c.in.DeemedAcceptanceDays)
	return expectOK
}

func (m *refModel) dispute(id string, seq int, now time.Time) outcome {
	ms := m.contracts[id].milestones[seq-1]
	if ms.status != ledger.MilestoneDelivered || !now.Before(ms.deemedAt) {
		return expectConflict
	}
	ms.status = ledger.MilestoneDisputed
	return expectOK
}

func (m *refModel) accept(id string, seq int, amount int64) outcome {
	c := m.contracts[id]
	ms := c.milestones[seq-1]
	if ms.status == ledger.MilestoneReleased {
		return expectConflict
	}
	gross := ms.amount
	if amount > 0 {
		if amount > ms.amount {
			return expectInvalid
		}
		gross = amount
	}
	if m.bal[ledger.Escrow(id)] < gross {
		return expectConflict
	}
	m.payOut(c, ledger.Escrow(id), gross)
	ms.status, ms.released = ledger.MilestoneReleased, gross
	c.released += gross
	return expectOK
}

func (m *refModel) refundEscrow(id string, amt int64) outcome {
	c := m.contracts[id]
	if m.bal[ledger.Escrow(id)] < amt {
		return expectConflict
	}
	m.move(ledger.Escrow(id), ledger.PartyAvailable(c.in.BuyerOrg), amt)
	c.erefund += amt
	return expectOK
}

// refundReleased follows the documented clawback rules.
func (m *refModel) refundReleased(id string, seq int, amt int64) outcome {
	c := m.contracts[id]
	ms := c.milestones[seq-1]
	if ms.status != ledger.MilestoneReleased || amt > ms.released-ms.refunded {
		return expectConflict
	}
	orig := c.split(ms.released)
	remaining := make([]int64, 5)
	for i := range remaining {
		remaining[i] = orig[i] - ms.clawed[i]
	}
	sh := refAllocate(amt, remaining)
	buyer, seller := ledger.PartyAvailable(c.in.BuyerOrg), ledger.PartyAvailable(c.in.SellerOrg)
	type mv struct {
		src string
		amt int64
	}
	var moves []mv
	fromSeller := sh[4]
	if c.in.PlatformRetainsFeeOnRefund {
		fromSeller += sh[0]
	} else {
		moves = append(moves, mv{ledger.AccountPlatformFees, sh[0]})
	}
	for i, b := range c.in.Brokers {
		if c.in.BrokersRetainCommissionOnRefund {
			fromSeller += sh[1+i]
			continue
		}
		cov := min(sh[1+i], max(0, m.bal[ledger.BrokerCommission(b.OrgID)]))
		moves = append(moves, mv{ledger.BrokerCommission(b.OrgID), cov}, mv{ledger.BrokerReceivable(b.OrgID), sh[1+i] - cov})
	}
	inv := ledger.InventorRewards(c.in.SellerOrg)
	cov := min(sh[3], max(0, m.bal[inv]))
	moves = append(moves, mv{inv, cov})
	fromSeller += sh[3] - cov
	if m.bal[seller] < fromSeller {
		return expectConflict
	}
	moves = append(moves, mv{seller, fromSeller})
	for _, x := range moves {
		m.move(x.src, buyer, x.amt)
	}
	for i := range sh {
		ms.clawed[i] += sh[i]
	}
	ms.refunded += amt
	c.crefund += amt
	return expectOK
}

func (m *refModel) withdraw(account string, amt int64) outcome {
	if m.bal[account] < amt {
		return expectConflict
	}
	m.move(account, ledger.AccountBankClearing, amt)
	return expectOK
}

func (m *refModel) deemed(now time.Time) int {
	n := 0
	for id, c := range m.contracts {
		for i, ms := range c.milestones {
			if ms.status == ledger.MilestoneDelivered && !now.Before(ms.deemedAt) {
				if m.accept(id, i+1, 0) == expectOK {
					n++
				}
			}
		}
	}
	return n
}
