package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/reqctx"
)

// Opening a sale (挂牌 or auction) on an achievement and a challenge on a need,
// from the owner's listing page. The service checks everything (ownership,
// the venue's permitted methods, notice and announce periods, increments);
// these forms name its refusals beside their fields.

func (s *site) openingRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /listings/{id}/sale", s.handle(s.newSaleForm))
	mux.HandleFunc("POST /listings/{id}/sale", s.handle(s.openSale))
	mux.HandleFunc("GET /listings/{id}/challenge", s.handle(s.newChallengeForm))
	mux.HandleFunc("POST /listings/{id}/challenge", s.handle(s.openChallenge))
}

// openForm is the sale or challenge form as typed.
type openForm struct {
	Venue, Method, StartYuan, ReserveYuan, IncrementYuan, StartsAt, EndsAt string
	TitleZh, TitleEn, Criteria, RewardYuan, MaxWinners, Deadline           string
}

type openPage struct {
	dealText
	Listing listing.Listing
	Form    openForm
	Errs    formErrors
	Venues  []option
	Methods []option
}

// saleFields and challengeFields map the service's field names onto the forms'.
var (
	saleFields = map[string]string{"venue": "venue", "method": "method", "start_price_fen": "start_yuan", "reserve_fen": "reserve_yuan",
		"increment_fen": "increment_yuan", "starts_at": "starts_at", "ends_at": "ends_at"}
	challengeFields = map[string]string{"venue": "venue", "title_zh": "title_zh", "title_en": "title_en", "criteria": "criteria",
		"reward_fen": "reward_yuan", "max_winners": "max_winners", "deadline": "deadline"}
)

func (s *site) renderOpen(w http.ResponseWriter, r *http.Request, status int, page string, f openForm, fe formErrors) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	ctx, lang := r.Context(), reqctx.Lang(r.Context())
	l, err := s.app.Listings.Get(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	vs, err := s.app.Deals.Venues(ctx)
	if err != nil {
		return err
	}
	p := openPage{Listing: l, Form: f, Errs: fe}
	if fe.By == nil {
		p.Errs.By = map[string][]string{}
	}
	for _, v := range vs {
		p.Venues = append(p.Venues, option{Value: v.Code, Label: v.Name.In(lang), Selected: v.Code == f.Venue})
	}
	for _, m := range []rules.Method{rules.English, rules.Sealed, rules.Listing} {
		p.Methods = append(p.Methods, option{Value: string(m), Label: rules.Methods.Label(string(m)).In(lang), Selected: string(m) == f.Method})
	}
	return s.render(w, r, status, page, p)
}

func (s *site) newSaleForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderOpen(w, r, http.StatusOK, "auction_new", openForm{Venue: rules.DefaultVenue, Method: string(rules.English)}, formErrors{})
}

// parseChinaTime reads a datetime-local value, which the form labels as China time.
func parseChinaTime(lang, raw string, fe *formErrors, name string) *time.Time {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", raw, chinaTime)
	if err != nil {
		fe.add(name, tr(lang, "deal.err.time"))
		return nil
	}
	t = t.UTC()
	return &t
}

func (s *site) openSale(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	lang := reqctx.Lang(r.Context())
	f := openForm{Venue: r.PostFormValue("venue"), Method: r.PostFormValue("method"), StartYuan: r.PostFormValue("start_yuan"),
		ReserveYuan: r.PostFormValue("reserve_yuan"), IncrementYuan: r.PostFormValue("increment_yuan"),
		StartsAt: r.PostFormValue("starts_at"), EndsAt: r.PostFormValue("ends_at")}
	fe := formErrors{By: map[string][]string{}}
	in := deal.SaleInput{ListingID: r.PathValue("id"), Venue: f.Venue, Method: rules.Method(f.Method)}
	in.StartPriceFen = parseYuanField(lang, f.StartYuan, &fe, "start_yuan")
	if strings.TrimSpace(f.ReserveYuan) != "" {
		reserve := parseYuanField(lang, f.ReserveYuan, &fe, "reserve_yuan")
		in.ReserveFen = &reserve
	}
	in.IncrementFen = parseYuanField(lang, f.IncrementYuan, &fe, "increment_yuan")
	in.StartsAt = parseChinaTime(lang, f.StartsAt, &fe, "starts_at")
	in.EndsAt = parseChinaTime(lang, f.EndsAt, &fe, "ends_at")
	status := http.StatusUnprocessableEntity
	if !fe.Any() {
		sale, err := s.app.Deals.OpenSale(r.Context(), actor, in)
		if err == nil {
			http.Redirect(w, r, "/auctions/"+sale.ID, http.StatusSeeOther)
			return nil
		}
		if !isUserError(err) {
			return err
		}
		status, fe = userErrorStatus(err), newFormErrors(lang, err, saleFields)
	}
	return s.renderOpen(w, r, status, "auction_new", f, fe)
}

func (s *site) newChallengeForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderOpen(w, r, http.StatusOK, "challenge_new", openForm{Venue: rules.DefaultVenue, MaxWinners: "1"}, formErrors{})
}

func (s *site) openChallenge(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	lang := reqctx.Lang(r.Context())
	f := openForm{Venue: r.PostFormValue("venue"), TitleZh: r.PostFormValue("title_zh"), TitleEn: r.PostFormValue("title_en"),
		Criteria: r.PostFormValue("criteria"), RewardYuan: r.PostFormValue("reward_yuan"), MaxWinners: r.PostFormValue("max_winners"),
		Deadline: r.PostFormValue("deadline")}
	fe := formErrors{By: map[string][]string{}}
	in := deal.ChallengeInput{ListingID: r.PathValue("id"), Venue: f.Venue, TitleZh: strings.TrimSpace(f.TitleZh),
		TitleEn: strings.TrimSpace(f.TitleEn), Criteria: strings.TrimSpace(f.Criteria), Deadline: strings.TrimSpace(f.Deadline)}
	in.RewardFen = parseYuanField(lang, f.RewardYuan, &fe, "reward_yuan")
	in.MaxWinners = parseIntField(lang, f.MaxWinners, &fe, "max_winners")
	status := http.StatusUnprocessableEntity
	if !fe.Any() {
		c, err := s.app.Deals.OpenChallenge(r.Context(), actor, in)
		if err == nil {
			http.Redirect(w, r, "/challenges/"+c.ID, http.StatusSeeOther)
			return nil
		}
		if !isUserError(err) {
			return err
		}
		status, fe = userErrorStatus(err), newFormErrors(lang, err, challengeFields)
	}
	return s.renderOpen(w, r, status, "challenge_new", f, fe)
}

// ExampleDeadline suggests a deadline a month ahead, in the date field's format.
func (openPage) ExampleDeadline() string {
	return time.Now().In(chinaTime).AddDate(0, 1, 0).Format(time.DateOnly)
}
