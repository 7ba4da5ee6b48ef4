package ledger

import (
	"context"
	"fmt"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// Milestone life cycle:
//
//	pending ──deliver──▶ delivered ──accept / deemed──▶ released
//	   │                   │  ▲                            ▲
//	   │                dispute│deliver again              │
//	   │                   ▼  │                            │
//	   └──────accept────▶ disputed ──accept (buyer or operator)┘
//
// Release happens at most once per milestone, possibly for less than its
// amount (a partial release); what is not released stays in escrow.

type milestoneRequest struct {
	ContractID string `json:"contract_id"`
	Seq        int    `json:"seq"`
	Reason     string `json:"reason,omitempty"`
}

func validateMilestoneRef(op, contractID string, seq int) error {
	var l apperr.FieldList
	if !validID(contractID) {
		l.Add("contract_id", "invalid", "unknown contract id", "合同编号无效")
	}
	if seq < 1 || seq > maxMilestones {
		l.Add("seq", "out_of_range", "milestones are numbered from 1", "付款节点从 1 开始编号")
	}
	return l.Err(op)
}

// milestoneOf finds a loaded milestone or refuses.
func milestoneOf(op string, w *world, contractID string, seq int) (*contractState, *msState, error) {
	cs := w.contracts[contractID]
	if cs == nil {
		return nil, nil, apperr.E(op, apperr.NotFound, "no settlement terms for this contract")
	}
	m := cs.milestones[seq]
	if m == nil {
		return nil, nil, apperr.E(op, apperr.NotFound, "no such milestone")
	}
	return cs, m, nil
}

// DeliverMilestone is the seller's declaration that a milestone's deliverables
// were handed over. It starts the deemed-acceptance clock.
func (s *Service) DeliverMilestone(ctx context.Context, actor domain.Actor, key, contractID string, seq int) (Transaction, error) {
	const op = "ledger.DeliverMilestone"
	if err := validateMilestoneRef(op, contractID, seq); err != nil {
		return Transaction{}, err
	}
	c, err := newCmd(op, KindDeliver, actor, key, milestoneRequest{ContractID: contractID, Seq: seq})
	if err != nil {
		return Transaction{}, err
	}
	c.route, c.contracts, c.milestones = contractID, []string{contractID}, []msRef{{contractID, seq}}
	c.exec = func(ctx context.Context, w *world) error {
		cs, m, err := milestoneOf(op, w, contractID, seq)
		if err != nil {
			return err
		}
		if !c.actor.HasRoleIn(cs.terms.SellerOrg, domain.RoleSeller) {
			return forbidden(op, "only the seller delivers")
		}
		if m.Status != MilestonePending && m.Status != MilestoneDisputed {
			return apperr.E(op, apperr.Conflict, "the milestone is already "+m.Status)
		}
		t := w.newTx(c)
		t.ContractID, t.MilestoneSeq = contractID, seq
		return w.accept(c, t, func() {
			at := w.now
			deemed := at.AddDate(0, 0, cs.terms.DeemedAcceptanceDays)
			m.Status, m.DeliveredAt, m.DeemedAt, m.dirty = MilestoneDelivered, &at, &deemed, true
		})
	}
	return s.e.submit(ctx, c)
}

// DisputeMilestone is the buyer's objection to a delivery; it stops the
// deemed-acceptance clock until the seller delivers again or the milestone is
// accepted (by the buyer, or by an operator resolving the dispute).
func (s *Service) DisputeMilestone(ctx context.Context, actor domain.Actor, key, contractID string, seq int, reason string) (Transaction, error) {
	const op = "ledger.DisputeMilestone"
	if err := validateMilestoneRef(op, contractID, seq); err != nil {
		return Transaction{}, err
	}
	if reason == "" || len(reason) > 2000 {
		return Transaction{}, apperr.Fields(op, apperr.Field("reason", "required", "a reason (up to 2000 bytes) is required", "须填写异议理由（不超过 2000 字节）"))
	}
	c, err := newCmd(op, KindDispute, actor, key, milestoneRequest{ContractID: contractID, Seq: seq, Reason: reason})
	if err != nil {
		return Transaction{}, err
	}
	c.route, c.contracts, c.milestones = contractID, []string{contractID}, []msRef{{contractID, seq}}
	c.exec = func(ctx context.Context, w *world) error {
		cs, m, err := milestoneOf(op, w, contractID, seq)
		if err != nil {
			return err
		}
		if !c.actor.HasRoleIn(cs.terms.BuyerOrg, domain.RoleBuyer) {
			return forbidden(op, "only the buyer disputes a delivery")
		}
		if m.Status != MilestoneDelivered {
			return apperr.E(op, apperr.Conflict, "only a delivered milestone can be disputed; it is "+m.Status)
		}
		if m.DeemedAt != nil && !w.now.Before(*m.DeemedAt) {
			return apperr.E(op, apperr.Conflict, "the acceptance period is over; the milestone is deemed accepted")
		}
		t := w.newTx(c)
		t.ContractID, t.MilestoneSeq, t.Memo = contractID, seq, reason
		return w.accept(c, t, func() {
			m.Status, m.dirty = MilestoneDisputed, true
		})
	}
	return s.e.submit(ctx, c)
}

// AcceptMilestone releases a milestone on the buyer's acceptance (or an
// operator's resolution of a dispute): escrow pays the platform fee, the broker
// commissions, the seller's inventor-reward pool and the seller, split by the
// documented rounding rule. in.Amount below the milestone amount is a partial
// release.
func (s *Service) AcceptMilestone(ctx context.Context, actor domain.Actor, key string, in AcceptInput) (Transaction, error) {
	const op = "ledger.AcceptMilestone"
	if err := validateMilestoneRef(op, in.ContractID, in.Seq); err != nil {
		return Transaction{}, err
	}
	if in.Amount < 0 || in.Amount > MaxAmount || len(in.Memo) > 500 {
		return Transaction{}, apperr.Fields(op, apperr.Field("amount_fen", "out_of_range", "0 (the whole milestone) or a positive amount up to the milestone amount", "0（全额）或不超过节点金额的正数"))
	}
	c, err := newCmd(op, KindRelease, actor, key, in)
	if err != nil {
		return Transaction{}, err
	}
	s.prepareRelease(op, c, in, false)
	return s.e.submit(ctx, c)
}

func (s *Service) prepareRelease(op string, c *cmd, in AcceptInput, deemed bool) {
	id, seq := in.ContractID, in.Seq
	c.route, c.contracts, c.milestones = id, []string{id}, []msRef{{id, seq}}
	c.accounts = func(w *world) []need {
		cs := w.contracts[id]
		if cs == nil {
			return nil
		}
		return releaseNeeds(cs.terms, Escrow(id))
	}
	c.exec = func(ctx context.Context, w *world) error {
		cs, m, err := milestoneOf(op, w, id, seq)
		if err != nil {
			return err
		}
		switch {
		case deemed:
			if m.Status != MilestoneDelivered {
				return apperr.E(op, apperr.Conflict, "the milestone is "+m.Status+", not awaiting acceptance")
			}
			if m.DeemedAt == nil || w.now.Before(*m.DeemedAt) {
				return apperr.E(op, apperr.Conflict, "the acceptance period is not over yet")
			}
		case !c.actor.HasRoleIn(cs.terms.BuyerOrg, domain.RoleBuyer) && !isOperator(c.actor):
			return forbidden(op, "only the buyer (or an operator resolving a dispute) accepts a milestone")
		}
		if m.Status == MilestoneReleased {
			return apperr.E(op, apperr.Conflict, "the milestone was already released")
		}
		gross := int64(m.Amount)
		if in.Amount > 0 {
			if in.Amount > m.Amount {
				return apperr.Fields(op, apperr.Field("amount_fen", "over_milestone", "more than the milestone amount", "超过节点金额"))
			}
			gross = int64(in.Amount)
		}
		t := w.newTx(c)
		t.ContractID, t.MilestoneSeq, t.Amount, t.Memo = id, seq, domain.Fen(gross), in.Memo
		t.Postings = splitPostings(Escrow(id), gross, cs.terms)
		return w.accept(c, t, func() {
			m.Status, m.Released, m.ReleaseTx, m.dirty = MilestoneReleased, domain.Fen(gross), t.ID, true
			cs.released += gross
			cs.dirty = true
		})
	}
}

// releaseNeeds lists the accounts a release or royalty payment from source touches.
func releaseNeeds(t *Terms, source string) []need {
	n := []need{{source, true}, {AccountPlatformFees, false}, {PartyAvailable(t.SellerOrg), false},
		{InventorRewards(t.SellerOrg), false}}
	for _, b := range t.Brokers {
		n = append(n, need{BrokerCommission(b.OrgID), false})
	}
	return n
}

// splitPostings pays gross from source to the seller side per releaseSplit.
func splitPostings(source string, gross int64, t *Terms) []Posting {
	parts := releaseSplit(gross, t)
	dest := [numParts]string{AccountPlatformFees, "", "", InventorRewards(t.SellerOrg), PartyAvailable(t.SellerOrg)}
	for i, b := range t.Brokers {
		dest[partBroker1+i] = BrokerCommission(b.OrgID)
	}
	var out []Posting
	for i, amt := range parts {
		if amt > 0 {
			out = append(out, post(source, dest[i], amt))
		}
	}
	return out
}

// ReleaseDeemed releases every delivered milestone whose acceptance period has
// passed without acceptance or dispute. It is a job run by the system actor; its
// idempotency keys are derived from the milestone, so running it twice, or on
// two nodes, releases nothing twice.
func (s *Service) ReleaseDeemed(ctx context.Context, actor domain.Actor) ([]Transaction, error) {
	const op = "ledger.ReleaseDeemed"
	if !actor.System && !isOperator(actor) {
		return nil, denied(op, actor, "deemed acceptance is run by the platform")
	}
	rows, err := s.db.Query(ctx, `SELECT contract_id, seq FROM ledger_milestones
		WHERE status = 'delivered' AND deemed_at <= ? ORDER BY contract_id, seq LIMIT 10000`, s.now())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	var due []msRef
	for rows.Next() {
		var r msRef
		if err := rows.Scan(&r.contract, &r.seq); err != nil {
			rows.Close()
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		due = append(due, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	// Contracts run concurrently; one contract's milestones are released in
	// order, so when escrow cannot cover them all, the earlier ones are paid.
	byContract := map[string][]int{}
	for _, r := range due {
		byContract[r.contract] = append(byContract[r.contract], r.seq)
	}
	type result struct {
		t   Transaction
		err error
	}
	results := make(chan result, len(due))
	for contractID, seqs := range byContract {
		go func() {
			for _, seq := range seqs {
				in := AcceptInput{ContractID: contractID, Seq: seq, Memo: "deemed accepted"}
				c, err := newCmd(op, KindRelease, actor, fmt.Sprintf("deemed:%s:%d", contractID, seq), in)
				if err == nil {
					s.prepareRelease(op, c, in, true)
					var t Transaction
					t, err = s.e.submit(ctx, c)
					results <- result{t, err}
					continue
				}
				results <- result{err: err}
			}
		}()
	}
	var out []Transaction
	var firstErr error
	for range due {
		r := <-results
		switch {
		case r.err == nil:
			out = append(out, r.t)
		case apperr.Is(r.err, apperr.Conflict):
			// Accepted, disputed or released meanwhile: nothing to do.
		case firstErr == nil:
			firstErr = r.err
		}
	}
	return out, firstErr
}

// Refund returns money to the buyer (see RefundInput). A refund from escrow
// needs the seller's consent or an operator; a refund of released money claws
// back the parts pro rata — the platform fee and broker commissions unless the
// venue's rules let them keep it — and the seller pays the rest. A broker that
// has already withdrawn its commission owes the shortfall (its receivable goes
// negative); inventors' rewards already paid out are made good by the seller.
func (s *Service) Refund(ctx context.Context, actor domain.Actor, key string, in RefundInput) (Transaction, error) {
	const op = "ledger.Refund"
	var l apperr.FieldList
	if !validID(in.ContractID) {
		l.Add("contract_id", "invalid", "unknown contract id", "合同编号无效")
	}
	if in.Seq < 0 || in.Seq > maxMilestones {
		l.Add("seq", "out_of_range", "0 for escrow, or a milestone number", "0 表示托管资金，或付款节点编号")
	}
	checkAmount(&l, "amount_fen", in.Amount)
	if in.Reason == "" || len(in.Reason) > 2000 {
		l.Add("reason", "required", "a reason (up to 2000 bytes) is required", "须填写退款理由（不超过 2000 字节）")
	}
	if err := l.Err(op); err != nil {
		return Transaction{}, err
	}
	c, err := newCmd(op, KindRefund, actor, key, in)
	if err != nil {
		return Transaction{}, err
	}
	id := in.ContractID
	c.route, c.contracts = id, []string{id}
	if in.Seq > 0 {
		c.milestones = []msRef{{id, in.Seq}}
	}
	c.accounts = func(w *world) []need {
		cs := w.contracts[id]
		if cs == nil {
			return nil
		}
		t := cs.terms
		if in.Seq == 0 {
			return []need{{Escrow(id), true}, {PartyAvailable(t.BuyerOrg), false}}
		}
		n := []need{{PartyAvailable(t.BuyerOrg), false}, {PartyAvailable(t.SellerOrg), true},
			{InventorRewards(t.SellerOrg), true}, {AccountPlatformFees, true}}
		for _, b := range t.Brokers {
			n = append(n, need{BrokerCommission(b.OrgID), true}, need{BrokerReceivable(b.OrgID), true})
		}
		return n
	}
	c.exec = func(ctx context.Context, w *world) error {
		cs := w.contracts[id]
		if cs == nil {
			return apperr.E(op, apperr.NotFound, "no settlement terms for this contract")
		}
		if !c.actor.HasRoleIn(cs.terms.SellerOrg, domain.RoleSeller) && !isOperator(c.actor) {
			return forbidden(op, "a refund needs the seller or an operator")
		}
		t := w.newTx(c)
		t.ContractID, t.MilestoneSeq, t.Amount, t.Memo = id, in.Seq, in.Amount, in.Reason
		amount := int64(in.Amount)
		if in.Seq == 0 {
			t.Postings = []Posting{post(Escrow(id), PartyAvailable(cs.terms.BuyerOrg), amount)}
			return w.accept(c, t, func() {
				cs.escrowRefunded += amount
				cs.dirty = true
			})
		}
		_, m, err := milestoneOf(op, w, id, in.Seq)
		if err != nil {
			return err
		}
		if m.Status != MilestoneReleased {
			return apperr.E(op, apperr.Conflict, "nothing was released for this milestone; refund from escrow instead")
		}
		if amount > int64(m.Released-m.Refunded) {
			return apperr.E(op, apperr.Conflict, "the refund exceeds what was released and not yet refunded")
		}
		shares := clawbackSplit(amount, releaseSplit(int64(m.Released), cs.terms), m.clawed)
		t.Postings = w.clawbackPostings(cs.terms, shares)
		return w.accept(c, t, func() {
			for i := range shares {
				m.clawed[i] += shares[i]
			}
			m.Refunded += domain.Fen(amount)
			m.dirty = true
			cs.clawbackRefunded += amount
			cs.dirty = true
		})
	}
	return s.e.submit(ctx, c)
}

// clawbackPostings turns clawback shares into postings to the buyer, applying
// the venue's retention rules and the shortfall rules documented on Refund.
func (w *world) clawbackPostings(t *Terms, shares [numParts]int64) []Posting {
	buyer := PartyAvailable(t.BuyerOrg)
	seller := PartyAvailable(t.SellerOrg)
	fromSeller := shares[partSeller]
	var out []Posting
	add := func(src string, amt int64) {
		if amt > 0 {
			out = append(out, post(src, buyer, amt))
		}
	}
	if t.PlatformRetainsFeeOnRefund {
		fromSeller += shares[partPlatformFee]
	} else {
		add(AccountPlatformFees, shares[partPlatformFee])
	}
	for i, b := range t.Brokers {
		share := shares[partBroker1+i]
		if t.BrokersRetainCommissionOnRefund {
			fromSeller += share
			continue
		}
		covered := min(share, max(0, w.balance(BrokerCommission(b.OrgID))))
		add(BrokerCommission(b.OrgID), covered)
		add(BrokerReceivable(b.OrgID), share-covered)
	}
	inv := shares[partInventors]
	covered := min(inv, max(0, w.balance(InventorRewards(t.SellerOrg))))
	add(InventorRewards(t.SellerOrg), covered)
	fromSeller += inv - covered
	add(seller, fromSeller)
	return out
}
