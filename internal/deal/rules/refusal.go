package rules

import (
	"errors"
	"fmt"
)

// Refusal is the reason a trading step is refused: a stable code for programs
// and a message in English and Chinese for people. Field names the input at
// fault when there is one ("amount_fen"), using the JSON path of the API form.
type Refusal struct {
	Code  string `json:"code"`
	En    string `json:"message"`
	Zh    string `json:"message_zh"`
	Field string `json:"field,omitempty"`
}

func (r *Refusal) Error() string { return r.Code + ": " + r.En }

// Refuse builds a refusal; the messages may use fmt verbs filled from args,
// which are applied to both languages.
func Refuse(code, en, zh string, args ...any) *Refusal {
	if len(args) > 0 {
		en, zh = fmt.Sprintf(en, args...), fmt.Sprintf(zh, args...)
	}
	return &Refusal{Code: code, En: en, Zh: zh}
}

// On names the input field the refusal is about.
func (r *Refusal) On(field string) *Refusal {
	c := *r
	c.Field = field
	return &c
}

// ReasonOf returns the refusal carried anywhere in err's chain.
func ReasonOf(err error) (*Refusal, bool) {
	var r *Refusal
	if errors.As(err, &r) {
		return r, true
	}
	return nil, false
}
