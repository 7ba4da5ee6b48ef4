package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/store"
)

// Bulk statements keep the number of round trips per batch constant. On
// PostgreSQL each column travels as one typed array and is expanded with
// unnest, so the SQL text never changes with the batch size and pgx's statement
// cache hits every time. SQLite gets multi-row VALUES lists, chunked below its
// limit on bound parameters.

// colType is how a column's values are encoded.
type colType int

const (
	colText colType = iota
	colTextNull
	colInt
	colIntNull
	colTime
	colTimeNull
	colDate
	colBool
)

type column struct {
	name string
	typ  colType
}

func (c column) pgArrayType() string {
	switch c.typ {
	case colInt, colIntNull:
		return "bigint[]"
	case colTime, colTimeNull:
		return "timestamptz[]"
	case colDate:
		return "date[]"
	case colBool:
		return "boolean[]"
	}
	return "text[]"
}

// pgArrays turns rows into one typed Go slice per column for pgx.
func pgArrays(cols []column, rows [][]any) []any {
	out := make([]any, len(cols))
	for ci, c := range cols {
		switch c.typ {
		case colText, colDate:
			a := make([]string, len(rows))
			for ri, r := range rows {
				a[ri] = r[ci].(string)
			}
			out[ci] = a
		case colTextNull:
			a := make([]*string, len(rows))
			for ri, r := range rows {
				if s, ok := r[ci].(string); ok && s != "" {
					a[ri] = &s
				}
			}
			out[ci] = a
		case colInt:
			a := make([]int64, len(rows))
			for ri, r := range rows {
				a[ri] = toInt64(r[ci])
			}
			out[ci] = a
		case colIntNull:
			a := make([]*int64, len(rows))
			for ri, r := range rows {
				if r[ci] != nil {
					v := toInt64(r[ci])
					a[ri] = &v
				}
			}
			out[ci] = a
		case colTime:
			a := make([]time.Time, len(rows))
			for ri, r := range rows {
				a[ri] = r[ci].(time.Time).UTC()
			}
			out[ci] = a
		case colTimeNull:
			a := make([]*time.Time, len(rows))
			for ri, r := range rows {
				if t, ok := r[ci].(*time.Time); ok && t != nil {
					u := t.UTC()
					a[ri] = &u
				}
			}
			out[ci] = a
		case colBool:
			a := make([]bool, len(rows))
			for ri, r := range rows {
				a[ri] = r[ci].(bool)
			}
			out[ci] = a
		}
	}
	return out
}

func toInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	}
	panic(fmt.Sprintf("ledger: %T is not an integer column value", v))
}

// sqliteValue adapts a row value for SQLite's VALUES list.
func sqliteValue(c column, v any) any {
	switch c.typ {
	case colTextNull:
		if s, _ := v.(string); s == "" {
			return nil
		}
	case colIntNull:
		if v == nil {
			return nil
		}
	case colTimeNull:
		if t, ok := v.(*time.Time); !ok || t == nil {
			return nil
		}
	}
	return v
}

// sqliteMaxParams stays under SQLite's default limit of 32,766 bound parameters.
const sqliteMaxParams = 30000

func colNames(cols []column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// insertRows inserts rows into table in one statement (PostgreSQL) or in chunks
// of multi-row VALUES (SQLite).
func insertRows(ctx context.Context, q store.Querier, table string, cols []column, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if q.Dialect() == store.Postgres {
		casts := make([]string, len(cols))
		for i, c := range cols {
			casts[i] = "?::" + c.pgArrayType()
		}
		sql := "INSERT INTO " + table + " (" + colNames(cols) + ") SELECT * FROM unnest(" + strings.Join(casts, ", ") + ")"
		if _, err := q.Exec(ctx, sql, pgArrays(cols, rows)...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
		return nil
	}
	return forChunks(rows, len(cols), func(chunk [][]any) error {
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + colNames(cols) + ") VALUES ")
		args := make([]any, 0, len(chunk)*len(cols))
		for ri, r := range chunk {
			if ri > 0 {
				b.WriteString(", ")
			}
			b.WriteString(placeholders(len(cols)))
			for ci, c := range cols {
				args = append(args, sqliteValue(c, r[ci]))
			}
		}
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
		return nil
	})
}

// updateRows updates table from rows matched on keys. sets are SQL assignments
// that may refer to the new values as v.<column>, e.g. "balance_fen = balance_fen + v.delta".
func updateRows(ctx context.Context, q store.Querier, table string, keys, vals []column, sets []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	cols := append(append([]column{}, keys...), vals...)
	conds := make([]string, len(keys))
	for i, k := range keys {
		conds[i] = table + "." + k.name + " = v." + k.name
	}
	where := strings.Join(conds, " AND ")
	set := strings.Join(sets, ", ")
	if q.Dialect() == store.Postgres {
		casts := make([]string, len(cols))
		for i, c := range cols {
			casts[i] = "?::" + c.pgArrayType()
		}
		sql := "UPDATE " + table + " SET " + set + " FROM unnest(" + strings.Join(casts, ", ") + ") AS v(" + colNames(cols) + ") WHERE " + where
		if _, err := q.Exec(ctx, sql, pgArrays(cols, rows)...); err != nil {
			return fmt.Errorf("update %s: %w", table, err)
		}
		return nil
	}
	return forChunks(rows, len(cols), func(chunk [][]any) error {
		var b strings.Builder
		b.WriteString("WITH v(" + colNames(cols) + ") AS (VALUES ")
		args := make([]any, 0, len(chunk)*len(cols))
		for ri, r := range chunk {
			if ri > 0 {
				b.WriteString(", ")
			}
			b.WriteString(placeholders(len(cols)))
			for ci, c := range cols {
				args = append(args, sqliteValue(c, r[ci]))
			}
		}
		b.WriteString(") UPDATE " + table + " SET " + set + " FROM v WHERE " + where)
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("update %s: %w", table, err)
		}
		return nil
	})
}

func forChunks(rows [][]any, width int, fn func([][]any) error) error {
	per := sqliteMaxParams / width
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		if err := fn(rows[start:end]); err != nil {
			return err
		}
	}
	return nil
}

// placeholders is a parenthesised marker list for one multi-row VALUES tuple.
func placeholders(n int) string { return "(" + store.Placeholders(n) + ")" }

// inList returns a condition "col IN (…)" over values with one bound parameter
// on either engine: an array on PostgreSQL, a JSON array on SQLite.
func inList(q store.Querier, col string, values []string) (string, any) {
	if q.Dialect() == store.Postgres {
		return col + " = ANY(?::text[])", values
	}
	js, _ := json.Marshal(values)
	return col + " IN (SELECT value FROM json_each(?))", string(js)
}
