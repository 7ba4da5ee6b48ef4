package web

import (
	"net/http"
	"sort"

	"github.com/techmarket-org/techmarket/internal/deal/rules"
)

// The venue rules page (issue 4): every venue's rule set in force, as one
// readable table, with its version history. The rules are public: anyone
// about to trade should be able to read them first.

func (s *site) venueRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /venues", s.handle(s.venueRules))
}

// venueColumn is one venue with the rule set shown.
type venueColumn struct {
	Venue    rules.Venue
	Rules    rules.RuleSet
	Versions []rules.VersionInfo
	// Assets are the per-asset method restrictions, in a stable order.
	Assets []assetMethods
}

type assetMethods struct {
	Asset   string
	Methods []rules.Method
}

type venuePage struct {
	dealText
	Venues []venueColumn
}

func (s *site) venueRules(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	vs, err := s.app.Deals.Venues(ctx)
	if err != nil {
		return err
	}
	p := venuePage{}
	for _, v := range vs {
		rs, err := s.app.Deals.RuleSet(ctx, v.Code, 0)
		if err != nil {
			return err
		}
		vers, err := s.app.Deals.RuleSetVersions(ctx, v.Code)
		if err != nil {
			return err
		}
		col := venueColumn{Venue: v, Rules: rs, Versions: vers}
		for a, ms := range rs.AssetMethods {
			col.Assets = append(col.Assets, assetMethods{Asset: a, Methods: ms})
		}
		sort.Slice(col.Assets, func(i, j int) bool { return col.Assets[i].Asset < col.Assets[j].Asset })
		p.Venues = append(p.Venues, col)
	}
	return s.render(w, r, http.StatusOK, "venue_rules", p)
}

// AssetName names an asset type key of a rule set.
func (t venuePage) AssetName(lang, asset string) string {
	switch asset {
	case rules.AssetNeed:
		return tr(lang, "venue.asset.need")
	case rules.AssetNone:
		return tr(lang, "venue.asset.none")
	case rules.AssetDefault:
		return tr(lang, "venue.asset.default")
	}
	return label(lang, "ip_type", asset)
}
