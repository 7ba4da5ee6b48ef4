package httpapi

import (
	"net/http"

	"github.com/techmarket-org/techmarket/internal/notify"
)

// notificationWindow is how many of the newest notifications the list pages
// through: notify.List has a limit but no offset or total count yet.
const notificationWindow = 1000

type notificationPage struct {
	pageOf[notify.Notification]
	Unread int `json:"unread"`
}

// listNotifications pages through the caller's newest notifications.
func (h *api) listNotifications(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	p := params(r)
	pg := p.pagination()
	if err := p.err(); err != nil {
		return err
	}
	all, unread, err := h.app.Notify.List(r.Context(), actor.UserID, notificationWindow)
	if err != nil {
		return err
	}
	page := paginate(all, pg)
	setPageHeaders(w, r, page.Total, page.Page, page.PerPage)
	return writeJSON(w, http.StatusOK, notificationPage{pageOf: page, Unread: unread})
}

// markNotificationsRead marks all the caller's notifications read.
func (h *api) markNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := h.app.Notify.MarkAllRead(r.Context(), actor.UserID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
