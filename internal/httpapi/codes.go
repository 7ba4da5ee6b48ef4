package httpapi

import (
	"net/http"
	"sync"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// trlLevel is one technology readiness level with its definition.
type trlLevel struct {
	Level int          `json:"level"`
	Label domain.Label `json:"label"`
}

// codeBook is every code list a client needs to build forms and read listings,
// each entry with Chinese and English labels.
type codeBook struct {
	Fields          domain.CodeList `json:"fields"`
	TransferModes   domain.CodeList `json:"transfer_modes"`
	PriceTypes      domain.CodeList `json:"price_types"`
	IPTypes         domain.CodeList `json:"ip_types"`
	IPStatuses      domain.CodeList `json:"ip_statuses"`
	OrgTypes        domain.CodeList `json:"org_types"`
	Roles           domain.CodeList `json:"roles"`
	ListingKinds    domain.CodeList `json:"listing_kinds"`
	ListingStatuses domain.CodeList `json:"listing_statuses"`
	Provinces       domain.CodeList `json:"provinces"`
	TRL             []trlLevel      `json:"trl"`
}

var theCodeBook = sync.OnceValue(func() codeBook {
	b := codeBook{
		Fields: domain.TechFields, TransferModes: domain.TransferModes, PriceTypes: domain.PriceTypes,
		IPTypes: domain.IPTypes, IPStatuses: domain.IPStatuses, OrgTypes: domain.OrgTypes, Roles: domain.Roles,
		ListingKinds: domain.ListingKinds, ListingStatuses: domain.ListingStatuses,
	}
	for _, p := range domain.Provinces {
		b.Provinces = append(b.Provinces, domain.Code{Code: p.Code, Label: p.Label})
	}
	for n := 1; n <= 9; n++ {
		b.TRL = append(b.TRL, trlLevel{Level: n, Label: domain.TRLLabel(n)})
	}
	return b
})

// codes serves the code lists; they change only with a new release.
func (h *api) codes(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	return writeJSON(w, http.StatusOK, theCodeBook())
}
