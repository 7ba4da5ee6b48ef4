package httpapi

import (
	"net/http"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/identity"
)

// listUsers lists accounts with their roles, for administrators.
func (h *api) listUsers(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	q := params(r)
	pg := q.pagination()
	if err := q.err(); err != nil {
		return err
	}
	users, err := h.app.Identity.ListUsers(r.Context(), actor)
	if err != nil {
		return err
	}
	return writePage(w, r, paginate(users, pg))
}

// createUser creates an account with roles; identity allows administrators only.
func (h *api) createUser(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in identity.UserInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	u, err := h.app.Identity.CreateUser(r.Context(), actor, in)
	if err != nil {
		return err
	}
	return created(w, Prefix+"/users/"+u.ID, u)
}

// getUser shows one account to an administrator or to the user themself.
func (h *api) getUser(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if !actor.IsAdmin() && actor.UserID != id {
		return apperr.E("httpapi.getUser", apperr.Forbidden, "only administrators can see other users")
	}
	u, err := h.app.Identity.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}
