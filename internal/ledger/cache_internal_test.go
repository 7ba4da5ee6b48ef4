package ledger

import (
	"fmt"
	"testing"
)

func TestStateCacheStaysWithinItsBound(t *testing.T) {
	c := newStateCache(3)
	for i := 0; i < 10; i++ {
		id := fmt.Sprintf("c%d", i)
		c.put(id, &cachedContract{cs: &contractState{}})
		if len(c.entries) > 3 {
			t.Fatalf("after %d puts the cache holds %d contracts, bound 3", i+1, len(c.entries))
		}
		if c.entries[id] == nil {
			t.Fatalf("the contract just put (%s) was evicted", id)
		}
	}
	// Replacing a cached contract evicts nothing.
	before := len(c.entries)
	for id := range c.entries {
		c.put(id, &cachedContract{cs: &contractState{}})
		break
	}
	if len(c.entries) != before {
		t.Fatalf("replacing an entry changed the size %d → %d", before, len(c.entries))
	}
	c.forget([]*cmd{{contracts: []string{"c9"}}})
	if c.entries["c9"] != nil {
		t.Fatal("forget kept c9")
	}
}

func TestEscrowContractReadsOnlyEscrowAccounts(t *testing.T) {
	for acct, want := range map[string]string{
		Escrow("c-1.x"):          "c-1.x",
		PartyAvailable("c-1"):    "",
		"contract:c-1:other":     "",
		AccountPlatformFees:      "",
		AuctionDeposit("a", "o"): "",
	} {
		id, ok := escrowContract(acct)
		if ok != (want != "") || id != want && ok {
			t.Errorf("escrowContract(%q) = %q, %v; want %q", acct, id, ok, want)
		}
	}
}
