package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/registration/filing"
	"github.com/techmarket-org/techmarket/internal/reqctx"
)

// statsPage is a registry's statistics for a year with three charts.
type statsPage struct {
	regText
	Stats    filing.Statistics
	Charts   []titledChart
	Registry string
	// ProvinceFlows is the province-to-province table, largest technology
	// amount first.
	ProvinceFlows []provinceFlow
}

type provinceFlow struct {
	From, To string
	filing.StatsRow
}

// provinceFlows names the provinces of the "11>44" keys in the UI language.
func provinceFlows(lang string, rows []filing.StatsRow) []provinceFlow {
	name := func(code string) string {
		if p, ok := domain.ProvinceOf(code); ok {
			return p.Label.In(lang)
		}
		return tr(lang, "reg.stats.province_other")
	}
	out := make([]provinceFlow, 0, len(rows))
	for _, r := range rows {
		from, to, _ := strings.Cut(r.Key, ">")
		out = append(out, provinceFlow{From: name(from), To: name(to), StatsRow: r})
	}
	return out
}

type titledChart struct {
	ID    string
	Title string // message id
	Chart barChart
}

// statsRequest reads ?registry= and ?year= (default: this year).
func statsRequest(r *http.Request) (registry string, year int, err error) {
	q := r.URL.Query()
	if y := q.Get("year"); y != "" {
		if year, err = strconv.Atoi(y); err != nil {
			return "", 0, apperr.Fields("web.stats", apperr.Field("year", "invalid", "not a year", "年份无效"))
		}
	}
	return q.Get("registry"), year, nil
}

func (s *site) registrationStatistics(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	registry, year, err := statsRequest(r)
	if err != nil {
		return err
	}
	st, err := s.filings().Statistics(r.Context(), actor, registry, year)
	if err != nil {
		return err
	}
	lang := reqctx.Lang(r.Context())
	return s.render(w, r, http.StatusOK, "registration_stats", statsPage{Stats: st, Registry: st.RegistryOrgID,
		Charts: statsCharts(lang, st), ProvinceFlows: provinceFlows(lang, st.ByProvinceFlow)})
}

// statsCharts: registrations by contract type, technology amount (万元) by
// field, and registrations by month.
func statsCharts(lang string, st filing.Statistics) []titledChart {
	byType := make([]chartItem, 0, len(st.ByType))
	for _, row := range st.ByType {
		byType = append(byType, chartItem{Label: registration.ContractTypes.Label(row.Key).In(lang), Value: row.Count})
	}
	byField := make([]chartItem, 0, len(st.ByField))
	for _, row := range st.ByField {
		byField = append(byField, chartItem{Label: domain.TechFields.Label(row.Key).In(lang), Value: int(row.TechnologyAmountFen / 1_000_000)})
	}
	byMonth := make([]chartItem, 0, len(st.ByMonth))
	for _, row := range st.ByMonth {
		byMonth = append(byMonth, chartItem{Label: row.Key, Value: row.Count})
	}
	return []titledChart{
		{ID: "by-type", Title: "reg.stats.by_type", Chart: newBarChart(byType)},
		{ID: "by-field", Title: "reg.stats.by_field", Chart: newBarChart(byField)},
		{ID: "by-month", Title: "reg.stats.by_month", Chart: newBarChart(byMonth)},
	}
}

func (s *site) registrationStatisticsCSV(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	registry, year, err := statsRequest(r)
	if err != nil {
		return err
	}
	st, err := s.filings().Statistics(r.Context(), actor, registry, year)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := st.WriteCSV(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="registration-statistics-`+strconv.Itoa(st.Year)+`.csv"`)
	_, _ = w.Write(buf.Bytes())
	return nil
}
