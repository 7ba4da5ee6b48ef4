package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Problem is the server's RFC 9457 problem document.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Code     string       `json:"code"` // stable name: invalid, not_found, forbidden, bad_request…
	Errors   []FieldError `json:"errors,omitempty"`
	Line     int          `json:"line,omitempty"` // position of a JSON syntax error in the request
	Column   int          `json:"column,omitempty"`
}

// FieldError names one request field at fault, with English and Chinese messages.
type FieldError struct {
	Field     string `json:"field"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageZh string `json:"message_zh,omitempty"`
}

// Error is a request the server answered with an error status.
type Error struct {
	Method     string
	Path       string
	StatusCode int
	Problem    Problem
}

// Error is one line: status, detail and the fields at fault.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Problem.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Problem.Detail)
	}
	for _, f := range e.Problem.Errors {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message)
	}
	return b.String()
}

// StatusCode returns the HTTP status of an API error in err's chain, or 0 when
// the request never got an answer (network failure, bad URL).
func StatusCode(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// FieldErrors returns the field errors of an API error in err's chain.
func FieldErrors(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Problem.Errors
	}
	return nil
}
