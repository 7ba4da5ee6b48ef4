package registration

// StatusWithdrawn is a filing its registrant took back before a decision.
const StatusWithdrawn = "withdrawn"

// Transition is one allowed move of a filing between statuses, with the rule
// behind it (§1.8). The workflow that stores filings enforces these; the
// checks only read statuses (see FilingSummary).
type Transition struct {
	Event string `json:"event"`
	From  string `json:"from"`
	To    string `json:"to"`
	Rule  string `json:"rule"`
}

// Transitions is the filing lifecycle. An amendment keeps a registered filing
// registered under a new version; termination or revocation cancels it (注销),
// and a refusal can be reopened on review (复核).
var Transitions = []Transition{
	{"submit", StatusDraft, StatusSubmitted, "§1.7 the registrant applies"},
	{"withdraw", StatusDraft, StatusWithdrawn, "the registrant withdraws"},
	{"withdraw", StatusSubmitted, StatusWithdrawn, "the registrant withdraws"},
	{"withdraw", StatusCorrectionRequested, StatusWithdrawn, "the registrant withdraws"},
	{"request_correction", StatusSubmitted, StatusCorrectionRequested, "§1.8 CORRECTION_REQUESTED; the clock stops"},
	{"resubmit", StatusCorrectionRequested, StatusSubmitted, "§1.8 corrections filed: the clock restarts"},
	{"register", StatusSubmitted, StatusRegistered, "§1.8 REGISTERED: certificate with contract and technology amounts"},
	{"refuse", StatusSubmitted, StatusRefused, "§1.5 refusal grounds; stamped 未予登记"},
	{"refuse", StatusCorrectionRequested, StatusRefused, "§1.5 (5) not corrected when asked"},
	{"amend", StatusRegistered, StatusRegistered, "§1.8 2024 draft Art 16: change registration; amounts corrected before relief (rules 51)"},
	{"cancel", StatusRegistered, StatusCancelled, "§1.8 2024 draft Art 16: cancellation (注销) after termination or revocation"},
	{"review", StatusRefused, StatusSubmitted, "§1.8 objection / review (复核) reopens the filing"},
}

// FindTransition returns the transition for an event from a status.
func FindTransition(from, event string) (Transition, bool) {
	for _, t := range Transitions {
		if t.From == from && t.Event == event {
			return t, true
		}
	}
	return Transition{}, false
}

// ClockRunning reports whether the registrar's time limit runs in a status:
// only while a complete filing waits for a decision.
func ClockRunning(status string) bool { return status == StatusSubmitted }
