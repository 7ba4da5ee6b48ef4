package registration

import (
	"fmt"
	"sort"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/workcal"
)

// Units of a time limit.
const (
	UnitWorkingDays  = "working_days"
	UnitCalendarDays = "calendar_days"
)

// DeadlineRules is one registry's time limit for deciding a filing (§1.8).
// Registries differ, so this is local configuration, not a constant.
type DeadlineRules struct {
	Name   string `json:"name"`
	Source string `json:"source"`
	Unit   string `json:"unit"` // working_days | calendar_days
	Days   int    `json:"days"`
	// ExtendedDays applies when the technology amount is at least
	// ExtendedFromFen (0: no extension by amount) or, if ExtendWhenDisputed, when
	// the contract is disputed.
	ExtendedDays       int        `json:"extended_days,omitempty"`
	ExtendedFromFen    domain.Fen `json:"extended_from_fen,omitempty"`
	ExtendWhenDisputed bool       `json:"extend_when_disputed,omitempty"`
	// Calendar counts working days; nil means workcal.Default().
	Calendar *workcal.Calendar `json:"-"`
}

// fiveMillionYuan is RMB 5,000,000 in fen.
const fiveMillionYuan domain.Fen = 5_000_000_00

// DeadlinePresets are the time limits found in the sources (§1.8).
var DeadlinePresets = map[string]DeadlineRules{
	"miit-2024-draft": {Name: "miit-2024-draft", Source: "技术合同认定登记管理办法（征求意见稿）MIIT 2024-12-18 [V, draft]",
		Unit: UnitWorkingDays, Days: 15, ExtendedDays: 30, ExtendedFromFen: fiveMillionYuan, ExtendWhenDisputed: true},
	"measures-2000": {Name: "measures-2000", Source: "技术合同认定登记管理办法 (国科发政字〔2000〕063号) [V]",
		Unit: UnitCalendarDays, Days: 30},
	"beijing":  {Name: "beijing", Source: "北京市技术市场条例 [L]", Unit: UnitCalendarDays, Days: 30},
	"zhejiang": {Name: "zhejiang", Source: "浙江省技术市场条例 (2021-09-30) [L]", Unit: UnitCalendarDays, Days: 10},
	// Tianjin reviews contracts above RMB 10M with experts; the source gives no
	// longer limit for them, so none is configured.
	"tianjin": {Name: "tianjin", Source: "天津 10 个工作日，1000 万元以上专家评审 [V]", Unit: UnitWorkingDays, Days: 10},
}

// DefaultDeadlineRuleName is the preset used when a registry configures none.
const DefaultDeadlineRuleName = "miit-2024-draft"

// DeadlinePresetNames lists the preset names in order.
func DeadlinePresetNames() []string {
	names := make([]string, 0, len(DeadlinePresets))
	for n := range DeadlinePresets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Validate checks a registry's configuration.
func (r DeadlineRules) Validate() error {
	var fl apperr.FieldList
	if r.Unit != UnitWorkingDays && r.Unit != UnitCalendarDays {
		fl.Add("unit", "unknown_code", "must be working_days or calendar_days", "应为 working_days 或 calendar_days")
	}
	if r.Days <= 0 || r.Days > 366 {
		fl.Add("days", "out_of_range", "must be between 1 and 366", "应在 1 到 366 之间")
	}
	if r.ExtendedDays < 0 || r.ExtendedDays > 366 {
		fl.Add("extended_days", "out_of_range", "must be between 0 and 366", "应在 0 到 366 之间")
	}
	if r.ExtendedFromFen < 0 {
		fl.Add("extended_from_fen", "negative", "must not be negative", "不能为负数")
	}
	if (r.ExtendedFromFen > 0 || r.ExtendWhenDisputed) && r.ExtendedDays == 0 {
		fl.Add("extended_days", "required", "an extension condition needs extended_days", "设置延长条件时须填写延长天数")
	}
	return fl.Err("registration.DeadlineRules")
}

// DeadlineResult is when the registrar's decision is due.
type DeadlineResult struct {
	Rule     string    `json:"rule"`
	Source   string    `json:"source"`
	Start    string    `json:"start"` // the date in China the clock starts from
	Due      string    `json:"due"`   // the last day for the decision
	DueDate  time.Time `json:"-"`
	Days     int       `json:"days"`
	Unit     string    `json:"unit"`
	Extended bool      `json:"extended"`
	// Estimated is true when the filing is not submitted yet and the deadline
	// is computed as if it were submitted on the check date.
	Estimated bool `json:"estimated"`
	// Covered is false when the Monday–Friday fallback was used (no holiday
	// data for part of the period); Provisional when unpublished data was used.
	workcal.Coverage
}

// Deadline computes when the registrar's decision is due for a filing submitted
// (or, after a correction, resubmitted: the clock restarts) at submittedAt, for
// a technology amount. Working days skip public holidays and count make-up
// days; a calendar-day period does not count the day of submission and ends on
// the next working day when it falls on a rest day (Civil Code 201, 203).
func Deadline(rules DeadlineRules, submittedAt time.Time, amount domain.Fen, disputed bool) (DeadlineResult, error) {
	if err := rules.Validate(); err != nil {
		return DeadlineResult{}, err
	}
	cal := rules.Calendar
	if cal == nil {
		cal = workcal.Default()
	}
	start := workcal.ChinaDate(submittedAt)
	days, extended := rules.Days, false
	if rules.ExtendedDays > 0 && ((rules.ExtendedFromFen > 0 && amount >= rules.ExtendedFromFen) || (rules.ExtendWhenDisputed && disputed)) {
		days, extended = rules.ExtendedDays, true
	}
	var due time.Time
	var cov workcal.Coverage
	if rules.Unit == UnitWorkingDays {
		due, cov = cal.AddWorkdays(start, days)
	} else {
		due, cov = cal.CalendarDeadline(start, days)
	}
	return DeadlineResult{
		Rule: rules.Name, Source: rules.Source, Start: start.Format(time.DateOnly),
		Due: due.Format(time.DateOnly), DueDate: due, Days: days, Unit: rules.Unit,
		Extended: extended, Coverage: cov,
	}, nil
}

// Describe says the limit in words, e.g. "15 working days, miit-2024-draft".
func (d DeadlineResult) Describe() (en, zh string) {
	unitEn, unitZh := "working days", "个工作日"
	if d.Unit == UnitCalendarDays {
		unitEn, unitZh = "days", "日"
	}
	en = fmt.Sprintf("%d %s, %s", d.Days, unitEn, d.Rule)
	zh = fmt.Sprintf("%d%s，%s", d.Days, unitZh, d.Rule)
	if d.Extended {
		en += ", extended for a large amount or a dispute"
		zh += "，因金额较大或存在争议而延长"
	}
	return en, zh
}

// Overdue reports whether the decision is overdue on the China date of now.
func (d DeadlineResult) Overdue(now time.Time) bool {
	return workcal.ChinaDate(now).After(d.DueDate)
}
