package service

import (
	"time"

	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/valuation"
)

// FromListing maps a listing's facts to the start of a valuation input, as
// docs/valuation.md describes: title, field, TRL, classification codes, owner
// count, first transfer mode and each IP item. The valuation date is today. The
// assumptions of the approaches are the valuer's to give.
func FromListing(l listing.Listing, today time.Time) valuation.Input {
	in := valuation.Input{
		ListingID:     l.ID,
		Title:         l.Title("zh"),
		Scenario:      valuation.ScenarioTransferLicensing,
		ValuationDate: today.UTC().Format(time.DateOnly),
		Field:         l.Field,
		TRL:           l.TRL,
		IPCCodes:      append([]string(nil), l.IPCCodes...),
	}
	if len(l.Owners) > 0 {
		n := len(l.Owners)
		in.OwnerCount = &n
	}
	if len(l.TransferModes) > 0 {
		in.TransferMode = l.TransferModes[0]
	}
	for _, it := range l.IPItems {
		in.IPItems = append(in.IPItems, valuation.IPItem{Type: it.Type, Number: it.Number, Status: it.Status,
			Territory: it.Territory, ExpiryDate: it.ExpiryDate})
	}
	return in
}

// Prefill completes an input with the listing's facts where the input leaves
// them empty; what the valuer gave always wins. The listing id is always the
// listing's, so a valuation cannot be filed under another listing.
func Prefill(in valuation.Input, l listing.Listing, today time.Time) valuation.Input {
	facts := FromListing(l, today)
	in.ListingID = l.ID
	if in.Title == "" {
		in.Title = facts.Title
	}
	if in.ValuationDate == "" {
		in.ValuationDate = facts.ValuationDate
	}
	if in.Field == "" {
		in.Field = facts.Field
	}
	if in.TRL == 0 {
		in.TRL = facts.TRL
	}
	if len(in.IPCCodes) == 0 {
		in.IPCCodes = facts.IPCCodes
	}
	if in.OwnerCount == nil {
		in.OwnerCount = facts.OwnerCount
	}
	if in.TransferMode == "" {
		in.TransferMode = facts.TransferMode
	}
	if len(in.IPItems) == 0 {
		in.IPItems = facts.IPItems
	}
	return in
}
