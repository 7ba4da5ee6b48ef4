package filing_test

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/registration/filing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

func wantKind(t *testing.T, err error, kind apperr.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %v error, got nil", kind)
	}
	if got := apperr.KindOf(err); got != kind {
		t.Fatalf("want %v, got %v: %v", kind, got, err)
	}
}

func fieldCodes(err error) []string {
	var out []string
	for _, fe := range apperr.FieldsOf(err) {
		out = append(out, fe.Code)
	}
	return out
}

func TestLifecycle(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		draft, err := f.svc.CreateDraft(f.ctx, f.filer, filing.Draft{RegistryOrgID: f.registry.ID, Contract: devContract(1)})
		if err != nil {
			t.Fatal(err)
		}
		if draft.Status != registration.StatusDraft || draft.Result == nil || draft.Result.Outcome != registration.OutcomeRegistrable {
			t.Fatalf("draft: status %s result %+v", draft.Status, draft.Result)
		}
		if draft.FilerOrgID != f.uni.ID || draft.TechnologyAmountFen != 251000000 {
			t.Fatalf("draft filer %s tech %d", draft.FilerOrgID, draft.TechnologyAmountFen)
		}

		sub, err := f.svc.Submit(f.ctx, f.filer, draft.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Submitted Monday 2026-03-02: 15 working days later is Monday 2026-03-23 (the day of submission does not count).
		if sub.Status != registration.StatusSubmitted || sub.DeadlineDue != "2026-03-23" {
			t.Fatalf("submitted: status %s due %s", sub.Status, sub.DeadlineDue)
		}
		queue, err := f.svc.Queue(f.ctx, f.registrar, "")
		if err != nil || len(queue) != 1 || queue[0].ID != sub.ID {
			t.Fatalf("queue %v %v", queue, err)
		}
		if _, err := f.svc.Queue(f.ctx, f.filer, f.registry.ID); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("filer sees the queue: %v", err)
		}

		if _, err := f.svc.Claim(f.ctx, f.registrar, sub.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.RequestCorrection(f.ctx, f.registrar2, sub.ID, "请补充验收报告")
		wantKind(t, err, apperr.Conflict) // claimed by registrar 1
		cr, err := f.svc.RequestCorrection(f.ctx, f.registrar, sub.ID, "请补充验收报告")
		if err != nil {
			t.Fatal(err)
		}
		if cr.Status != registration.StatusCorrectionRequested || cr.DeadlineDue != "" {
			t.Fatalf("correction: %s due %q", cr.Status, cr.DeadlineDue)
		}
		notes, unread, err := f.notes.List(f.ctx, f.filer.UserID, 10)
		if err != nil || unread != 1 || notes[0].Kind != "registration.request_correction" {
			t.Fatalf("filer notifications %+v unread %d err %v", notes, unread, err)
		}

		// The filer corrects a week later: the clock restarts from the resubmission.
		f.advance(7 * 24 * time.Hour)
		c := devContract(1)
		c.Clauses = append(c.Clauses, "验收以第三方检测报告为准。")
		upd, err := f.svc.UpdateDraft(f.ctx, f.filer, cr.ID, cr.Version, c)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.UpdateDraft(f.ctx, f.filer, cr.ID, cr.Version, c)
		wantKind(t, err, apperr.Conflict) // stale version
		re, err := f.svc.Submit(f.ctx, f.filer, upd.ID)
		if err != nil {
			t.Fatal(err)
		}
		if re.DeadlineDue != "2026-03-30" || re.ClaimedBy != "" {
			t.Fatalf("resubmitted: due %s claimed %q", re.DeadlineDue, re.ClaimedBy)
		}

		_, err = f.svc.Register(f.ctx, f.filer, re.ID, nil)
		wantKind(t, err, apperr.Forbidden)
		_, err = f.svc.Register(f.ctx, f.registrar, re.ID, &filing.OverrideInput{AmountFen: 400000000, Reason: "x"})
		wantKind(t, err, apperr.Invalid) // exceeds the contract amount
		reg, err := f.svc.Register(f.ctx, f.registrar, re.ID, &filing.OverrideInput{AmountFen: 200000000, Reason: "样品试制费属非技术性费用"})
		if err != nil {
			t.Fatal(err)
		}
		if reg.RegistrationNumber != "2026"+region+"000001" || reg.TechnologyAmountFen != 200000000 ||
			reg.Override == nil || reg.Result.TechnologyAmount.ComputedFen != 251000000 {
			t.Fatalf("registered: number %s tech %d override %+v", reg.RegistrationNumber, reg.TechnologyAmountFen, reg.Override)
		}

		cert, err := f.svc.Certificate(f.ctx, f.filer, reg.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cert.AmountFen != 301000000 || cert.TechnologyAmountFen != 200000000 || !cert.Overridden || cert.Seller != "北京未来科技大学" {
			t.Fatalf("certificate %+v", cert)
		}
		body, err := cert.PDF()
		if err != nil || !bytes.HasPrefix(body, []byte("%PDF")) {
			t.Fatalf("certificate pdf: %v", err)
		}

		amended := devContract(1)
		amended.ValidUntil = "2031-06-09"
		am, err := f.svc.Amend(f.ctx, f.registrar, reg.ID, amended, "合同有效期延长一年", nil)
		if err != nil {
			t.Fatal(err)
		}
		if am.Status != registration.StatusRegistered || am.RegistrationNumber != reg.RegistrationNumber || am.Override != nil {
			t.Fatalf("amended %+v", am)
		}
		_, err = f.svc.Cancel(f.ctx, f.registrar, reg.ID, "")
		wantKind(t, err, apperr.Invalid)
		cn, err := f.svc.Cancel(f.ctx, f.registrar, reg.ID, "合同已解除")
		if err != nil || cn.Status != registration.StatusCancelled {
			t.Fatalf("cancel: %v %s", err, cn.Status)
		}
		_, err = f.svc.Certificate(f.ctx, f.filer, reg.ID)
		wantKind(t, err, apperr.Conflict)

		hist, err := f.svc.History(f.ctx, f.filer, reg.ID)
		if err != nil {
			t.Fatal(err)
		}
		var events []string
		for _, e := range hist {
			events = append(events, e.Event)
		}
		want := []string{"create", "submit", "claim", "request_correction", "edit", "submit", "register", "amend", "cancel"}
		if !slices.Equal(events, want) {
			t.Fatalf("history %v, want %v", events, want)
		}
		if hist[3].Note != "请补充验收报告" || hist[8].ToStatus != registration.StatusCancelled {
			t.Fatalf("history detail %+v", hist)
		}
		trail, err := audit.ForObject(f.ctx, db, filing.ObjectType, reg.ID)
		if err != nil || len(trail) != len(want) || trail[6].Action != "registration.register" {
			t.Fatalf("audit trail %d entries, err %v", len(trail), err)
		}
	})
}

func TestAccess(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		// The buyer's organisation is not the registrant party named in the contract.
		_, err := f.svc.CreateDraft(f.ctx, f.buyer, filing.Draft{RegistryOrgID: f.registry.ID, Contract: devContract(1)})
		if !slices.Contains(fieldCodes(err), "not_filer") {
			t.Fatalf("buyer filing for the seller: %v", err)
		}
		_, err = f.svc.CreateDraft(f.ctx, f.filer, filing.Draft{RegistryOrgID: f.uni.ID, Contract: devContract(1)})
		if !slices.Contains(fieldCodes(err), "not_found") {
			t.Fatalf("a university as registry: %v", err)
		}
		_, err = f.svc.CreateDraft(f.ctx, f.filer, filing.Draft{RegistryOrgID: f.registry.ID, FilerOrgID: f.firm.ID, Contract: devContract(1)})
		wantKind(t, err, apperr.Forbidden)

		sub := f.submitted(1)
		_, err = f.svc.Get(f.ctx, f.outsider, sub.ID)
		wantKind(t, err, apperr.NotFound)
		if _, err := f.svc.Get(f.ctx, f.registrar2, sub.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Claim(f.ctx, f.filer, sub.ID)
		wantKind(t, err, apperr.Forbidden)
		_, err = f.svc.Withdraw(f.ctx, f.registrar, sub.ID)
		wantKind(t, err, apperr.Forbidden)
		mine, err := f.svc.Mine(f.ctx, f.filer)
		if err != nil || len(mine) != 1 {
			t.Fatalf("mine %d %v", len(mine), err)
		}
		if mine, _ := f.svc.Mine(f.ctx, f.outsider); len(mine) != 0 {
			t.Fatalf("outsider sees %d filings", len(mine))
		}
		w, err := f.svc.Withdraw(f.ctx, f.filer, sub.ID)
		if err != nil || w.Status != registration.StatusWithdrawn {
			t.Fatalf("withdraw %v %s", err, w.Status)
		}
		_, err = f.svc.Submit(f.ctx, f.filer, sub.ID)
		wantKind(t, err, apperr.Conflict)
	})
}

func TestSubmitRefusedWithBlockersAndDuplicates(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		c := devContract(1)
		c.Attachments = nil
		d, err := f.svc.CreateDraft(f.ctx, f.filer, filing.Draft{RegistryOrgID: f.registry.ID, Contract: c})
		if err != nil {
			t.Fatal(err) // a draft may have blockers
		}
		if d.Result.Outcome != registration.OutcomeNeedsCorrection {
			t.Fatalf("outcome %s", d.Result.Outcome)
		}
		_, err = f.svc.Submit(f.ctx, f.filer, d.ID)
		if !slices.Contains(fieldCodes(err), "ATTACHMENT_CONTRACT_TEXT_MISSING") {
			t.Fatalf("submit with a blocker: %v", err)
		}

		first := f.submitted(2)
		if _, err := f.svc.Register(f.ctx, f.registrar, first.ID, nil); err != nil {
			t.Fatal(err)
		}
		// The same contract again, under another name: a duplicate registration.
		again := devContract(2)
		again.Name = "正极材料工艺开发合同"
		d2, err := f.svc.CreateDraft(f.ctx, f.filer, filing.Draft{RegistryOrgID: f.registry.ID, Contract: again})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(registration.Codes(d2.Result.Findings), "DUPLICATE_REGISTRATION") {
			t.Fatalf("no duplicate finding: %v", registration.Codes(d2.Result.Findings))
		}
		_, err = f.svc.Submit(f.ctx, f.filer, d2.ID)
		if !slices.Contains(fieldCodes(err), "DUPLICATE_REGISTRATION") {
			t.Fatalf("submit of a duplicate: %v", err)
		}
	})
}

func TestRefuse(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		sub := f.submitted(1)
		_, err := f.svc.Refuse(f.ctx, f.registrar, sub.ID, nil, "")
		wantKind(t, err, apperr.Invalid)
		_, err = f.svc.Refuse(f.ctx, f.registrar, sub.ID, []string{"NOT_A_REASON"}, "")
		if !slices.Contains(fieldCodes(err), "unknown_code") {
			t.Fatalf("unknown code: %v", err)
		}
		_, err = f.svc.Refuse(f.ctx, f.registrar, sub.ID, []string{filing.RefuseOther}, "")
		if !slices.Contains(fieldCodes(err), "required") {
			t.Fatalf("OTHER without note: %v", err)
		}
		r, err := f.svc.Refuse(f.ctx, f.registrar, sub.ID, []string{"DEVELOPMENT_NOT_INNOVATIVE", filing.RefuseFalseInfo}, "实验记录系伪造")
		if err != nil || r.Status != registration.StatusRefused {
			t.Fatalf("refuse %v %s", err, r.Status)
		}
		hist, err := f.svc.History(f.ctx, f.filer, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := hist[len(hist)-1]
		if last.Event != "refuse" || !slices.Equal(last.Codes, []string{"DEVELOPMENT_NOT_INNOVATIVE", filing.RefuseFalseInfo}) {
			t.Fatalf("refusal event %+v", last)
		}
		_, err = f.svc.Register(f.ctx, f.registrar, sub.ID, nil)
		wantKind(t, err, apperr.Conflict)
	})
}

func TestRegistryConfiguration(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		_, err := f.svc.ConfigureRegistry(f.ctx, f.filer, filing.Registry{OrgID: f.registry.ID})
		wantKind(t, err, apperr.Forbidden)
		_, err = f.svc.ConfigureRegistry(f.ctx, f.registrar, filing.Registry{OrgID: f.registry.ID, DeadlineRule: "nowhere", NumberPattern: "{SEQ6}", RegionCode: region})
		if codes := fieldCodes(err); !slices.Contains(codes, "unknown_code") || !slices.Contains(codes, "invalid") {
			t.Fatalf("bad configuration: %v", err)
		}
		r, err := f.svc.ConfigureRegistry(f.ctx, f.registrar, filing.Registry{OrgID: f.registry.ID, DeadlineRule: "beijing",
			NumberPattern: "BJ-{YYYY}-{SEQ5}", RegionCode: region})
		if err != nil || !r.Configured {
			t.Fatalf("configure %v %+v", err, r)
		}
		sub := f.submitted(1)
		// Beijing: 30 calendar days from Monday 2026-03-02 is Wednesday 2026-04-01.
		if sub.DeadlineDue != "2026-04-01" {
			t.Fatalf("due %s", sub.DeadlineDue)
		}
		reg, err := f.svc.Register(f.ctx, f.registrar, sub.ID, nil)
		if err != nil || reg.RegistrationNumber != "BJ-2026-00001" {
			t.Fatalf("register %v %s", err, reg.RegistrationNumber)
		}
	})
}

// TestConcurrentNumbering registers ten filings at once: the numbers must be
// exactly 1…10 of the year, none repeated and none skipped.
func TestConcurrentNumbering(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		const n = 10
		ids := make([]string, n)
		for i := range ids {
			ids[i] = f.submitted(i + 1).ID
		}
		numbers := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				actor := f.registrar
				if i%2 == 1 {
					actor = f.registrar2
				}
				reg, err := f.svc.Register(f.ctx, actor, ids[i], nil)
				numbers[i], errs[i] = reg.RegistrationNumber, err
			}(i)
		}
		// A second registrar racing for the same filing must lose cleanly.
		wg.Add(1)
		var raceErr error
		go func() {
			defer wg.Done()
			_, raceErr = f.svc.Register(f.ctx, f.registrar2, ids[0], nil)
		}()
		wg.Wait()
		for i, err := range errs {
			if err != nil && !(i == 0 && apperr.KindOf(err) == apperr.Conflict) {
				t.Fatalf("register %d: %v", i, err)
			}
		}
		if errs[0] != nil {
			// The racer won filing 0; its number stands in for the loser's.
			reg, err := f.svc.Get(f.ctx, f.registrar, ids[0])
			if err != nil {
				t.Fatal(err)
			}
			numbers[0] = reg.RegistrationNumber
		} else if raceErr == nil || apperr.KindOf(raceErr) != apperr.Conflict {
			t.Fatalf("second registration of one filing: %v", raceErr)
		}
		sort.Strings(numbers)
		for i, got := range numbers {
			if want := fmt.Sprintf("2026%s%06d", region, i+1); got != want {
				t.Fatalf("numbers %v: position %d is %s, want %s", numbers, i, got, want)
			}
		}
		var next int64
		if err := db.QueryRow(f.ctx, `SELECT next_seq FROM registration_sequences WHERE registry_org_id = ?`, f.registry.ID).Scan(&next); err != nil || next != n+1 {
			t.Fatalf("next sequence %d, err %v", next, err)
		}
	})
}

func TestDeadlineState(t *testing.T) {
	fl := filing.Filing{Status: registration.StatusSubmitted, DeadlineDue: "2026-03-20"}
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	for _, tc := range []struct{ now, want string }{
		{"2026-03-19T15:59:00Z", "running"},   // 23:59 on the 19th in China
		{"2026-03-19T16:00:00Z", "due_today"}, // 00:00 on the 20th in China
		{"2026-03-20T16:00:00Z", "overdue"},
	} {
		if got := fl.DeadlineState(at(tc.now)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.now, got, tc.want)
		}
	}
	fl.Status = registration.StatusCorrectionRequested
	if got := fl.DeadlineState(at("2026-04-01T00:00:00Z")); got != "" {
		t.Errorf("clock stopped, got %q", got)
	}
	_ = domain.Fen(0)
}
