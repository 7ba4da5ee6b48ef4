package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
)

// searchListings queries the published market. Anyone may search; results never
// carry confidential detail.
func (h *api) searchListings(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	q := listing.Query{
		Text:       p.str("q"),
		Kind:       p.code("kind", domain.ListingKinds),
		Field:      p.code("field", domain.TechFields),
		Mode:       p.code("mode", domain.TransferModes),
		Province:   p.str("province"),
		TRLMin:     p.intIn("trl_min", 1, 9),
		TRLMax:     p.intIn("trl_max", 1, 9),
		PriceMax:   p.int64Min("price_max_fen", 1),
		StateOwned: p.boolean("state_owned"),
	}
	if q.Province != "" {
		if _, ok := domain.ProvinceOf(q.Province); !ok || len(q.Province) != 2 {
			p.faults.Add("province", "invalid", "must be a 2-digit GB/T 2260 province code such as 11 (Beijing)", "须为两位省级行政区划代码，如 11（北京）")
		}
	}
	if q.TRLMin > 0 && q.TRLMax > 0 && q.TRLMin > q.TRLMax {
		p.faults.Add("trl_max", "less_than_min", "trl_max is below trl_min", "trl_max 小于 trl_min")
	}
	pg := p.pagination()
	q.Page, q.PerPage = pg.page, pg.perPage
	if err := p.err(); err != nil {
		return err
	}
	res, err := h.app.Listings.Search(r.Context(), q)
	if err != nil {
		return err
	}
	return writePage(w, r, pageOf[listing.Listing]{Items: res.Items, Total: res.Total, Page: res.Page, PerPage: res.PerPage, TotalCapped: res.Capped})
}

// getListing returns a listing as the caller may see it. The ETag is the version,
// to be sent back as If-Match when editing.
func (h *api) getListing(w http.ResponseWriter, r *http.Request) error {
	l, err := h.app.Listings.Get(r.Context(), actorOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeListing(w, http.StatusOK, l)
}

// createListingRequest is listing.Input plus where it goes and whether to submit it.
type createListingRequest struct {
	listing.Input
	OrgID  string `json:"org_id"`
	Submit bool   `json:"submit"`
}

func (h *api) createListing(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in createListingRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	l, err := h.app.Listings.Create(r.Context(), actor, strings.TrimSpace(in.OrgID), in.Input, in.Submit)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(l.Version))
	return created(w, Prefix+"/listings/"+l.ID, l)
}

// updateListingRequest is listing.Input plus the version being edited (or send
// it as If-Match) and whether to submit the result for review.
type updateListingRequest struct {
	listing.Input
	Version *int `json:"version"`
	Submit  bool `json:"submit"`
}

// updateListing replaces a listing's content. The version makes concurrent edits
// fail with 409 instead of silently overwriting each other, so it is required.
func (h *api) updateListing(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in updateListingRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	version, err := expectedVersion(r, in.Version)
	if err != nil {
		return err
	}
	l, err := h.app.Listings.Update(r.Context(), actor, r.PathValue("id"), version, in.Input, in.Submit)
	if err != nil {
		return err
	}
	return writeListing(w, http.StatusOK, l)
}

// expectedVersion takes the version from If-Match ("3" or W/"3") or the body.
func expectedVersion(r *http.Request, fromBody *int) (int, error) {
	const op = "httpapi.version"
	header := strings.TrimSpace(r.Header.Get("If-Match"))
	if header == "" {
		if fromBody == nil {
			return 0, apperr.Fields(op, apperr.Field("version", "required",
				"send the version you edited, as \"version\" or an If-Match header, so that concurrent edits are detected",
				"须提供所编辑的版本号（version 字段或 If-Match 头），以便发现并发修改"))
		}
		return *fromBody, nil
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(header, "W/"), `"`))
	if err != nil {
		return 0, apperr.Fields(op, apperr.Field("If-Match", "invalid", "If-Match must be the listing's ETag, e.g. \"3\"", "If-Match 须为发布的 ETag，如 \"3\""))
	}
	if fromBody != nil && *fromBody != v {
		return 0, apperr.Fields(op, apperr.Field("version", "mismatch", "version and If-Match disagree", "version 与 If-Match 不一致"))
	}
	return v, nil
}

func (h *api) submitListing(w http.ResponseWriter, r *http.Request) error {
	return h.lifecycle(w, r, h.app.Listings.Submit)
}

func (h *api) withdrawListing(w http.ResponseWriter, r *http.Request) error {
	return h.lifecycle(w, r, h.app.Listings.Withdraw)
}

func (h *api) renewListing(w http.ResponseWriter, r *http.Request) error {
	return h.lifecycle(w, r, h.app.Listings.Renew)
}

// lifecycle runs one owner action on the listing named in the path.
func (h *api) lifecycle(w http.ResponseWriter, r *http.Request,
	step func(ctx context.Context, actor domain.Actor, id string) (listing.Listing, error)) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	l, err := step(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeListing(w, http.StatusOK, l)
}

type reviewRequest struct {
	Approve *bool  `json:"approve"`
	Reason  string `json:"reason"`
}

// reviewListing publishes or rejects a submitted listing (operators only).
func (h *api) reviewListing(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in reviewRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Approve == nil {
		return apperr.Fields("httpapi.review", apperr.Field("approve", "required", "say true to publish or false to reject", "须填写 approve：true 为通过，false 为驳回"))
	}
	l, err := h.app.Listings.Review(r.Context(), actor, r.PathValue("id"), *in.Approve, in.Reason)
	if err != nil {
		return err
	}
	return writeListing(w, http.StatusOK, l)
}

// myListings lists the listings of the caller's organisations in every state.
func (h *api) myListings(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	p := params(r)
	status := p.code("status", domain.ListingStatuses)
	kind := p.code("kind", domain.ListingKinds)
	pg := p.pagination()
	if err := p.err(); err != nil {
		return err
	}
	all, err := h.app.Listings.Mine(r.Context(), actor)
	if err != nil {
		return err
	}
	kept := all[:0]
	for _, l := range all {
		if (status == "" || l.Status == status) && (kind == "" || l.Kind == kind) {
			kept = append(kept, l)
		}
	}
	return writePage(w, r, paginate(kept, pg))
}

// reviewQueue lists submitted listings, oldest first, for operators.
func (h *api) reviewQueue(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	p := params(r)
	pg := p.pagination()
	if err := p.err(); err != nil {
		return err
	}
	queue, err := h.app.Listings.ReviewQueue(r.Context(), actor)
	if err != nil {
		return err
	}
	return writePage(w, r, paginate(queue, pg))
}

func writeListing(w http.ResponseWriter, status int, l listing.Listing) error {
	w.Header().Set("ETag", etag(l.Version))
	return writeJSON(w, status, l)
}

func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }
