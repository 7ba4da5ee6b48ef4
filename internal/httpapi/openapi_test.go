package httpapi

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/matching"
	"github.com/techmarket-org/techmarket/internal/notify"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/registration/filing"
	"github.com/techmarket-org/techmarket/internal/valuation"
	"github.com/techmarket-org/techmarket/internal/valuation/service"
)

func loadSpec(t *testing.T) map[string]any {
	t.Helper()
	var spec map[string]any
	if err := json.Unmarshal(openAPIDocument, &spec); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if spec["openapi"] != "3.1.0" {
		t.Fatalf("openapi version %v, want 3.1.0", spec["openapi"])
	}
	return spec
}

var httpMethods = []string{"get", "put", "post", "delete", "patch", "head", "options"}

// TestOpenAPICoversRoutes fails when a route is missing from the document or the
// document describes a route the server does not have.
func TestOpenAPICoversRoutes(t *testing.T) {
	spec := loadSpec(t)
	registered := map[string]bool{}
	for _, rt := range (&api{}).routes() {
		key := strings.ToLower(rt.method) + " " + rt.pattern
		if registered[key] {
			t.Errorf("route %s listed twice", key)
		}
		registered[key] = true
	}
	documented := map[string]bool{}
	for path, item := range spec["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			if slices.Contains(httpMethods, method) {
				documented[method+" "+path] = true
			}
		}
	}
	for _, k := range sortedKeys(registered) {
		if !documented[k] {
			t.Errorf("route %s is not in openapi.json", k)
		}
	}
	for _, k := range sortedKeys(documented) {
		if !registered[k] {
			t.Errorf("openapi.json describes %s, which routes.go does not register", k)
		}
	}
}

// TestOpenAPIIsConsistent checks what a reader of the document relies on: every
// $ref resolves, operation IDs are unique, path parameters are declared, every
// operation documents its errors.
func TestOpenAPIIsConsistent(t *testing.T) {
	spec := loadSpec(t)
	walk(spec, func(node map[string]any) {
		if ref, ok := node["$ref"].(string); ok && resolve(spec, ref) == nil {
			t.Errorf("$ref %s does not resolve", ref)
		}
	})
	opIDs := map[string]string{}
	pathParam := regexp.MustCompile(`\{([^}]+)\}`)
	for path, item := range spec["paths"].(map[string]any) {
		for method, raw := range item.(map[string]any) {
			op := raw.(map[string]any)
			where := method + " " + path
			id, _ := op["operationId"].(string)
			if id == "" {
				t.Errorf("%s has no operationId", where)
			} else if prev, dup := opIDs[id]; dup {
				t.Errorf("operationId %s used by %s and %s", id, prev, where)
			}
			opIDs[id] = where
			declared := map[string]bool{}
			for _, p := range asList(op["parameters"]) {
				param := deref(spec, p)
				if param["in"] == "path" {
					declared[param["name"].(string)] = true
				}
			}
			for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s does not declare path parameter %s", where, m[1])
				}
			}
			responses, _ := op["responses"].(map[string]any)
			if _, ok := responses["default"]; !ok {
				t.Errorf("%s documents no default (problem) response", where)
			}
		}
	}
}

// TestOpenAPISchemasMatchGoTypes compares each schema's properties with the JSON
// fields of the Go type the server actually encodes or decodes.
func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	spec := loadSpec(t)
	goTypes := map[string]any{
		"Problem": problem{}, "FieldError": apperr.FieldError{},
		"Label": domain.Label{}, "Code": domain.Code{}, "TRLLevel": trlLevel{}, "Codes": codeBook{},
		"OrgRole": domain.OrgRole{}, "User": identity.User{}, "UserInput": identity.UserInput{},
		"Org": identity.Org{}, "OrgInput": identity.OrgInput{},
		"TokenRequest": tokenRequest{}, "Token": tokenResponse{},
		"IPItem": listing.IPItem{}, "Owner": listing.Owner{}, "ListingInput": listing.Input{},
		"Listing": listing.Listing{}, "NewListing": createListingRequest{}, "ListingUpdate": updateListingRequest{},
		"ReviewRequest": reviewRequest{}, "Notification": notify.Notification{},
		"ListingPage": pageOf[listing.Listing]{}, "OrgPage": pageOf[identity.Org]{}, "UserPage": pageOf[identity.User]{},
		"NotificationPage": notificationPage{}, "MarketStats": listing.Stats{},
		// Valuations (issue 7).
		"ValuationInput": valuation.Input{}, "ValuationResult": valuation.Result{}, "Valuation": service.Valuation{},
		"Realised": service.Realised{}, "ValuationList": valuationList{}, "RatioBin": valuation.RatioBin{},
		"ValuationOutcome": valuation.OutcomeError{}, "ValuationAccuracy": service.Accuracy{},
		// Registration (issue 5).
		"Contract": registration.Contract{}, "Finding": registration.Finding{}, "CheckResult": registration.Result{},
		"FilingDraft": filing.Draft{}, "Filing": filing.Filing{}, "TechnologyAmountOverride": registration.Override{},
		"FilingList": filingList{}, "FilingEvent": filing.Event{}, "FilingHistory": filingHistory{},
		"FilingUpdate": updateFilingRequest{}, "ReasonRequest": reasonRequest{}, "RefuseRequest": refuseRequest{},
		"OverrideInput": filing.OverrideInput{}, "RegisterRequest": registerRequest{}, "AmendRequest": amendRequest{},
		"RegistrationStatistics": filing.Statistics{}, "StatsRow": filing.StatsRow{},
		"ImportReport": filing.ImportReport{}, "ImportRowError": filing.ImportRowError{},
		// Settlement ledger (issue 6).
		"LedgerAccountList": ledgerAccountList{}, "LedgerAccountBalance": ledger.AccountBalance{},
		"LedgerStatement": ledgerStatementPage{}, "LedgerStatementLine": ledger.StatementLine{},
		"LedgerContractList": ledgerContractList{}, "LedgerContractSummary": ledger.ContractSummary{},
		"LedgerTimeline": ledger.Timeline{}, "LedgerTimelineEvent": ledger.TimelineEvent{}, "LedgerPosting": ledger.Posting{},
		"LedgerAgreement": ledger.Agreement{}, "LedgerTerms": ledger.AgreementInput{}, "LedgerMilestoneInput": ledger.MilestoneInput{},
		"LedgerBrokerShare": ledger.BrokerShare{}, "LedgerRoyaltyTerms": ledger.RoyaltyTerms{}, "LedgerRoyaltyTier": ledger.RoyaltyTier{},
		"LedgerMilestone": ledger.Milestone{}, "LedgerRoyaltyInvoice": ledger.RoyaltyInvoice{},
		"LedgerPending": ledger.Pending{}, "LedgerPendingAction": ledger.PendingAction{}, "LedgerUnmatchedLine": ledger.UnmatchedLine{},
		"LedgerBankNotice": ledger.BankNotice{}, "LedgerTransaction": ledger.Transaction{},
		"LedgerAcceptRequest": ledgerAcceptRequest{}, "LedgerRoyaltyReportRequest": ledgerRoyaltyReportRequest{},
		"LedgerRoyaltyReportResult": ledgerRoyaltyReportResult{}, "LedgerReconcileReport": ledger.ReconcileReport{},
		"LedgerMatch": ledger.Match{}, "LedgerMismatch": ledger.Mismatch{}, "LedgerBankLine": ledger.BankLine{},
		"LedgerMovement": ledger.Movement{},
		// Ledger commands (ledger_commands.go).
		"LedgerHoldRequest": ledgerHoldRequest{}, "LedgerDisputeRequest": ledgerDisputeRequest{}, "LedgerRefundRequest": ledgerRefundRequest{},
		"LedgerWithdrawalInput": ledger.WithdrawalInput{}, "LedgerDeemedResult": ledgerDeemedResult{},
		// Deals and trading rules (issue 4).
		"Deal": deal.Deal{}, "DealNDAAcceptance": deal.NDAAcceptance{}, "DealNDA": deal.NDA{}, "DealMessage": deal.Message{},
		"DealOffer": deal.Offer{}, "DealOfferTerms": deal.OfferTerms{}, "DealObjection": deal.Objection{},
		"DealContractVersion": deal.ContractVersion{}, "DealSignature": deal.Signature{}, "DealBroker": deal.Broker{},
		"DealRoom": deal.Room{}, "DealFeeQuote": deal.FeeQuote{}, "DealNotice": deal.Notice{}, "DealNoticeList": noticeList{},
		"DealPage": pageOf[deal.Deal]{}, "DealInterest": deal.InterestInput{}, "DealOfferInput": deal.OfferInput{},
		"DealNDARequest": ndaRequest{}, "DealMessageRequest": messageRequest{}, "DealObjectionDecision": resolveObjectionRequest{},
		"DealSignRequest": signRequest{}, "DealTerms": deal.Terms{}, "DealIPItem": deal.IPItem{}, "DealLicenceScope": deal.LicenceScope{}, "DealPayment": deal.Payment{},
		"DealMilestone": deal.Milestone{}, "DealLineItem": deal.LineItem{}, "DealConfidentiality": deal.Confidentiality{}, "DealDispute": deal.Dispute{},
		"DealVenue": rules.Venue{}, "DealVenueList": venueList{}, "DealVenueDetail": venueDetail{}, "DealRuleSetVersion": ruleSetVersion{},
		"DealVersionInfo": rules.VersionInfo{}, "DealRuleSet": rules.RuleSet{}, "DealPeriod": rules.Period{}, "DealRate": rules.Rate{},
		"DealAgreementRules": rules.AgreementRules{}, "DealListingRules": rules.ListingRules{}, "DealAuctionRules": rules.AuctionRules{},
		"DealFeeRules": rules.FeeRules{}, "DealStateOwnedRules": rules.StateOwnedRules{}, "DealOfferRules": rules.OfferRules{},
		"DealUseFirstPayLater": rules.UseFirstPayLaterRules{}, "DealChallengeRules": rules.ChallengeRules{},
		"DealSale": deal.Sale{}, "DealSaleInput": deal.SaleInput{}, "DealSaleView": deal.SaleView{}, "DealSaleList": saleList{},
		"DealBidView": deal.BidView{}, "DealBidList": bidList{}, "DealBidder": deal.Bidder{}, "DealBidInput": deal.BidInput{}, "DealBid": deal.Bid{},
		"DealRegisterBidder": registerBidderRequest{}, "DealDepositRequest": depositRequest{}, "DealReplayReport": deal.ReplayReport{},
		"DealChallenge": deal.Challenge{}, "DealChallengeInput": deal.ChallengeInput{}, "DealChallengeView": deal.ChallengeView{},
		"DealChallengeList": challengeList{}, "DealProposal": deal.Proposal{}, "DealProposalInput": deal.ProposalInput{},
		"DealSelection": deal.Selection{}, "DealFeedback": deal.Feedback{},
		"DealMandate": deal.Mandate{}, "DealMandateInput": deal.MandateInput{}, "DealCommission": deal.Commission{}, "DealMandateList": mandateList{},
		// Matching (issue 3).
		"MatchListing": matching.ListingSummary{}, "MatchTerm": matching.MatchTerm{}, "MatchFactor": matching.MatchFactor{},
		"Match": matching.Match{}, "MatchSeeker": matching.Seeker{}, "Matches": matching.Matches{},
		"MatchFeedback": matching.FeedbackInput{}, "MatchJudgment": matching.Judgment{}, "ReasonCount": matching.ReasonCount{},
		"FeedbackSummary": matching.FeedbackSummary{}, "MatchReason": matching.Reason{}, "MatchReasonList": matchReasonList{},
		"SavedNeedInput": matching.SavedNeedInput{}, "SavedNeed": matching.SavedNeed{}, "SavedNeedList": savedNeedList{},
		"MatchAlert": matching.Alert{}, "MatchAlertList": alertList{}, "WebhookPayload": matching.WebhookPayload{},
		// Organisation profiles and enterprise matches.
		"OrgProfile": identity.Profile{}, "OrgProfileInput": identity.ProfileInput{}, "MatchEnterprise": matching.EnterpriseSummary{},
		"MatchNeedRef": matching.NeedRef{}, "EnterpriseMatch": matching.EnterpriseMatch{}, "EnterpriseMatches": matching.EnterpriseMatches{},
	}
	schemas := spec["components"].(map[string]any)["schemas"].(map[string]any)
	for name := range schemas {
		if _, ok := goTypes[name]; !ok {
			t.Errorf("schema %s has no Go type in this test; add it", name)
		}
	}
	for name, v := range goTypes {
		schema, ok := schemas[name]
		if !ok {
			t.Errorf("no schema %s", name)
			continue
		}
		got := schemaProperties(spec, schema.(map[string]any))
		want := jsonFields(reflect.TypeOf(v))
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("schema %s has properties %v;\nthe Go type encodes %v", name, got, want)
		}
	}
}

// schemaProperties collects property names, following allOf and $ref.
func schemaProperties(spec, schema map[string]any) []string {
	schema = deref(spec, schema)
	var out []string
	for name := range asMap(schema["properties"]) {
		out = append(out, name)
	}
	for _, part := range asList(schema["allOf"]) {
		out = append(out, schemaProperties(spec, part.(map[string]any))...)
	}
	return out
}

// jsonFields lists the names encoding/json uses for a struct type, with the
// fields of embedded structs promoted.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}

func walk(node any, visit func(map[string]any)) {
	switch n := node.(type) {
	case map[string]any:
		visit(n)
		for _, v := range n {
			walk(v, visit)
		}
	case []any:
		for _, v := range n {
			walk(v, visit)
		}
	}
}

// resolve follows a local JSON pointer such as #/components/schemas/Listing.
func resolve(spec map[string]any, ref string) map[string]any {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	var cur any = spec
	for _, part := range strings.Split(rest, "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	m, _ := cur.(map[string]any)
	return m
}

func deref(spec map[string]any, node any) map[string]any {
	m := asMap(node)
	if ref, ok := m["$ref"].(string); ok {
		return resolve(spec, ref)
	}
	return m
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
