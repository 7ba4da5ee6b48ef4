// Package notify keeps in-app notifications. Each (user, kind, subject) is stored
// at most once, so a job that runs twice never notifies twice.
package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Notification is one message to one user.
type Notification struct {
	ID        string       `json:"id"`
	Kind      string       `json:"kind"`
	SubjectID string       `json:"subject_id"`
	Title     domain.Label `json:"title"`
	Link      string       `json:"link"`
	CreatedAt time.Time    `json:"created_at"`
	ReadAt    *time.Time   `json:"read_at,omitempty"`
}

// Service stores and lists notifications.
type Service struct{ db *store.DB }

// New returns the notification service.
func New(db *store.DB) *Service { return &Service{db: db} }

// NotifyUser records a notification inside the caller's transaction.
func (s *Service) NotifyUser(ctx context.Context, q store.Querier, userID, kind, subjectID string, title domain.Label, link string) error {
	_, err := q.Exec(ctx, `INSERT INTO notifications (id, user_id, kind, subject_id, title_zh, title_en, link, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, kind, subject_id) DO NOTHING`,
		domain.NewID(), userID, kind, subjectID, title.Zh, title.En, link, time.Now())
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

// NotifyOrg notifies every member of an organisation.
func (s *Service) NotifyOrg(ctx context.Context, q store.Querier, orgID, kind, subjectID string, title domain.Label, link string) error {
	rows, err := q.Query(ctx, `SELECT DISTINCT user_id FROM memberships WHERE org_id = ?`, orgID)
	if err != nil {
		return fmt.Errorf("notify org: %w", err)
	}
	var users []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return err
		}
		users = append(users, u)
	}
	rows.Close()
	for _, u := range users {
		if err := s.NotifyUser(ctx, q, u, kind, subjectID, title, link); err != nil {
			return err
		}
	}
	return nil
}

// List returns a user's latest notifications and the unread count.
func (s *Service) List(ctx context.Context, userID string, limit int) ([]Notification, int, error) {
	rows, err := s.db.Query(ctx, `SELECT id, kind, subject_id, title_zh, title_en, link, created_at, read_at
		FROM notifications WHERE user_id = ? ORDER BY created_at DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("list notifications: %w", err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		if err := rows.Scan(&n.ID, &n.Kind, &n.SubjectID, &n.Title.Zh, &n.Title.En, &n.Link, store.Time(&n.CreatedAt), store.NullTime(&n.ReadAt)); err != nil {
			return nil, 0, err
		}
		out = append(out, n)
	}
	var unread int
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&unread)
	return out, unread, err
}

// MarkAllRead marks a user's notifications read.
func (s *Service) MarkAllRead(ctx context.Context, userID string) error {
	_, err := s.db.Exec(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, time.Now(), userID)
	return err
}

// UnreadCount returns how many notifications a user has not read, for the header badge.
func (s *Service) UnreadCount(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&n)
	return n, err
}
