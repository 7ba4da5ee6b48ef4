// Package audit records every state change that matters, in the same transaction
// as the change itself, so the trail can never disagree with the data.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Entry is one audited event.
type Entry struct {
	ID         string          `json:"id"`
	At         time.Time       `json:"at"`
	ActorID    string          `json:"actor_id,omitempty"`
	ActorOrg   string          `json:"actor_org,omitempty"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Detail     json.RawMessage `json:"detail"`
	IP         string          `json:"ip,omitempty"`
}

// Record appends an entry inside the caller's transaction. detail is marshalled
// with encoding/json, whose map keys are sorted, so the stored text is canonical.
func Record(ctx context.Context, q store.Querier, actor domain.Actor, action, objectType, objectID string, detail any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	body, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit %s: marshal detail: %w", action, err)
	}
	actorID := actor.UserID
	if actor.System {
		actorID = "system:" + actor.Name
	}
	var actorOrg string
	if len(actor.Roles) > 0 {
		actorOrg = actor.Roles[0].OrgID
	}
	_, err = q.Exec(ctx, `INSERT INTO audit_log (id, at, actor_id, actor_org, action, object_type, object_id, detail, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		domain.NewID(), time.Now(), store.NullString(actorID), store.NullString(actorOrg), action, objectType, objectID, string(body), actor.IP)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// ForObject lists the trail of one object, oldest first.
func ForObject(ctx context.Context, q store.Querier, objectType, objectID string) ([]Entry, error) {
	rows, err := q.Query(ctx, `SELECT id, at, COALESCE(actor_id, ''), COALESCE(actor_org, ''), action, object_type, object_id, detail, ip
		FROM audit_log WHERE object_type = ? AND object_id = ? ORDER BY at, id`, objectType, objectID)
	if err != nil {
		return nil, fmt.Errorf("audit trail: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var detail string
		if err := rows.Scan(&e.ID, store.Time(&e.At), &e.ActorID, &e.ActorOrg, &e.Action, &e.ObjectType, &e.ObjectID, &detail, &e.IP); err != nil {
			return nil, fmt.Errorf("audit trail: %w", err)
		}
		e.Detail = json.RawMessage(detail)
		out = append(out, e)
	}
	return out, rows.Err()
}
