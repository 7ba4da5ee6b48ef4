package identity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

var admin = domain.SystemActor("test")

func TestPasswordHashing(t *testing.T) {
	h, err := identity.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Fatalf("not an argon2id PHC string: %s", h)
	}
	if !identity.VerifyPassword("correct horse battery", h) || identity.VerifyPassword("correct horse batterx", h) {
		t.Fatal("verification wrong")
	}
	h2, _ := identity.HashPassword("correct horse battery")
	if h == h2 {
		t.Fatal("salt not random")
	}
}

func TestOrgValidationNamesFields(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s := identity.New(db)
		_, err := s.CreateOrg(context.Background(), admin, identity.OrgInput{NameZh: "", Type: "pirate", USCC: "91110000600037341X", RegionCode: "990000"})
		fields := map[string]bool{}
		for _, f := range apperr.FieldsOf(err) {
			fields[f.Field] = true
		}
		for _, want := range []string{"name_zh", "type", "uscc", "region_code"} {
			if !fields[want] {
				t.Errorf("no error for %s in %v", want, err)
			}
		}
		if n, _ := s.CountOrgs(context.Background()); n != 0 {
			t.Fatalf("invalid org was saved")
		}
	})
}

func TestUsersSessionsTokensAndThrottle(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := identity.New(db)
		org, err := s.CreateOrg(ctx, admin, identity.OrgInput{NameZh: "测试大学", Type: "university", USCC: "91110000600037341L", RegionCode: "110108"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateOrg(ctx, admin, identity.OrgInput{NameZh: "重复", Type: "enterprise", USCC: "91110000600037341L", RegionCode: "110108"}); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("duplicate USCC: want field error, got %v", err)
		}
		u, err := s.CreateUser(ctx, admin, identity.UserInput{Email: "Seller@Example.cn", Name: "卖方", Password: "long-enough-pw",
			Roles: []domain.OrgRole{{OrgID: org.ID, Role: domain.RoleSeller}}})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "seller@example.cn" || len(u.Roles) != 1 || u.Roles[0].OrgName != "测试大学" {
			t.Fatalf("user = %+v", u)
		}
		// A non-admin cannot create users.
		seller, err := s.Login(ctx, "seller@example.cn", "long-enough-pw", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, seller, identity.UserInput{Email: "x@example.cn", Name: "x", Password: "long-enough-pw"}); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("seller created a user: %v", err)
		}
		sess, err := s.CreateSession(ctx, seller)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.SessionByToken(ctx, sess.Token)
		if err != nil || got.Actor.UserID != u.ID || got.CSRFToken != sess.CSRFToken {
			t.Fatalf("session lookup: %+v %v", got, err)
		}
		if err := s.DeleteSession(ctx, sess.Token); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionByToken(ctx, sess.Token); !apperr.Is(err, apperr.Unauthenticated) {
			t.Fatalf("deleted session still valid: %v", err)
		}
		secret, tok, err := s.CreateAPIToken(ctx, seller, "ci", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if a, err := s.ActorByAPIToken(ctx, secret); err != nil || a.UserID != u.ID {
			t.Fatalf("token lookup: %v", err)
		}
		if err := s.RevokeAPIToken(ctx, seller, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ActorByAPIToken(ctx, secret); !apperr.Is(err, apperr.Unauthenticated) {
			t.Fatalf("revoked token still valid: %v", err)
		}
		// Five wrong passwords lock the account for a while, even with the right one.
		for i := 0; i < 5; i++ {
			if _, err := s.Login(ctx, "seller@example.cn", "wrong-password", "10.0.0.2"); !apperr.Is(err, apperr.Unauthenticated) {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		if _, err := s.Login(ctx, "seller@example.cn", "long-enough-pw", "10.0.0.3"); !apperr.Is(err, apperr.RateLimited) {
			t.Fatalf("not throttled: %v", err)
		}
		if _, err := s.Login(ctx, "nobody@example.cn", "whatever-password", "10.0.0.4"); !apperr.Is(err, apperr.Unauthenticated) {
			t.Fatalf("unknown user: %v", err)
		}
	})
}
