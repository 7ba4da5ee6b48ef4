package web

import "net/http"

// myListings lists the listings of every organisation the user belongs to, in
// every status, with rejection reasons.
func (s *site) myListings(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	items, err := s.app.Listings.Mine(r.Context(), actor)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "my", items)
}
