package deal

import (
	"fmt"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// State is where a deal is in its lifecycle.
type State string

// Deal states. A deal room opens with an expression of interest and ends
// concluded (both parties signed), withdrawn or lost (another party won).
const (
	StateInterest    State = "interest"    // expression of interest, NDA not yet accepted
	StateRoomOpen    State = "room_open"   // NDA accepted: confidential detail unlocked
	StateNegotiating State = "negotiating" // offers exchanged
	StateAgreed      State = "agreed"      // price and main terms agreed (offer accepted, auction or challenge won)
	StateNotice      State = "notice"      // agreed price under public notice (协议定价公示)
	StateContracting State = "contracting" // contract drafted, awaiting both signatures
	StateConcluded   State = "concluded"   // contract signed by both parties
	StateWithdrawn   State = "withdrawn"   // a party left the deal
	StateLost        State = "lost"        // another party won the sale or challenge
)

// States lists the deal states with their labels.
var States = domain.CodeList{
	{Code: string(StateInterest), Label: domain.Label{Zh: "已表达意向", En: "Interest expressed"}},
	{Code: string(StateRoomOpen), Label: domain.Label{Zh: "已签保密协议", En: "NDA accepted"}},
	{Code: string(StateNegotiating), Label: domain.Label{Zh: "洽谈中", En: "Negotiating"}},
	{Code: string(StateAgreed), Label: domain.Label{Zh: "已达成一致", En: "Agreed"}},
	{Code: string(StateNotice), Label: domain.Label{Zh: "公示中", En: "Under public notice"}},
	{Code: string(StateContracting), Label: domain.Label{Zh: "合同签署中", En: "Contract being signed"}},
	{Code: string(StateConcluded), Label: domain.Label{Zh: "已成交", En: "Concluded"}},
	{Code: string(StateWithdrawn), Label: domain.Label{Zh: "已退出", En: "Withdrawn"}},
	{Code: string(StateLost), Label: domain.Label{Zh: "未成交（他方胜出）", En: "Lost to another party"}},
}

// Terminal reports whether nothing more can happen in the deal (a withdrawn
// deal can still be reopened by the counterparty).
func (s State) Terminal() bool { return s == StateConcluded || s == StateWithdrawn || s == StateLost }

// Event is something that moves a deal.
type Event string

// Deal events.
const (
	EvAcceptNDA       Event = "accept_nda"
	EvMakeOffer       Event = "make_offer"
	EvRejectOffer     Event = "reject_offer"
	EvAcceptOffer     Event = "accept_offer"
	EvWin             Event = "win"
	EvLose            Event = "lose"
	EvStartNotice     Event = "start_notice"
	EvEndNotice       Event = "end_notice"
	EvUpholdObjection Event = "uphold_objection"
	EvDraftContract   Event = "draft_contract"
	EvSign            Event = "sign"
	EvConclude        Event = "conclude"
	EvWithdraw        Event = "withdraw"
	EvReopen          Event = "reopen"
)

// Events lists the deal events with their labels (used in refusal messages).
var Events = domain.CodeList{
	{Code: string(EvAcceptNDA), Label: domain.Label{Zh: "签署保密协议", En: "accept the NDA"}},
	{Code: string(EvMakeOffer), Label: domain.Label{Zh: "报价或还价", En: "make an offer"}},
	{Code: string(EvRejectOffer), Label: domain.Label{Zh: "拒绝报价", En: "reject an offer"}},
	{Code: string(EvAcceptOffer), Label: domain.Label{Zh: "接受报价", En: "accept an offer"}},
	{Code: string(EvWin), Label: domain.Label{Zh: "确定为受让方", En: "win"}},
	{Code: string(EvLose), Label: domain.Label{Zh: "确定为未成交", En: "lose"}},
	{Code: string(EvStartNotice), Label: domain.Label{Zh: "开始公示", En: "start the public notice"}},
	{Code: string(EvEndNotice), Label: domain.Label{Zh: "结束公示", En: "end the public notice"}},
	{Code: string(EvUpholdObjection), Label: domain.Label{Zh: "支持异议", En: "uphold an objection"}},
	{Code: string(EvDraftContract), Label: domain.Label{Zh: "起草合同", En: "draft the contract"}},
	{Code: string(EvSign), Label: domain.Label{Zh: "签署合同", En: "sign the contract"}},
	{Code: string(EvConclude), Label: domain.Label{Zh: "成交", En: "conclude"}},
	{Code: string(EvWithdraw), Label: domain.Label{Zh: "退出交易", En: "withdraw"}},
	{Code: string(EvReopen), Label: domain.Label{Zh: "重新表达意向", En: "reopen"}},
}

// Transition is one row of a state machine's table: in any of From, Event
// leads to To. Guards (who may act, time limits, amounts) are checked by the
// service method that fires the event; the table only says what is possible.
type Transition struct {
	From  []State `json:"from"`
	Event Event   `json:"event"`
	To    State   `json:"to"`
}

var openStates = []State{StateInterest, StateRoomOpen, StateNegotiating}

// DealTransitions is the deal state machine; docs/deals.md renders it.
var DealTransitions = []Transition{
	{[]State{StateInterest}, EvAcceptNDA, StateRoomOpen},
	{[]State{StateRoomOpen, StateNegotiating}, EvMakeOffer, StateNegotiating},
	{[]State{StateNegotiating}, EvRejectOffer, StateNegotiating},
	{[]State{StateNegotiating}, EvAcceptOffer, StateAgreed},
	{openStates, EvWin, StateAgreed},
	{openStates, EvLose, StateLost},
	{[]State{StateAgreed}, EvStartNotice, StateNotice},
	{[]State{StateNotice}, EvEndNotice, StateAgreed},
	{[]State{StateNotice}, EvUpholdObjection, StateNegotiating},
	{[]State{StateAgreed, StateContracting}, EvDraftContract, StateContracting},
	{[]State{StateContracting}, EvSign, StateContracting},
	{[]State{StateContracting}, EvConclude, StateConcluded},
	{[]State{StateInterest, StateRoomOpen, StateNegotiating, StateAgreed, StateNotice, StateContracting}, EvWithdraw, StateWithdrawn},
	{[]State{StateWithdrawn}, EvReopen, StateInterest},
}

// machine looks transitions up and words refusals.
type machine struct {
	object domain.Label // "deal", "sale", …
	states domain.CodeList
	events domain.CodeList
	next   map[State]map[Event]State
}

func newMachine(object domain.Label, states, events domain.CodeList, rows []Transition) *machine {
	m := &machine{object: object, states: states, events: events, next: map[State]map[Event]State{}}
	for _, r := range rows {
		for _, from := range r.From {
			if m.next[from] == nil {
				m.next[from] = map[Event]State{}
			}
			if prev, dup := m.next[from][r.Event]; dup && prev != r.To {
				panic(fmt.Sprintf("deal: %s table: %s --%s--> both %s and %s", object.En, from, r.Event, prev, r.To))
			}
			m.next[from][r.Event] = r.To
		}
	}
	return m
}

// step returns the state after ev, or a refusal naming the state and the event.
func (m *machine) step(from State, ev Event) (State, *rules.Refusal) {
	if to, ok := m.next[from][ev]; ok {
		return to, nil
	}
	st, e := m.states.Label(string(from)), m.events.Label(string(ev))
	return "", &rules.Refusal{Code: "invalid_transition",
		En: fmt.Sprintf("cannot %s while the %s is %s", e.En, m.object.En, lower(st.En)),
		Zh: fmt.Sprintf("%s处于“%s”状态，不能%s", m.object.Zh, st.Zh, e.Zh)}
}

func lower(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}

var dealMachine = newMachine(domain.Label{Zh: "交易", En: "deal"}, States, Events, DealTransitions)

// SaleState is where a sale (fixed-price listing or auction) is.
type SaleState = State

// Sale states: bids are taken while open and between starts_at and ends_at.
const (
	SaleOpen      SaleState = "open"
	SaleClosed    SaleState = "closed"
	SaleCancelled SaleState = "cancelled"
)

// Sale events.
const (
	EvBid    Event = "bid"
	EvClose  Event = "close"
	EvCancel Event = "cancel"
)

// SaleStates and SaleEvents label the sale machine.
var (
	SaleStates = domain.CodeList{
		{Code: string(SaleOpen), Label: domain.Label{Zh: "进行中", En: "Open"}},
		{Code: string(SaleClosed), Label: domain.Label{Zh: "已结束", En: "Closed"}},
		{Code: string(SaleCancelled), Label: domain.Label{Zh: "已撤销", En: "Cancelled"}},
	}
	SaleEvents = domain.CodeList{
		{Code: string(EvBid), Label: domain.Label{Zh: "出价", En: "bid"}},
		{Code: string(EvClose), Label: domain.Label{Zh: "结束", En: "close"}},
		{Code: string(EvCancel), Label: domain.Label{Zh: "撤销", En: "cancel"}},
	}
	// SaleTransitions is the sale state machine.
	SaleTransitions = []Transition{
		{[]State{SaleOpen}, EvBid, SaleOpen},
		{[]State{SaleOpen}, EvClose, SaleClosed},
		{[]State{SaleOpen}, EvCancel, SaleCancelled},
	}
	saleMachine = newMachine(domain.Label{Zh: "交易项目", En: "sale"}, SaleStates, SaleEvents, SaleTransitions)
)

// Challenge and proposal states.
const (
	ChallengeOpen      State = "open"
	ChallengeAwarded   State = "awarded"
	ChallengeCancelled State = "cancelled"

	ProposalSubmitted    State = "submitted"
	ProposalSelected     State = "selected"
	ProposalUnsuccessful State = "unsuccessful"
)

// Challenge events.
const (
	EvPropose Event = "propose"
	EvAward   Event = "award"
)

// ChallengeStates, ChallengeEvents and ChallengeTransitions describe challenges.
var (
	ChallengeStates = domain.CodeList{
		{Code: string(ChallengeOpen), Label: domain.Label{Zh: "揭榜中", En: "Open"}},
		{Code: string(ChallengeAwarded), Label: domain.Label{Zh: "已挂帅", En: "Awarded"}},
		{Code: string(ChallengeCancelled), Label: domain.Label{Zh: "已撤榜", En: "Cancelled"}},
	}
	ChallengeEvents = domain.CodeList{
		{Code: string(EvPropose), Label: domain.Label{Zh: "揭榜", En: "submit a proposal"}},
		{Code: string(EvAward), Label: domain.Label{Zh: "选定揭榜方", En: "select winners"}},
		{Code: string(EvCancel), Label: domain.Label{Zh: "撤榜", En: "cancel"}},
	}
	ChallengeTransitions = []Transition{
		{[]State{ChallengeOpen}, EvPropose, ChallengeOpen},
		{[]State{ChallengeOpen}, EvAward, ChallengeAwarded},
		{[]State{ChallengeOpen}, EvCancel, ChallengeCancelled},
	}
	challengeMachine = newMachine(domain.Label{Zh: "榜单", En: "challenge"}, ChallengeStates, ChallengeEvents, ChallengeTransitions)
)

// Mandate states and events.
const (
	MandateProposed State = "proposed"
	MandateActive   State = "active"
	MandateDeclined State = "declined"
	MandateRevoked  State = "revoked"

	EvAcceptMandate  Event = "accept"
	EvDeclineMandate Event = "decline"
	EvRevokeMandate  Event = "revoke"
)

// MandateStates, MandateEvents and MandateTransitions describe brokers' mandates.
var (
	MandateStates = domain.CodeList{
		{Code: string(MandateProposed), Label: domain.Label{Zh: "待接受", En: "Proposed"}},
		{Code: string(MandateActive), Label: domain.Label{Zh: "有效", En: "Active"}},
		{Code: string(MandateDeclined), Label: domain.Label{Zh: "已拒绝", En: "Declined"}},
		{Code: string(MandateRevoked), Label: domain.Label{Zh: "已解除", En: "Revoked"}},
	}
	MandateEvents = domain.CodeList{
		{Code: string(EvAcceptMandate), Label: domain.Label{Zh: "接受委托", En: "accept the mandate"}},
		{Code: string(EvDeclineMandate), Label: domain.Label{Zh: "拒绝委托", En: "decline the mandate"}},
		{Code: string(EvRevokeMandate), Label: domain.Label{Zh: "解除委托", En: "revoke the mandate"}},
	}
	MandateTransitions = []Transition{
		{[]State{MandateProposed}, EvAcceptMandate, MandateActive},
		{[]State{MandateProposed}, EvDeclineMandate, MandateDeclined},
		{[]State{MandateProposed, MandateActive}, EvRevokeMandate, MandateRevoked},
	}
	mandateMachine = newMachine(domain.Label{Zh: "委托", En: "mandate"}, MandateStates, MandateEvents, MandateTransitions)
)

// refused turns a refusal into the platform error of the given kind. The
// refusal stays in the chain for ReasonOf; its field, if any, becomes a field
// error so that forms can point at it.
func refused(op string, kind apperr.Kind, r *rules.Refusal) error {
	e := &apperr.Error{Op: op, Kind: kind, Msg: r.En, Err: r}
	if r.Field != "" {
		e.Fields = []apperr.FieldError{{Field: r.Field, Code: r.Code, Message: r.En, MessageZh: r.Zh}}
	}
	return e
}

// ReasonOf returns the refusal behind err: its stable code and its English and
// Chinese messages.
func ReasonOf(err error) (*rules.Refusal, bool) { return rules.ReasonOf(err) }

// Refusal is the reason a step was refused.
type Refusal = rules.Refusal
