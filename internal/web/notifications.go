package web

import (
	"net/http"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/notify"
)

// notificationLimit is how many of the latest notifications the page lists.
const notificationLimit = 100

type notificationsPage struct {
	Items  []notify.Notification
	Unread int
}

func (s *site) notifications(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	items, unread, err := s.app.Notify.List(r.Context(), actor.UserID, notificationLimit)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "notifications", notificationsPage{Items: items, Unread: unread})
}

func (s *site) markNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if actor.UserID == "" {
		return apperr.E("web.notifications", apperr.Forbidden, "only people have notifications")
	}
	if err := s.app.Notify.MarkAllRead(r.Context(), actor.UserID); err != nil {
		return err
	}
	seeOther(w, r, "/notifications", "read")
	return nil
}
