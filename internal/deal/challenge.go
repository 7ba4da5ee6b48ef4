package deal

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Challenge is a need published with a reward for solvers (揭榜挂帅): solvers
// propose until the deadline, the owner selects the winners, every other solver
// gets feedback, and each winner's deal goes on to a development contract.
type Challenge struct {
	ID          string       `json:"id"`
	ListingID   string       `json:"listing_id"`
	OwnerOrgID  string       `json:"owner_org_id"`
	Venue       string       `json:"venue"`
	RuleVersion int          `json:"rule_version"`
	Title       domain.Label `json:"title"`
	Criteria    string       `json:"criteria"`
	RewardFen   domain.Fen   `json:"reward_fen"`
	MaxWinners  int          `json:"max_winners"`
	Deadline    time.Time    `json:"deadline"`
	State       State        `json:"state"`
	CreatedBy   string       `json:"created_by"`
	CreatedAt   time.Time    `json:"created_at"`
	DecidedAt   *time.Time   `json:"decided_at,omitempty"`
}

// ChallengeInput publishes a challenge on a need listing.
type ChallengeInput struct {
	ListingID  string     `json:"listing_id"`
	Venue      string     `json:"venue"`
	TitleZh    string     `json:"title_zh"`
	TitleEn    string     `json:"title_en"`
	Criteria   string     `json:"criteria"`
	RewardFen  domain.Fen `json:"reward_fen"`
	MaxWinners int        `json:"max_winners"`
	// Deadline is the last day for proposals (China date, YYYY-MM-DD); proposals
	// are taken until 24:00 China time that day.
	Deadline string `json:"deadline"`
}

// Proposal is a solver's answer to a challenge (揭榜方案).
type Proposal struct {
	ID             string     `json:"id"`
	ChallengeID    string     `json:"challenge_id"`
	SolverOrgID    string     `json:"solver_org_id"`
	DealID         string     `json:"deal_id"`
	Summary        string     `json:"summary"`
	Plan           string     `json:"plan"`
	PriceFen       domain.Fen `json:"price_fen"`
	DurationMonths int        `json:"duration_months"`
	State          State      `json:"state"`
	FeedbackCode   string     `json:"feedback_code,omitempty"`
	FeedbackText   string     `json:"feedback_text,omitempty"`
	SubmittedBy    string     `json:"submitted_by"`
	SubmittedAt    time.Time  `json:"submitted_at"`
	DecidedAt      *time.Time `json:"decided_at,omitempty"`
}

// ProposalInput is a solver's proposal.
type ProposalInput struct {
	OrgID   string `json:"org_id"`
	Summary string `json:"summary"`
	Plan    string `json:"plan"`
	// PriceFen is the solver's price; 0 accepts the reward as the price.
	PriceFen       domain.Fen `json:"price_fen"`
	DurationMonths int        `json:"duration_months"`
}

// FeedbackReasons is the taxonomy of feedback to unsuccessful solvers, shared
// with matching feedback so that reasons can be counted across the market.
var FeedbackReasons = domain.CodeList{
	{Code: "too_early", Label: domain.Label{Zh: "技术成熟度不足", En: "Too early stage"}},
	{Code: "price", Label: domain.Label{Zh: "报价过高", En: "Price too high"}},
	{Code: "unclear_benefit", Label: domain.Label{Zh: "效益不明确", En: "Unclear benefit"}},
	{Code: "not_feasible", Label: domain.Label{Zh: "技术方案不可行", En: "Approach not feasible"}},
	{Code: "out_of_scope", Label: domain.Label{Zh: "不符合需求范围", En: "Outside the need's scope"}},
	{Code: "capacity", Label: domain.Label{Zh: "团队或条件不足", En: "Insufficient team or facilities"}},
	{Code: "other", Label: domain.Label{Zh: "其他", En: "Other"}},
}

// Feedback is what an unsuccessful solver is told.
type Feedback struct {
	Code string `json:"code"`
	Text string `json:"text,omitempty"`
}

// Selection names the winning proposals and gives every other proposal feedback.
type Selection struct {
	Winners  []string            `json:"winners"`
	Feedback map[string]Feedback `json:"feedback"` // by proposal id
}

// OpenChallenge publishes a challenge on a need listing of the actor's organisation.
func (s *Service) OpenChallenge(ctx context.Context, actor domain.Actor, in ChallengeInput) (Challenge, error) {
	const op = "deal.challenge.open"
	if in.Venue == "" {
		in.Venue = rules.DefaultVenue
	}
	if in.MaxWinners == 0 {
		in.MaxWinners = 1
	}
	var out Challenge
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		now := s.clock()
		l, err := loadListingFacts(ctx, tx, in.ListingID)
		if err != nil {
			return err
		}
		if !actor.HasRoleIn(l.OwnerOrgID, domain.RoleBuyer) {
			return apperr.E(op, apperr.Forbidden, "only the need's owner publishes a challenge")
		}
		if l.Kind != listing.KindNeed {
			return refused(op, apperr.Invalid, rules.Refuse("not_a_need", "a challenge is published on a technology need", "揭榜挂帅须基于技术需求发布").On("listing_id"))
		}
		if r := l.available(now); r != nil {
			return refused(op, apperr.Conflict, r)
		}
		rs, err := s.rules.Load(ctx, tx, in.Venue, 0)
		if err != nil {
			return err
		}
		if r := rs.Permits(rules.Challenge, l.assets(), l.StateOwned); r != nil {
			return refused(op, apperr.Invalid, r.On("venue"))
		}
		c := Challenge{ID: domain.NewID(), ListingID: l.ID, OwnerOrgID: l.OwnerOrgID, Venue: rs.Venue, RuleVersion: rs.Version,
			Title: domain.Label{Zh: strings.TrimSpace(in.TitleZh), En: strings.TrimSpace(in.TitleEn)}, Criteria: strings.TrimSpace(in.Criteria),
			RewardFen: in.RewardFen, MaxWinners: in.MaxWinners, State: ChallengeOpen, CreatedBy: actorRef(actor), CreatedAt: now}
		if c.Title.Zh == "" && c.Title.En == "" {
			c.Title = l.title()
		}
		var f apperr.FieldList
		textLimit(&f, "title_zh", c.Title.Zh, 200)
		textLimit(&f, "title_en", c.Title.En, 200)
		textLimit(&f, "criteria", c.Criteria, 5000)
		if c.RewardFen <= 0 || c.RewardFen > maxMoney {
			f.Add("reward_fen", "out_of_range", "the reward must be positive", "榜额须大于零")
		}
		if c.MaxWinners < 1 || c.MaxWinners > 10 {
			f.Add("max_winners", "out_of_range", "1–10 winners", "揭榜方数量须为1至10")
		}
		if !validDate(in.Deadline) {
			f.Add("deadline", "invalid", "date must be YYYY-MM-DD", "日期格式须为 YYYY-MM-DD")
		} else {
			day, _ := time.Parse(time.DateOnly, in.Deadline)
			c.Deadline = rules.EndOfChinaDay(day)
			earliest, _ := rules.Period{Days: rs.Challenge.MinProposalDays, Unit: rules.CalendarDays}.End(now, s.cal)
			if c.Deadline.Before(earliest) {
				f.Add("deadline", "too_soon", fmt.Sprintf("proposals must be open at least %d days, until %s", rs.Challenge.MinProposalDays,
					earliest.In(chinaZone).Add(-time.Second).Format(time.DateOnly)),
					fmt.Sprintf("揭榜期不得少于%d日，截止日期不得早于%s", rs.Challenge.MinProposalDays, earliest.In(chinaZone).Add(-time.Second).Format(time.DateOnly)))
			}
		}
		if err := f.Err(op); err != nil {
			return err
		}
		if _, running, err := openChallengeOf(ctx, tx, l.ID); err != nil {
			return err
		} else if running {
			return refused(op, apperr.Conflict, rules.Refuse("challenge_running", "the need already has an open challenge", "该需求已有进行中的揭榜"))
		}
		if _, err := tx.Exec(ctx, `INSERT INTO deal_challenges (id, listing_id, owner_org_id, venue_code, rule_version, title_zh, title_en,
			criteria, reward_fen, max_winners, deadline, state, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.ListingID, c.OwnerOrgID, c.Venue, c.RuleVersion, c.Title.Zh, c.Title.En, c.Criteria, int64(c.RewardFen), c.MaxWinners,
			c.Deadline, string(c.State), c.CreatedBy, c.CreatedAt); err != nil {
			return fmt.Errorf("insert challenge: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE deals SET method = 'challenge', challenge_id = ?, updated_at = ? WHERE listing_id = ? AND state IN ('interest', 'room_open', 'negotiating')`,
			c.ID, now, l.ID); err != nil {
			return fmt.Errorf("link rooms to challenge: %w", err)
		}
		out = c
		return s.audit(ctx, tx, actor, op, "challenge", c.ID, map[string]any{"listing_id": l.ID, "reward_fen": c.RewardFen, "deadline": c.Deadline,
			"venue": c.Venue, "rule_version": c.RuleVersion})
	})
	if err != nil {
		return Challenge{}, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// SubmitProposal answers a challenge for the actor's organisation, opening its
// deal room on the need if it has none. One proposal per organisation.
func (s *Service) SubmitProposal(ctx context.Context, actor domain.Actor, challengeID string, in ProposalInput) (Proposal, error) {
	const op = "deal.challenge.propose"
	if in.OrgID == "" {
		in.OrgID = defaultOrg(actor, domain.RoleSeller)
	}
	in.Summary, in.Plan = strings.TrimSpace(in.Summary), strings.TrimSpace(in.Plan)
	var f apperr.FieldList
	required(&f, "summary", in.Summary, 2000)
	textLimit(&f, "plan", in.Plan, 20000)
	if in.PriceFen < 0 || in.PriceFen > maxMoney {
		f.Add("price_fen", "out_of_range", "price out of range", "报价超出范围")
	}
	if in.DurationMonths < 0 || in.DurationMonths > 120 {
		f.Add("duration_months", "out_of_range", "duration must be 0–120 months", "实施周期须为0至120个月")
	}
	if err := f.Err(op); err != nil {
		return Proposal{}, err
	}
	if in.OrgID == "" || !actor.HasRoleIn(in.OrgID, domain.RoleSeller) {
		return Proposal{}, apperr.E(op, apperr.Forbidden, "proposing needs the seller role in your organisation")
	}
	var p Proposal
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		c, err := getChallenge(ctx, tx, challengeID, true)
		if err != nil {
			return err
		}
		now := s.clock()
		if _, r := challengeMachine.step(c.State, EvPropose); r != nil {
			return refused(op, apperr.Conflict, r)
		}
		if !now.Before(c.Deadline) {
			return refused(op, apperr.Conflict, rules.Refuse("challenge_closed", "proposals closed at %s China time", "揭榜已于北京时间 %s 截止",
				c.Deadline.In(chinaZone).Format("2006-01-02 15:04")))
		}
		dealID, err := s.expressInterest(ctx, tx, actor, InterestInput{ListingID: c.ListingID, OrgID: in.OrgID, Venue: c.Venue})
		if err != nil {
			return err
		}
		d, err := getDeal(ctx, tx, dealID, true)
		if err != nil {
			return err
		}
		if d.State.Terminal() {
			return refused(op, apperr.Conflict, rules.Refuse("deal_closed", "your deal room on this need is closed", "您在该需求上的交易已结束"))
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM deal_proposals WHERE challenge_id = ? AND solver_org_id = ?`, c.ID, in.OrgID).Scan(&n); err != nil {
			return fmt.Errorf("count proposals: %w", err)
		}
		if n > 0 {
			return refused(op, apperr.Conflict, rules.Refuse("already_proposed", "your organisation already submitted a proposal", "贵单位已提交揭榜方案"))
		}
		p = Proposal{ID: domain.NewID(), ChallengeID: c.ID, SolverOrgID: in.OrgID, DealID: dealID, Summary: in.Summary, Plan: in.Plan,
			PriceFen: in.PriceFen, DurationMonths: in.DurationMonths, State: ProposalSubmitted, SubmittedBy: actorRef(actor), SubmittedAt: now}
		if _, err := tx.Exec(ctx, `INSERT INTO deal_proposals (id, challenge_id, solver_org_id, deal_id, summary, plan, price_fen, duration_months,
			state, submitted_by, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.ChallengeID, p.SolverOrgID, p.DealID, p.Summary,
			p.Plan, int64(p.PriceFen), p.DurationMonths, string(p.State), p.SubmittedBy, p.SubmittedAt); err != nil {
			return fmt.Errorf("insert proposal: %w", err)
		}
		title := domain.Label{Zh: "收到新的揭榜方案：" + c.Title.Zh, En: "New proposal for your challenge: " + c.Title.En}
		if err := s.notifyOrg(ctx, tx, c.OwnerOrgID, "deal.proposal."+p.ID, c.ID, title, "/challenges/"+c.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, op, "challenge", c.ID, map[string]any{"proposal_id": p.ID, "org_id": in.OrgID, "deal_id": dealID})
	})
	if err != nil {
		return Proposal{}, fmt.Errorf("%s: %w", op, err)
	}
	return p, nil
}

// SelectWinners decides a challenge after its deadline: the winners' deals are
// agreed (a commissioned development at the proposal's price, or the reward)
// and go on to a contract; every other solver gets the feedback given, which is
// required for each of them.
func (s *Service) SelectWinners(ctx context.Context, actor domain.Actor, challengeID string, sel Selection) (Challenge, error) {
	const op = "deal.challenge.award"
	var out Challenge
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		c, err := getChallenge(ctx, tx, challengeID, true)
		if err != nil {
			return err
		}
		v, err := rules.GetVenue(ctx, tx, c.Venue, false)
		if err != nil {
			return err
		}
		if !actor.HasRoleIn(c.OwnerOrgID, domain.RoleBuyer) && !operates(actor, v) {
			return apperr.E(op, apperr.Forbidden, "only the challenge's owner selects winners")
		}
		to, r := challengeMachine.step(c.State, EvAward)
		if r != nil {
			return refused(op, apperr.Conflict, r)
		}
		now := s.clock()
		if now.Before(c.Deadline) {
			return refused(op, apperr.Conflict, rules.Refuse("challenge_running", "proposals are open until %s China time", "揭榜至北京时间 %s 截止",
				c.Deadline.In(chinaZone).Format("2006-01-02 15:04")))
		}
		props, err := listProposals(ctx, tx, c.ID, "")
		if err != nil {
			return err
		}
		winners, err := checkSelection(op, c, props, sel)
		if err != nil {
			return err
		}
		for _, p := range props {
			if winners[p.ID] {
				err = s.award(ctx, tx, actor, c, p, now)
			} else {
				err = s.turnDown(ctx, tx, actor, c, p, sel.Feedback[p.ID], now)
			}
			if err != nil {
				return err
			}
		}
		c.State, c.DecidedAt = to, &now
		if _, err := tx.Exec(ctx, `UPDATE deal_challenges SET state = ?, decided_at = ? WHERE id = ?`, string(c.State), now, c.ID); err != nil {
			return fmt.Errorf("award challenge: %w", err)
		}
		out = c
		return s.audit(ctx, tx, actor, op, "challenge", c.ID, map[string]any{"winners": sel.Winners, "proposals": len(props)})
	})
	if err != nil {
		return Challenge{}, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// checkSelection validates the winners and the feedback, naming each fault.
func checkSelection(op string, c Challenge, props []Proposal, sel Selection) (map[string]bool, error) {
	byID := map[string]Proposal{}
	for _, p := range props {
		byID[p.ID] = p
	}
	var f apperr.FieldList
	winners := map[string]bool{}
	if len(sel.Winners) == 0 || len(sel.Winners) > c.MaxWinners {
		f.Add("winners", "count", fmt.Sprintf("select 1 to %d winners", c.MaxWinners), fmt.Sprintf("须选定1至%d个揭榜方", c.MaxWinners))
	}
	for i, id := range sel.Winners {
		if _, ok := byID[id]; !ok {
			f.Add(fmt.Sprintf("winners[%d]", i), "not_found", "not a proposal of this challenge", "不是本榜单的揭榜方案")
		}
		winners[id] = true
	}
	for _, p := range props {
		if winners[p.ID] {
			continue
		}
		fb, ok := sel.Feedback[p.ID]
		field := "feedback." + p.ID
		switch {
		case !ok || !FeedbackReasons.Has(fb.Code):
			f.Add(field+".code", "required", "every unsuccessful solver gets feedback: one of "+strings.Join(FeedbackReasons.Codes(), ", "),
				"须向每个未入选的揭榜方反馈原因")
		case fb.Code == "other" && strings.TrimSpace(fb.Text) == "":
			f.Add(field+".text", "required", "explain the reason", "请说明原因")
		}
		textLimit(&f, field+".text", fb.Text, 2000)
	}
	return winners, f.Err(op)
}

func (s *Service) award(ctx context.Context, tx *store.Tx, actor domain.Actor, c Challenge, p Proposal, now time.Time) error {
	const op = "deal.challenge.win"
	d, err := getDeal(ctx, tx, p.DealID, true)
	if err != nil {
		return err
	}
	from := d.State
	if err := fire(op, &d, EvWin); err != nil {
		return err
	}
	price := p.PriceFen
	if price == 0 {
		price = c.RewardFen
	}
	d.AgreedTerms = &OfferTerms{PriceFen: price, ContractType: registration.TypeDevelopment, SubType: registration.SubDevCommissioned,
		PaymentMode: "LUMP_SUM_INSTALMENTS", Note: "challenge winner: " + c.Title.Zh}
	d.AgreedAt, d.Method, d.ChallengeID, d.UpdatedAt = &now, rules.Challenge, c.ID, now
	if err := saveDeal(ctx, tx, d); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE deal_proposals SET state = ?, decided_at = ? WHERE id = ?`, string(ProposalSelected), now, p.ID); err != nil {
		return fmt.Errorf("select proposal: %w", err)
	}
	title := domain.Label{Zh: "恭喜，您的揭榜方案入选：" + c.Title.Zh, En: "Your proposal was selected: " + c.Title.En}
	if err := s.notifyOrg(ctx, tx, p.SolverOrgID, "deal.challenge.won", c.ID, title, dealLink(d.ID)); err != nil {
		return err
	}
	return s.audit(ctx, tx, actor, op, "deal", d.ID, map[string]any{"from": from, "to": d.State, "challenge_id": c.ID, "price_fen": price})
}

func (s *Service) turnDown(ctx context.Context, tx *store.Tx, actor domain.Actor, c Challenge, p Proposal, fb Feedback, now time.Time) error {
	const op = "deal.challenge.lose"
	fb.Text = strings.TrimSpace(fb.Text)
	if _, err := tx.Exec(ctx, `UPDATE deal_proposals SET state = ?, feedback_code = ?, feedback_text = ?, decided_at = ? WHERE id = ?`,
		string(ProposalUnsuccessful), fb.Code, fb.Text, now, p.ID); err != nil {
		return fmt.Errorf("turn down proposal: %w", err)
	}
	d, err := getDeal(ctx, tx, p.DealID, true)
	if err != nil {
		return err
	}
	from := d.State
	if _, r := dealMachine.step(d.State, EvLose); r == nil {
		_ = fire(op, &d, EvLose)
		reason := FeedbackReasons.Label(fb.Code)
		d.EndReason, d.UpdatedAt = "challenge not won: "+reason.En, now
		if err := saveDeal(ctx, tx, d); err != nil {
			return err
		}
	}
	reason := FeedbackReasons.Label(fb.Code)
	title := domain.Label{Zh: fmt.Sprintf("揭榜方案未入选（%s）：%s", reason.Zh, c.Title.Zh), En: fmt.Sprintf("Proposal not selected (%s): %s", reason.En, c.Title.En)}
	if err := s.notifyOrg(ctx, tx, p.SolverOrgID, "deal.challenge.lost", c.ID, title, "/challenges/"+c.ID); err != nil {
		return err
	}
	return s.audit(ctx, tx, actor, op, "deal", d.ID, map[string]any{"from": from, "to": d.State, "challenge_id": c.ID, "feedback": fb.Code})
}

// CancelChallenge withdraws an open challenge (owner or operators).
func (s *Service) CancelChallenge(ctx context.Context, actor domain.Actor, challengeID, reason string) (Challenge, error) {
	const op = "deal.challenge.cancel"
	reason = strings.TrimSpace(reason)
	var f apperr.FieldList
	required(&f, "reason", reason, 1000)
	if err := f.Err(op); err != nil {
		return Challenge{}, err
	}
	var out Challenge
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		c, err := getChallenge(ctx, tx, challengeID, true)
		if err != nil {
			return err
		}
		v, err := rules.GetVenue(ctx, tx, c.Venue, false)
		if err != nil {
			return err
		}
		if !actor.HasRoleIn(c.OwnerOrgID, domain.RoleBuyer) && !operates(actor, v) {
			return apperr.E(op, apperr.Forbidden, "only the challenge's owner cancels it")
		}
		to, r := challengeMachine.step(c.State, EvCancel)
		if r != nil {
			return refused(op, apperr.Conflict, r)
		}
		now := s.clock()
		c.State, c.DecidedAt = to, &now
		if _, err := tx.Exec(ctx, `UPDATE deal_challenges SET state = ?, decided_at = ? WHERE id = ?`, string(c.State), now, c.ID); err != nil {
			return fmt.Errorf("cancel challenge: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE deals SET method = 'agreement', challenge_id = NULL, updated_at = ? WHERE challenge_id = ? AND state IN ('interest', 'room_open', 'negotiating')`,
			now, c.ID); err != nil {
			return fmt.Errorf("release rooms: %w", err)
		}
		out = c
		return s.audit(ctx, tx, actor, op, "challenge", c.ID, map[string]any{"reason": reason})
	})
	if err != nil {
		return Challenge{}, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// ChallengeView is a challenge with the proposals the viewer may see: all of
// them for the owner and operators, the solver's own otherwise.
type ChallengeView struct {
	Challenge
	Proposals []Proposal `json:"proposals"`
}

// GetChallenge returns a challenge. Challenges are public; proposals are not.
func (s *Service) GetChallenge(ctx context.Context, actor domain.Actor, challengeID string) (ChallengeView, error) {
	c, err := getChallenge(ctx, s.db, challengeID, false)
	if err != nil {
		return ChallengeView{}, err
	}
	v, err := rules.GetVenue(ctx, s.db, c.Venue, false)
	if err != nil {
		return ChallengeView{}, err
	}
	view := ChallengeView{Challenge: c}
	all, err := listProposals(ctx, s.db, c.ID, "")
	if err != nil {
		return view, err
	}
	owner := actor.MemberOf(c.OwnerOrgID) || operates(actor, v)
	for _, p := range all {
		if owner || (actor.MemberOf(p.SolverOrgID) && !actor.System) {
			view.Proposals = append(view.Proposals, p)
		}
	}
	return view, nil
}

func getChallenge(ctx context.Context, q store.Querier, id string, lock bool) (Challenge, error) {
	query := `SELECT id, listing_id, owner_org_id, venue_code, rule_version, title_zh, title_en, criteria, reward_fen, max_winners,
		deadline, state, created_by, created_at, decided_at FROM deal_challenges WHERE id = ?`
	if lock {
		query += forUpdate(q)
	}
	var c Challenge
	var reward int64
	err := q.QueryRow(ctx, query, id).Scan(&c.ID, &c.ListingID, &c.OwnerOrgID, &c.Venue, &c.RuleVersion, &c.Title.Zh, &c.Title.En,
		&c.Criteria, &reward, &c.MaxWinners, store.Time(&c.Deadline), &c.State, &c.CreatedBy, store.Time(&c.CreatedAt), store.NullTime(&c.DecidedAt))
	if store.IsNoRows(err) {
		return c, apperr.E("deal.challenge", apperr.NotFound, "challenge not found")
	}
	if err != nil {
		return c, fmt.Errorf("read challenge %s: %w", id, err)
	}
	c.RewardFen = domain.Fen(reward)
	return c, nil
}

func openChallengeOf(ctx context.Context, q store.Querier, listingID string) (Challenge, bool, error) {
	var id string
	err := q.QueryRow(ctx, `SELECT id FROM deal_challenges WHERE listing_id = ? AND state = 'open'`, listingID).Scan(&id)
	if store.IsNoRows(err) {
		return Challenge{}, false, nil
	}
	if err != nil {
		return Challenge{}, false, fmt.Errorf("find open challenge: %w", err)
	}
	c, err := getChallenge(ctx, q, id, false)
	return c, err == nil, err
}

func listProposals(ctx context.Context, q store.Querier, challengeID, orgID string) ([]Proposal, error) {
	query, args := `SELECT id, challenge_id, solver_org_id, deal_id, summary, plan, price_fen, duration_months, state, feedback_code,
		feedback_text, submitted_by, submitted_at, decided_at FROM deal_proposals WHERE challenge_id = ?`, []any{challengeID}
	if orgID != "" {
		query, args = query+` AND solver_org_id = ?`, append(args, orgID)
	}
	rows, err := q.Query(ctx, query+` ORDER BY submitted_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list proposals: %w", err)
	}
	defer rows.Close()
	var out []Proposal
	for rows.Next() {
		var p Proposal
		var price int64
		if err := rows.Scan(&p.ID, &p.ChallengeID, &p.SolverOrgID, &p.DealID, &p.Summary, &p.Plan, &price, &p.DurationMonths, &p.State,
			&p.FeedbackCode, &p.FeedbackText, &p.SubmittedBy, store.Time(&p.SubmittedAt), store.NullTime(&p.DecidedAt)); err != nil {
			return nil, fmt.Errorf("list proposals: %w", err)
		}
		p.PriceFen = domain.Fen(price)
		out = append(out, p)
	}
	return out, rows.Err()
}
