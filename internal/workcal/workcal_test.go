package workcal

import (
	"strings"
	"testing"
	"time"
)

func TestKnownDates(t *testing.T) {
	tests := []struct {
		date        time.Time
		workday     bool
		covered     bool
		provisional bool
	}{
		{Date(2025, 1, 1), false, true, false},  // 元旦, a Wednesday
		{Date(2025, 1, 26), true, true, false},  // Sunday, Spring Festival make-up day
		{Date(2025, 1, 28), false, true, false}, // 除夕, a Tuesday
		{Date(2025, 2, 4), false, true, false},  // last day of Spring Festival
		{Date(2025, 2, 5), true, true, false},   // ordinary Wednesday
		{Date(2025, 2, 8), true, true, false},   // Saturday make-up day
		{Date(2025, 2, 9), false, true, false},  // ordinary Sunday
		{Date(2025, 4, 27), true, true, false},  // Sunday before Labour Day
		{Date(2025, 10, 8), false, true, false}, // National Day + Mid-Autumn, a Wednesday
		{Date(2025, 10, 11), true, true, false}, // Saturday make-up day
		{Date(2026, 1, 4), true, true, false},   // Sunday after 元旦
		{Date(2026, 2, 23), false, true, false}, // Monday, 初七
		{Date(2026, 2, 28), true, true, false},  // Saturday make-up day
		{Date(2026, 5, 9), true, true, false},   // Saturday after Labour Day
		{Date(2026, 9, 25), false, true, false}, // Mid-Autumn, a Friday
		{Date(2026, 10, 10), true, true, false}, // Saturday make-up day
		{Date(2027, 2, 5), false, true, true},   // 除夕 2027, provisional
		{Date(2027, 3, 3), true, true, true},    // ordinary Wednesday in a provisional year
		{Date(2024, 10, 1), true, false, false}, // outside the data: Mon–Fri fallback (a Tuesday)
		{Date(2028, 1, 1), false, false, false}, // outside the data: a Saturday
	}
	for _, tt := range tests {
		got, cov := IsWorkday(tt.date)
		if got != tt.workday || cov.Covered != tt.covered || cov.Provisional != tt.provisional {
			t.Errorf("IsWorkday(%s) = %v %+v, want %v covered=%v provisional=%v",
				tt.date.Format(time.DateOnly), got, cov, tt.workday, tt.covered, tt.provisional)
		}
	}
}

func TestEmbeddedDataIsConsistent(t *testing.T) {
	c := Default()
	years := c.Years()
	for y, wantProvisional := range map[int]bool{2025: false, 2026: false, 2027: true} {
		p, ok := years[y]
		if !ok || p != wantProvisional {
			t.Errorf("year %d: covered=%v provisional=%v, want covered provisional=%v", y, ok, p, wantProvisional)
		}
	}
	// Each statutory festival appears in each covered year.
	for y := range years {
		names := map[string]bool{}
		for _, e := range c.Entries(y) {
			if e.Kind == Holiday {
				names[e.NameZh] = true
			}
		}
		for _, want := range []string{"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"} {
			found := false
			for n := range names {
				if strings.Contains(n, want) {
					found = true
				}
			}
			if !found {
				t.Errorf("year %d: no holiday named %s", y, want)
			}
		}
	}
	// 2025 and 2026 have the same number of days off as the published notices:
	// 元旦 1+3, 春节 8+9, 清明 3+3, 劳动节 5+5, 端午 3+3, 国庆(中秋) 8+3+7.
	for y, want := range map[int]int{2025: 1 + 8 + 3 + 5 + 3 + 8, 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7} {
		n := 0
		for _, e := range c.Entries(y) {
			if e.Kind == Holiday {
				n++
			}
		}
		if n != want {
			t.Errorf("year %d: %d holiday rows, want %d", y, n, want)
		}
	}
}

func TestAddWorkdays(t *testing.T) {
	tests := []struct {
		start time.Time
		n     int
		want  time.Time
	}{
		// Friday 2025-09-26 + 1: Sunday 9/28 is a make-up working day.
		{Date(2025, 9, 26), 1, Date(2025, 9, 28)},
		// Tuesday 2025-09-30 + 1: 10/1–10/8 off, Thursday 10/9.
		{Date(2025, 9, 30), 1, Date(2025, 10, 9)},
		// 15 working days from Monday 2025-09-22: 23,24,25,26,28(Sun),29,30, 9,10,11(Sat),13,14,15,16,17.
		{Date(2025, 9, 22), 15, Date(2025, 10, 17)},
		// Backwards across the 2026 Spring Festival: the working day before Tue 2026-02-24 is Sat 2/14.
		{Date(2026, 2, 24), -1, Date(2026, 2, 14)},
		{Date(2026, 2, 24), 0, Date(2026, 2, 24)},
	}
	for _, tt := range tests {
		got, cov := AddWorkdays(tt.start, tt.n)
		if !got.Equal(tt.want) || !cov.Covered {
			t.Errorf("AddWorkdays(%s, %d) = %s %+v, want %s", tt.start.Format(time.DateOnly), tt.n,
				got.Format(time.DateOnly), cov, tt.want.Format(time.DateOnly))
		}
		if back, _ := WorkdaysBetween(tt.start, got); back != tt.n {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.start.Format(time.DateOnly),
				got.Format(time.DateOnly), back, tt.n)
		}
	}
}

func TestCoverageAcrossYears(t *testing.T) {
	// Counting from late 2027 into 2028 leaves the data: the result is flagged.
	_, cov := AddWorkdays(Date(2027, 12, 20), 15)
	if cov.Covered || !cov.Provisional {
		t.Errorf("coverage = %+v, want not covered and provisional", cov)
	}
	// Entirely inside 2025: covered, not provisional.
	_, cov = AddWorkdays(Date(2025, 3, 3), 30)
	if !cov.Covered || cov.Provisional {
		t.Errorf("coverage = %+v, want covered and official", cov)
	}
	// Outside the data the count is plain Monday–Friday: 2024-06-03 (Mon) + 5 = 2024-06-10 (Mon).
	got, cov := AddWorkdays(Date(2024, 6, 3), 5)
	if !got.Equal(Date(2024, 6, 10)) || cov.Covered {
		t.Errorf("fallback = %s %+v", got.Format(time.DateOnly), cov)
	}
}

func TestWorkdaysBetween(t *testing.T) {
	// October 2025 has 23 weekdays; 10/1–10/3 and 10/6–10/8 are off (6), 10/11 (Sat) is worked: 18.
	n, cov := WorkdaysBetween(Date(2025, 9, 30), Date(2025, 10, 31))
	if n != 18 || !cov.Covered {
		t.Errorf("October 2025 = %d %+v, want 18", n, cov)
	}
	if n, _ := WorkdaysBetween(Date(2025, 10, 31), Date(2025, 9, 30)); n != -18 {
		t.Errorf("reversed = %d, want -18", n)
	}
	if n, _ := WorkdaysBetween(Date(2025, 5, 6), Date(2025, 5, 6)); n != 0 {
		t.Errorf("same day = %d, want 0", n)
	}
}

func TestCalendarDeadline(t *testing.T) {
	c := Default()
	// 30 days from 2025-09-04 is 2025-10-04, inside the National Day holiday: moved to Thu 10/9.
	got, _ := c.CalendarDeadline(Date(2025, 9, 4), 30)
	if !got.Equal(Date(2025, 10, 9)) {
		t.Errorf("CalendarDeadline = %s, want 2025-10-09", got.Format(time.DateOnly))
	}
	// 30 days from 2025-03-03 is Wednesday 2025-04-02, a working day: unchanged.
	got, _ = c.CalendarDeadline(Date(2025, 3, 3), 30)
	if !got.Equal(Date(2025, 4, 2)) {
		t.Errorf("CalendarDeadline = %s, want 2025-04-02", got.Format(time.DateOnly))
	}
	if got := AddCalendarDays(Date(2025, 12, 20), 15); !got.Equal(Date(2026, 1, 4)) {
		t.Errorf("AddCalendarDays = %s", got.Format(time.DateOnly))
	}
}

func TestChinaDate(t *testing.T) {
	// 2025-09-30 17:00 UTC is 2025-10-01 01:00 in Beijing.
	got := ChinaDate(time.Date(2025, 9, 30, 17, 0, 0, 0, time.UTC))
	if !got.Equal(Date(2025, 10, 1)) {
		t.Errorf("ChinaDate = %s", got)
	}
}

func TestParseRejectsBadRows(t *testing.T) {
	bad := []string{
		"2025-01-01,holiday,元旦,New Year",                                   // 4 columns
		"2025-13-01,holiday,x,y,official",                                  // bad date
		"2025-01-01,rest,x,y,official",                                     // bad kind
		"2025-01-01,holiday,x,y,maybe",                                     // bad status
		"2025-01-02,workday,x,y,official",                                  // a Thursday cannot be a make-up day
		"2025-01-01,holiday,x,y,official\n2025-01-01,holiday,x,y,official", // duplicate
	}
	for _, in := range bad {
		if _, err := Parse(strings.NewReader(in)); err == nil {
			t.Errorf("Parse(%q) succeeded, want error", in)
		}
	}
}
