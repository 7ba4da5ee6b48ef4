package filing

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/store"
)

// StatsRow is one group of registered contracts.
type StatsRow struct {
	Key                 string     `json:"key"`
	Count               int        `json:"count"`
	AmountFen           domain.Fen `json:"amount_fen"`
	TechnologyAmountFen domain.Fen `json:"technology_amount_fen"`
}

// Statistics are a registry's registered contracts of one year, grouped by the
// dimensions of the national technology-market statistics (domain-rules §3.1):
// contract type, technology field, seller and buyer actor, flow between
// provinces (or abroad), province to province, and month of registration
// (China time). Cancelled registrations are left out.
type Statistics struct {
	RegistryOrgID string     `json:"registry_org_id"`
	Year          int        `json:"year"`
	Total         StatsRow   `json:"total"`
	ByType        []StatsRow `json:"by_type"`
	ByField       []StatsRow `json:"by_field"`
	BySellerActor []StatsRow `json:"by_seller_actor"`
	ByBuyerActor  []StatsRow `json:"by_buyer_actor"`
	ByFlow        []StatsRow `json:"by_flow"`
	// ByProvinceFlow keys are "seller province>buyer province" (2-digit codes,
	// "other" for a party abroad or without a region).
	ByProvinceFlow []StatsRow `json:"by_province_flow"`
	ByMonth        []StatsRow `json:"by_month"`
}

// Statistics returns the registry's registrations of a year from the
// pre-aggregated groups that register, amend and cancel keep up to date;
// registrars of the registry may see them.
func (s *Service) Statistics(ctx context.Context, actor domain.Actor, registryOrgID string, year int) (Statistics, error) {
	registryOrgID, year, err := s.statsScope("filing.Statistics", actor, registryOrgID, year)
	if err != nil {
		return Statistics{}, err
	}
	rows, err := s.db.Query(ctx, `SELECT dimension, key, contracts, amount_fen, technology_amount_fen FROM registration_stats
		WHERE registry_org_id = ? AND year = ? AND contracts > 0`, registryOrgID, year)
	if err != nil {
		return Statistics{}, fmt.Errorf("registration statistics: %w", err)
	}
	defer rows.Close()
	groups := map[string]map[string]*StatsRow{}
	for rows.Next() {
		var dim string
		var r StatsRow
		var n, amount, tech int64
		if err := rows.Scan(&dim, &r.Key, &n, &amount, &tech); err != nil {
			return Statistics{}, fmt.Errorf("registration statistics: %w", err)
		}
		r.Count, r.AmountFen, r.TechnologyAmountFen = int(n), domain.Fen(amount), domain.Fen(tech)
		if groups[dim] == nil {
			groups[dim] = map[string]*StatsRow{}
		}
		groups[dim][r.Key] = &r
	}
	if err := rows.Err(); err != nil {
		return Statistics{}, fmt.Errorf("registration statistics: %w", err)
	}
	return assemble(registryOrgID, year, groups), nil
}

// statsScope checks who asks and defaults the registry and the year.
func (s *Service) statsScope(op string, actor domain.Actor, registryOrgID string, year int) (string, int, error) {
	if registryOrgID == "" {
		registryOrgID = firstRegistry(actor)
	}
	if registryOrgID == "" || !isRegistrar(actor, registryOrgID) {
		return "", 0, apperr.E(op, apperr.Forbidden, "only the registry's registrars see its statistics")
	}
	if year == 0 {
		year = s.clock().In(chinaZone).Year()
	}
	if year < 2000 || year > 9999 {
		return "", 0, apperr.Fields(op, apperr.Field("year", "out_of_range", "must be a year from 2000", "应为 2000 年以后的年份"))
	}
	return registryOrgID, year, nil
}

// Recount computes the same statistics from the registered filings themselves,
// reading every one of them: slow on a large registry, it is the reference the
// stored groups are verified against.
func (s *Service) Recount(ctx context.Context, actor domain.Actor, registryOrgID string, year int) (Statistics, error) {
	registryOrgID, year, err := s.statsScope("filing.Recount", actor, registryOrgID, year)
	if err != nil {
		return Statistics{}, err
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, chinaZone)
	rows, err := s.db.Query(ctx, `SELECT result, registered_at FROM registration_filings
		WHERE registry_org_id = ? AND status = ? AND registered_at >= ? AND registered_at < ?`,
		registryOrgID, registration.StatusRegistered, from, from.AddDate(1, 0, 0))
	if err != nil {
		return Statistics{}, fmt.Errorf("registration statistics: %w", err)
	}
	defer rows.Close()
	groups := map[string]map[string]*StatsRow{}
	for rows.Next() {
		var body string
		var at time.Time
		if err := rows.Scan(&body, store.Time(&at)); err != nil {
			return Statistics{}, fmt.Errorf("registration statistics: %w", err)
		}
		var res registration.Result
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			return Statistics{}, fmt.Errorf("registration statistics: stored result: %w", err)
		}
		for dim, key := range dimensionKeys(res.Statistics, at) {
			if groups[dim] == nil {
				groups[dim] = map[string]*StatsRow{}
			}
			r := groups[dim][key]
			if r == nil {
				r = &StatsRow{Key: key}
				groups[dim][key] = r
			}
			r.Count++
			r.AmountFen += res.Statistics.AmountFen
			// The registered amounts are the certified ones (an override counts).
			r.TechnologyAmountFen += res.TechnologyAmountFen
		}
	}
	if err := rows.Err(); err != nil {
		return Statistics{}, fmt.Errorf("registration statistics: %w", err)
	}
	return assemble(registryOrgID, year, groups), nil
}

func assemble(registryOrgID string, year int, groups map[string]map[string]*StatsRow) Statistics {
	st := Statistics{RegistryOrgID: registryOrgID, Year: year, Total: StatsRow{Key: DimTotal}}
	if t := groups[DimTotal][DimTotal]; t != nil {
		st.Total = *t
	}
	st.ByType, st.ByField = sortedRows(groups[DimType], false), sortedRows(groups[DimField], false)
	st.BySellerActor, st.ByBuyerActor = sortedRows(groups[DimSellerActor], false), sortedRows(groups[DimBuyerActor], false)
	st.ByFlow, st.ByMonth = sortedRows(groups[DimFlow], false), sortedRows(groups[DimMonth], true)
	st.ByProvinceFlow = sortedRows(groups[DimProvinceFlow], false)
	return st
}

// sortedRows orders groups by technology amount, largest first (byKey: by key,
// for months), ties by key.
func sortedRows(m map[string]*StatsRow, byKey bool) []StatsRow {
	out := make([]StatsRow, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if !byKey && out[i].TechnologyAmountFen != out[j].TechnologyAmountFen {
			return out[i].TechnologyAmountFen > out[j].TechnologyAmountFen
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// WriteCSV writes the statistics as one table: dimension, key, count, contract
// amount and technology amount in fen (exact integers, for spreadsheets to sum).
func (st Statistics) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	write := func(dim string, rows ...StatsRow) {
		for _, r := range rows {
			_ = cw.Write([]string{dim, r.Key, strconv.Itoa(r.Count), strconv.FormatInt(int64(r.AmountFen), 10),
				strconv.FormatInt(int64(r.TechnologyAmountFen), 10)})
		}
	}
	_ = cw.Write([]string{"dimension", "key", "count", "amount_fen", "technology_amount_fen"})
	write("total", st.Total)
	write("type", st.ByType...)
	write("field", st.ByField...)
	write("seller_actor", st.BySellerActor...)
	write("buyer_actor", st.ByBuyerActor...)
	write("flow", st.ByFlow...)
	write("province_flow", st.ByProvinceFlow...)
	write("month", st.ByMonth...)
	cw.Flush()
	return cw.Error()
}
