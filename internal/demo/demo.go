// Package demo seeds a realistic demonstration market: organisations of every
// type, a user for every role, and a few hundred technology achievements and
// needs in Chinese and English built from real patent abstracts (an MIT-licensed
// excerpt embedded in data/). It also generates large synthetic markets for
// benchmarks (Generate).
//
// The content is deterministic: the same seed gives the same organisations,
// texts, prices and dates relative to the seeding time. Database ids, timestamps
// of the audit trail and the passwords are not: passwords are random secrets.
package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"time"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
)

// Credential is a demo login printed on first start.
type Credential struct {
	Role     string
	Email    string
	Password string
	Org      string
}

// DefaultSeed is the random seed of the demo market.
const DefaultSeed = 20250601

// Seed fills an empty database with demo data and returns the logins it created:
// the headline accounts (one per role) first, then each organisation's contact.
func Seed(ctx context.Context, a *app.App) ([]Credential, error) {
	const op = "demo.Seed"
	n, err := a.Identity.CountOrgs(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if n > 0 {
		return nil, apperr.E(op, apperr.Conflict, "the database already has organisations; demo data goes only into an empty database")
	}
	texts, err := loadCorpus()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	b := newBuilder(DefaultSeed, time.Now())
	admin := domain.SystemActor("demo")

	if err := createOrgs(ctx, a, b, admin); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	creds, userIDs, err := createUsers(ctx, a, b, admin)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	var operators []domain.Actor
	for _, email := range []string{"operator" + emailDomain, "operator2" + emailDomain} {
		u, err := a.Identity.GetUser(ctx, userIDs[email])
		if err != nil {
			return nil, fmt.Errorf("%s: operator: %w", op, err)
		}
		operators = append(operators, domain.Actor{UserID: u.ID, Name: u.Name, Email: u.Email, Roles: u.Roles})
	}

	plans := planMarket(b, texts)
	if err := createListings(ctx, a, b, admin, operators, plans); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	// With the real clock back, the expiry job expires the listings published
	// more than a year ago and reminds the owners of those expiring soon.
	if _, _, err := a.Listings.ExpireDue(ctx); err != nil {
		return nil, fmt.Errorf("%s: expire: %w", op, err)
	}
	if err := seedProfiles(ctx, a, b, admin); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return creds, nil
}

func createOrgs(ctx context.Context, a *app.App, b *builder, admin domain.Actor) error {
	for _, o := range demoOrgs {
		org, err := a.Identity.CreateOrg(ctx, admin, identity.OrgInput{
			NameZh: o.nameZh, NameEn: o.nameEn, Type: o.typ, USCC: o.uscc(b.rng), RegionCode: o.region, Website: o.web,
		})
		if err != nil {
			return fmt.Errorf("organisation %s: %w", o.key, err)
		}
		b.orgIDs[o.key] = org.ID
	}
	return nil
}

// createUsers creates the headline accounts, then one contact per remaining
// organisation, each with a fresh random password.
func createUsers(ctx context.Context, a *app.App, b *builder, admin domain.Actor) ([]Credential, map[string]string, error) {
	orgByKey := map[string]orgSpec{}
	for _, o := range demoOrgs {
		orgByKey[o.key] = o
	}
	ids := map[string]string{}
	var creds []Credential
	for _, u := range append(append([]userSpec(nil), headlineUsers...), contactUsers()...) {
		org := orgByKey[u.org]
		password, err := randomPassword(16)
		if err != nil {
			return nil, nil, err
		}
		in := identity.UserInput{Email: u.email, Name: u.nameZh, Password: password, Locale: u.locale}
		if u.locale == "en" {
			in.Name = u.nameEn
		}
		for _, r := range u.roles {
			in.Roles = append(in.Roles, domain.OrgRole{OrgID: b.orgIDs[u.org], Role: r})
		}
		user, err := a.Identity.CreateUser(ctx, admin, in)
		if err != nil {
			return nil, nil, fmt.Errorf("user %s: %w", u.email, err)
		}
		ids[u.email] = user.ID
		creds = append(creds, Credential{Role: u.roles[0], Email: u.email, Password: password, Org: org.nameZh})
	}
	return creds, ids, nil
}

// createListings runs every planned listing through the real lifecycle (create,
// submit, review, withdraw) with the service clock set to the planned dates, so
// the audit trail, notifications and expiry dates are the ones real use makes.
func createListings(ctx context.Context, a *app.App, b *builder, admin domain.Actor, operators []domain.Actor, plans []plannedListing) error {
	var clock time.Time
	a.Listings.SetClock(func() time.Time { return clock })
	defer a.Listings.SetClock(time.Now)
	for i, p := range plans {
		clock = p.createdAt
		l, err := a.Listings.Create(ctx, admin, b.orgIDs[p.owner.key], p.in, p.outcome != outcomeDraft)
		if err != nil {
			return fmt.Errorf("listing %d (%s): %w", i, p.in.TitleZh+p.in.TitleEn, err)
		}
		reviewer := operators[i%len(operators)]
		clock = p.publishedAt
		switch p.outcome {
		case outcomeDraft, outcomeSubmitted:
			continue
		case outcomeRejected:
			_, err = a.Listings.Review(ctx, reviewer, l.ID, false, rejectReason)
		default:
			_, err = a.Listings.Review(ctx, reviewer, l.ID, true, "")
		}
		if err == nil && p.outcome == outcomeWithdrawn {
			clock = p.publishedAt.Add(time.Duration(b.between(24, 24*20)) * time.Hour)
			_, err = a.Listings.Withdraw(ctx, admin, l.ID)
		}
		if err != nil {
			return fmt.Errorf("listing %d (%s) → %s: %w", i, l.Title("zh"), p.outcome, err)
		}
	}
	return nil
}

// passwordAlphabet leaves out characters that are easily confused (0/O, 1/l/I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func randomPassword(n int) (string, error) {
	out := make([]byte, n)
	max := big.NewInt(int64(len(passwordAlphabet)))
	for i := range out {
		k, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", fmt.Errorf("random password: %w", err)
		}
		out[i] = passwordAlphabet[k.Int64()]
	}
	return string(out), nil
}
