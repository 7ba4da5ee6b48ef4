package httpapi

import (
	"net/http"

	"github.com/techmarket-org/techmarket/internal/matching"
)

// Matching (issue 3): matches with their explanation, relevance feedback, the
// feedback summary for a listing's owners, saved needs and their alerts. The
// routes are listed in routes.go; the rules live in internal/matching.

func (h *api) listingMatches(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	p := params(r)
	k := p.intIn("k", 1, matching.MaxK)
	if err := p.err(); err != nil {
		return err
	}
	m, err := h.app.Matching.ForListing(r.Context(), actor, r.PathValue("id"), k)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

func (h *api) judgeListingMatch(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in matching.FeedbackInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	j, err := h.app.Matching.JudgeListingMatch(r.Context(), actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, j)
}

func (h *api) listingFeedbackSummary(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	s, err := h.app.Matching.FeedbackSummary(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s)
}

// matchReasonList is the list of not-relevant reasons with their labels.
type matchReasonList struct {
	Items []matching.Reason `json:"items"`
}

func (h *api) matchReasons(w http.ResponseWriter, _ *http.Request) error {
	return writeJSON(w, http.StatusOK, matchReasonList{Items: matching.Reasons})
}

// savedNeedList is the caller's saved needs.
type savedNeedList struct {
	Items []matching.SavedNeed `json:"items"`
}

func (h *api) listSavedNeeds(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	list, err := h.app.Matching.SavedNeeds(r.Context(), actor)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, savedNeedList{Items: list})
}

func (h *api) createSavedNeed(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in matching.SavedNeedInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := h.app.Matching.CreateSavedNeed(r.Context(), actor, in)
	if err != nil {
		return err
	}
	return created(w, Prefix+"/saved-needs/"+n.ID, n)
}

func (h *api) getSavedNeed(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	n, err := h.app.Matching.SavedNeed(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, n)
}

func (h *api) updateSavedNeed(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in matching.SavedNeedInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := h.app.Matching.UpdateSavedNeed(r.Context(), actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, n)
}

func (h *api) deleteSavedNeed(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := h.app.Matching.DeleteSavedNeed(r.Context(), actor, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *api) savedNeedMatches(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	p := params(r)
	k := p.intIn("k", 1, matching.MaxK)
	if err := p.err(); err != nil {
		return err
	}
	m, err := h.app.Matching.ForSavedNeed(r.Context(), actor, r.PathValue("id"), k)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

func (h *api) judgeSavedNeedMatch(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	var in matching.FeedbackInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	j, err := h.app.Matching.JudgeSavedNeedMatch(r.Context(), actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, j)
}

// alertList is a saved need's alerts with their webhook delivery results.
type alertList struct {
	Items []matching.Alert `json:"items"`
}

func (h *api) savedNeedAlerts(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	list, err := h.app.Matching.Alerts(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, alertList{Items: list})
}
