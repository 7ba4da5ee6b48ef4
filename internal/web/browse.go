package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/reqctx"
)

// browseFilters are the search form's values as the visitor chose them. Values
// that are not valid codes are dropped rather than refused: a search form should
// always answer.
type browseFilters struct {
	Q          string
	Kind       string
	Field      string
	Mode       string
	Province   string
	TRLMin     string
	TRLMax     string
	StateOwned string // "", "yes", "no"
	Page       int
}

func readFilters(q url.Values) browseFilters {
	f := browseFilters{Q: q.Get("q")}
	if k := q.Get("kind"); domain.ListingKinds.Has(k) {
		f.Kind = k
	}
	if v := q.Get("field"); domain.TechFields.Has(v) {
		f.Field = v
	}
	if v := q.Get("mode"); domain.TransferModes.Has(v) {
		f.Mode = v
	}
	if v := q.Get("province"); len(v) == 2 {
		if _, ok := domain.ProvinceOf(v); ok {
			f.Province = v
		}
	}
	f.TRLMin, f.TRLMax = trlParam(q.Get("trl_min")), trlParam(q.Get("trl_max"))
	if v := q.Get("state_owned"); v == "yes" || v == "no" {
		f.StateOwned = v
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	if f.Page < 1 {
		f.Page = 1
	}
	return f
}

func trlParam(s string) string {
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= 9 {
		return s
	}
	return ""
}

// query is the listing search the filters ask for.
func (f browseFilters) query() listing.Query {
	q := listing.Query{Text: f.Q, Kind: f.Kind, Field: f.Field, Mode: f.Mode, Province: f.Province,
		Page: f.Page, PerPage: browsePageSize}
	q.TRLMin, _ = strconv.Atoi(f.TRLMin)
	q.TRLMax, _ = strconv.Atoi(f.TRLMax)
	if f.StateOwned != "" {
		yes := f.StateOwned == "yes"
		q.StateOwned = &yes
	}
	return q
}

// values are the filters as URL parameters, without the page, for links that
// keep the current search.
func (f browseFilters) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Q, "kind": f.Kind, "field": f.Field, "mode": f.Mode,
		"province": f.Province, "trl_min": f.TRLMin, "trl_max": f.TRLMax, "state_owned": f.StateOwned} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// Active reports whether any filter is set.
func (f browseFilters) Active() bool { return len(f.values()) > 0 }

const browsePageSize = 20

// browsePage is the data of the browse template.
type browsePage struct {
	F         browseFilters
	Results   listing.Page
	Pages     []pageLink
	Prev      string
	Next      string
	Kinds     []option
	Fields    []option
	Modes     []option
	Provinces []option
	TRLs      []option
	Owned     []option
}

type pageLink struct {
	Number  int
	URL     string
	Current bool
	Gap     bool // an ellipsis between distant page numbers
}

func (s *site) browse(w http.ResponseWriter, r *http.Request) error {
	lang := reqctx.Lang(r.Context())
	f := readFilters(r.URL.Query())
	res, err := s.app.Listings.Search(r.Context(), f.query())
	if err != nil {
		return err
	}
	p := browsePage{F: f, Results: res}
	p.Prev, p.Next, p.Pages = paginate("/listings", f.values(), res.Page, res.Pages())
	anyValue := tr(lang, "filter.any")
	p.Kinds = markSelected(codeOptions(lang, domain.ListingKinds, anyValue), f.Kind)
	p.Fields = markSelected(codeOptions(lang, domain.TechFields, anyValue), f.Field)
	p.Modes = markSelected(codeOptions(lang, domain.TransferModes, anyValue), f.Mode)
	p.Provinces = []option{{Value: "", Label: anyValue}}
	for _, pr := range domain.Provinces {
		p.Provinces = append(p.Provinces, option{Value: pr.Code, Label: pr.Label.In(lang), Selected: pr.Code == f.Province})
	}
	p.TRLs = []option{{Value: "", Label: anyValue}}
	for n := 1; n <= 9; n++ {
		p.TRLs = append(p.TRLs, option{Value: strconv.Itoa(n), Label: strconv.Itoa(n)})
	}
	p.Owned = markSelected([]option{{Value: "", Label: anyValue}, {Value: "yes", Label: tr(lang, "filter.state_owned.yes")},
		{Value: "no", Label: tr(lang, "filter.state_owned.no")}}, f.StateOwned)
	return s.render(w, r, http.StatusOK, "browse", p)
}

// paginate builds previous/next links and a window of page numbers around the
// current page (first and last always shown), each keeping the filters.
func paginate(path string, filters url.Values, page, pages int) (prev, next string, links []pageLink) {
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range filters {
			v[k] = vs
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	if pages <= 1 {
		return "", "", nil
	}
	if page > 1 {
		prev = link(page - 1)
	}
	if page < pages {
		next = link(page + 1)
	}
	const window = 2
	last := 0
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < page-window || n > page+window) {
			continue
		}
		if last != 0 && n > last+1 {
			links = append(links, pageLink{Gap: true})
		}
		links = append(links, pageLink{Number: n, URL: link(n), Current: n == page})
		last = n
	}
	return prev, next, links
}
