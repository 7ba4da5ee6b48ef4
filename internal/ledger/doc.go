// Package ledger is the settlement ledger: a double-entry sub-ledger of the
// platform's custody bank account for escrow, milestone releases, fee and
// commission splits, refunds with clawback, auction deposits, royalties and
// bank reconciliation.
//
// Amounts are int64 fen. Accounts are named by structure (account.go); each
// posting moves money from one account to another, so every transaction sums to
// zero; postings and transactions are immutable (database triggers refuse
// UPDATE and DELETE); balances are a cache updated in the same transaction and
// rebuildable from postings (Verify). Every command carries an idempotency key.
// Commands are applied in batches by a few committer goroutines (engine.go),
// which is what makes thousands of settlements per second possible.
//
// The design, invariants, rounding rule, reconciliation format and measured
// numbers are in docs/ledger.md.
package ledger
