package ledger

import (
	"fmt"
	"strings"
)

// Accounts are named by structure, "kind:owner:purpose", so that the name alone
// tells who owns the account, what floor it has and whether it is sharded. No
// account table is needed: a balance row is created the first time money moves.
const (
	// AccountBankClearing mirrors the platform's custody bank account. Money that
	// enters from the bank is debited here, so its balance is minus the client
	// money held; it is the only account besides receivables with no floor.
	AccountBankClearing = "bank:clearing"
	// AccountPlatformFees collects platform fees. It is credited by every
	// release, so it is the hottest account.
	AccountPlatformFees = "platform:fees"
	// AccountPlatformForfeits receives forfeited auction deposits kept by the venue.
	AccountPlatformForfeits = "platform:forfeits"
)

// PartyAvailable is an organisation's spendable balance.
func PartyAvailable(orgID string) string { return "party:" + orgID + ":available" }

// InventorRewards is the seller's earmarked pool for its inventors' rewards
// (科技成果转化法 Art 45), paid out by the seller.
func InventorRewards(orgID string) string { return "party:" + orgID + ":inventor_rewards" }

// Escrow holds a contract's buyer funds until milestones are released.
func Escrow(contractID string) string { return "contract:" + contractID + ":escrow" }

// BrokerCommission is a broker's earned commission.
func BrokerCommission(orgID string) string { return "broker:" + orgID + ":commission" }

// BrokerReceivable records what a broker owes back after a clawback it could no
// longer cover from its commission balance; negative means the broker owes.
func BrokerReceivable(orgID string) string { return "broker:" + orgID + ":receivable" }

// AuctionDeposit holds one bidder's deposit (保证金) for one auction.
func AuctionDeposit(auctionID, orgID string) string { return "deposit:" + auctionID + ":" + orgID }

// AccountInfo is what an account name says about the account.
type AccountInfo struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"` // bank, platform, party, contract, broker, deposit
	Purpose    string `json:"purpose"`
	OrgID      string `json:"org_id,omitempty"`
	ContractID string `json:"contract_id,omitempty"`
	AuctionID  string `json:"auction_id,omitempty"`
	// HasFloor is false for accounts allowed to go negative (bank clearing,
	// broker receivables); otherwise the balance may never fall below zero.
	HasFloor bool `json:"has_floor"`
	// Sharded accounts keep several balance rows summed on read so that
	// concurrent committers do not queue on one row lock.
	Sharded bool `json:"sharded"`
}

// ParseAccount validates an account name and describes it.
func ParseAccount(name string) (AccountInfo, error) {
	parts := strings.Split(name, ":")
	info := AccountInfo{Name: name, HasFloor: true}
	bad := fmt.Errorf("unknown account %q", name)
	switch {
	case name == AccountBankClearing:
		info.Kind, info.Purpose, info.HasFloor = "bank", "clearing", false
	case name == AccountPlatformFees:
		info.Kind, info.Purpose = "platform", "fees"
	case name == AccountPlatformForfeits:
		info.Kind, info.Purpose = "platform", "forfeits"
	case len(parts) == 3 && parts[0] == "party" && validID(parts[1]) && (parts[2] == "available" || parts[2] == "inventor_rewards"):
		info.Kind, info.OrgID, info.Purpose = "party", parts[1], parts[2]
	case len(parts) == 3 && parts[0] == "contract" && validID(parts[1]) && parts[2] == "escrow":
		info.Kind, info.ContractID, info.Purpose = "contract", parts[1], "escrow"
	case len(parts) == 3 && parts[0] == "broker" && validID(parts[1]) && (parts[2] == "commission" || parts[2] == "receivable"):
		info.Kind, info.OrgID, info.Purpose = "broker", parts[1], parts[2]
		info.HasFloor = parts[2] == "commission"
	case len(parts) == 3 && parts[0] == "deposit" && validID(parts[1]) && validID(parts[2]):
		info.Kind, info.AuctionID, info.OrgID, info.Purpose = "deposit", parts[1], parts[2], "auction_deposit"
	default:
		return AccountInfo{}, bad
	}
	info.Sharded = isSharded(name)
	return info, nil
}

// floorOf is the floor stored on balance rows: 0, or nil for no floor.
func floorOf(account string) *int64 {
	switch {
	case account == AccountPlatformFees: // the hottest account, asked on every release
		return &zeroFloor
	case strings.HasPrefix(account, "contract:") && strings.HasSuffix(account, ":escrow"):
		return &zeroFloor
	}
	info, err := ParseAccount(account)
	if err != nil || !info.HasFloor {
		return nil
	}
	return &zeroFloor
}

// zeroFloor is shared by every balance with a floor; nothing writes through it.
var zeroFloor int64

// isSharded reports whether an account keeps several balance rows. Every
// account is sharded except those that belong to one contract or one auction
// deposit, whose commands are all routed to the same committer anyway. Credits
// go to the committer's own shard, so committers applying releases for
// different contracts that pay the same seller, broker or the platform never
// wait for each other's row locks; a debit locks all of the account's rows.
func isSharded(account string) bool {
	return !strings.HasPrefix(account, "contract:") && !strings.HasPrefix(account, "deposit:")
}

// validID accepts the identifiers used inside account names and as contract,
// auction and invoice ids: 1–64 characters of letters, digits, '.', '_' and '-'.
// The colon is excluded because it separates the parts of an account name.
func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
