package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/techmarket-org/techmarket/internal/apperr"
)

// problem is an RFC 9457 problem document. Code is a stable machine-readable
// name (the apperr kind, or a protocol fault such as "bad_request"); Errors names
// every input field at fault; Line and Column locate a JSON syntax error.
type problem struct {
	Type     string              `json:"type"`
	Title    string              `json:"title"`
	Status   int                 `json:"status"`
	Detail   string              `json:"detail,omitempty"`
	Instance string              `json:"instance,omitempty"`
	Code     string              `json:"code"`
	Errors   []apperr.FieldError `json:"errors,omitempty"`
	Line     int                 `json:"line,omitempty"`
	Column   int                 `json:"column,omitempty"`
}

// requestError is a fault in the HTTP request itself (unreadable body, unknown
// route, wrong method, wrong media type), found before any use case runs. It
// carries its own status because it is about HTTP, not about the domain; domain
// errors are mapped by apperr.HTTPStatus alone.
type requestError struct {
	status       int
	code         string
	detail       string
	fields       []apperr.FieldError
	line, column int
}

func (e *requestError) Error() string { return e.detail }

// badRequest is a 400 with a message and optional field errors.
func badRequest(detail string, fields ...apperr.FieldError) *requestError {
	return &requestError{status: http.StatusBadRequest, code: "bad_request", detail: detail, fields: fields}
}

// writeProblem sends err as application/problem+json. Server-side failures are
// logged in full; the caller only ever sees the safe message.
func (h *api) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	p := problem{Type: "about:blank", Instance: r.URL.Path}
	var re *requestError
	if errors.As(err, &re) {
		p.Status, p.Code, p.Detail, p.Errors, p.Line, p.Column = re.status, re.code, re.detail, re.fields, re.line, re.column
	} else {
		kind := apperr.KindOf(err)
		p.Status = apperr.HTTPStatus(kind)
		p.Code = kind.String()
		p.Detail = apperr.SafeMessage(err)
		p.Errors = apperr.FieldsOf(err)
		if kind == apperr.Unauthenticated {
			w.Header().Set("WWW-Authenticate", `Bearer realm="techmarket"`)
		}
	}
	if p.Status >= http.StatusInternalServerError {
		h.app.Log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "status", p.Status, "err", err)
	}
	p.Title = http.StatusText(p.Status)
	body, mErr := json.Marshal(p)
	if mErr != nil { // cannot happen with these field types; keep a valid answer anyway
		body = []byte(`{"type":"about:blank","title":"Internal Server Error","status":500,"code":"internal"}`)
		p.Status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Del("ETag")
	w.WriteHeader(p.Status)
	_, _ = w.Write(body)
}
