package web

import (
	"net/http"
	"net/url"
	"sort"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/reqctx"
)

// homePage is the data of the home template.
type homePage struct {
	Achievements int
	Needs        int
	Orgs         int
	Chart        barChart
	LatestTech   []listing.Listing
	LatestNeeds  []listing.Listing
}

// latestCount is how many of each kind the home page lists.
const latestCount = 10

func (s *site) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	lang := reqctx.Lang(ctx)
	stats, err := s.app.Listings.MarketStats(ctx)
	if err != nil {
		return err
	}
	orgs, err := s.app.Identity.CountOrgs(ctx)
	if err != nil {
		return err
	}
	tech, err := s.app.Listings.Search(ctx, listing.Query{Kind: listing.KindAchievement, PerPage: latestCount})
	if err != nil {
		return err
	}
	needs, err := s.app.Listings.Search(ctx, listing.Query{Kind: listing.KindNeed, PerPage: latestCount})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "home", homePage{
		Achievements: stats.Achievements, Needs: stats.Needs, Orgs: orgs,
		Chart:      fieldChart(lang, stats.ByField),
		LatestTech: tech.Items, LatestNeeds: needs.Items,
	})
}

// fieldChart shows published listings per technology field, largest first; every
// field appears, so an empty field is visible as a gap in the market.
func fieldChart(lang string, byField map[string]int) barChart {
	items := make([]chartItem, 0, len(domain.TechFields))
	for _, f := range domain.TechFields {
		items = append(items, chartItem{Label: f.Label.In(lang), Value: byField[f.Code],
			URL: "/listings?field=" + url.QueryEscape(f.Code)})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Value > items[j].Value })
	return newBarChart(items)
}
