package domain

import (
	"github.com/google/uuid"
)

// OrgRole is one role a user holds in one organisation.
type OrgRole struct {
	OrgID   string `json:"org_id"`
	OrgName string `json:"org_name"`
	OrgType string `json:"org_type"`
	Role    string `json:"role"`
}

// Actor is who performs an operation: a signed-in user with their roles, or the
// system itself (CLI admin commands, background jobs).
type Actor struct {
	UserID string    `json:"user_id"`
	Name   string    `json:"name"`
	Email  string    `json:"email"`
	Roles  []OrgRole `json:"roles"`
	System bool      `json:"-"`
	IP     string    `json:"-"`
}

// SystemActor acts with every permission; used by admin commands and jobs.
func SystemActor(name string) Actor { return Actor{Name: name, System: true} }

// Anonymous is the public, not signed in.
var Anonymous = Actor{}

// IsAnonymous reports whether nobody is signed in.
func (a Actor) IsAnonymous() bool { return a.UserID == "" && !a.System }

// HasRole reports whether the actor holds role in any organisation.
func (a Actor) HasRole(role string) bool {
	if a.System {
		return true
	}
	for _, r := range a.Roles {
		if r.Role == role || r.Role == RoleAdmin {
			return true
		}
	}
	return false
}

// HasRoleIn reports whether the actor holds role in the given organisation.
func (a Actor) HasRoleIn(orgID, role string) bool {
	if a.System {
		return true
	}
	for _, r := range a.Roles {
		if r.OrgID == orgID && (r.Role == role || r.Role == RoleAdmin) {
			return true
		}
	}
	return false
}

// MemberOf reports whether the actor holds any role in the organisation.
func (a Actor) MemberOf(orgID string) bool {
	if a.System {
		return true
	}
	for _, r := range a.Roles {
		if r.OrgID == orgID {
			return true
		}
	}
	return false
}

// IsAdmin reports whether the actor is a platform administrator.
func (a Actor) IsAdmin() bool {
	if a.System {
		return true
	}
	for _, r := range a.Roles {
		if r.Role == RoleAdmin {
			return true
		}
	}
	return false
}

// OrgIDs lists the organisations the actor belongs to, without duplicates.
func (a Actor) OrgIDs() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range a.Roles {
		if !seen[r.OrgID] {
			seen[r.OrgID] = true
			out = append(out, r.OrgID)
		}
	}
	return out
}

// NewID returns a new time-ordered identifier (UUIDv7), generated in Go so that
// no database sequence becomes a hot spot.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }
