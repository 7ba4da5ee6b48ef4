package httpapi

import (
	"net/http"

	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/matching"
)

// Organisation profiles and enterprise matches (docs/matching.md, "Enterprises").

// getOrgProfile is public: the profile is what the organisation says of itself.
func (h *api) getOrgProfile(w http.ResponseWriter, r *http.Request) error {
	p, err := h.app.Identity.GetProfile(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// putOrgProfile replaces a profile; identity allows the organisation's
// administrators and operators.
func (h *api) putOrgProfile(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in identity.ProfileInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.app.Identity.UpdateProfile(r.Context(), actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (h *api) listingEnterpriseMatches(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	p := params(r)
	k := p.intIn("k", 1, matching.MaxK)
	if err := p.err(); err != nil {
		return err
	}
	m, err := h.app.Matching.EnterprisesFor(r.Context(), actor, r.PathValue("id"), k)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}
