package domain

import (
	"fmt"
	"strings"
)

// usccAlphabet is the 31-character set of GB 32100-2015 (no I, O, Z, S, V).
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidateUSCC checks an 18-character unified social credit code: its alphabet,
// its region segment and its check character (GB 32100-2015, mod 31).
func ValidateUSCC(code string) error {
	if len(code) != 18 {
		return fmt.Errorf("must be 18 characters, got %d", len(code))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, code[i])
		if v < 0 {
			return fmt.Errorf("character %d (%q) is not allowed", i+1, code[i])
		}
		sum += v * usccWeights[i]
	}
	want := usccCheck(sum)
	if code[17] != want {
		return fmt.Errorf("check character is %q, expected %q", code[17], want)
	}
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return fmt.Errorf("characters 3–8 must be the 6-digit region code")
		}
	}
	return nil
}

func usccCheck(sum int) byte {
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return usccAlphabet[c]
}

// MakeUSCC builds a valid code from registration-authority and category
// characters, a 6-digit region code and a 9-character organisation code body
// (for demo and test data).
func MakeUSCC(authority, category byte, region, org string) string {
	body := string([]byte{authority, category}) + region + org
	if len(body) != 17 {
		panic("domain.MakeUSCC: body must be 17 characters")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(usccAlphabet, body[i]) * usccWeights[i]
	}
	return body + string(usccCheck(sum))
}
