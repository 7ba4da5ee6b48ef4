package registration

import (
	"fmt"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/workcal"
)

// CheckContext is what a check needs beyond the contract. The zero value
// checks a contract offline, now, with the default rules.
type CheckContext struct {
	// Now is the time of the check (zero: time.Now()). Validity and deadlines
	// use its date in China.
	Now time.Time
	// SubmittedAt is when the filing was (re)submitted; zero means not yet
	// submitted, and then no deadline findings are reported.
	SubmittedAt time.Time
	// RegistryRegion is the 6-digit region code of the registry; "" skips the
	// locality check.
	RegistryRegion string
	// Deadline is the registry's time limit (nil: DefaultDeadlineRuleName).
	Deadline *DeadlineRules
	// Others are other filings to compare with (duplicates, integrity signals).
	Others    []FilingSummary
	Integrity IntegrityOptions
	// Override is a registrar's certified technology amount.
	Override *Override
	// TaxDate is the date tax policies are looked up on (zero: Now).
	TaxDate time.Time
	// Policies is the tax-policy table (nil: the embedded one).
	Policies *PolicyTable
}

// Result is the outcome of a check, in the JSON form shared by the CLI
// (techmarket registration check --json) and the REST API.
type Result struct {
	Classification      string     `json:"classification"`
	SubType             string     `json:"sub_type"`
	TechnologyAmountFen domain.Fen `json:"technology_amount_fen"`
	Outcome             string     `json:"outcome"`
	Findings            []Finding  `json:"findings"`

	DeclaredType        string          `json:"declared_type"`
	DeclaredSubType     string          `json:"declared_sub_type,omitempty"`
	ClassificationBasis string          `json:"classification_basis"`
	NameType            string          `json:"name_type,omitempty"`
	Reasons             []Reason        `json:"reasons"`
	TechnologyAmount    AmountBreakdown `json:"technology_amount"`
	Deadline            *DeadlineResult `json:"deadline,omitempty"`
	TaxRelief           []Benefit       `json:"tax_relief"`
	Statistics          Dimensions      `json:"statistics"`
	ContentHash         string          `json:"content_hash"`
	CheckedAt           time.Time       `json:"checked_at"`

	// Summary is what to store with the filing for later integrity checks.
	Summary FilingSummary `json:"-"`
}

// Check runs every registration check on a contract: required content,
// classification against the declared type, non-registrable situations,
// monopolistic clauses, registrant eligibility, documents, validity and
// deadlines, the technology amount, duplicates and integrity signals; then it
// evaluates tax relief. It returns an Invalid error when the contract is not
// well-formed (see Validate) or the context is inconsistent; everything else is
// a finding.
func Check(c Contract, ctx CheckContext) (Result, error) {
	if err := c.Validate(); err != nil {
		return Result{}, err
	}
	if ctx.Now.IsZero() {
		ctx.Now = time.Now()
	}
	rules := DeadlinePresets[DefaultDeadlineRuleName]
	if ctx.Deadline != nil {
		rules = *ctx.Deadline
	}

	cl := c.Classify()
	amount, amountFindings := c.technologyAmount()
	if ctx.Override != nil {
		var err error
		if amount, err = amount.WithOverride(*ctx.Override); err != nil {
			return Result{}, fmt.Errorf("registration.Check: technology-amount override: %w", err)
		}
		o := ctx.Override
		amountFindings = append(amountFindings, newFinding("TECH_AMOUNT_OVERRIDDEN", "technology_amount",
			o.AmountFen.Yuan(), amount.ComputedFen.Yuan(), o.Reason))
	}

	ck := checker{c: &c, cl: cl, amount: amount, today: workcal.ChinaDate(ctx.Now)}
	ck.checkForm()
	ck.checkParties()
	ck.checkContent()
	ck.checkClassification()
	ck.checkRegistrability()
	ck.checkIP()
	ck.add(lintClauses(c.Clauses)...)
	ck.checkRegistrant(ctx.RegistryRegion)
	ck.checkDocuments()
	ck.checkValidity()
	deadline, err := ck.checkDeadline(rules, ctx.SubmittedAt)
	if err != nil {
		return Result{}, fmt.Errorf("registration.Check: deadline rules: %w", err)
	}
	ck.add(amountFindings...)

	summary := summarize(&c, StatusSubmitted, cl.Type, amount.CertifiedFen)
	ck.add(integritySignals(summary, amount, ctx.Others, ctx.Integrity)...)

	sortFindings(ck.findings)
	res := Result{
		Classification: cl.Type, SubType: cl.SubType, TechnologyAmountFen: amount.CertifiedFen,
		Outcome: outcomeOf(ck.findings), Findings: ck.findings,
		DeclaredType: c.DeclaredType, DeclaredSubType: c.DeclaredSubType,
		ClassificationBasis: cl.Basis, NameType: cl.NameType, Reasons: cl.Reasons,
		TechnologyAmount: amount, Deadline: &deadline,
		Statistics: c.Dimensions(cl, amount), ContentHash: summary.ContentHash,
		CheckedAt: ctx.Now.UTC(), Summary: summary,
	}
	if res.Findings == nil {
		res.Findings = []Finding{}
	}
	taxDate := ctx.TaxDate
	if taxDate.IsZero() {
		taxDate = ck.today
	}
	policies := ctx.Policies
	if policies == nil {
		policies = DefaultPolicies()
	}
	res.TaxRelief = policies.Evaluate(TaxInput{Contract: &c, Type: cl.Type, SubType: cl.SubType,
		TechnologyAmountFen: amount.CertifiedFen, Outcome: res.Outcome, AsOf: workcal.ChinaDate(taxDate)})
	return res, nil
}

// checker accumulates the findings of one check.
type checker struct {
	c        *Contract
	cl       Classification
	amount   AmountBreakdown
	today    time.Time
	findings []Finding
}

func (ck *checker) add(fs ...Finding) { ck.findings = append(ck.findings, fs...) }

func (ck *checker) has(code string) bool {
	for _, f := range ck.findings {
		if f.Code == code {
			return true
		}
	}
	return false
}
