// Package apperr defines the few kinds of error the platform distinguishes and the
// one mapping from kind to HTTP status. Domain code wraps a kind; the HTTP and web
// layers log the full error and show only the safe message and field errors.
package apperr

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Kind classifies an error for callers and for the HTTP mapping.
type Kind int

const (
	Internal Kind = iota
	Invalid
	NotFound
	Conflict
	Forbidden
	Unauthenticated
	RateLimited
	Unavailable
)

var kindNames = map[Kind]string{
	Internal: "internal", Invalid: "invalid", NotFound: "not_found", Conflict: "conflict",
	Forbidden: "forbidden", Unauthenticated: "unauthenticated", RateLimited: "rate_limited",
	Unavailable: "unavailable",
}

func (k Kind) String() string { return kindNames[k] }

// FieldError names one input field at fault. Field uses the JSON path of the API
// form ("title_zh", "ip_items[2].number"); Code is stable for programs; Message
// is English, MessageZh Chinese (empty means use Message).
type FieldError struct {
	Field     string `json:"field"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageZh string `json:"message_zh,omitempty"`
}

// Error is the platform's error value.
type Error struct {
	Op     string       // operation, for logs: "listing.Create"
	Kind   Kind         // classification
	Msg    string       // safe to show to the caller
	Fields []FieldError // for Invalid: every field at fault
	Err    error        // underlying cause, never shown to the caller
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString(e.Kind.String())
	if e.Msg != "" {
		b.WriteString(": ")
		b.WriteString(e.Msg)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an error of a kind with a safe message.
func E(op string, kind Kind, msg string) *Error { return &Error{Op: op, Kind: kind, Msg: msg} }

// Wrap attaches an operation and kind to a cause; the message stays generic.
func Wrap(op string, kind Kind, err error) *Error { return &Error{Op: op, Kind: kind, Err: err} }

// Fields builds an Invalid error listing every field at fault.
func Fields(op string, fields ...FieldError) *Error {
	return &Error{Op: op, Kind: Invalid, Msg: "the input has errors", Fields: fields}
}

// Field is shorthand for one FieldError.
func Field(field, code, message, messageZh string) FieldError {
	return FieldError{Field: field, Code: code, Message: message, MessageZh: messageZh}
}

// KindOf returns the kind of the first *Error in the chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Is reports whether err has the given kind.
func Is(err error, kind Kind) bool { return err != nil && KindOf(err) == kind }

// SafeMessage is the message that may be shown to the caller.
func SafeMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		for ; e != nil; e = nextError(e) {
			if e.Msg != "" {
				return e.Msg
			}
		}
	}
	return "internal error"
}

func nextError(e *Error) *Error {
	var n *Error
	if e.Err != nil && errors.As(e.Err, &n) {
		return n
	}
	return nil
}

// FieldsOf returns the field errors carried by err, if any.
func FieldsOf(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		for ; e != nil; e = nextError(e) {
			if len(e.Fields) > 0 {
				return e.Fields
			}
		}
	}
	return nil
}

// HTTPStatus maps a kind to the status code; the only such mapping in the code base.
func HTTPStatus(kind Kind) int {
	switch kind {
	case Invalid:
		return http.StatusUnprocessableEntity
	case NotFound:
		return http.StatusNotFound
	case Conflict:
		return http.StatusConflict
	case Forbidden:
		return http.StatusForbidden
	case Unauthenticated:
		return http.StatusUnauthorized
	case RateLimited:
		return http.StatusTooManyRequests
	case Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// FieldList accumulates field errors during validation.
type FieldList []FieldError

// Add appends one field error.
func (l *FieldList) Add(field, code, message, messageZh string) {
	*l = append(*l, Field(field, code, message, messageZh))
}

// Err returns nil when the list is empty, else an Invalid error.
func (l FieldList) Err(op string) error {
	if len(l) == 0 {
		return nil
	}
	return Fields(op, l...)
}
