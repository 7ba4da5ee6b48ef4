package matching

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Alerts: when a listing is published, every saved need looking for its kind
// is asked whether the listing now ranks for it at or above its threshold.
// A match is recorded in match_alerts under UNIQUE (saved_need_id,
// listing_id) in the same transaction as the in-app notification, so a
// replayed, concurrent or repeated evaluation (the listing edited and
// published again, renewed, a restart) never notifies twice. Webhooks are
// sent after that commit and their outcome recorded on the alert.

// Alert is one saved need's match with a newly published listing.
type Alert struct {
	ID            string     `json:"id"`
	SavedNeedID   string     `json:"saved_need_id"`
	ListingID     string     `json:"listing_id"`
	Score         float64    `json:"score"`
	CreatedAt     time.Time  `json:"created_at"`
	WebhookStatus string     `json:"webhook_status,omitempty"` // pending, delivered, failed; empty without a webhook
	WebhookCode   int        `json:"webhook_code,omitempty"`   // last HTTP status
	WebhookError  string     `json:"webhook_error,omitempty"`
	WebhookTries  int        `json:"webhook_attempts,omitempty"`
	WebhookAt     *time.Time `json:"webhook_at,omitempty"`
}

// WebhookPayload is the JSON body POSTed to a saved need's webhook. The
// signature header X-Techmarket-Signature is "sha256=" + hex HMAC-SHA256 of
// the body under the saved need's secret; X-Techmarket-Delivery is the alert
// id, the same on every retry, so receivers can drop duplicates.
type WebhookPayload struct {
	Event       string         `json:"event"` // "match.alert"
	AlertID     string         `json:"alert_id"`
	SavedNeedID string         `json:"saved_need_id"`
	SavedNeed   string         `json:"saved_need"`
	Score       float64        `json:"score"`
	Listing     ListingSummary `json:"listing"`
	CreatedAt   time.Time      `json:"created_at"`
}

// Signature is the value of X-Techmarket-Signature for body under secret.
func Signature(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// QueueAlerts is a listing change hook: a published listing is queued for
// alert evaluation by the worker. It never blocks the listing write.
func (s *Service) QueueAlerts(l listing.Listing) {
	p := s.prod
	if p == nil || l.Status != listing.StatusPublished {
		return
	}
	p.queueMu.Lock()
	p.queue = append(p.queue, l.ID)
	p.queueMu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// alertWorker evaluates queued listings one at a time, once the index has
// been built.
func (s *Service) alertWorker(p *product) {
	defer close(p.done)
	select {
	case <-s.readyCh:
	case <-p.stop:
		return
	}
	s.retryPendingWebhooks(p)
	for {
		p.queueMu.Lock()
		var id string
		if len(p.queue) > 0 {
			id, p.queue = p.queue[0], p.queue[1:]
			p.busy = true
		}
		p.queueMu.Unlock()
		if id == "" {
			select {
			case <-p.wake:
				continue
			case <-p.stop:
				return
			}
		}
		if _, err := s.EvaluateAlerts(context.Background(), id); err != nil {
			s.log.Error("matching: alert evaluation", "listing", id, "err", err)
		}
		p.queueMu.Lock()
		p.busy = false
		p.queueMu.Unlock()
		select {
		case <-p.stop:
			return
		default:
		}
	}
}

// Idle reports whether the alert worker has nothing queued and nothing
// running (tests wait for it).
func (s *Service) Idle() bool {
	p := s.prod
	if p == nil {
		return true
	}
	p.queueMu.Lock()
	defer p.queueMu.Unlock()
	return len(p.queue) == 0 && !p.busy
}

// candidateK is how deep a saved need's ranking is searched for the new
// listing: a listing ranked below this many better ones does not alert.
const candidateK = 1000

// EvaluateAlerts checks one listing against every saved need looking for its
// kind and raises the alerts it earns. It returns the number of new alerts.
// Running it again for the same listing raises nothing new.
func (s *Service) EvaluateAlerts(ctx context.Context, listingID string) (int, error) {
	const op = "matching.EvaluateAlerts"
	p, err := s.product(op)
	if err != nil {
		return 0, err
	}
	l, err := s.listings.Get(ctx, system, listingID)
	if apperr.Is(err, apperr.NotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if l.Status != listing.StatusPublished || l.PublishedAt == nil {
		return 0, nil
	}
	// Only needs saved before the listing was (last) published: an alert
	// announces something new to the need.
	rows, err := p.db.Query(ctx, `SELECT `+savedColumns+` FROM saved_needs WHERE kind = ? AND created_at <= ? ORDER BY id`, l.Kind, *l.PublishedAt)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	var needs []SavedNeed
	for rows.Next() {
		n, err := scanSaved(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		needs = append(needs, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	raised := 0
	for _, n := range needs {
		if n.ListingID == l.ID {
			continue
		}
		score, ok, err := s.scoreFor(ctx, n, l.ID)
		if err != nil {
			s.log.Warn("matching: saved need query", "saved_need", n.ID, "err", err)
			continue
		}
		if !ok || score < n.MinScore {
			continue
		}
		a, isNew, err := s.raise(ctx, p, n, l, score)
		if err != nil {
			return raised, err
		}
		if !isNew {
			continue
		}
		raised++
		if n.WebhookURL != "" {
			s.deliver(ctx, p, n, a, summaryOf(l))
		}
	}
	return raised, nil
}

// scoreFor is the listing's score in the saved need's ranking, with the
// owner's feedback applied; ok is false when it does not rank.
func (s *Service) scoreFor(ctx context.Context, n SavedNeed, listingID string) (float64, bool, error) {
	q, _, err := s.savedQuery(ctx, n)
	if err != nil {
		return 0, false, err
	}
	judged, err := s.judgments(ctx, SeekerSavedNeed, n.ID)
	if err != nil {
		return 0, false, err
	}
	for _, j := range judged {
		q.Feedback = append(q.Feedback, j.engine())
	}
	q.K, q.Explain = candidateK, false
	res, err := s.engine.Search(q)
	if err != nil {
		return 0, false, err
	}
	for _, h := range res.Hits {
		if h.ID == listingID {
			return h.Score, true, nil
		}
	}
	return 0, false, nil
}

// raise records an alert and notifies its owner in one transaction; isNew is
// false when the alert existed already (nothing is sent then).
func (s *Service) raise(ctx context.Context, p *product, n SavedNeed, l listing.Listing, score float64) (Alert, bool, error) {
	now := time.Now().UTC()
	a := Alert{ID: domain.NewID(), SavedNeedID: n.ID, ListingID: l.ID, Score: round3(score), CreatedAt: now}
	if n.WebhookURL != "" {
		a.WebhookStatus = "pending"
	}
	isNew := false
	err := p.db.Transact(ctx, func(tx *store.Tx) error {
		isNew = false
		res, err := tx.Exec(ctx, `INSERT INTO match_alerts (id, saved_need_id, listing_id, user_id, score, created_at, webhook_status)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (saved_need_id, listing_id) DO NOTHING`,
			a.ID, n.ID, l.ID, n.UserID, a.Score, now, a.WebhookStatus)
		if err != nil {
			return fmt.Errorf("record alert: %w", err)
		}
		if rows, err := res.RowsAffected(); err != nil || rows == 0 {
			return err
		}
		isNew = true
		title := domain.Label{
			Zh: fmt.Sprintf("新的匹配（%s）：%s", n.Name, l.Title("zh")),
			En: fmt.Sprintf("New match for %s: %s", n.Name, l.Title("en")),
		}
		if err := p.notifier.NotifyUser(ctx, tx, n.UserID, "match.alert."+n.ID, l.ID, title, "/listings/"+l.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, system, "match.alert", "saved_need", n.ID,
			map[string]any{"alert_id": a.ID, "listing_id": l.ID, "score": a.Score, "user_id": n.UserID})
	})
	return a, isNew, err
}

// deliver POSTs the alert to the saved need's webhook, retrying a few times,
// and records the outcome. It is called after the alert committed.
func (s *Service) deliver(ctx context.Context, p *product, n SavedNeed, a Alert, l ListingSummary) {
	body, err := json.Marshal(WebhookPayload{Event: "match.alert", AlertID: a.ID, SavedNeedID: n.ID, SavedNeed: n.Name,
		Score: a.Score, Listing: l, CreatedAt: a.CreatedAt})
	if err != nil {
		s.log.Error("matching: webhook body", "err", err)
		return
	}
	var code int
	var errText string
	tries := 0
	for {
		tries++
		code, errText = s.post(ctx, p, n, a.ID, body)
		if errText == "" || tries > len(p.retryDelays) {
			break
		}
		select {
		case <-time.After(p.retryDelays[tries-1]):
		case <-p.stop:
		}
	}
	status := "delivered"
	if errText != "" {
		status = "failed"
	}
	now := time.Now().UTC()
	err = p.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE match_alerts SET webhook_status = ?, webhook_code = ?, webhook_error = ?,
			webhook_attempts = webhook_attempts + ?, webhook_at = ? WHERE id = ?`, status, code, errText, tries, now, a.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, system, "match.alert.webhook", "saved_need", n.ID,
			map[string]any{"alert_id": a.ID, "status": status, "code": code, "attempts": tries, "error": errText})
	})
	if err != nil {
		s.log.Error("matching: record webhook delivery", "alert", a.ID, "err", err)
	}
}

// post sends one attempt; errText is empty on a 2xx answer.
func (s *Service) post(ctx context.Context, p *product, n SavedNeed, alertID string, body []byte) (code int, errText string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "techmarket-webhook/1")
	req.Header.Set("X-Techmarket-Event", "match.alert")
	req.Header.Set("X-Techmarket-Delivery", alertID)
	req.Header.Set("X-Techmarket-Signature", Signature(n.WebhookSecret, body))
	resp, err := p.webhooks.Do(req)
	if err != nil {
		return 0, truncate(err.Error(), 300)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// retryPendingWebhooks sends the webhooks of alerts that committed but whose
// delivery never ran (the process stopped in between).
func (s *Service) retryPendingWebhooks(p *product) {
	ctx := context.Background()
	rows, err := p.db.Query(ctx, `SELECT id, saved_need_id, listing_id, score, created_at FROM match_alerts
		WHERE webhook_status = 'pending' ORDER BY created_at LIMIT 500`)
	if err != nil {
		s.log.Error("matching: pending webhooks", "err", err)
		return
	}
	var pending []Alert
	for rows.Next() {
		var a Alert
		if err := rows.Scan(&a.ID, &a.SavedNeedID, &a.ListingID, &a.Score, store.Time(&a.CreatedAt)); err != nil {
			break
		}
		pending = append(pending, a)
	}
	rows.Close()
	for _, a := range pending {
		n, err := getSaved(ctx, p.db, a.SavedNeedID)
		if err != nil || n.WebhookURL == "" {
			continue
		}
		l, err := s.listings.Get(ctx, system, a.ListingID)
		if err != nil {
			continue
		}
		s.deliver(ctx, p, n, a, summaryOf(l))
	}
}

// Alerts lists the alerts of one of the user's saved needs, newest first,
// with their webhook delivery results.
func (s *Service) Alerts(ctx context.Context, actor domain.Actor, savedNeedID string) ([]Alert, error) {
	n, err := s.SavedNeed(ctx, actor, savedNeedID)
	if err != nil {
		return nil, err
	}
	p, _ := s.product("matching.Alerts")
	rows, err := p.db.Query(ctx, `SELECT id, saved_need_id, listing_id, score, created_at, webhook_status, webhook_code, webhook_error,
		webhook_attempts, webhook_at FROM match_alerts WHERE saved_need_id = ? ORDER BY created_at DESC, id DESC LIMIT 200`, n.ID)
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	defer rows.Close()
	out := []Alert{}
	for rows.Next() {
		var a Alert
		if err := rows.Scan(&a.ID, &a.SavedNeedID, &a.ListingID, &a.Score, store.Time(&a.CreatedAt), &a.WebhookStatus, &a.WebhookCode,
			&a.WebhookError, &a.WebhookTries, store.NullTime(&a.WebhookAt)); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CatchUp queues the listings published since a moment (for example the
// last hour before a restart), so alerts lost with the in-memory queue are
// raised; those already raised are not raised again.
func (s *Service) CatchUp(ctx context.Context, since time.Time) (int, error) {
	n := 0
	err := s.listings.EachPublished(ctx, 2000, func(items []listing.Listing) error {
		for _, l := range items {
			if l.PublishedAt != nil && !l.PublishedAt.Before(since) {
				s.QueueAlerts(l)
				n++
			}
		}
		return nil
	})
	return n, err
}
