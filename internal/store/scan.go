package store

import (
	"fmt"
	"time"
)

// Time returns a scanner that reads a timestamp column of either engine into dst.
func Time(dst *time.Time) *TimeScanner { return &TimeScanner{dst: dst} }

// NullTime returns a scanner for a nullable timestamp; dst is set to nil for NULL.
func NullTime(dst **time.Time) *NullTimeScanner { return &NullTimeScanner{dst: dst} }

// TimeScanner implements sql.Scanner for timestamps stored as timestamptz (PostgreSQL)
// or RFC 3339 text (SQLite).
type TimeScanner struct{ dst *time.Time }

func (s *TimeScanner) Scan(src any) error {
	t, ok, err := parseTime(src)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("store: NULL scanned into non-null time")
	}
	*s.dst = t
	return nil
}

// NullTimeScanner implements sql.Scanner for nullable timestamps.
type NullTimeScanner struct{ dst **time.Time }

func (s *NullTimeScanner) Scan(src any) error {
	t, ok, err := parseTime(src)
	if err != nil {
		return err
	}
	if !ok {
		*s.dst = nil
		return nil
	}
	*s.dst = &t
	return nil
}

func parseTime(src any) (time.Time, bool, error) {
	switch v := src.(type) {
	case nil:
		return time.Time{}, false, nil
	case time.Time:
		return v.UTC(), true, nil
	case string:
		return parseTimeText(v)
	case []byte:
		return parseTimeText(string(v))
	}
	return time.Time{}, false, fmt.Errorf("store: cannot scan %T into time", src)
}

func parseTimeText(s string) (time.Time, bool, error) {
	for _, layout := range []string{timeLayout, time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("store: unparseable time %q", s)
}

// Date returns a scanner that reads a nullable calendar date (PostgreSQL DATE or
// SQLite 'YYYY-MM-DD' text) into dst as "YYYY-MM-DD", or "" for NULL.
func Date(dst *string) *DateScanner { return &DateScanner{dst: dst} }

// DateScanner implements sql.Scanner for dates kept as strings in Go.
type DateScanner struct{ dst *string }

func (s *DateScanner) Scan(src any) error {
	t, ok, err := parseTime(src)
	if err != nil {
		return err
	}
	if !ok {
		*s.dst = ""
		return nil
	}
	*s.dst = t.Format("2006-01-02")
	return nil
}

// NullString converts "" to SQL NULL, for optional text and date columns.
func NullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
