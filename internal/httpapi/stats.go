package httpapi

import "net/http"

// marketStats counts published listings by kind and field; public.
func (h *api) marketStats(w http.ResponseWriter, r *http.Request) error {
	st, err := h.app.Listings.MarketStats(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	return writeJSON(w, http.StatusOK, st)
}
