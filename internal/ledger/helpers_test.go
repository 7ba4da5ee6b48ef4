package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/store"
)

func member(org, role string) domain.Actor {
	return domain.Actor{UserID: "u-" + org + "-" + role, Name: role, Roles: []domain.OrgRole{{OrgID: org, Role: role}}}
}

var (
	operator    = member("platform", domain.RoleOperator)
	bankOfficer = member("bank", domain.RoleBankOfficer)
	system      = domain.SystemActor("test")
)

// fixedClock is a settable clock for deterministic times.
type fixedClock struct{ t time.Time }

func (c *fixedClock) now() time.Time      { return c.t }
func (c *fixedClock) add(d time.Duration) { c.t = c.t.Add(d) }

func newLedger(t *testing.T, db *store.DB, cfg ledger.Config) (*ledger.Service, *fixedClock) {
	t.Helper()
	s := ledger.New(db, cfg)
	t.Cleanup(s.Close)
	clk := &fixedClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	s.SetClock(clk.now)
	return s, clk
}

// must(call())(t) fails the test if call returned an error.
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

func wantKind(t *testing.T, err error, kind apperr.Kind) {
	t.Helper()
	if !apperr.Is(err, kind) {
		t.Fatalf("want %v error, got %v", kind, err)
	}
}

func balance(t *testing.T, s *ledger.Service, account string) domain.Fen {
	t.Helper()
	return must(s.Balance(context.Background(), operator, account))(t)
}

func wantBalances(t *testing.T, s *ledger.Service, want map[string]domain.Fen) {
	t.Helper()
	for acct, w := range want {
		if got := balance(t, s, acct); got != w {
			t.Errorf("balance of %s = %d, want %d", acct, got, w)
		}
	}
}

func verifyClean(t *testing.T, db *store.DB) ledger.VerifyReport {
	t.Helper()
	rep, err := ledger.Verify(context.Background(), db)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	for _, v := range rep.Violations {
		t.Errorf("invariant %q broken for %s: %s", v.Invariant, v.Subject, v.Detail)
	}
	return rep
}

func intp(v int) *int { return &v }
