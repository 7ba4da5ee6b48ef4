package client

import "time"

// Response types of the settlement ledger API (client/ledger.go). Amounts are
// in fen; field meanings are documented in the OpenAPI document and
// docs/ledger.md.

// LedgerAccountBalance mirrors the API schema of the same name (see the OpenAPI document).
type LedgerAccountBalance struct {
	Account    string `json:"account"`
	BalanceFen int64  `json:"balance_fen"`
}

// LedgerAccountList mirrors the API schema of the same name (see the OpenAPI document).
type LedgerAccountList struct {
	Items []LedgerAccountBalance `json:"items"`
	OrgID string                 `json:"org_id"`
}

// LedgerAgreement mirrors the API schema of the same name (see the OpenAPI document).
type LedgerAgreement struct {
	ClawbackRefundedFen int64             `json:"clawback_refunded_fen"`
	CreatedAt           time.Time         `json:"created_at"`
	EscrowFen           int64             `json:"escrow_fen"`
	EscrowRefundedFen   int64             `json:"escrow_refunded_fen"`
	HeldFen             int64             `json:"held_fen"`
	Milestones          []LedgerMilestone `json:"milestones"`
	PriceFen            int64             `json:"price_fen"`
	ReleasedFen         int64             `json:"released_fen"`
	Terms               LedgerTerms       `json:"terms"`
}

// LedgerBankLine mirrors the API schema of the same name (see the OpenAPI document).
type LedgerBankLine struct {
	AmountFen    int64  `json:"amount_fen"`
	BankRef      string `json:"bank_ref"`
	Counterparty string `json:"counterparty"`
	Direction    string `json:"direction"`
	LineNo       int64  `json:"line_no"`
	Memo         string `json:"memo"`
	ValueDate    string `json:"value_date"`
}

// LedgerBrokerShare mirrors the API schema of the same name (see the OpenAPI document).
type LedgerBrokerShare struct {
	CommissionBps int64  `json:"commission_bps"`
	OrgID         string `json:"org_id"`
}

// LedgerContractList mirrors the API schema of the same name (see the OpenAPI document).
type LedgerContractList struct {
	Items []LedgerContractSummary `json:"items"`
	OrgID string                  `json:"org_id"`
}

// LedgerContractSummary mirrors the API schema of the same name (see the OpenAPI document).
type LedgerContractSummary struct {
	BuyerOrg    string    `json:"buyer_org"`
	ContractID  string    `json:"contract_id"`
	CreatedAt   time.Time `json:"created_at"`
	HeldFen     int64     `json:"held_fen"`
	PriceFen    int64     `json:"price_fen"`
	RefundedFen int64     `json:"refunded_fen"`
	ReleasedFen int64     `json:"released_fen"`
	Role        string    `json:"role"`
	SellerOrg   string    `json:"seller_org"`
}

// LedgerMatch mirrors the API schema of the same name (see the OpenAPI document).
type LedgerMatch struct {
	By       string         `json:"by"`
	Line     LedgerBankLine `json:"line"`
	Movement LedgerMovement `json:"movement"`
}

// LedgerMilestone mirrors the API schema of the same name (see the OpenAPI document).
type LedgerMilestone struct {
	AmountFen   int64      `json:"amount_fen"`
	DeemedAt    *time.Time `json:"deemed_at,omitempty"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	RefundedFen int64      `json:"refunded_fen"`
	ReleaseTx   string     `json:"release_tx"`
	ReleasedFen int64      `json:"released_fen"`
	Seq         int64      `json:"seq"`
	Status      string     `json:"status"`
	Title       string     `json:"title"`
}

// LedgerMilestoneInput mirrors the API schema of the same name (see the OpenAPI document).
type LedgerMilestoneInput struct {
	AmountFen int64  `json:"amount_fen"`
	Title     string `json:"title"`
}

// LedgerMismatch mirrors the API schema of the same name (see the OpenAPI document).
type LedgerMismatch struct {
	Line     LedgerBankLine `json:"line"`
	Movement LedgerMovement `json:"movement"`
	Problem  string         `json:"problem"`
}

// LedgerMovement mirrors the API schema of the same name (see the OpenAPI document).
type LedgerMovement struct {
	AmountFen  int64     `json:"amount_fen"`
	BankRef    string    `json:"bank_ref"`
	Direction  string    `json:"direction"`
	Kind       string    `json:"kind"`
	RecordedAt time.Time `json:"recorded_at"`
	TxID       string    `json:"tx_id"`
}

// LedgerPending mirrors the API schema of the same name (see the OpenAPI document).
type LedgerPending struct {
	Actions       []LedgerPendingAction `json:"actions"`
	OrgID         string                `json:"org_id"`
	UnmatchedBank []LedgerUnmatchedLine `json:"unmatched_bank"`
}

// LedgerPendingAction mirrors the API schema of the same name (see the OpenAPI document).
type LedgerPendingAction struct {
	AmountFen    int64      `json:"amount_fen"`
	ContractID   string     `json:"contract_id"`
	Due          *time.Time `json:"due,omitempty"`
	InvoiceID    string     `json:"invoice_id"`
	Kind         string     `json:"kind"`
	MilestoneSeq int64      `json:"milestone_seq"`
	Note         string     `json:"note"`
	Period       string     `json:"period"`
	Role         string     `json:"role"`
}

// LedgerPosting mirrors the API schema of the same name (see the OpenAPI document).
type LedgerPosting struct {
	AmountFen   int64  `json:"amount_fen"`
	Currency    string `json:"currency"`
	Destination string `json:"destination"`
	Source      string `json:"source"`
}

// LedgerReconcileReport mirrors the API schema of the same name (see the OpenAPI document).
type LedgerReconcileReport struct {
	FileSHA256      string           `json:"file_sha256"`
	Lines           int64            `json:"lines"`
	Matched         []LedgerMatch    `json:"matched"`
	Mismatches      []LedgerMismatch `json:"mismatches"`
	Name            string           `json:"name"`
	Replayed        bool             `json:"replayed"`
	StatementID     string           `json:"statement_id"`
	Through         string           `json:"through"`
	UnmatchedBank   []LedgerBankLine `json:"unmatched_bank"`
	UnmatchedLedger []LedgerMovement `json:"unmatched_ledger"`
}

// LedgerRoyaltyInvoice mirrors the API schema of the same name (see the OpenAPI document).
type LedgerRoyaltyInvoice struct {
	AmountFen   int64      `json:"amount_fen"`
	BaseFen     int64      `json:"base_fen"`
	ContractID  string     `json:"contract_id"`
	DueDate     string     `json:"due_date"`
	ID          string     `json:"id"`
	IssuedAt    time.Time  `json:"issued_at"`
	IssuedTx    string     `json:"issued_tx"`
	Kind        string     `json:"kind"`
	LicenceYear int64      `json:"licence_year"`
	PaidAt      *time.Time `json:"paid_at,omitempty"`
	PaidTx      string     `json:"paid_tx"`
}

// LedgerRoyaltyReportResult mirrors the API schema of the same name (see the OpenAPI document).
type LedgerRoyaltyReportResult struct {
	Invoices    []LedgerRoyaltyInvoice `json:"invoices"`
	Transaction LedgerTransaction      `json:"transaction"`
}

// LedgerRoyaltyTerms mirrors the API schema of the same name (see the OpenAPI document).
type LedgerRoyaltyTerms struct {
	EntryFeeFen      int64               `json:"entry_fee_fen"`
	FreeMonths       int64               `json:"free_months"`
	MinimumAnnualFen int64               `json:"minimum_annual_fen"`
	PaymentDays      int64               `json:"payment_days"`
	StartDate        string              `json:"start_date"`
	Tiers            []LedgerRoyaltyTier `json:"tiers"`
}

// LedgerRoyaltyTier mirrors the API schema of the same name (see the OpenAPI document).
type LedgerRoyaltyTier struct {
	RateBps int64 `json:"rate_bps"`
	UpToFen int64 `json:"up_to_fen"`
}

// LedgerStatement mirrors the API schema of the same name (see the OpenAPI document).
type LedgerStatement struct {
	Account    string                `json:"account"`
	ClosingFen int64                 `json:"closing_fen"`
	CreditsFen int64                 `json:"credits_fen"`
	DebitsFen  int64                 `json:"debits_fen"`
	From       time.Time             `json:"from"`
	Lines      []LedgerStatementLine `json:"lines"`
	OpeningFen int64                 `json:"opening_fen"`
	Page       int64                 `json:"page"`
	PerPage    int64                 `json:"per_page"`
	To         time.Time             `json:"to"`
	Total      int64                 `json:"total"`
	Truncated  bool                  `json:"truncated"`
}

// LedgerStatementLine mirrors the API schema of the same name (see the OpenAPI document).
type LedgerStatementLine struct {
	At           time.Time `json:"at"`
	BalanceFen   int64     `json:"balance_fen"`
	ContractID   string    `json:"contract_id"`
	Counterparty string    `json:"counterparty"`
	CreditFen    int64     `json:"credit_fen"`
	DebitFen     int64     `json:"debit_fen"`
	Kind         string    `json:"kind"`
	Memo         string    `json:"memo"`
	TxID         string    `json:"tx_id"`
}

// LedgerTerms mirrors the API schema of the same name (see the OpenAPI document).
type LedgerTerms struct {
	Brokers                         []LedgerBrokerShare    `json:"brokers"`
	BrokersRetainCommissionOnRefund bool                   `json:"brokers_retain_commission_on_refund"`
	BuyerOrg                        string                 `json:"buyer_org"`
	ContractID                      string                 `json:"contract_id"`
	DeemedAcceptanceDays            int64                  `json:"deemed_acceptance_days"`
	InventorShareBps                *int64                 `json:"inventor_share_bps,omitempty"`
	Milestones                      []LedgerMilestoneInput `json:"milestones"`
	PlatformFeeBps                  int64                  `json:"platform_fee_bps"`
	PlatformRetainsFeeOnRefund      bool                   `json:"platform_retains_fee_on_refund"`
	Royalty                         *LedgerRoyaltyTerms    `json:"royalty,omitempty"`
	SellerOrg                       string                 `json:"seller_org"`
	StateFunded                     bool                   `json:"state_funded"`
}

// LedgerTimeline mirrors the API schema of the same name (see the OpenAPI document).
type LedgerTimeline struct {
	Agreement LedgerAgreement        `json:"agreement"`
	Events    []LedgerTimelineEvent  `json:"events"`
	Invoices  []LedgerRoyaltyInvoice `json:"invoices"`
}

// LedgerTimelineEvent mirrors the API schema of the same name (see the OpenAPI document).
type LedgerTimelineEvent struct {
	ActorID        string          `json:"actor_id"`
	AmountFen      int64           `json:"amount_fen"`
	At             time.Time       `json:"at"`
	EscrowAfterFen int64           `json:"escrow_after_fen"`
	Kind           string          `json:"kind"`
	Memo           string          `json:"memo"`
	MilestoneSeq   int64           `json:"milestone_seq"`
	Postings       []LedgerPosting `json:"postings"`
	TxID           string          `json:"tx_id"`
}

// LedgerTransaction mirrors the API schema of the same name (see the OpenAPI document).
type LedgerTransaction struct {
	ActorID        string          `json:"actor_id"`
	AmountFen      int64           `json:"amount_fen"`
	BankRef        string          `json:"bank_ref"`
	ContractID     string          `json:"contract_id"`
	ID             string          `json:"id"`
	IdempotencyKey string          `json:"idempotency_key"`
	Kind           string          `json:"kind"`
	Memo           string          `json:"memo"`
	MilestoneSeq   int64           `json:"milestone_seq"`
	Postings       []LedgerPosting `json:"postings"`
	RecordedAt     time.Time       `json:"recorded_at"`
	RefID          string          `json:"ref_id"`
	Replayed       bool            `json:"replayed"`
}

// LedgerUnmatchedLine mirrors the API schema of the same name (see the OpenAPI document).
type LedgerUnmatchedLine struct {
	AmountFen     int64  `json:"amount_fen"`
	BankRef       string `json:"bank_ref"`
	Counterparty  string `json:"counterparty"`
	Direction     string `json:"direction"`
	LineNo        int64  `json:"line_no"`
	Memo          string `json:"memo"`
	StatementID   string `json:"statement_id"`
	StatementName string `json:"statement_name"`
	ValueDate     string `json:"value_date"`
}
