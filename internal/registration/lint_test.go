package registration

import (
	"slices"
	"testing"
)

func TestMonopolyLint(t *testing.T) {
	tests := []struct {
		clause string
		want   []string
	}{
		// R1: restricting R&D or improvements, non-reciprocal grant-backs.
		{"被许可方不得在本技术基础上进行二次开发。", []string{"MONOPOLY_R1"}},
		{"受让方的后续改进成果归让与方独占所有。", []string{"MONOPOLY_R1"}},
		{"The Licensee shall not modify or further develop the Licensed Technology.", []string{"MONOPOLY_R1"}},
		{"Any improvements made by the Licensee shall be assigned to the Licensor free of charge.", []string{"MONOPOLY_R1"}},
		// R2–R4.
		{"被许可方不得使用竞争性技术。", []string{"MONOPOLY_R2"}},
		{"The Licensee shall not acquire similar technology from any third party.", []string{"MONOPOLY_R2"}},
		{"限制被许可方每年的产量不超过一万件。", []string{"MONOPOLY_R3"}},
		{"被许可方只能通过许可方的渠道销售产品。", []string{"MONOPOLY_R3"}},
		{"The Licensee shall not export any products made with the technology.", []string{"MONOPOLY_R3"}},
		{"受让方须接受让与方派出的技术人员并支付其报酬。", []string{"MONOPOLY_R4"}},
		{"The Licensee must purchase all raw materials from the Licensor.", []string{"MONOPOLY_R4"}},
		// R5, R6.
		{"The Licensee shall buy components only from the designated suppliers.", []string{"MONOPOLY_R5"}},
		{"被许可方不得对许可专利提出无效宣告请求。", []string{"MONOPOLY_R6"}},
		// Benign clauses that look alike.
		{"被许可方对专利技术所作的改进成果归被许可方所有。", nil},
		{"双方对各自的改进成果享有所有权，互相免费许可使用。", nil},
		{"乙方不得将研发资料透露给第三方。", nil},
		{"研究开发方不得无故拖延研发进度。", nil},
		{"The Licensee shall keep confidential and shall not disclose the improvements.", nil},
		{"合同总价不得超过100万元。", nil},
		{"许可方应当向被许可方提供技术指导服务。", nil},
	}
	for _, tt := range tests {
		got := Codes(lintClauses([]string{tt.clause}))
		if !slices.Equal(got, tt.want) {
			t.Errorf("lint(%q) = %v, want %v", tt.clause, got, tt.want)
		}
	}
}

func TestLintReportsClauseNumbers(t *testing.T) {
	fs := lintClauses([]string{"正常条款。", "被许可方不得出口产品。"})
	if len(fs) != 1 || fs[0].Field != "clauses[1]" || fs[0].Severity != Blocker || fs[0].Effect != EffectRefusal {
		t.Fatalf("findings = %+v", fs)
	}
}

func TestMonopolyLintReciprocalEnglish(t *testing.T) {
	for _, clause := range []string{
		"Each party shall license its improvements to the other party free of charge on a mutual basis.",
		"Improvements shall be cross-licensed royalty-free between the parties.",
	} {
		if got := Codes(lintClauses([]string{clause})); len(got) != 0 {
			t.Errorf("lint(%q) = %v, want none", clause, got)
		}
	}
}
