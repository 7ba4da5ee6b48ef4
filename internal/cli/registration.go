package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
)

func init() {
	addCommand(func(root *cobra.Command) {
		reg := &cobra.Command{Use: "registration", Short: "Technology-contract registration (技术合同认定登记) tools"}
		reg.AddCommand(newRegistrationCheckCmd())
		reg.AddCommand(registrationClientCmds()...)                                   // client_registration.go
		reg.AddCommand(newRegistrationGenerateCmd(), newRegistrationVerifyStatsCmd()) // registration_generate.go
		root.AddCommand(reg)
	})
}

// exitInvalidInput is the exit code for input that cannot be checked.
const exitInvalidInput = 2

type registrationCheckFlags struct {
	asJSON         bool
	now            string
	submittedAt    string
	registryRegion string
	deadlineRule   string
	othersFile     string
	overrideFen    int64
	overrideReason string
	taxDate        string
}

func newRegistrationCheckCmd() *cobra.Command {
	var f registrationCheckFlags
	cmd := &cobra.Command{
		Use:   "check FILE.json",
		Short: "Check a technology contract for registration, offline",
		Long: `Reads one contract in the REST API's JSON form (see docs/registration.md; "-" reads stdin)
and prints its suggested classification, the technology-transaction amount and every finding
with the rule behind it, the outcome (registrable, needs_correction, not_registrable), the
registrar's deadline and tax-relief eligibility.

With --json it prints one object with the same shape as POST /api/v1/registration/check:
classification, sub_type, technology_amount_fen, outcome, findings [{code, severity, effect,
rule, message, message_zh, field}] and the details (reasons, technology_amount, deadline,
tax_relief, statistics, content_hash).

Exit status: 0 when the contract was checked, whatever the outcome; 2 when the input is not
valid JSON or has invalid fields (each field is named).`,
		Example: `  techmarket registration check contract.json
  techmarket registration check contract.json --json --now 2026-03-01
  techmarket registration check contract.json --submitted-at 2026-09-28 --deadline-rule measures-2000`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRegistrationCheck(cmd.OutOrStdout(), args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.asJSON, "json", false, "print one JSON object (the API's response shape)")
	fl.StringVar(&f.now, "now", "", "check as of this date or time (YYYY-MM-DD or RFC 3339; default: now)")
	fl.StringVar(&f.submittedAt, "submitted-at", "", "submission date or time, for the registrar's deadline")
	fl.StringVar(&f.registryRegion, "registry-region", "", "6-digit region code of the registry, for the locality check")
	fl.StringVar(&f.deadlineRule, "deadline-rule", registration.DefaultDeadlineRuleName,
		"time-limit preset: "+strings.Join(registration.DeadlinePresetNames(), ", "))
	fl.StringVar(&f.othersFile, "others", "", `JSON array of other filings for duplicate and integrity checks: {"id","status","contract"} or stored summaries`)
	fl.Int64Var(&f.overrideFen, "override-fen", -1, "registrar's certified technology amount in fen (needs --override-reason)")
	fl.StringVar(&f.overrideReason, "override-reason", "", "reason for --override-fen")
	fl.StringVar(&f.taxDate, "tax-date", "", "date to look tax policies up on (default: the check date)")
	return cmd
}

func runRegistrationCheck(out io.Writer, path string, f registrationCheckFlags) error {
	res, err := checkContractFile(path, f)
	if err != nil {
		if f.asJSON {
			_ = writeJSON(out, map[string]any{"error": errorBody(err)})
		}
		return &exitError{code: exitInvalidInput, err: describeInputError(err)}
	}
	if f.asJSON {
		return writeJSON(out, res)
	}
	printCheckResult(out, res)
	return nil
}

func checkContractFile(path string, f registrationCheckFlags) (registration.Result, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		file, err := os.Open(path)
		if err != nil {
			return registration.Result{}, fmt.Errorf("open contract: %w", err)
		}
		defer file.Close()
		r = file
	}
	contract, err := registration.DecodeContract(r)
	if err != nil {
		return registration.Result{}, err
	}
	ctx, err := checkContextFromFlags(f)
	if err != nil {
		return registration.Result{}, err
	}
	return registration.Check(contract, ctx)
}

func checkContextFromFlags(f registrationCheckFlags) (registration.CheckContext, error) {
	var ctx registration.CheckContext
	var fl apperr.FieldList
	parse := func(flag, value string, dst *time.Time) {
		if value == "" {
			return
		}
		t, err := parseDateOrTime(value)
		if err != nil {
			fl.Add("--"+flag, "invalid", "must be YYYY-MM-DD or an RFC 3339 time", "应为 YYYY-MM-DD 或 RFC 3339 时间")
			return
		}
		*dst = t
	}
	parse("now", f.now, &ctx.Now)
	parse("submitted-at", f.submittedAt, &ctx.SubmittedAt)
	parse("tax-date", f.taxDate, &ctx.TaxDate)
	if f.registryRegion != "" {
		if err := domain.ValidateRegion(f.registryRegion); err != nil {
			fl.Add("--registry-region", "invalid", "not a GB/T 2260 region code: "+err.Error(), "行政区划代码无效")
		}
		ctx.RegistryRegion = f.registryRegion
	}
	rules, ok := registration.DeadlinePresets[f.deadlineRule]
	if !ok {
		fl.Add("--deadline-rule", "unknown_code", "must be one of: "+strings.Join(registration.DeadlinePresetNames(), ", "), "未知的时限规则")
	}
	ctx.Deadline = &rules
	if f.overrideFen >= 0 || f.overrideReason != "" {
		ctx.Override = &registration.Override{AmountFen: domain.Fen(f.overrideFen), Reason: f.overrideReason, By: "cli"}
		if f.overrideFen < 0 {
			fl.Add("--override-fen", "required", "--override-reason needs --override-fen", "须同时给出 --override-fen")
		}
	}
	if f.othersFile != "" {
		others, err := readOthers(f.othersFile)
		if err != nil {
			fl.Add("--others", "invalid", err.Error(), "无法读取其他登记申请："+err.Error())
		}
		ctx.Others = others
	}
	return ctx, fl.Err("cli.registration.check")
}

func parseDateOrTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		// A bare date means that day in China: noon China time is safely inside it.
		return t.Add(4 * time.Hour), nil
	}
	return time.Parse(time.RFC3339, s)
}

func readOthers(path string) ([]registration.FilingSummary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	others, err := registration.DecodeFilings(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", path, describeInputError(err))
	}
	return others, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// errorBody is the JSON error shape: kind, message and the fields at fault.
func errorBody(err error) map[string]any {
	body := map[string]any{"kind": apperr.KindOf(err).String(), "message": apperr.SafeMessage(err)}
	if apperr.KindOf(err) == apperr.Internal {
		// Not an apperr: a file that cannot be opened, for example; its text is safe here.
		body["kind"], body["message"] = "invalid", err.Error()
	}
	if fields := apperr.FieldsOf(err); len(fields) > 0 {
		body["fields"] = fields
	}
	return body
}

// describeInputError lists every field at fault in one message for stderr.
func describeInputError(err error) error {
	fields := apperr.FieldsOf(err)
	if len(fields) == 0 {
		var e *apperr.Error
		if errors.As(err, &e) && e.Msg != "" {
			return errors.New("invalid input: " + e.Msg)
		}
		return fmt.Errorf("invalid input: %w", err)
	}
	var b strings.Builder
	b.WriteString("invalid input:")
	for _, f := range fields {
		fmt.Fprintf(&b, "\n  %s: %s", f.Field, f.Message)
	}
	return errors.New(b.String())
}

func printCheckResult(w io.Writer, r registration.Result) {
	typeLabel := registration.ContractTypes.Label(r.Classification)
	sub := r.SubType
	if sub == "" {
		sub = "-"
	}
	fmt.Fprintf(w, "Classification:    %s / %s (%s %s), basis %s\n", r.Classification, sub, typeLabel.Zh, typeLabel.En, r.ClassificationBasis)
	declared := r.DeclaredType
	if r.DeclaredSubType != "" {
		declared += " / " + r.DeclaredSubType
	}
	fmt.Fprintf(w, "Declared:          %s\n", declared)
	a := r.TechnologyAmount
	fmt.Fprintf(w, "Technology amount: %s yuan (%d fen) of contract amount %s yuan", r.TechnologyAmountFen.Yuan(), r.TechnologyAmountFen, a.ContractAmountFen.Yuan())
	if a.Method == registration.MethodLineItems {
		fmt.Fprintf(w, "; non-technical %s, carriers deducted %s", a.NonTechnicalFen.Yuan(), a.CarrierDeductedFen.Yuan())
	}
	if a.Override != nil {
		fmt.Fprintf(w, "; registrar override (computed %s)", a.ComputedFen.Yuan())
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Outcome:           %s\n", r.Outcome)
	if r.Deadline != nil {
		fmt.Fprintf(w, "Decision due:      %s (%d %s, %s)\n", r.Deadline.Due, r.Deadline.Days, r.Deadline.Unit, r.Deadline.Rule)
	}
	fmt.Fprintf(w, "\nFindings (%d):\n", len(r.Findings))
	for _, f := range r.Findings {
		field := ""
		if f.Field != "" {
			field = "  [" + f.Field + "]"
		}
		fmt.Fprintf(w, "  %-7s %s%s\n          %s\n          %s\n          rule: %s\n", f.Severity, f.Code, field, f.Message, f.MessageZh, f.Rule)
	}
	fmt.Fprintln(w, "\nTax relief:")
	for _, b := range r.TaxRelief {
		status := "not eligible"
		switch {
		case b.Eligible:
			status = "eligible"
		case b.Uncertain:
			status = "uncertain"
		}
		fmt.Fprintf(w, "  %-22s %-12s %s\n          %s\n", b.Benefit, status, b.DecidingRule, b.Reason)
	}
}
