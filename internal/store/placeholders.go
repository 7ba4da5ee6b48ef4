package store

import "strings"

// Placeholders returns n bound-parameter markers for an IN list: "?, ?, ?".
// The SQL is rebound to $n for PostgreSQL like any other statement.
func Placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
