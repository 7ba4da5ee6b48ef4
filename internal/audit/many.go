package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Rec is one entry for RecordMany.
type Rec struct {
	Actor      domain.Actor
	Action     string
	ObjectType string
	ObjectID   string
	Detail     any
}

// sqliteChunk keeps a multi-row VALUES list under SQLite's default limit of
// 32,766 bound parameters (9 per row).
const sqliteChunk = 3000

// RecordMany appends many entries inside the caller's transaction with a
// constant number of statements: the rows are exactly those Record would write
// one by one (same columns, canonical JSON, actor encoding), but a caller that
// commits thousands of changes a second (the ledger's batches) saves one round
// trip per entry. On PostgreSQL the columns travel as typed arrays expanded by
// unnest, so the SQL text is the same whatever the number of entries and the
// driver's statement cache always hits.
func RecordMany(ctx context.Context, q store.Querier, recs []Rec) error {
	if len(recs) == 0 {
		return nil
	}
	at := time.Now()
	n := len(recs)
	ids, actorIDs, actorOrgs := make([]string, n), make([]*string, n), make([]*string, n)
	actions, objTypes, objIDs, details, ips := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, r := range recs {
		detail := r.Detail
		if detail == nil {
			detail = map[string]any{}
		}
		body, err := json.Marshal(detail)
		if err != nil {
			return fmt.Errorf("audit %s: marshal detail: %w", r.Action, err)
		}
		actorID := r.Actor.UserID
		if r.Actor.System {
			actorID = "system:" + r.Actor.Name
		}
		if actorID != "" {
			actorIDs[i] = &actorID
		}
		if len(r.Actor.Roles) > 0 && r.Actor.Roles[0].OrgID != "" {
			org := r.Actor.Roles[0].OrgID
			actorOrgs[i] = &org
		}
		ids[i], actions[i], objTypes[i], objIDs[i] = domain.NewID(), r.Action, r.ObjectType, r.ObjectID
		details[i], ips[i] = string(body), r.Actor.IP
	}
	const cols = "id, at, actor_id, actor_org, action, object_type, object_id, detail, ip"
	if q.Dialect() == store.Postgres {
		ats := make([]time.Time, n)
		for i := range ats {
			ats[i] = at.UTC()
		}
		_, err := q.Exec(ctx, `INSERT INTO audit_log (`+cols+`) SELECT * FROM unnest(?::text[], ?::timestamptz[],
			?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])`,
			ids, ats, actorIDs, actorOrgs, actions, objTypes, objIDs, details, ips)
		if err != nil {
			return fmt.Errorf("audit: insert %d entries: %w", n, err)
		}
		return nil
	}
	for start := 0; start < n; start += sqliteChunk {
		end := min(start+sqliteChunk, n)
		var b strings.Builder
		b.WriteString("INSERT INTO audit_log (" + cols + ") VALUES ")
		args := make([]any, 0, (end-start)*9)
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, ids[i], at, nullable(actorIDs[i]), nullable(actorOrgs[i]), actions[i], objTypes[i],
				objIDs[i], details[i], ips[i])
		}
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("audit: insert %d entries: %w", end-start, err)
		}
	}
	return nil
}

func nullable(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}
