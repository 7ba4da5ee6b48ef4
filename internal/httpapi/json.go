package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"unicode"

	"github.com/techmarket-org/techmarket/internal/apperr"
)

// MaxBodyBytes bounds a request body; the largest legitimate body, a listing with
// its 20,000-character detail in two languages, is far below it.
const MaxBodyBytes = 1 << 20

// decodeJSON reads the body strictly into dst: JSON media type, at most
// MaxBodyBytes, exactly one value, no unknown fields. A body that cannot be read
// as the expected shape is a 400 naming the position and, where known, the
// field; whether the values make sense is the use case's job (422).
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &requestError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
				detail: "send the request body as application/json"}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &requestError{status: http.StatusRequestEntityTooLarge, code: "too_large",
				detail: fmt.Sprintf("the request body exceeds %d bytes", tooBig.Limit)}
		}
		return badRequest("the request body could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("a JSON request body is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonProblem(body, dec.InputOffset(), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		e := badRequest("unexpected data after the JSON value")
		e.line, e.column = position(body, dec.InputOffset())
		return e
	}
	return nil
}

// jsonProblem explains a decoding failure with its line and column.
func jsonProblem(body []byte, offset int64, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var e *requestError
	switch {
	case errors.As(err, &syntax):
		offset = syntax.Offset - 1 // the decoder counts the offending byte as read
		e = badRequest("malformed JSON: " + syntax.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		offset = int64(len(body))
		e = badRequest("malformed JSON: the body ends in the middle of a value")
	case errors.As(err, &typ):
		offset = typ.Offset - 1 // points at the end of the offending value
		field := jsonPath(typ.Field)
		want := jsonTypeName(typ.Type)
		if field == "" {
			e = badRequest(fmt.Sprintf("the body must be a JSON %s, not %s", want, typ.Value))
			break
		}
		e = badRequest(fmt.Sprintf("field %s must be a JSON %s, not %s", field, want, typ.Value),
			apperr.Field(field, "wrong_type", fmt.Sprintf("must be a JSON %s, not %s", want, typ.Value),
				fmt.Sprintf("类型错误：应为 JSON %s", want)))
	case strings.HasPrefix(err.Error(), `json: unknown field "`):
		// encoding/json reports unknown fields only through this message.
		field := strings.TrimSuffix(strings.TrimPrefix(err.Error(), `json: unknown field "`), `"`)
		if i := bytes.Index(body, []byte(`"`+field+`"`)); i >= 0 {
			offset = int64(i) // the decoder's own offset is past the whole object
		}
		e = badRequest("unknown field "+field,
			apperr.Field(field, "unknown_field", "this field is not part of the request; check the spelling", "未知字段，请检查拼写"))
	default:
		e = badRequest("the request body is not valid JSON: " + err.Error())
	}
	e.line, e.column = position(body, offset)
	return e
}

// jsonPath turns encoding/json's Go-flavoured field path ("Input.ip_items.number")
// into the API's path ("ip_items.number") by dropping embedded struct names,
// which are the only capitalised segments: every API field is snake_case.
func jsonPath(goPath string) string {
	var parts []string
	for _, p := range strings.Split(goPath, ".") {
		if p != "" && !unicode.IsUpper([]rune(p)[0]) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ".")
}

func jsonTypeName(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return "object"
}

// position converts a byte offset into a 1-based line and column (in characters).
func position(body []byte, offset int64) (line, column int) {
	offset = max(0, min(offset, int64(len(body))))
	line, column = 1, 1
	for _, r := range string(body[:offset]) {
		if r == '\n' {
			line, column = line+1, 1
		} else {
			column++
		}
	}
	return line, column
}

// writeJSON sends v with a status. It marshals before writing anything, so a
// marshalling failure still becomes a clean problem response.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
	return nil
}

// created answers a POST that made a resource: 201, Location and the object.
func created(w http.ResponseWriter, location string, v any) error {
	w.Header().Set("Location", location)
	return writeJSON(w, http.StatusCreated, v)
}
