package search

import (
	"fmt"
	"strings"
)

// Compatibility factors compare the seeker's profile with a listing's
// features. Each returns a share in [min, max]; the text score is multiplied by
// 1 + Σ shares (floored at minMultiplier), so a factor never lifts a listing
// that does not match the text at all, and the bound (1 + Σ max) keeps pruning
// exact.
type factorWeights struct {
	field, ipcSubclass, ipcGroup, trl, mode, price, region float64
}

var baseFactorWeights = factorWeights{
	field: 0.15, ipcSubclass: 0.15, ipcGroup: 0.10, trl: 0.10, mode: 0.10, price: 0.10, region: 0.05,
}

const minMultiplier = 0.05

// maxBoost is the largest multiplier the factors can give with weights w.
func (w factorWeights) maxBoost() float64 {
	return 1 + w.field + w.ipcSubclass + w.ipcGroup + w.trl + w.mode + w.price + w.region
}

// profile is the query side of the factors, resolved once per search.
type profile struct {
	fields  uint16
	modes   uint8
	trl     uint8
	region  uint32
	budLo   int64
	budHi   int64
	ipc     []string
	weights factorWeights
}

func newProfile(f *Features, w factorWeights) *profile {
	if f == nil {
		return nil
	}
	p := &profile{
		fields: fieldBits(f.Fields), modes: modeBits(f.TransferModes), trl: uint8(f.TRL),
		region: regionNumber(f.Region), weights: w,
	}
	for _, c := range f.IPC {
		p.ipc = append(p.ipc, normaliseIPC(c))
	}
	p.budLo, p.budHi = f.BudgetMinFen, f.BudgetMaxFen
	if p.budLo == 0 && p.budHi == 0 && f.PriceFen > 0 {
		// A technology looking for needs compares its price with their budgets.
		p.budLo, p.budHi = f.PriceFen, f.PriceFen
	}
	return p
}

// factors returns the shares for document meta m, appending explanations to
// out when explain is set.
func (x *Index) factors(p *profile, m *docMeta, explain bool, out *[]Factor) float64 {
	w := p.weights
	sum := 0.0
	add := func(name string, share float64, detail func() string) {
		if share == 0 {
			return
		}
		sum += share
		if explain {
			*out = append(*out, Factor{Name: name, Multiplier: share, Detail: detail()})
		}
	}
	if p.fields != 0 && m.fields != 0 {
		if p.fields&m.fields != 0 {
			add("field", w.field, func() string { return "shares a technology field" })
		} else {
			add("field", -w.field, func() string { return "no technology field in common" })
		}
	}
	if len(p.ipc) > 0 && m.ipcN > 0 {
		sub, group := false, false
		for _, a := range p.ipc {
			for _, b := range x.ipcArena[m.ipcStart : m.ipcStart+uint32(m.ipcN)] {
				if len(a) >= 4 && len(b) >= 4 && a[:4] == b[:4] {
					sub = true
					if ipcGroup(a) != "" && ipcGroup(a) == ipcGroup(b) {
						group = true
					}
				}
			}
		}
		if sub {
			add("ipc_subclass", w.ipcSubclass, func() string { return "same IPC subclass" })
		}
		if group {
			add("ipc_group", w.ipcGroup, func() string { return "same IPC main group" })
		}
	}
	if p.trl > 0 && m.trl > 0 {
		if m.trl >= p.trl {
			add("trl", w.trl, func() string { return fmt.Sprintf("TRL %d meets required %d", m.trl, p.trl) })
		} else {
			gap := float64(p.trl - m.trl)
			add("trl", -w.trl*min(gap, 3)/1.5, func() string {
				return fmt.Sprintf("TRL %d below required %d", m.trl, p.trl)
			})
		}
	}
	if p.modes != 0 && m.modes != 0 {
		if p.modes&m.modes != 0 {
			add("transfer_mode", w.mode, func() string { return "offers a wanted transfer mode" })
		} else {
			add("transfer_mode", -w.mode, func() string { return "no transfer mode in common" })
		}
	}
	if p.budHi > 0 && m.priceLo > 0 {
		price, lo, hi := m.priceLo, p.budLo, p.budHi
		if m.kind == 2 { // the document is a need: compare our price with its budget
			price, lo, hi = p.budLo, m.priceLo, m.priceHi
		}
		switch {
		case hi > 0 && price > hi:
			over := float64(price-hi) / float64(hi)
			add("price", -w.price*min(over, 2), func() string { return fmt.Sprintf("price %.0f%% over budget", over*100) })
		case price >= lo:
			add("price", w.price, func() string { return "price within budget" })
		}
	}
	if p.region != 0 && m.region != 0 {
		switch {
		case p.region/100 == m.region/100:
			add("region", w.region, func() string { return "same city" })
		case p.region/10000 == m.region/10000:
			add("region", w.region/2, func() string { return "same province" })
		}
	}
	return sum
}

// ipcGroup returns the main group of an IPC symbol ("H01M10/052" → "H01M10"),
// or "" when the symbol has no group part.
func ipcGroup(s string) string {
	if i := strings.IndexByte(s, '/'); i > 4 {
		return s[:i]
	}
	if len(s) > 4 {
		return s
	}
	return ""
}
