// Package reqctx carries who is asking through a request's context, shared by
// the REST API and the web UI.
package reqctx

import (
	"context"

	"github.com/techmarket-org/techmarket/internal/domain"
)

type key int

const (
	actorKey key = iota
	sessionKey
	langKey
)

// Session is the web session bound to a request, if any.
type Session struct {
	Token     string
	CSRFToken string
}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a domain.Actor) context.Context {
	return context.WithValue(ctx, actorKey, a)
}

// Actor returns the request's actor, or Anonymous.
func Actor(ctx context.Context) domain.Actor {
	if a, ok := ctx.Value(actorKey).(domain.Actor); ok {
		return a
	}
	return domain.Anonymous
}

// WithSession returns a context carrying the web session.
func WithSession(ctx context.Context, s Session) context.Context {
	return context.WithValue(ctx, sessionKey, s)
}

// SessionOf returns the web session, if the request came with one.
func SessionOf(ctx context.Context) (Session, bool) {
	s, ok := ctx.Value(sessionKey).(Session)
	return s, ok
}

// WithLang returns a context carrying the negotiated language ("zh" or "en").
func WithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, langKey, lang)
}

// Lang returns the negotiated language, Chinese by default.
func Lang(ctx context.Context) string {
	if l, ok := ctx.Value(langKey).(string); ok {
		return l
	}
	return "zh"
}
