package valuation

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"

	"github.com/techmarket-org/techmarket/internal/domain"
)

//go:embed indicators.json
var defaultTreeJSON []byte

// weightTolerance is how far sibling weights may sum from 1 (rounding in the
// edited JSON).
const weightTolerance = 1e-6

// neutralScore is what an indicator scores when nothing is known about it.
const neutralScore = 50

// Tree is the indicator system: first-level dimensions (legal, technical,
// economic value), second-level groups and third-level indicators, each with a
// local weight within its parent per scenario. It is data: operators edit the
// JSON, LoadTree checks it.
type Tree struct {
	Version    string      `json:"version"`
	Standard   string      `json:"standard"`
	Scenarios  []string    `json:"scenarios"`
	Indicators []Indicator `json:"indicators"`

	byID     map[string]int
	children map[string][]int
}

// Indicator is one node of the tree.
type Indicator struct {
	ID          string       `json:"id"`
	Level       int          `json:"level"`
	Parent      string       `json:"parent,omitempty"`
	Label       domain.Label `json:"label"`
	Description domain.Label `json:"description,omitzero"`
	// Weights is the local weight within the parent by scenario; the key
	// "default" applies to scenarios not listed.
	Weights map[string]float64 `json:"weights"`
}

// weight returns the local weight for a scenario.
func (ind Indicator) weight(scenario string) float64 {
	if w, ok := ind.Weights[scenario]; ok {
		return w
	}
	return ind.Weights["default"]
}

var (
	defaultTreeOnce sync.Once
	defaultTree     *Tree
)

// DefaultTree returns the embedded indicator tree. It panics if the embedded
// file is broken, which the package tests rule out.
func DefaultTree() *Tree {
	defaultTreeOnce.Do(func() {
		t, err := LoadTree(bytes.NewReader(defaultTreeJSON))
		if err != nil {
			panic(fmt.Sprintf("valuation: embedded indicators.json: %v", err))
		}
		defaultTree = t
	})
	return defaultTree
}

// DefaultTreeJSON returns the embedded tree as JSON, the starting point for an
// operator's edited copy.
func DefaultTreeJSON() []byte { return slices.Clone(defaultTreeJSON) }

// LoadTree reads and checks an indicator tree: unique ids, levels 1–3, parents
// one level up, leaves at level 3, non-negative weights and, for every
// scenario, sibling weights summing to 1.
func LoadTree(r io.Reader) (*Tree, error) {
	var t Tree
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("decode indicator tree: %w", err)
	}
	if err := t.index(); err != nil {
		return nil, fmt.Errorf("indicator tree: %w", err)
	}
	return &t, nil
}

func (t *Tree) index() error {
	if len(t.Scenarios) == 0 {
		return fmt.Errorf("no scenarios")
	}
	t.byID = make(map[string]int, len(t.Indicators))
	t.children = make(map[string][]int)
	for i, ind := range t.Indicators {
		if ind.ID == "" {
			return fmt.Errorf("indicator %d has no id", i)
		}
		if _, dup := t.byID[ind.ID]; dup {
			return fmt.Errorf("duplicate indicator id %q", ind.ID)
		}
		if ind.Level < 1 || ind.Level > 3 {
			return fmt.Errorf("indicator %q: level %d outside 1–3", ind.ID, ind.Level)
		}
		if (ind.Level == 1) != (ind.Parent == "") {
			return fmt.Errorf("indicator %q: only first-level indicators have no parent", ind.ID)
		}
		for s, w := range ind.Weights {
			if w < 0 || math.IsNaN(w) {
				return fmt.Errorf("indicator %q: negative weight for %q", ind.ID, s)
			}
		}
		t.byID[ind.ID] = i
		t.children[ind.Parent] = append(t.children[ind.Parent], i)
	}
	for _, ind := range t.Indicators {
		if ind.Parent == "" {
			continue
		}
		p, ok := t.byID[ind.Parent]
		if !ok {
			return fmt.Errorf("indicator %q: unknown parent %q", ind.ID, ind.Parent)
		}
		if t.Indicators[p].Level != ind.Level-1 {
			return fmt.Errorf("indicator %q: parent %q is not one level up", ind.ID, ind.Parent)
		}
	}
	for _, ind := range t.Indicators {
		if ind.Level < 3 && len(t.children[ind.ID]) == 0 {
			return fmt.Errorf("indicator %q (level %d) has no children", ind.ID, ind.Level)
		}
	}
	for parent, kids := range t.children {
		for _, s := range t.Scenarios {
			sum := 0.0
			for _, k := range kids {
				sum += t.Indicators[k].weight(s)
			}
			if math.Abs(sum-1) > weightTolerance {
				name := parent
				if name == "" {
					name = "(first level)"
				}
				return fmt.Errorf("weights under %s sum to %.6f for scenario %q, want 1", name, sum, s)
			}
		}
	}
	return nil
}

// HasScenario reports whether the tree has weights for a scenario.
func (t *Tree) HasScenario(s string) bool { return slices.Contains(t.Scenarios, s) }

// Indicator returns the indicator with an id.
func (t *Tree) Indicator(id string) (Indicator, bool) {
	i, ok := t.byID[id]
	if !ok {
		return Indicator{}, false
	}
	return t.Indicators[i], true
}

// Leaves returns the third-level indicators in tree order.
func (t *Tree) Leaves() []Indicator {
	var out []Indicator
	for _, ind := range t.Indicators {
		if ind.Level == 3 {
			out = append(out, ind)
		}
	}
	return out
}

// GlobalWeight is the product of local weights from the root to the indicator:
// its share of the total score in a scenario.
func (t *Tree) GlobalWeight(id, scenario string) float64 {
	w := 1.0
	for id != "" {
		i, ok := t.byID[id]
		if !ok {
			return 0
		}
		w *= t.Indicators[i].weight(scenario)
		id = t.Indicators[i].Parent
	}
	return w
}

// Indicator value sources.
const (
	ScoreFromFact    = "fact"
	ScoreFromExpert  = "expert"
	ScoreFromNeutral = "neutral"
)

// IndicatorValue is the score (0–100) of one third-level indicator and where it
// came from.
type IndicatorValue struct {
	Score       float64      `json:"score"`
	Source      string       `json:"source"`
	Explanation domain.Label `json:"explanation"`
}

// Score is the indicator score of one listing in one scenario.
type Score struct {
	Scenario string `json:"scenario"`
	// Total is the weighted score, 0–100.
	Total float64 `json:"total"`
	// Evidence is the share of the total weight backed by facts or expert
	// scores rather than the neutral default: how much the score knows.
	Evidence float64     `json:"evidence"`
	Nodes    []NodeScore `json:"nodes"`
}

// NodeScore explains one indicator's part in the total.
type NodeScore struct {
	ID           string       `json:"id"`
	Level        int          `json:"level"`
	Parent       string       `json:"parent,omitempty"`
	Label        domain.Label `json:"label"`
	Score        float64      `json:"score"`
	LocalWeight  float64      `json:"local_weight"`
	GlobalWeight float64      `json:"global_weight"`
	// Contribution is GlobalWeight × Score: the points this indicator adds to
	// the total (contributions of the leaves sum to the total).
	Contribution float64 `json:"contribution"`
	// Lift is GlobalWeight × (Score − 50): how far this indicator moves the
	// total away from a neutral 50, the number to read when asking "why".
	Lift        float64      `json:"lift"`
	Source      string       `json:"source,omitempty"`
	Explanation domain.Label `json:"explanation,omitzero"`
}

// Score computes the weighted score for a scenario from third-level values;
// indicators without a value score neutral 50. Nodes come out in tree order.
func (t *Tree) Score(scenario string, values map[string]IndicatorValue) (Score, error) {
	if !t.HasScenario(scenario) {
		return Score{}, fmt.Errorf("indicator tree has no weights for scenario %q", scenario)
	}
	out := Score{Scenario: scenario, Nodes: make([]NodeScore, len(t.Indicators))}
	// Leaves first, then level 2, then level 1: parents are weighted means.
	for level := 3; level >= 1; level-- {
		for i, ind := range t.Indicators {
			if ind.Level != level {
				continue
			}
			n := NodeScore{ID: ind.ID, Level: ind.Level, Parent: ind.Parent, Label: ind.Label,
				LocalWeight: ind.weight(scenario), GlobalWeight: t.GlobalWeight(ind.ID, scenario)}
			if level == 3 {
				v, ok := values[ind.ID]
				if !ok {
					v = IndicatorValue{Score: neutralScore, Source: ScoreFromNeutral,
						Explanation: domain.Label{Zh: "无数据，按中性50分计", En: "no data: neutral 50"}}
				}
				n.Score, n.Source, n.Explanation = clamp(v.Score, 0, 100), v.Source, v.Explanation
				if n.Source != ScoreFromNeutral {
					out.Evidence += n.GlobalWeight
				}
			} else {
				for _, k := range t.children[ind.ID] {
					n.Score += out.Nodes[k].LocalWeight * out.Nodes[k].Score
				}
			}
			n.Contribution = n.GlobalWeight * n.Score
			n.Lift = n.GlobalWeight * (n.Score - neutralScore)
			if level == 1 {
				out.Total += n.Contribution
			}
			out.Nodes[i] = n
		}
	}
	return out, nil
}

// Node returns the score of one indicator.
func (s Score) Node(id string) (NodeScore, bool) {
	for _, n := range s.Nodes {
		if n.ID == id {
			return n, true
		}
	}
	return NodeScore{}, false
}
