package registration

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// benchContract is a realistic filing: a licence with a dozen clauses of
// ordinary length, several IP items and line items.
func benchContract() Contract {
	c := licContract()
	for i := range 12 {
		c.Clauses = append(c.Clauses, fmt.Sprintf("第%d条 被许可方应按照合同约定的范围、方式和期限实施专利技术，并按期支付使用费；"+
			"许可方应提供必要的技术资料和技术指导，保证所提供的技术完整、无误、有效，能够达到合同约定的目标。"+
			"The Licensee shall keep the technical information confidential for the term of this contract.", i+1))
	}
	for i := range 4 {
		c.IPItems = append(c.IPItems, IPItem{Type: "utility_model", Number: fmt.Sprintf("ZL20222000000%d.X", i),
			Title: "检测装置", Holder: "北京未来科技大学", FilingDate: "2022-05-01", Status: "granted", ValidUntil: "2032-04-30"})
	}
	c.LineItems = []LineItem{
		{Description: "许可使用费", AmountFen: 100000000, Kind: ItemTechnical},
		{Description: "技术资料", AmountFen: 5000000, Kind: ItemCarrier, Quantity: 3, ReasonableQuantity: 2, CarrierKind: CarrierDocument},
		{Description: "配套检测仪器", AmountFen: 15000000, Kind: ItemNonTechnical},
	}
	return c
}

// benchOthers builds n other filings among 500 parties, as a registry's recent
// filings would be passed in.
func benchOthers(n int) []FilingSummary {
	out := make([]FilingSummary, n)
	for i := range out {
		out[i] = summary(fmt.Sprint("F", i), StatusRegistered, fmt.Sprint("uscc:P", i%500), fmt.Sprint("uscc:P", (i*7+3)%500),
			int64(100_000+i%50*100_000), "2025-05-01", i%9 == 0)
	}
	return out
}

func benchmarkCheck(b *testing.B, others []FilingSummary) {
	c := benchContract()
	ctx := CheckContext{Now: testNow, SubmittedAt: testNow, Others: others}
	durations := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if _, err := Check(c, ctx); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
	}
	slices.Sort(durations)
	q := func(p float64) float64 {
		return float64(durations[int(p*float64(len(durations)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50_ms")
	b.ReportMetric(q(0.99), "p99_ms")
}

// BenchmarkCheck measures one Check of a typical contract (target p99 < 20 ms).
func BenchmarkCheck(b *testing.B) { benchmarkCheck(b, nil) }

// BenchmarkCheckWith10kOthers adds duplicate, circle, split and ratio checks
// against 10,000 other filings.
func BenchmarkCheckWith10kOthers(b *testing.B) { benchmarkCheck(b, benchOthers(10_000)) }
