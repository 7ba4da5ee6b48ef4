package filing

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Statistics dimensions as stored in registration_stats (migration 0006).
const (
	DimTotal        = "total"
	DimType         = "type"
	DimField        = "field"
	DimSellerActor  = "seller_actor"
	DimBuyerActor   = "buyer_actor"
	DimFlow         = "flow"
	DimProvinceFlow = "province_flow"
	DimMonth        = "month"
)

// ProvinceOther stands for a party without a domestic province in the
// province-to-province flow keys ("11>44", "other>31").
const ProvinceOther = "other"

// statsCell is one group a registered contract counts in.
type statsCell struct {
	registry  string
	year      int
	dimension string
	key       string
}

type statsDelta struct {
	contracts int64
	amount    domain.Fen
	tech      domain.Fen
}

// contribution is what a filing adds to the statistics: nothing unless it is
// registered. The year and month are those of the registration in China time;
// the amounts are the contract amount and the certified technology amount (an
// override counts), as stored in the filing's latest check.
func contribution(f Filing) map[statsCell]statsDelta {
	if f.Status != registration.StatusRegistered || f.RegisteredAt == nil || f.Result == nil {
		return nil
	}
	d := f.Result.Statistics
	at := f.RegisteredAt.In(chinaZone)
	v := statsDelta{contracts: 1, amount: d.AmountFen, tech: f.Result.TechnologyAmountFen}
	out := make(map[statsCell]statsDelta, 8)
	for dim, key := range dimensionKeys(d, at) {
		out[statsCell{registry: f.RegistryOrgID, year: at.Year(), dimension: dim, key: key}] = v
	}
	return out
}

// dimensionKeys are the groups of one registered contract.
func dimensionKeys(d registration.Dimensions, registeredAt time.Time) map[string]string {
	return map[string]string{
		DimTotal:        DimTotal,
		DimType:         d.Type,
		DimField:        d.TechField,
		DimSellerActor:  d.SellerActor,
		DimBuyerActor:   d.BuyerActor,
		DimFlow:         d.Flow,
		DimProvinceFlow: provinceOrOther(d.SellerProvince) + ">" + provinceOrOther(d.BuyerProvince),
		DimMonth:        registeredAt.In(chinaZone).Format("2006-01"),
	}
}

func provinceOrOther(p string) string {
	if p == "" {
		return ProvinceOther
	}
	return p
}

// applyStats moves a filing's contribution from what it was (before) to what
// it is (after) inside the step's transaction: registering adds it, cancelling
// removes it, amending moves it between groups.
func applyStats(ctx context.Context, q store.Querier, before, after Filing) error {
	deltas := map[statsCell]statsDelta{}
	for c, v := range contribution(before) {
		deltas[c] = statsDelta{-v.contracts, -v.amount, -v.tech}
	}
	for c, v := range contribution(after) {
		d := deltas[c]
		deltas[c] = statsDelta{d.contracts + v.contracts, d.amount + v.amount, d.tech + v.tech}
	}
	return addStats(ctx, q, deltas)
}

// addStats adds deltas to the stored groups in one statement. Cells are sorted
// so that concurrent transactions lock rows in the same order and cannot
// deadlock on PostgreSQL.
func addStats(ctx context.Context, q store.Querier, deltas map[statsCell]statsDelta) error {
	cells := make([]statsCell, 0, len(deltas))
	for c, d := range deltas {
		if d != (statsDelta{}) {
			cells = append(cells, c)
		}
	}
	if len(cells) == 0 {
		return nil
	}
	sort.Slice(cells, func(i, j int) bool {
		a, b := cells[i], cells[j]
		if a.registry != b.registry {
			return a.registry < b.registry
		}
		if a.year != b.year {
			return a.year < b.year
		}
		if a.dimension != b.dimension {
			return a.dimension < b.dimension
		}
		return a.key < b.key
	})
	// Batches keep the statement under SQLite's variable limit.
	const perStatement = 500
	for len(cells) > 0 {
		n := min(len(cells), perStatement)
		args := make([]any, 0, n*7)
		for _, c := range cells[:n] {
			d := deltas[c]
			args = append(args, c.registry, c.year, c.dimension, c.key, d.contracts, int64(d.amount), int64(d.tech))
		}
		values := strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?), ", n), ", ")
		if _, err := q.Exec(ctx, `INSERT INTO registration_stats (registry_org_id, year, dimension, key, contracts, amount_fen, technology_amount_fen)
			VALUES `+values+` ON CONFLICT (registry_org_id, year, dimension, key) DO UPDATE SET
			contracts = registration_stats.contracts + excluded.contracts,
			amount_fen = registration_stats.amount_fen + excluded.amount_fen,
			technology_amount_fen = registration_stats.technology_amount_fen + excluded.technology_amount_fen`, args...); err != nil {
			return fmt.Errorf("registration statistics: %w", err)
		}
		cells = cells[n:]
	}
	return nil
}
