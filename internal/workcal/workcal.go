// Package workcal is the Chinese working-day calendar: public holidays (放假) and
// make-up working days (调休上班) as published each year by the State Council
// General Office, used wherever a rule counts "working days" (工作日).
//
// Dates are civil dates. Functions accept any time.Time and use its year, month
// and day in its own location; they return dates as 00:00 UTC of the civil date.
// Use ChinaDate to turn an instant (a UTC timestamp) into the date in China.
//
// The schedule is embedded data (holidays.csv). A year is "covered" when the data
// has rows for it. Outside covered years the calendar falls back to Monday–Friday
// and says so through Coverage, so that callers can warn instead of silently
// miscounting. Rows for a year not yet published are marked provisional.
package workcal

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

//go:embed holidays.csv
var holidaysCSV []byte

// Kind says how a listed date departs from the ordinary Monday–Friday week.
type Kind string

const (
	// Holiday is a day off: a statutory holiday or an adjusted rest day.
	Holiday Kind = "holiday"
	// MakeupWorkday is a weekend day that is worked (调休上班).
	MakeupWorkday Kind = "workday"
)

// Entry is one listed date.
type Entry struct {
	Date        time.Time // 00:00 UTC of the civil date
	Kind        Kind
	NameZh      string
	NameEn      string
	Provisional bool // derived, not yet published by the State Council
}

// Coverage says how far a result can be trusted.
type Coverage struct {
	// Covered is true when every date consulted lies in a year with a holiday
	// schedule; false means the Monday–Friday fallback was used somewhere.
	Covered bool `json:"covered"`
	// Provisional is true when some date consulted relies on a schedule that has
	// not been published yet.
	Provisional bool `json:"provisional"`
}

func (c Coverage) and(o Coverage) Coverage {
	return Coverage{Covered: c.Covered && o.Covered, Provisional: c.Provisional || o.Provisional}
}

// Day describes one civil date.
type Day struct {
	Date    time.Time
	Workday bool
	Entry   *Entry // nil for an ordinary weekday or weekend day
	Coverage
}

// Calendar answers working-day questions from a holiday schedule.
type Calendar struct {
	entries map[int64]Entry // by day number (days since 1970-01-01)
	years   map[int]bool    // covered years → provisional
}

var defaultCalendar = sync.OnceValue(func() *Calendar {
	c, err := Parse(bytes.NewReader(holidaysCSV))
	if err != nil {
		// The file is embedded and covered by tests; a parse error is a build defect.
		panic(fmt.Sprintf("workcal: embedded holidays.csv: %v", err))
	}
	return c
})

// Default returns the calendar built from the embedded schedule.
func Default() *Calendar { return defaultCalendar() }

// Parse reads a schedule in the holidays.csv format: lines
// "date,kind,name_zh,name_en,status"; '#' starts a comment line. Every year with
// at least one row is covered; a year is provisional if any of its rows is.
func Parse(r io.Reader) (*Calendar, error) {
	c := &Calendar{entries: map[int64]Entry{}, years: map[int]bool{}}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		e, err := parseRow(text)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		key := dayNumber(e.Date)
		if _, dup := c.entries[key]; dup {
			return nil, fmt.Errorf("line %d: date %s listed twice", line, e.Date.Format(time.DateOnly))
		}
		c.entries[key] = e
		y := e.Date.Year()
		c.years[y] = c.years[y] || e.Provisional
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read schedule: %w", err)
	}
	return c, nil
}

func parseRow(text string) (Entry, error) {
	cols := strings.Split(text, ",")
	if len(cols) != 5 {
		return Entry{}, fmt.Errorf("want 5 columns, got %d", len(cols))
	}
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(cols[0]))
	if err != nil {
		return Entry{}, fmt.Errorf("date: %w", err)
	}
	e := Entry{Date: d, Kind: Kind(strings.TrimSpace(cols[1])),
		NameZh: strings.TrimSpace(cols[2]), NameEn: strings.TrimSpace(cols[3])}
	switch e.Kind {
	case Holiday:
	case MakeupWorkday:
		// A make-up working day only makes sense on a weekend.
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return Entry{}, fmt.Errorf("make-up working day %s is a %s, not a weekend day", cols[0], wd)
		}
	default:
		return Entry{}, fmt.Errorf("kind %q: want holiday or workday", e.Kind)
	}
	switch status := strings.TrimSpace(cols[4]); status {
	case "official":
	case "provisional":
		e.Provisional = true
	default:
		return Entry{}, fmt.Errorf("status %q: want official or provisional", status)
	}
	return e, nil
}

// Years returns the covered years, each mapped to whether its schedule is provisional.
func (c *Calendar) Years() map[int]bool {
	out := make(map[int]bool, len(c.years))
	for y, p := range c.years {
		out[y] = p
	}
	return out
}

// Entries returns the listed dates of a year in date order.
func (c *Calendar) Entries(year int) []Entry {
	var out []Entry
	for _, e := range c.entries {
		if e.Date.Year() == year {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// Day describes date d.
func (c *Calendar) Day(d time.Time) Day {
	d = civil(d)
	provisional, covered := c.years[d.Year()]
	day := Day{Date: d, Coverage: Coverage{Covered: covered, Provisional: covered && provisional}}
	if e, ok := c.entries[dayNumber(d)]; ok {
		day.Entry = &e
		day.Workday = e.Kind == MakeupWorkday
		return day
	}
	wd := d.Weekday()
	day.Workday = wd != time.Saturday && wd != time.Sunday
	return day
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d time.Time) (bool, Coverage) {
	day := c.Day(d)
	return day.Workday, day.Coverage
}

// AddWorkdays returns the n-th working day after start (start itself is not
// counted, as in "within 15 working days of receipt"). A negative n counts
// backwards; n == 0 returns start's date unchanged.
func (c *Calendar) AddWorkdays(start time.Time, n int) (time.Time, Coverage) {
	d := civil(start)
	cov := Coverage{Covered: true}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDate(0, 0, step)
		day := c.Day(d)
		cov = cov.and(day.Coverage)
		if day.Workday {
			n--
		}
	}
	return d, cov
}

// WorkdaysBetween counts the working days after a up to and including b, so that
// WorkdaysBetween(a, AddWorkdays(a, n)) == n. It is negative when b is before a.
func (c *Calendar) WorkdaysBetween(a, b time.Time) (int, Coverage) {
	a, b = civil(a), civil(b)
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	cov := Coverage{Covered: true}
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
		day := c.Day(d)
		cov = cov.and(day.Coverage)
		if day.Workday {
			n++
		}
	}
	return sign * n, cov
}

// NextWorkday returns d itself when it is a working day, else the first working
// day after it. Civil Code Art 203 uses this: a period whose last day is a rest
// day ends on the first day after the rest.
func (c *Calendar) NextWorkday(d time.Time) (time.Time, Coverage) {
	d = civil(d)
	cov := Coverage{Covered: true}
	for {
		day := c.Day(d)
		cov = cov.and(day.Coverage)
		if day.Workday {
			return d, cov
		}
		d = d.AddDate(0, 0, 1)
	}
}

// AddCalendarDays returns the date n calendar days after start.
func AddCalendarDays(start time.Time, n int) time.Time { return civil(start).AddDate(0, 0, n) }

// CalendarDeadline is the last day of a period of n calendar days starting the
// day after start (Civil Code Art 201), moved to the next working day when it
// falls on a rest day (Civil Code Art 203).
func (c *Calendar) CalendarDeadline(start time.Time, n int) (time.Time, Coverage) {
	return c.NextWorkday(AddCalendarDays(start, n))
}

// The package-level functions use the embedded Default calendar.

// IsWorkday reports whether d is a working day.
func IsWorkday(d time.Time) (bool, Coverage) { return Default().IsWorkday(d) }

// AddWorkdays returns the n-th working day after start.
func AddWorkdays(start time.Time, n int) (time.Time, Coverage) {
	return Default().AddWorkdays(start, n)
}

// WorkdaysBetween counts the working days after a up to and including b.
func WorkdaysBetween(a, b time.Time) (int, Coverage) { return Default().WorkdaysBetween(a, b) }

// chinaZone is China Standard Time. China has had no daylight saving since 1991,
// so a fixed zone is exact and needs no tzdata on the host.
var chinaZone = time.FixedZone("CST", 8*3600)

// ChinaDate returns the civil date in China of instant t, as 00:00 UTC.
func ChinaDate(t time.Time) time.Time { return civil(t.In(chinaZone)) }

// Date builds a civil date.
func Date(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
}

// civil drops the time of day, keeping the year, month and day of t's location.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func dayNumber(d time.Time) int64 { return civil(d).Unix() / 86400 }
