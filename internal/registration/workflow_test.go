package registration

import "testing"

func TestTransitions(t *testing.T) {
	tests := []struct {
		from, event, to string
		ok              bool
	}{
		{StatusDraft, "submit", StatusSubmitted, true},
		{StatusSubmitted, "request_correction", StatusCorrectionRequested, true},
		{StatusCorrectionRequested, "resubmit", StatusSubmitted, true},
		{StatusSubmitted, "register", StatusRegistered, true},
		{StatusRegistered, "cancel", StatusCancelled, true},
		{StatusRefused, "review", StatusSubmitted, true},
		{StatusDraft, "register", "", false},
		{StatusCancelled, "amend", "", false},
		{StatusRegistered, "refuse", "", false},
	}
	for _, tt := range tests {
		tr, ok := FindTransition(tt.from, tt.event)
		if ok != tt.ok || (ok && tr.To != tt.to) {
			t.Errorf("%s --%s--> %+v %v, want %s %v", tt.from, tt.event, tr, ok, tt.to, tt.ok)
		}
	}
	for _, tr := range Transitions {
		if tr.Rule == "" {
			t.Errorf("%+v has no rule", tr)
		}
	}
	if ClockRunning(StatusCorrectionRequested) || !ClockRunning(StatusSubmitted) {
		t.Error("the clock runs only while submitted")
	}
}
