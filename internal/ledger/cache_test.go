package ledger_test

import (
	"context"
	"os"
	"testing"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// Two nodes (two ledger services on one PostgreSQL database) take turns on the
// same contract. Each node's committer keeps the contract after its own
// batches, so each turn finds the other node's cache out of date: the cached
// attempt must fail on the contract's version, roll back, and the command run
// again with reads — never release a milestone twice, never lose a change.
func TestStateCacheSurvivesAnotherNodeChangingTheContract(t *testing.T) {
	if os.Getenv(storetest.EnvPG) == "" {
		t.Skip("the state cache is PostgreSQL only; set " + storetest.EnvPG)
	}
	ctx := context.Background()
	db := storetest.Postgres(t)
	a, _ := newLedger(t, db, ledger.Config{Committers: 1})
	b, _ := newLedger(t, db, ledger.Config{Committers: 1})
	buyer, seller := member("buyer1", domain.RoleBuyer), member("univ1", domain.RoleSeller)
	in := devContract("c1")
	in.Milestones = []ledger.MilestoneInput{{Amount: 100_00}, {Amount: 200_00}, {Amount: 300_00}, {Amount: 400_00}}

	must(a.RegisterAgreement(ctx, operator, "agr", in))(t)
	must(a.DepositFromBank(ctx, bankOfficer, "dep", ledger.BankNotice{BankRef: "BN1", OrgID: "buyer1", Amount: 1_000_00}))(t)
	must(a.HoldEscrow(ctx, buyer, "hold", "c1", 1_000_00))(t) // a now holds c1 with its escrow
	must(a.DeliverMilestone(ctx, seller, "del-1", "c1", 1))(t)
	if st := a.Stats(); st.CachedBatches == 0 {
		t.Fatalf("node a never wrote from its cache: %+v", st)
	}

	// b releases milestone 1 and delivers 2; a's cached copy still shows 1 as delivered.
	must(b.AcceptMilestone(ctx, buyer, "acc-1", ledger.AcceptInput{ContractID: "c1", Seq: 1}))(t)
	must(b.DeliverMilestone(ctx, seller, "del-2", "c1", 2))(t)

	// On a, releasing milestone 1 again must be refused, under a new key…
	_, err := a.AcceptMilestone(ctx, buyer, "acc-1-again", ledger.AcceptInput{ContractID: "c1", Seq: 1})
	wantKind(t, err, apperr.Conflict)
	// …and b's key replayed on a answers b's original.
	again := must(a.AcceptMilestone(ctx, buyer, "acc-1", ledger.AcceptInput{ContractID: "c1", Seq: 1}))(t)
	if !again.Replayed || again.Amount != 100_00 {
		t.Fatalf("replay of b's release on a = %+v, want b's original", again)
	}
	// a releases milestone 2, which only b delivered.
	must(a.AcceptMilestone(ctx, buyer, "acc-2", ledger.AcceptInput{ContractID: "c1", Seq: 2}))(t)
	if st := a.Stats(); st.StaleRetries == 0 {
		t.Fatalf("node a never found its cache out of date: %+v", st)
	}

	// Turn and turn about for the rest: every change lands exactly once.
	must(b.DeliverMilestone(ctx, seller, "del-3", "c1", 3))(t)
	must(a.AcceptMilestone(ctx, buyer, "acc-3", ledger.AcceptInput{ContractID: "c1", Seq: 3}))(t)
	must(a.DeliverMilestone(ctx, seller, "del-4", "c1", 4))(t)
	must(b.AcceptMilestone(ctx, buyer, "acc-4", ledger.AcceptInput{ContractID: "c1", Seq: 4}))(t)
	_, err = a.AcceptMilestone(ctx, buyer, "acc-4-again", ledger.AcceptInput{ContractID: "c1", Seq: 4})
	wantKind(t, err, apperr.Conflict)

	wantBalances(t, a, map[string]domain.Fen{ledger.Escrow("c1"): 0, ledger.PartyAvailable("buyer1"): 0})
	verifyClean(t, db)
	for _, s := range []*ledger.Service{a, b} {
		if st := s.Stats(); st.Fallbacks != 0 {
			t.Errorf("a stale cache made a batch fall back to one command at a time: %+v", st)
		}
	}
}
