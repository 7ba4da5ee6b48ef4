package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// waitAlerts waits for the matching alert worker to finish what is queued.
func (m *market) waitAlerts() {
	m.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !m.app.Matching.Idle() {
		if time.Now().After(deadline) {
			m.t.Fatal("alert worker still busy")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestMatchingThroughTheAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newMarket(t, db)
		ctx := context.Background()
		tech := m.publish(achievement("硫化物固态电解质"))
		m.publish(achievement("智能温室灌溉控制器"))
		trl, lo, hi := 5, int64(100_000_000), int64(200_000_000)
		need, err := m.buyer.CreateListing(ctx, client.NewListing{Submit: true, ListingInput: client.ListingInput{
			Kind: "need", TitleZh: "寻求固态锂电池电解质", SummaryZh: "需要高离子电导率的固态电解质，用于动力电池。",
			DetailZh: secretDetail, Field: "NE", RequiredTRL: &trl, BudgetMinFen: &lo, BudgetMaxFen: &hi,
			TransferModes: []string{"transfer"}, RegionCode: "110108"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.operator.ReviewListing(ctx, need.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		m.waitAlerts()

		// Both directions, with the explanation; the strict client proves the
		// answer has exactly the documented fields.
		got, err := m.buyer.ListingMatches(ctx, need.ID, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Items) == 0 || got.Items[0].Listing.ID != tech.ID || len(got.Items[0].Terms) == 0 || len(got.Items[0].Factors) == 0 {
			t.Fatalf("need matches: %+v", got)
		}
		back, err := m.rivalSeller.ListingMatches(ctx, tech.ID, 5)
		if err != nil || len(back.Items) == 0 || back.Items[0].Listing.ID != need.ID || back.Seeker.CanJudge {
			t.Fatalf("technology matches: %+v %v", back, err)
		}
		// The wire format never carries the confidential detail.
		tok, err := m.anon.CreateToken(ctx, client.TokenRequest{Email: "seller@rival.test", Password: testPassword, Name: "raw"})
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/api/v1/listings/" + need.ID + "/matches", "/api/v1/listings/" + tech.ID + "/matches"} {
			resp, body := m.raw(http.MethodGet, path, tok.Token, "", "")
			if resp.StatusCode != http.StatusOK || strings.Contains(string(body), "配方机密") || strings.Contains(string(body), "detail_zh") {
				t.Errorf("%s: %d %s", path, resp.StatusCode, body)
			}
		}
		resp, body := m.raw(http.MethodGet, "/api/v1/listings/"+need.ID+"/matches", "", "", "")
		problemOf(t, resp, body, http.StatusUnauthorized)
		resp, body = m.raw(http.MethodGet, "/api/v1/listings/"+need.ID+"/matches?k=500", tok.Token, "", "")
		if p := problemOf(t, resp, body, http.StatusUnprocessableEntity); len(p.Errors) != 1 || p.Errors[0].Field != "k" {
			t.Errorf("k=500: %+v", p)
		}

		// Feedback: the owner only, reasons checked, the seller sees counts.
		fb := client.MatchFeedback{TargetID: tech.ID, Relevant: false, Reason: "too_expensive"}
		if _, err := m.rivalSeller.JudgeListingMatch(ctx, need.ID, fb); client.StatusCode(err) != http.StatusForbidden {
			t.Errorf("rival judging the buyer's need: %v", err)
		}
		var apiErr *client.Error
		_, err = m.buyer.JudgeListingMatch(ctx, need.ID, client.MatchFeedback{TargetID: tech.ID, Reason: "bad"})
		if client.StatusCode(err) != http.StatusUnprocessableEntity || !errors.As(err, &apiErr) || apiErr.Problem.Errors[0].Field != "reason" {
			t.Errorf("unknown reason: %v", err)
		}
		if j, err := m.buyer.JudgeListingMatch(ctx, need.ID, fb); err != nil || j.Reason != "too_expensive" {
			t.Fatalf("judge: %+v %v", j, err)
		}
		sum, err := m.seller.ListingFeedbackSummary(ctx, tech.ID)
		if err != nil || sum.NotRelevant != 1 || len(sum.Reasons) != 1 || sum.Reasons[0].Code != "too_expensive" {
			t.Errorf("summary %+v %v", sum, err)
		}
		if _, err := m.buyer.ListingFeedbackSummary(ctx, tech.ID); client.StatusCode(err) != http.StatusForbidden {
			t.Errorf("buyer reading the seller's summary: %v", err)
		}
		if reasons, err := m.anon.MatchReasons(ctx); err != nil || len(reasons) < 5 || reasons[0].Label.Zh == "" {
			t.Errorf("reasons %+v %v", reasons, err)
		}

		// Saved needs: CRUD for the owner, 404 for anyone else.
		saved, err := m.buyer.CreateSavedNeed(ctx, client.SavedNeedInput{Text: "固态电解质", Kind: "achievement", MinScore: 1})
		if err != nil {
			t.Fatal(err)
		}
		for name, call := range map[string]func() error{
			"get":     func() error { _, err := m.rivalSeller.SavedNeed(ctx, saved.ID); return err },
			"matches": func() error { _, err := m.rivalSeller.SavedNeedMatches(ctx, saved.ID, 5); return err },
			"alerts":  func() error { _, err := m.rivalSeller.SavedNeedAlerts(ctx, saved.ID); return err },
			"update":  func() error { _, err := m.rivalSeller.UpdateSavedNeed(ctx, saved.ID, saved.SavedNeedInput); return err },
			"delete":  func() error { return m.rivalSeller.DeleteSavedNeed(ctx, saved.ID) },
		} {
			if err := call(); client.StatusCode(err) != http.StatusNotFound {
				t.Errorf("rival %s: %v, want 404", name, err)
			}
		}
		if list, err := m.rivalSeller.SavedNeeds(ctx); err != nil || len(list) != 0 {
			t.Errorf("rival lists %d (%v)", len(list), err)
		}
		upd := saved.SavedNeedInput
		upd.MinScore = 2
		if n, err := m.buyer.UpdateSavedNeed(ctx, saved.ID, upd); err != nil || n.MinScore != 2 {
			t.Errorf("update: %+v %v", n, err)
		}
		sm, err := m.buyer.SavedNeedMatches(ctx, saved.ID, 5)
		if err != nil || len(sm.Items) == 0 || sm.Items[0].Listing.ID != tech.ID || !sm.Seeker.CanJudge {
			t.Errorf("saved need matches: %+v %v", sm, err)
		}
		if _, err := m.buyer.JudgeSavedNeedMatch(ctx, saved.ID, client.MatchFeedback{TargetID: tech.ID, Relevant: true}); err != nil {
			t.Error(err)
		}
		// A new matching technology raises one alert.
		fresh := m.publish(achievement("氧化物固态电解质"))
		m.waitAlerts()
		alerts, err := m.buyer.SavedNeedAlerts(ctx, saved.ID)
		if err != nil || len(alerts) != 1 || alerts[0].ListingID != fresh.ID {
			t.Errorf("alerts %+v %v", alerts, err)
		}
		if list, err := m.buyer.SavedNeeds(ctx); err != nil || len(list) != 1 {
			t.Errorf("list %d %v", len(list), err)
		}
		if err := m.buyer.DeleteSavedNeed(ctx, saved.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := m.buyer.SavedNeed(ctx, saved.ID); client.StatusCode(err) != http.StatusNotFound {
			t.Errorf("after delete: %v", err)
		}
	})
}
