package httpapi

import (
	"net/http"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
)

// listOrgs is the public directory of organisations, optionally of one type.
func (h *api) listOrgs(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	orgType := q.code("type", domain.OrgTypes)
	pg := q.pagination()
	if err := q.err(); err != nil {
		return err
	}
	orgs, err := h.app.Identity.ListOrgs(r.Context(), orgType)
	if err != nil {
		return err
	}
	return writePage(w, r, paginate(orgs, pg))
}

func (h *api) getOrg(w http.ResponseWriter, r *http.Request) error {
	o, err := h.app.Identity.GetOrg(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o)
}

// createOrg registers an organisation; identity allows administrators only.
func (h *api) createOrg(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in identity.OrgInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	o, err := h.app.Identity.CreateOrg(r.Context(), actor, in)
	if err != nil {
		return err
	}
	return created(w, Prefix+"/orgs/"+o.ID, o)
}
