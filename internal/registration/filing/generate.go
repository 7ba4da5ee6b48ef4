package filing

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/store"
)

// GenerateOptions describe synthetic registered contracts for load tests.
type GenerateOptions struct {
	RegistryOrgID string
	// Sellers are the filing organisations with their party data; every
	// contract is filed by one of them, as its seller.
	Sellers   []GenSeller
	Contracts int
	Year      int // registration year (China time)
	BatchSize int
	Seed      uint64
	// Progress is called after each committed batch with the total so far.
	Progress func(done int)
}

// GenSeller is a platform organisation that sells in generated contracts.
type GenSeller struct {
	OrgID string
	Party registration.Party
}

// weighted is a code with its share.
type weighted struct {
	code string
	w    float64
}

// Shares roughly after the national technology-market statistics: services
// and development dominate by count, transfers and licences are few.
var (
	genTypes = []weighted{{"SRV", 52}, {"DEV", 27}, {"CON", 6}, {"TRF", 6}, {"LIC", 9}}
	// genFields are domain.TechFields codes; electronics and IT lead.
	genFields = []weighted{{"EI", 30}, {"AM", 15}, {"BIO", 10}, {"NE", 9}, {"NM", 8}, {"ENV", 7},
		{"TRN", 6}, {"URB", 6}, {"AGR", 5}, {"AS", 3}, {"NUC", 1}}
	genBuyerEntities = []weighted{{"150", 38}, {"170", 16}, {"110", 12}, {"160", 8}, {"010", 5}, {"021", 4}, {"022", 3},
		{"023", 2}, {"020", 2}, {"210", 2}, {"310", 3}, {"330", 2}, {"400", 3}}
	// Buyer provinces (2-digit GB/T 2260 with a representative district).
	genBuyerRegions = []weighted{{"440305", 12}, {"320102", 10}, {"330106", 9}, {"310104", 9}, {"370102", 7}, {"420111", 5},
		{"510107", 5}, {"610113", 4}, {"130102", 4}, {"120101", 3}, {"410105", 4}, {"430104", 4}, {"350102", 3},
		{"340104", 3}, {"500103", 2}, {"210102", 2}, {"220102", 1}, {"230102", 1}, {"360102", 2}, {"450102", 1},
		{"530102", 1}, {"620102", 1}, {"650102", 1}, {"140105", 1}, {"150102", 1}}
	// Registrations by month: few around the Spring Festival, a rush in December.
	genMonths = []float64{6, 4, 8, 8, 8, 9, 8, 8, 9, 7, 9, 16}
)

func pick(r *rand.Rand, ws []weighted) string {
	total := 0.0
	for _, w := range ws {
		total += w.w
	}
	x := r.Float64() * total
	for _, w := range ws {
		if x -= w.w; x < 0 {
			return w.code
		}
	}
	return ws[len(ws)-1].code
}

// Generate writes registered contracts in batches, each batch in one
// transaction with its registration numbers (taken from the registry's
// gap-free sequence) and its statistics groups, so the result is what the
// workflow would have stored for a registry that registered them. Each
// contract comes with its classification, technology amount and statistics
// dimensions; the findings, tax relief and history events are left out.
// Intra-province buyers are about 40%, buyers abroad about 2%.
func (s *Service) Generate(ctx context.Context, o GenerateOptions) error {
	if o.BatchSize <= 0 {
		o.BatchSize = 2000
	}
	if len(o.Sellers) == 0 || o.Contracts <= 0 {
		return fmt.Errorf("generate: need sellers and a positive number of contracts")
	}
	reg, err := loadRegistry(ctx, s.db, o.RegistryOrgID)
	if err != nil {
		return err
	}
	format, err := registration.ParseNumberFormat(reg.NumberPattern)
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(o.Seed, uint64(o.Year)))
	buyers := genBuyers(r, reg.RegionCode, 50000)
	for done := 0; done < o.Contracts; {
		n := min(o.BatchSize, o.Contracts-done)
		err := s.db.Transact(ctx, func(tx *store.Tx) error {
			first, err := reserveNumbers(ctx, tx, reg.OrgID, o.Year, n)
			if err != nil {
				return err
			}
			rows := make([]genRow, n)
			deltas := map[statsCell]statsDelta{}
			for i := range rows {
				seller := o.Sellers[r.IntN(len(o.Sellers))]
				rows[i] = genFiling(r, reg, format, o.Year, first+int64(i), seller, buyers[r.IntN(len(buyers))])
				for c, v := range contribution(rows[i].f) {
					d := deltas[c]
					deltas[c] = statsDelta{d.contracts + v.contracts, d.amount + v.amount, d.tech + v.tech}
				}
			}
			if err := insertGenerated(ctx, tx, rows); err != nil {
				return err
			}
			return addStats(ctx, tx, deltas)
		})
		if err != nil {
			return fmt.Errorf("generate batch at %d: %w", done, err)
		}
		done += n
		if o.Progress != nil {
			o.Progress(done)
		}
	}
	return nil
}

// reserveNumbers takes n consecutive sequence numbers of the registry's year.
func reserveNumbers(ctx context.Context, tx *store.Tx, registry string, year, n int) (int64, error) {
	if _, err := tx.Exec(ctx, `INSERT INTO registration_sequences (registry_org_id, year, next_seq) VALUES (?, ?, 1)
		ON CONFLICT (registry_org_id, year) DO NOTHING`, registry, year); err != nil {
		return 0, fmt.Errorf("registration sequence: %w", err)
	}
	var first int64
	err := tx.QueryRow(ctx, `UPDATE registration_sequences SET next_seq = next_seq + ? WHERE registry_org_id = ? AND year = ?
		RETURNING next_seq - ?`, n, registry, year, n).Scan(&first)
	if err != nil {
		return 0, fmt.Errorf("registration sequence: %w", err)
	}
	return first, nil
}

func genBuyers(r *rand.Rand, sellerRegion string, n int) []registration.Party {
	words := []string{"华创", "智联", "精工", "新源", "海科", "博远", "恒通", "中科", "瑞达", "天成", "鼎盛", "汇智", "凯瑞", "宏图", "信达", "卓越"}
	kinds := []string{"科技有限公司", "电子股份有限公司", "生物医药有限公司", "新材料有限公司", "智能装备有限公司", "能源科技有限公司"}
	out := make([]registration.Party, n)
	for i := range out {
		region := pick(r, genBuyerRegions)
		if r.IntN(100) < 40 {
			region = sellerRegion // intra-province
		}
		entity := pick(r, genBuyerEntities)
		p := registration.Party{Role: registration.RoleBuyer, EntityType: entity, RegionCode: region,
			Name: fmt.Sprintf("%s%s%s%d号", provinceLabel(region), words[r.IntN(len(words))], kinds[r.IntN(len(kinds))], i),
			USCC: domain.MakeUSCC('9', '1', region, fmt.Sprintf("MA%07d", i))}
		if r.IntN(100) < 2 { // abroad
			p = registration.Party{Role: registration.RoleBuyer, EntityType: "330", CountryCode: []string{"USA", "DEU", "JPN", "SGP", "HKG"}[r.IntN(5)],
				Name: fmt.Sprintf("Overseas Technology Ltd %d", i)}
		}
		out[i] = p
	}
	return out
}

type genRow struct {
	f       Filing
	summary registration.FilingSummary
}

func genFiling(r *rand.Rand, reg Registry, format *registration.NumberFormat, year int, seq int64, seller GenSeller, buyer registration.Party) genRow {
	typ := pick(r, genTypes)
	month := 0
	for x, total := r.Float64()*100, 0.0; month < 11; month++ {
		if total += genMonths[month]; x < total {
			break
		}
	}
	day := 1 + r.IntN(28)
	at := time.Date(year, time.Month(month+1), day, 9+r.IntN(8), r.IntN(60), r.IntN(60), 0, chinaZone).UTC()
	signed := at.AddDate(0, 0, -5-r.IntN(55)).In(chinaZone)
	// Log-normal amounts: median about 300,000 yuan, between 10,000 yuan and 500 million.
	amount := domain.Fen(math.Min(5e10, math.Max(1e6, 3e7*math.Exp(1.4*r.NormFloat64()))))
	amount -= amount % 100
	nonTech := domain.Fen(0)
	if r.IntN(100) < 45 {
		nonTech = amount * domain.Fen(5+r.IntN(30)) / 100
	}
	c := registration.Contract{
		Name: genName(typ), DeclaredType: typ, DeclaredSubType: genSubType(r, typ), Form: registration.FormWritten,
		Parties: []registration.Party{seller.Party, buyer}, FiledBy: registration.RoleSeller, AmountFen: amount,
		LineItems: []registration.LineItem{{Description: "技术性费用", AmountFen: amount - nonTech, Kind: registration.ItemTechnical}},
		TechField: pick(r, genFields), IPType: "none",
		SigningDate: signed.Format(time.DateOnly), ValidFrom: signed.Format(time.DateOnly),
		ValidUntil:   signed.AddDate(1+r.IntN(4), 0, 0).Format(time.DateOnly),
		Subject:      fmt.Sprintf("%s：%s第%d号项目的技术内容、范围和要求。", genName(typ), seller.Party.Name, seq),
		Deliverables: deliverablesOf(typ, ""), Payment: registration.Payment{Mode: "LUMP_SUM_INSTALMENTS"},
		Attachments: []registration.Attachment{{Kind: registration.AttachContractText}},
		Content: registration.Content{SubjectScope: true, PerformancePlan: true, Confidentiality: true, RiskAllocation: true,
			ResultsOwnership: true, AcceptanceCriteria: true, PricePayment: true, Liability: true, DisputeResolution: true},
	}
	if nonTech > 0 {
		c.LineItems = append(c.LineItems, registration.LineItem{Description: "设备材料费", AmountFen: nonTech, Kind: registration.ItemNonTechnical})
	}
	if buyer.CountryCode != "" {
		c.CrossBorder = "export"
	}
	if typ == registration.TypeTransfer || typ == registration.TypeLicence {
		c.IPType = "invention_patent"
		c.IPItems = []registration.IPItem{{Type: "invention_patent", Number: fmt.Sprintf("ZL%d1%07d.%d", year-3, seq%10000000, seq%10),
			Title: "一种" + genName(typ), Holder: seller.Party.Name, FilingDate: fmt.Sprintf("%d-03-01", year-3), Status: "granted"}}
	}
	if typ == registration.TypeLicence {
		c.Licence = &registration.Licence{Exclusivity: "ordinary", TermMonths: 60, Territory: "china"}
	}
	cl := c.Classify()
	tech := c.TechnologyAmount()
	id := domain.NewID()
	c.ID = id
	number, _ := format.Format(registration.NumberParts{Year: year, Region: reg.RegionCode, Seq: seq})
	res := &registration.Result{Classification: cl.Type, SubType: cl.SubType, TechnologyAmountFen: tech.CertifiedFen,
		Outcome: registration.OutcomeRegistrable, Findings: []registration.Finding{}, DeclaredType: typ,
		DeclaredSubType: c.DeclaredSubType, ClassificationBasis: cl.Basis, Reasons: cl.Reasons, TechnologyAmount: tech,
		TaxRelief: []registration.Benefit{}, Statistics: c.Dimensions(cl, tech), ContentHash: registration.ContentHash(&c), CheckedAt: at}
	submitted := at.AddDate(0, 0, -3)
	f := Filing{ID: id, RegistryOrgID: reg.OrgID, FilerOrgID: seller.OrgID, FilerUserID: "system:generate",
		Status: registration.StatusRegistered, Contract: c, Result: res, ContentHash: res.ContentHash, AmountFen: amount,
		TechnologyAmountFen: tech.CertifiedFen, SubmittedAt: &submitted, ClaimedBy: "system:generate",
		RegistrationNumber: number, RegisteredAt: &at, Version: 3, CreatedAt: submitted, UpdatedAt: at}
	sum := registration.Summarize(&c, f.Status)
	return genRow{f: f, summary: sum}
}

func genName(typ string) string {
	return map[string]string{"DEV": "新型控制系统技术开发合同", "TRF": "专利权转让合同", "LIC": "专利实施许可合同",
		"CON": "技术可行性论证咨询合同", "SRV": "工艺优化技术服务合同"}[typ]
}

func genSubType(r *rand.Rand, typ string) string {
	switch typ {
	case registration.TypeDevelopment:
		return []string{registration.SubDevCommissioned, registration.SubDevCommissioned, registration.SubDevCooperative}[r.IntN(3)]
	case registration.TypeTransfer:
		return registration.SubTrfPatent
	case registration.TypeLicence:
		return registration.SubLicPatent
	case registration.TypeService:
		return registration.SubSrvGeneral
	}
	return ""
}

// insertGenerated writes rows with multi-row INSERTs (500 rows, 21 values
// each, stays under SQLite's variable limit).
func insertGenerated(ctx context.Context, tx *store.Tx, rows []genRow) error {
	const per = 500
	for len(rows) > 0 {
		n := min(len(rows), per)
		args := make([]any, 0, n*21)
		for _, g := range rows[:n] {
			f := g.f
			contract, result, summary, err := encodeFiling(f, g.summary)
			if err != nil {
				return err
			}
			args = append(args, f.ID, f.RegistryOrgID, f.FilerOrgID, f.FilerUserID, f.Status, contract, result, summary,
				f.ContentHash, g.summary.SellerKey, g.summary.BuyerKey, int64(f.AmountFen), int64(f.TechnologyAmountFen),
				*f.SubmittedAt, f.ClaimedBy, f.RegistrationNumber, *f.RegisteredAt, f.Version, f.CreatedAt, f.UpdatedAt, "")
		}
		values := strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", n), ", ")
		if _, err := tx.Exec(ctx, `INSERT INTO registration_filings (id, registry_org_id, filer_org_id, filer_user_id, status,
			contract, result, summary, content_hash, seller_key, buyer_key, amount_fen, technology_amount_fen, submitted_at,
			claimed_by, registration_number, registered_at, version, created_at, updated_at, override_reason) VALUES `+values, args...); err != nil {
			return fmt.Errorf("insert generated filings: %w", err)
		}
		rows = rows[n:]
	}
	return nil
}

func provinceLabel(region string) string {
	p, _ := domain.ProvinceOf(region)
	return p.Label.Zh
}
