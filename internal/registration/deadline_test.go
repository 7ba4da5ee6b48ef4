package registration

import (
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
)

func TestDeadlinePresetsAreValid(t *testing.T) {
	for name, r := range DeadlinePresets {
		if err := r.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if r.Name != name {
			t.Errorf("preset %s is named %s", name, r.Name)
		}
	}
}

func TestDeadline(t *testing.T) {
	draft := DeadlinePresets["miit-2024-draft"]
	at := func(s string) time.Time { d, _ := parseDate(s); return d.Add(4 * time.Hour) }
	tests := []struct {
		name     string
		rules    DeadlineRules
		at       time.Time
		amount   int64 // yuan
		disputed bool
		due      string
		extended bool
	}{
		{"15 working days over National Day", draft, at("2025-09-26"), 1_000_000, false, "2025-10-23", false},
		{"30 working days from RMB 5M", draft, at("2026-01-05"), 5_000_000, false, "2026-02-14", true},
		{"just under RMB 5M", draft, at("2026-01-05"), 4_999_999, false, "2026-01-26", false},
		{"disputed", draft, at("2026-01-05"), 10_000, true, "2026-02-14", true},
		{"calendar days, last day a rest day (CC 203)", DeadlinePresets["measures-2000"], at("2025-09-04"), 1, false, "2025-10-09", false},
		{"Zhejiang 10 days", DeadlinePresets["zhejiang"], at("2025-03-03"), 1, false, "2025-03-13", false},
		// 15:00 UTC on 29 Sep is 23:00 in China, still the 29th; an hour later it is the 30th,
		// and the count starts a working day later.
		{"instant on the 29th in China", draft, time.Date(2025, 9, 29, 15, 0, 0, 0, time.UTC), 1, false, "2025-10-27", false},
		{"instant on the 30th in China", draft, time.Date(2025, 9, 29, 16, 0, 0, 0, time.UTC), 1, false, "2025-10-28", false},
	}
	for _, tt := range tests {
		d, err := Deadline(tt.rules, tt.at, yuan(tt.amount), tt.disputed)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if d.Due != tt.due || d.Extended != tt.extended || !d.Covered {
			t.Errorf("%s: due %s extended %v covered %v, want %s %v", tt.name, d.Due, d.Extended, d.Covered, tt.due, tt.extended)
		}
	}
}

func TestDeadlineOverdue(t *testing.T) {
	d, _ := Deadline(DeadlinePresets["miit-2024-draft"], time.Date(2025, 3, 3, 4, 0, 0, 0, time.UTC), 1, false)
	if d.Overdue(time.Date(2025, 3, 24, 15, 0, 0, 0, time.UTC)) { // 23:00 on the due day in China
		t.Error("overdue on the due day")
	}
	if !d.Overdue(time.Date(2025, 3, 24, 16, 0, 0, 0, time.UTC)) { // 00:00 the next day in China
		t.Error("not overdue the day after")
	}
}

func TestDeadlineRulesValidate(t *testing.T) {
	for _, r := range []DeadlineRules{
		{Unit: "weeks", Days: 3},
		{Unit: UnitWorkingDays, Days: 0},
		{Unit: UnitWorkingDays, Days: 15, ExtendedFromFen: 100},
	} {
		if _, err := Deadline(r, testNow, 1, false); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("Deadline(%+v) err = %v, want Invalid", r, err)
		}
	}
}
