package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/reqctx"
)

// queryParams reads query parameters and collects every fault, so one response
// names all bad parameters at once (as a 422, like any invalid input).
type queryParams struct {
	values url.Values
	faults apperr.FieldList
}

func params(r *http.Request) *queryParams { return &queryParams{values: r.URL.Query()} }

func (p *queryParams) str(name string) string { return strings.TrimSpace(p.values.Get(name)) }

// intIn parses an optional integer in [min, max]; absent is 0.
func (p *queryParams) intIn(name string, min, max int) int {
	s := p.str(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		p.faults.Add(name, "out_of_range", fmt.Sprintf("must be a whole number from %d to %d", min, max),
			fmt.Sprintf("须为%d至%d之间的整数", min, max))
		return 0
	}
	return n
}

// int64Min parses an optional non-negative amount; absent is 0.
func (p *queryParams) int64Min(name string, min int64) int64 {
	s := p.str(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < min {
		p.faults.Add(name, "invalid", fmt.Sprintf("must be a whole number of at least %d", min), fmt.Sprintf("须为不小于%d的整数", min))
		return 0
	}
	return n
}

// boolean parses an optional true/false; absent is nil.
func (p *queryParams) boolean(name string) *bool {
	switch p.str(name) {
	case "":
		return nil
	case "true", "1":
		v := true
		return &v
	case "false", "0":
		v := false
		return &v
	}
	p.faults.Add(name, "invalid", "must be true or false", "须为 true 或 false")
	return nil
}

// code reads an optional value that must belong to a code list.
func (p *queryParams) code(name string, list domain.CodeList) string {
	s := p.str(name)
	if s != "" && !list.Has(s) {
		p.faults.Add(name, "invalid", "must be one of "+strings.Join(list.Codes(), ", "), "取值无效，见 /api/v1/codes")
		return ""
	}
	return s
}

// pageRequest is the standard pagination: page from 1, per_page 1–MaxPerPage.
type pageRequest struct{ page, perPage int }

const defaultPerPage = 20

func (p *queryParams) pagination() pageRequest {
	pg := pageRequest{page: p.intIn("page", 1, 1_000_000), perPage: p.intIn("per_page", 1, listing.MaxPerPage)}
	if pg.page == 0 {
		pg.page = 1
	}
	if pg.perPage == 0 {
		pg.perPage = defaultPerPage
	}
	return pg
}

func (p *queryParams) err() error { return p.faults.Err("httpapi.query") }

// pageOf is the envelope of every paginated list.
type pageOf[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	// TotalCapped says Total is a lower bound: the server stopped counting.
	TotalCapped bool `json:"total_capped,omitempty"`
}

// paginate cuts one page out of a list the service returned whole.
func paginate[T any](all []T, pg pageRequest) pageOf[T] {
	start := min((pg.page-1)*pg.perPage, len(all))
	end := min(start+pg.perPage, len(all))
	items := make([]T, 0, end-start) // [] rather than null in JSON
	items = append(items, all[start:end]...)
	return pageOf[T]{Items: items, Total: len(all), Page: pg.page, PerPage: pg.perPage}
}

// writePage sends a page with its pagination headers.
func writePage[T any](w http.ResponseWriter, r *http.Request, p pageOf[T]) error {
	if p.Items == nil {
		p.Items = []T{}
	}
	setPageHeaders(w, r, p.Total, p.Page, p.PerPage)
	return writeJSON(w, http.StatusOK, p)
}

// setPageHeaders sets X-Total-Count and RFC 8288 Link headers to the next and
// previous pages, keeping the request's other query parameters.
func setPageHeaders(w http.ResponseWriter, r *http.Request, total, page, perPage int) {
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	var links []string
	link := func(page int, rel string) {
		u := *r.URL
		q := u.Query()
		q.Set("page", strconv.Itoa(page))
		q.Set("per_page", strconv.Itoa(perPage))
		u.RawQuery = q.Encode()
		links = append(links, fmt.Sprintf(`<%s>; rel="%s"`, u.RequestURI(), rel))
	}
	if page*perPage < total {
		link(page+1, "next")
	}
	if page > 1 {
		link(page-1, "prev")
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
}

// signedIn returns the actor, or Unauthenticated for anonymous requests, so that
// endpoints needing an account answer 401 (who are you?) before 403 (not you).
func signedIn(r *http.Request) (domain.Actor, error) {
	a := reqctx.Actor(r.Context())
	if a.IsAnonymous() {
		return a, apperr.E("httpapi", apperr.Unauthenticated, "sign in or send an API token (Authorization: Bearer …)")
	}
	return a, nil
}

// actorOf is whoever is asking, possibly anonymous.
func actorOf(r *http.Request) domain.Actor { return reqctx.Actor(r.Context()) }
