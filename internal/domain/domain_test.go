package domain

import "testing"

func TestValidateUSCC(t *testing.T) {
	// Real published codes (from public company registers) and corrupted variants.
	good := []string{"91110000600037341L", "91350100M000100Y43", "91440300708461136T"}
	for _, c := range good {
		if err := ValidateUSCC(c); err != nil {
			t.Errorf("%s: %v", c, err)
		}
	}
	bad := map[string]string{
		"91110000600037341X": "check",
		"9111000060003734":   "length",
		"91110000600037341I": "alphabet",
		"9I110000600037341L": "alphabet",
	}
	for c, why := range bad {
		if ValidateUSCC(c) == nil {
			t.Errorf("%s accepted, should fail on %s", c, why)
		}
	}
	made := MakeUSCC('1', '2', "110108", "40000123X")
	if err := ValidateUSCC(made); err != nil {
		t.Fatalf("MakeUSCC produced invalid %s: %v", made, err)
	}
}

func TestMoney(t *testing.T) {
	cases := map[string]Fen{"12.5": 1250, "1,000.00": 100000, "0.01": 1, "-3": -300, ".5": 50}
	for s, want := range cases {
		got, err := ParseYuan(s)
		if err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"1.234", "abc", "", "1e5"} {
		if _, err := ParseYuan(s); err == nil {
			t.Errorf("ParseYuan(%q) accepted", s)
		}
	}
	if got := Fen(123456789).Yuan(); got != "1,234,567.89" {
		t.Errorf("Yuan = %s", got)
	}
	if got := Fen(150000000).Wan(); got != "150" {
		t.Errorf("Wan = %s", got)
	}
	if got := Fen(1234500).Wan(); got != "1.23" {
		t.Errorf("Wan = %s", got)
	}
}

func TestValidateRegion(t *testing.T) {
	if err := ValidateRegion("110108"); err != nil {
		t.Error(err)
	}
	for _, c := range []string{"990000", "11010", "11010a"} {
		if ValidateRegion(c) == nil {
			t.Errorf("%s accepted", c)
		}
	}
}
