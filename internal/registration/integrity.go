package registration

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// Filing statuses known to the checks. The workflow (registrar queue, outcomes,
// amendments) lives elsewhere; it passes filings in with one of these.
const (
	StatusDraft               = "draft"
	StatusSubmitted           = "submitted"
	StatusCorrectionRequested = "correction_requested"
	StatusRegistered          = "registered"
	StatusRefused             = "refused"
	StatusCancelled           = "cancelled" // 注销 after amendment, termination or revocation
)

// live reports whether a filing in this status is pending or registered.
func live(status string) bool {
	return status == StatusSubmitted || status == StatusCorrectionRequested || status == StatusRegistered
}

// FilingSummary is what the integrity checks need to know about another filing.
// Store it with each filing (see Summarize) and pass the relevant ones to Check.
type FilingSummary struct {
	ID                  string     `json:"id"`
	Status              string     `json:"status"`
	ContentHash         string     `json:"content_hash"`
	SellerKey           string     `json:"seller_key"`
	BuyerKey            string     `json:"buyer_key"`
	SellerName          string     `json:"seller_name,omitempty"`
	BuyerName           string     `json:"buyer_name,omitempty"`
	Related             bool       `json:"related,omitempty"`
	Type                string     `json:"type"`
	AmountFen           domain.Fen `json:"amount_fen"`
	TechnologyAmountFen domain.Fen `json:"technology_amount_fen"`
	SigningDate         string     `json:"signing_date,omitempty"`
}

// Summarize builds the summary of a contract for storage with its filing.
func Summarize(c *Contract, status string) FilingSummary {
	cl := c.Classify()
	amount := c.TechnologyAmount()
	return summarize(c, status, cl.Type, amount.CertifiedFen)
}

func summarize(c *Contract, status, typ string, tech domain.Fen) FilingSummary {
	s := FilingSummary{ID: c.ID, Status: status, ContentHash: ContentHash(c), Type: typ,
		AmountFen: c.AmountFen, TechnologyAmountFen: tech, SigningDate: c.SigningDate}
	if p := c.firstParty(RoleSeller); p != nil {
		s.SellerKey, s.SellerName = p.key(), p.Name
	}
	if p := c.firstParty(RoleBuyer); p != nil {
		s.BuyerKey, s.BuyerName = p.key(), p.Name
	}
	for _, p := range c.Parties {
		s.Related = s.Related || p.RelatedParty || p.RelatedHoldingPct > 0
	}
	return s
}

// ContentHash identifies a contract by its normalised content: the parties,
// amount, signing date, subject, clauses, line items and IP numbers. The name,
// declared type, attachments and filer are left out, so a contract re-filed
// under another name or by another party still matches.
func ContentHash(c *Contract) string {
	var b strings.Builder
	b.WriteString("techmarket-contract-v1\n")
	parties := make([]string, 0, len(c.Parties))
	for _, p := range c.Parties {
		parties = append(parties, p.Role+"|"+p.key())
	}
	sort.Strings(parties)
	b.WriteString(strings.Join(parties, ";"))
	fmt.Fprintf(&b, "\n%d\n%s\n%s\n", c.AmountFen, c.SigningDate, normaliseText(c.Subject))
	for _, cl := range c.Clauses {
		b.WriteString(normaliseText(cl))
		b.WriteByte('\n')
	}
	for _, it := range c.LineItems {
		fmt.Fprintf(&b, "%s|%d|%d|%s\n", it.Kind, it.AmountFen, it.Quantity, normaliseText(it.Description))
	}
	ips := make([]string, 0, len(c.IPItems))
	for _, ip := range c.IPItems {
		ips = append(ips, ip.Type+"|"+strings.ToUpper(strings.ReplaceAll(ip.Number, " ", "")))
	}
	sort.Strings(ips)
	b.WriteString(strings.Join(ips, ";"))
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// IntegrityOptions tune the integrity signals; zero values take the defaults.
type IntegrityOptions struct {
	// SplitThresholdsFen are amounts a split would stay under: by default the
	// RMB 5M expert-review limit of the 2024 draft and Tianjin's RMB 10M.
	SplitThresholdsFen []domain.Fen `json:"split_thresholds_fen,omitempty"`
	// SplitMarginPct: "just under" means within this percentage below (10).
	SplitMarginPct int `json:"split_margin_pct,omitempty"`
	// SplitWindowDays: contracts signed within this many days form a group (90).
	SplitWindowDays int `json:"split_window_days,omitempty"`
	// MaxCycleLength: longest circle of contracts looked for (4).
	MaxCycleLength int `json:"max_cycle_length,omitempty"`
	// MinPeers: how many filings of the same type are needed before a ratio is
	// compared with them (20).
	MinPeers int `json:"min_peers,omitempty"`
}

func (o IntegrityOptions) withDefaults() IntegrityOptions {
	if len(o.SplitThresholdsFen) == 0 {
		o.SplitThresholdsFen = []domain.Fen{fiveMillionYuan, 2 * fiveMillionYuan}
	}
	if o.SplitMarginPct <= 0 {
		o.SplitMarginPct = 10
	}
	if o.SplitWindowDays <= 0 {
		o.SplitWindowDays = 90
	}
	if o.MaxCycleLength <= 1 {
		o.MaxCycleLength = 4
	}
	if o.MinPeers <= 0 {
		o.MinPeers = 20
	}
	return o
}

// maxSameContractFindings bounds the findings one duplicate-heavy filing can produce.
const maxSameContractFindings = 5

// integritySignals compares a filing with others. Only DUPLICATE_REGISTRATION
// blocks (a contract is registered once); everything else is a signal for the
// registrar, never a refusal.
func integritySignals(self FilingSummary, amount AmountBreakdown, others []FilingSummary, opts IntegrityOptions) []Finding {
	opts = opts.withDefaults()
	var fs []Finding
	fs = append(fs, sameContract(self, others)...)
	if f, ok := circular(self, others, opts.MaxCycleLength); ok {
		fs = append(fs, f)
	}
	if f, ok := splitBelowThreshold(self, others, opts); ok {
		fs = append(fs, f)
	}
	fs = append(fs, ratioSignals(self, amount, others, opts.MinPeers)...)
	return fs
}

func isSelf(self, other FilingSummary) bool { return self.ID != "" && self.ID == other.ID }

func sameContract(self FilingSummary, others []FilingSummary) []Finding {
	var fs []Finding
	n := 0
	for _, o := range others {
		if isSelf(self, o) || o.ContentHash != self.ContentHash || !live(o.Status) {
			continue
		}
		if n++; n > maxSameContractFindings {
			break
		}
		if o.Status == StatusRegistered {
			fs = append(fs, newFinding("DUPLICATE_REGISTRATION", "", o.ID))
		} else {
			fs = append(fs, newFinding("INTEGRITY_SAME_CONTRACT", "", o.ID, o.Status))
		}
	}
	return fs
}

// circular looks for a chain of live filings leading from this contract's
// buyer back to its seller (A→B, B→…→A). It is a warning when any contract in
// the circle involves related parties, else information.
func circular(self FilingSummary, others []FilingSummary, maxLen int) (Finding, bool) {
	if self.SellerKey == "" || self.BuyerKey == "" || self.SellerKey == self.BuyerKey {
		return Finding{}, false
	}
	// Index the live filings by seller, as positions in others to keep it light.
	bySeller := map[string][]int32{}
	for i, o := range others {
		if o.SellerKey != "" && o.BuyerKey != "" && live(o.Status) && !isSelf(self, o) {
			bySeller[o.SellerKey] = append(bySeller[o.SellerKey], int32(i))
		}
	}
	type step struct {
		key  string
		path []int32
	}
	queue := []step{{key: self.BuyerKey}}
	visited := map[string]bool{self.BuyerKey: true}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if len(s.path)+1 >= maxLen {
			continue
		}
		for _, i := range bySeller[s.key] {
			o := others[i]
			path := append(append([]int32(nil), s.path...), i)
			if o.BuyerKey == self.SellerKey {
				chain := make([]FilingSummary, len(path))
				for k, j := range path {
					chain[k] = others[j]
				}
				return circleFinding(self, chain), true
			}
			if !visited[o.BuyerKey] {
				visited[o.BuyerKey] = true
				queue = append(queue, step{key: o.BuyerKey, path: path})
			}
		}
	}
	return Finding{}, false
}

func circleFinding(self FilingSummary, path []FilingSummary) Finding {
	names := []string{partyLabel(self.SellerName, self.SellerKey), partyLabel(self.BuyerName, self.BuyerKey)}
	related := self.Related
	ids := make([]string, 0, len(path))
	for _, o := range path {
		names = append(names, partyLabel(o.BuyerName, o.BuyerKey))
		related = related || o.Related
		ids = append(ids, o.ID)
	}
	chain := strings.Join(names, " → ") + " (filings " + strings.Join(ids, ", ") + ")"
	f := newFinding("INTEGRITY_CIRCULAR", "parties", chain)
	if !related {
		f = f.withSeverity(Info, EffectNone)
	}
	return f
}

func partyLabel(name, key string) string {
	if name != "" {
		return name
	}
	return key
}

// splitBelowThreshold finds contracts between the same seller and buyer, signed
// within the window, each just under a threshold and together at or above it.
func splitBelowThreshold(self FilingSummary, others []FilingSummary, opts IntegrityOptions) (Finding, bool) {
	signed, ok := parseDate(self.SigningDate)
	if !ok || self.SellerKey == "" || self.BuyerKey == "" {
		return Finding{}, false
	}
	window := time.Duration(opts.SplitWindowDays) * 24 * time.Hour
	for _, threshold := range opts.SplitThresholdsFen {
		floor := threshold - threshold*domain.Fen(opts.SplitMarginPct)/100
		justUnder := func(a domain.Fen) bool { return a >= floor && a < threshold }
		if !justUnder(self.TechnologyAmountFen) {
			continue
		}
		count, total := 1, self.TechnologyAmountFen
		for _, o := range others {
			if o.SellerKey != self.SellerKey || o.BuyerKey != self.BuyerKey || isSelf(self, o) || !live(o.Status) ||
				!justUnder(o.TechnologyAmountFen) || o.ContentHash == self.ContentHash {
				continue
			}
			if d, ok := parseDate(o.SigningDate); !ok || absDuration(d.Sub(signed)) > window {
				continue
			}
			count++
			total += o.TechnologyAmountFen
		}
		if count >= 2 && total >= threshold {
			return newFinding("INTEGRITY_SPLIT_BELOW_THRESHOLD", "amount_fen", count, opts.SplitWindowDays, threshold.Yuan(), total.Yuan()), true
		}
	}
	return Finding{}, false
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// Ratio limits, in basis points of the contract amount or technology amount.
const (
	lowTechShareBP   = 2000 // technology below 20% of the contract: a sale in disguise?
	highCarrierBP    = 5000 // carriers above 50% of the technology amount: inflated?
	peerPercentileLo = 5
	peerPercentileHi = 95
)

func ratioSignals(self FilingSummary, amount AmountBreakdown, others []FilingSummary, minPeers int) []Finding {
	if amount.ContractAmountFen <= 0 || amount.CertifiedFen <= 0 {
		return nil
	}
	var fs []Finding
	share := basisPoints(amount.CertifiedFen, amount.ContractAmountFen)
	if share < lowTechShareBP {
		fs = append(fs, newFinding("INTEGRITY_TECH_RATIO", "line_items",
			fmt.Sprintf("only %s of the contract amount is technology; check that the contract is not mainly a sale of goods", percent(share)),
			fmt.Sprintf("技术交易额仅占合同成交额的 %s，请核实是否主要为货物买卖", percent(share))))
	}
	if carrier := basisPoints(amount.CarrierCountedFen, amount.CertifiedFen); carrier > highCarrierBP {
		fs = append(fs, newFinding("INTEGRITY_TECH_RATIO", "line_items",
			fmt.Sprintf("carriers counted as technology make up %s of the technology amount; check the reasonable quantities", percent(carrier)),
			fmt.Sprintf("计入技术交易额的载体费用占 %s，请核实载体合理数量", percent(carrier))))
	}
	var peers []int64
	for _, o := range others {
		if !isSelf(self, o) && o.Status == StatusRegistered && o.Type == self.Type && o.AmountFen > 0 {
			peers = append(peers, basisPoints(o.TechnologyAmountFen, o.AmountFen))
		}
	}
	if len(peers) >= minPeers {
		sort.Slice(peers, func(i, j int) bool { return peers[i] < peers[j] })
		lo := peers[len(peers)*peerPercentileLo/100]
		hi := peers[min(len(peers)*peerPercentileHi/100, len(peers)-1)]
		if share < lo || share > hi {
			f := newFinding("INTEGRITY_TECH_RATIO", "line_items",
				fmt.Sprintf("the technology share %s lies outside the usual range %s–%s of %d registered %s contracts", percent(share), percent(lo), percent(hi), len(peers), self.Type),
				fmt.Sprintf("技术交易额占比 %s 超出 %d 份已登记同类合同的常见区间 %s–%s", percent(share), len(peers), percent(lo), percent(hi)))
			fs = append(fs, f.withSeverity(Info, EffectNone))
		}
	}
	return fs
}

// basisPoints returns part/whole in 1/10000, exactly and without overflow.
func basisPoints(part, whole domain.Fen) int64 {
	if whole <= 0 {
		return 0
	}
	n := new(big.Int).Mul(big.NewInt(int64(part)), big.NewInt(10000))
	return n.Quo(n, big.NewInt(int64(whole))).Int64()
}

func percent(bp int64) string {
	return strconv.FormatInt(bp/100, 10) + "." + fmt.Sprintf("%02d", bp%100) + "%"
}

// FilingInput is another filing given in full, as the CLI's --others file and
// API callers may give it; DecodeFilings summarises it.
type FilingInput struct {
	ID       string   `json:"id"`
	Status   string   `json:"status"`
	Contract Contract `json:"contract"`
}

// DecodeFilings reads a JSON array whose elements are either FilingSummary
// objects (as stored by the workflow) or FilingInput objects with a whole
// contract, and returns their summaries.
func DecodeFilings(r io.Reader) ([]FilingSummary, error) {
	const op = "registration.DecodeFilings"
	var raw []json.RawMessage
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return nil, decodeError(op, err)
	}
	out := make([]FilingSummary, 0, len(raw))
	for i, item := range raw {
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(item, &probe); err != nil {
			return nil, apperr.Fields(op, apperr.Field(fmt.Sprintf("[%d]", i), "wrong_type", "must be an object", "应为对象"))
		}
		dec := json.NewDecoder(bytes.NewReader(item))
		dec.DisallowUnknownFields()
		if _, whole := probe["contract"]; whole {
			var in FilingInput
			if err := dec.Decode(&in); err != nil {
				return nil, fmt.Errorf("filing %d: %w", i, decodeError(op, err))
			}
			if err := in.Contract.Validate(); err != nil {
				return nil, fmt.Errorf("filing %d: %w", i, err)
			}
			in.Contract.ID = in.ID
			out = append(out, Summarize(&in.Contract, in.Status))
			continue
		}
		var s FilingSummary
		if err := dec.Decode(&s); err != nil {
			return nil, fmt.Errorf("filing %d: %w", i, decodeError(op, err))
		}
		out = append(out, s)
	}
	return out, nil
}
