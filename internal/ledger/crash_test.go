package ledger_test

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// The crash test re-executes this test binary as a child that runs a settlement
// workload and prints the idempotency key of every command the ledger
// acknowledged. The parent SIGKILLs the child mid-workload, reopens the
// database and checks that no transaction is partial, that balances rebuilt
// from postings equal the cached ones, that every invariant holds, and that
// every acknowledged command survived. It does this three times on the same
// database, so later rounds start from a crashed one.
const (
	envCrashDSN    = "LEDGER_CRASH_CHILD_DSN"
	envCrashPrefix = "LEDGER_CRASH_CHILD_PREFIX"
)

func TestCrashMidWorkloadLeavesNoPartialTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test re-executes the test binary")
	}
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "crash.db")
		db := openMigrated(t, path)
		db.Close()
		crashRounds(t, path)
	})
	if dsn := os.Getenv(storetest.EnvPG); dsn != "" {
		t.Run("postgres", func(t *testing.T) {
			_, schema := storetest.PostgresSchema(t, dsn)
			u, err := url.Parse(dsn)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			crashRounds(t, u.String())
		})
	}
}

func openMigrated(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func crashRounds(t *testing.T, dsn string) {
	for round := 1; round <= 3; round++ {
		acked := runAndKill(t, dsn, fmt.Sprintf("r%d", round), 150*round)
		ctx := context.Background()
		db := openMigrated(t, dsn)
		rep := verifyClean(t, db)
		missing := 0
		for _, key := range acked {
			var n int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_transactions WHERE idempotency_key = ?`, key).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				missing++
			}
		}
		if missing > 0 {
			t.Errorf("round %d: %d of %d acknowledged commands are missing after the crash", round, missing, len(acked))
		}
		// The ledger works on after the crash.
		s := ledger.New(db, ledger.Config{})
		if _, err := s.DepositFromBank(ctx, bankOfficer, fmt.Sprintf("after-crash-%d", round),
			ledger.BankNotice{BankRef: fmt.Sprintf("AFTER%d", round), OrgID: "survivor", Amount: 100}); err != nil {
			t.Errorf("round %d: deposit after restart: %v", round, err)
		}
		s.Close()
		verifyClean(t, db)
		db.Close()
		t.Logf("round %d: killed after %d acknowledged commands; %d transactions, %d postings, invariants hold",
			round, len(acked), rep.Transactions, rep.Postings)
	}
}

// runAndKill starts the child, lets it acknowledge at least minAcks commands,
// SIGKILLs it and returns the acknowledged keys.
func runAndKill(t *testing.T, dsn, prefix string, minAcks int) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envCrashDSN+"="+dsn, envCrashPrefix+"="+prefix)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	enough := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		signalled := false
		for sc.Scan() {
			// "ack <key> ." — a line cut short by the kill lacks the final dot.
			f := strings.Fields(sc.Text())
			if len(f) == 3 && f[0] == "ack" && f[2] == "." {
				acked = append(acked, f[1])
			}
			if len(acked) >= minAcks && !signalled {
				signalled = true
				close(enough)
			}
		}
	}()
	select {
	case <-enough:
	case <-time.After(60 * time.Second):
		t.Log("the child was slow; killing it anyway")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-done
	_ = cmd.Wait()
	if len(acked) == 0 {
		t.Fatal("the child acknowledged nothing before it was killed")
	}
	return acked
}

// TestCrashChild is the child's workload; it runs only under the crash test.
func TestCrashChild(t *testing.T) {
	dsn := os.Getenv(envCrashDSN)
	if dsn == "" {
		t.Skip("run by TestCrashMidWorkloadLeavesNoPartialTransaction")
	}
	prefix := os.Getenv(envCrashPrefix)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	s := ledger.New(db, ledger.Config{})
	var mu sync.Mutex
	ack := func(tx ledger.Transaction, err error) bool {
		if err != nil {
			return false
		}
		mu.Lock()
		fmt.Fprintf(os.Stdout, "ack %s .\n", tx.Key)
		mu.Unlock()
		return true
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				id := fmt.Sprintf("%s-g%d-c%d", prefix, g, i)
				buyer, seller := id+"-b", id+"-s"
				in := ledger.AgreementInput{ContractID: id, BuyerOrg: buyer, SellerOrg: seller, PlatformFeeBps: 250,
					Brokers:    []ledger.BrokerShare{{OrgID: fmt.Sprintf("%s-k%d", prefix, g), CommissionBps: 150}},
					Milestones: []ledger.MilestoneInput{{Amount: 300_000_01}, {Amount: 200_000_00}, {Amount: 100_000_00}}}
				ok := ack(s.RegisterAgreement(ctx, operator, id+"-agr", in)) &&
					ack(s.DepositFromBank(ctx, bankOfficer, id+"-dep", ledger.BankNotice{BankRef: id, OrgID: buyer, Amount: 600_000_01})) &&
					ack(s.HoldEscrow(ctx, member(buyer, domain.RoleBuyer), id+"-hold", id, 600_000_01)) &&
					ack(s.AcceptMilestone(ctx, member(buyer, domain.RoleBuyer), id+"-acc1", ledger.AcceptInput{ContractID: id, Seq: 1})) &&
					ack(s.Refund(ctx, operator, id+"-claw", ledger.RefundInput{ContractID: id, Seq: 1, Amount: 100_000_00, Reason: "crash test"})) &&
					ack(s.AcceptMilestone(ctx, member(buyer, domain.RoleBuyer), id+"-acc2", ledger.AcceptInput{ContractID: id, Seq: 2, Amount: 150_000_00})) &&
					ack(s.Refund(ctx, member(seller, domain.RoleSeller), id+"-ref", ledger.RefundInput{ContractID: id, Amount: 50_000_00, Reason: "crash test"}))
				if !ok {
					t.Errorf("child workload step failed for %s", id)
					return
				}
			}
		}()
	}
	wg.Wait()
}
