package valuation

import (
	"math"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
)

const (
	dateLayout  = "2006-01-02"
	daysPerYear = 365.25
)

// designTermChange is the day the 2020 Patent Law amendment took effect: design
// applications filed from then on get 15 years instead of 10.
var designTermChange = time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)

// LegalLife is the remaining legal protection of a listing's IP.
type LegalLife struct {
	// Unlimited is true when an in-force right has no statutory term (a
	// technology secret) or there are no IP items: only the economic life then
	// limits the income period.
	Unlimited bool `json:"unlimited"`
	// RemainingYears is the longest remaining term among in-force rights with a
	// statutory term.
	RemainingYears float64 `json:"remaining_years"`
	// ElapsedYears and FullTermYears describe the principal right (the one with
	// the longest remaining term); the cost approach ages the asset with them.
	ElapsedYears  float64    `json:"elapsed_years"`
	FullTermYears float64    `json:"full_term_years"`
	Items         []ItemTerm `json:"items"`
}

// ItemTerm is the legal term of one IP item.
type ItemTerm struct {
	Index          int          `json:"index"`
	Type           string       `json:"type"`
	Number         string       `json:"number,omitempty"`
	InForce        bool         `json:"in_force"`
	Unlimited      bool         `json:"unlimited"`
	Expiry         string       `json:"expiry,omitempty"`
	RemainingYears float64      `json:"remaining_years"`
	ElapsedYears   float64      `json:"elapsed_years"`
	FullTermYears  float64      `json:"full_term_years"`
	Basis          domain.Label `json:"basis"`
}

// statutoryTerm returns the term in years from filing for an IP type and
// whether the type has one. Patent terms follow Patent Law Art 42
// (domain-rules §4.5); the copyright, layout-design and plant-variety terms
// are from memory [M] and are the simple cases (legal-person software, the
// general plant term).
func statutoryTerm(ipType string, filing time.Time) (years int, basis domain.Label, ok bool) {
	switch ipType {
	case "invention_patent", "patent_application":
		return 20, domain.Label{Zh: "发明专利自申请日起20年", En: "invention patent: 20 years from filing"}, true
	case "utility_model":
		return 10, domain.Label{Zh: "实用新型自申请日起10年", En: "utility model: 10 years from filing"}, true
	case "design_patent":
		if filing.Before(designTermChange) {
			return 10, domain.Label{Zh: "外观设计（2021-06-01前申请）自申请日起10年", En: "design filed before 2021-06-01: 10 years from filing"}, true
		}
		return 15, domain.Label{Zh: "外观设计自申请日起15年", En: "design patent: 15 years from filing"}, true
	case "software_copyright":
		return 50, domain.Label{Zh: "软件著作权（法人作品）自首次发表起50年", En: "software copyright (legal person): 50 years from first publication"}, true
	case "ic_layout":
		return 10, domain.Label{Zh: "集成电路布图设计10年", En: "IC layout design: 10 years"}, true
	case "plant_variety":
		return 15, domain.Label{Zh: "植物新品种15年", En: "plant variety: 15 years"}, true
	}
	return 0, domain.Label{Zh: "无法定保护期（依保密或合同）", En: "no statutory term (secrecy or contract)"}, false
}

// inForceStatus reports whether a status leaves the right alive.
func inForceStatus(status string) bool { return status == "granted" || status == "pending" }

// legalLife computes the remaining legal life at the valuation date. The input
// must have been validated (dates parse).
func legalLife(items []IPItem, at time.Time) LegalLife {
	out := LegalLife{Unlimited: len(items) == 0}
	principal := -1
	for i, it := range items {
		filing, _ := parseDate(it.FilingDate)
		years, basis, hasTerm := statutoryTerm(it.Type, filing)
		t := ItemTerm{Index: i, Type: it.Type, Number: it.Number, InForce: inForceStatus(it.Status), Basis: basis}
		switch {
		case !t.InForce:
			// A lapsed, invalidated or expired right protects nothing.
		case !hasTerm:
			t.Unlimited = true
			out.Unlimited = true
		default:
			expiry := statutoryExpiry(it, filing, years)
			t.Expiry = expiry.Format(dateLayout)
			t.FullTermYears = yearsBetween(filing, expiry)
			if it.FilingDate == "" {
				// Only the register's expiry date is known: assume the full term.
				t.FullTermYears = float64(years)
			}
			t.RemainingYears = math.Max(0, yearsBetween(at, expiry))
			t.ElapsedYears = math.Max(0, t.FullTermYears-t.RemainingYears)
			if principal < 0 || t.RemainingYears > out.RemainingYears {
				principal = i
				out.RemainingYears = t.RemainingYears
				out.ElapsedYears = t.ElapsedYears
				out.FullTermYears = t.FullTermYears
			}
		}
		out.Items = append(out.Items, t)
	}
	return out
}

// statutoryExpiry is the end of the term: the register's expiry date when
// given, else filing + term + grant-delay adjustment + drug compensation.
func statutoryExpiry(it IPItem, filing time.Time, years int) time.Time {
	if exp, err := parseDate(it.ExpiryDate); err == nil && it.ExpiryDate != "" {
		return exp
	}
	extraDays := it.TermAdjustmentDays + int(math.Round(it.DrugTermCompensationYears*daysPerYear))
	return filing.AddDate(years, 0, extraDays)
}

func yearsBetween(from, to time.Time) float64 { return to.Sub(from).Hours() / 24 / daysPerYear }

func parseDate(s string) (time.Time, error) { return time.ParseInLocation(dateLayout, s, time.UTC) }
