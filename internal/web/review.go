package web

import "net/http"

// reviewQueue lists submitted listings, oldest first, for operators; approving
// and rejecting post to reviewListing (detail.go) with back=/review.
func (s *site) reviewQueue(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	items, err := s.app.Listings.ReviewQueue(r.Context(), actor)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "review", items)
}
