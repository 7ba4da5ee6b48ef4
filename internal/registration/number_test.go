package registration

import (
	"testing"

	"github.com/techmarket-org/techmarket/internal/apperr"
)

func TestDefaultNumberFormat(t *testing.T) {
	f := MustNumberFormat(DefaultNumberPattern)
	if f.Length() != 16 || f.MaxSeq() != 999999 {
		t.Fatalf("length %d, max seq %d", f.Length(), f.MaxSeq())
	}
	n, err := f.Format(NumberParts{Year: 2026, Region: "110108", Seq: 42})
	if err != nil || n != "2026110108000042" {
		t.Fatalf("Format = %q, %v", n, err)
	}
	p, err := f.Parse(n)
	if err != nil || p.Year != 2026 || p.Region != "110108" || p.Seq != 42 {
		t.Errorf("Parse = %+v, %v", p, err)
	}
}

func TestLegacyAndCustomFormats(t *testing.T) {
	legacy := MustNumberFormat(LegacyNumberPattern)
	n, err := legacy.Format(NumberParts{Year: 2009, Region: "440300", Point: 3, Seq: 1234})
	if err != nil || n != "09440303001234" || len(n) != 14 {
		t.Fatalf("legacy = %q, %v", n, err)
	}
	if p, err := legacy.Parse(n); err != nil || p.Year != 2009 || p.Region != "440300" || p.Point != 3 {
		t.Errorf("legacy parse = %+v, %v", p, err)
	}
	custom := MustNumberFormat("JS-{YYYY}-{PROV2}-{SEQ8}")
	n, err = custom.Format(NumberParts{Year: 2027, Region: "320505", Seq: 7})
	if err != nil || n != "JS-2027-32-00000007" {
		t.Fatalf("custom = %q, %v", n, err)
	}
}

func TestNumberFormatErrors(t *testing.T) {
	for _, p := range []string{"{YYYY}{REGION6}", "{REGION6}{SEQ6}", "{YYYY}{SEQ6}{SEQ2}", "{YYYY}{SEQ0}", "{YYYY}{SEQ6", "{YYYY} {SEQ6}", "{YYYY}{FOO}{SEQ6}"} {
		if _, err := ParseNumberFormat(p); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("ParseNumberFormat(%q) err = %v, want Invalid", p, err)
		}
	}
	f := MustNumberFormat(DefaultNumberPattern)
	for _, parts := range []NumberParts{
		{Year: 2026, Region: "110108", Seq: 1_000_000}, // sequence overflow
		{Year: 2026, Region: "990000", Seq: 1},         // unknown province
		{Year: 26, Region: "110108", Seq: 1},
		{Year: 2026, Region: "110108", Seq: 0},
	} {
		if _, err := f.Format(parts); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("Format(%+v) err = %v, want Invalid", parts, err)
		}
	}
	for _, n := range []string{"202611010800004", "20261101080000X2", "2026990000000001", "2026110108000000"} {
		if _, err := f.Parse(n); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("Parse(%q) err = %v, want Invalid", n, err)
		}
	}
}
