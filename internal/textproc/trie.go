package textproc

import (
	"bufio"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// wordTrie is a character trie over the segmentation dictionary. Edges live in one
// open-addressing hash table keyed by (parent node, rune), so building it from the
// embedded word list takes tens of milliseconds and a lookup is a multiply, a
// shift and usually one probe, with no allocation.
type wordTrie struct {
	keys  []uint64 // edge key + 1; 0 marks an empty slot
	child []uint32 // node reached through the edge
	shift uint     // 64 - log2(len(keys))

	// Per node: log probability of the word ending there (0 when no word ends
	// there) and flags.
	logP  []float32
	flags []uint8

	unknownLogP float32 // log probability used for a character not in the dictionary
}

const (
	flagStop    uint8 = 1 << iota // the word carries no topic
	flagSynonym                   // the word is folded onto a canonical synonym
)

const noNode = ^uint32(0)

func edgeKey(node uint32, r rune) uint64 { return uint64(node)<<21 | uint64(r) }

func (t *wordTrie) slot(key uint64) uint64 { return (key * 0x9E3779B97F4A7C15) >> t.shift }

// next returns the child of node along r, or noNode.
func (t *wordTrie) next(node uint32, r rune) uint32 {
	k := edgeKey(node, r) + 1
	mask := uint64(len(t.keys) - 1)
	for i := t.slot(k); ; i = (i + 1) & mask {
		switch t.keys[i] {
		case k:
			return t.child[i]
		case 0:
			return noNode
		}
	}
}

// insertEdge returns the child of node along r, creating it if needed.
func (t *wordTrie) insertEdge(node uint32, r rune) uint32 {
	k := edgeKey(node, r) + 1
	mask := uint64(len(t.keys) - 1)
	for i := t.slot(k); ; i = (i + 1) & mask {
		switch t.keys[i] {
		case k:
			return t.child[i]
		case 0:
			n := uint32(len(t.logP))
			t.keys[i] = k
			t.child[i] = n
			t.logP = append(t.logP, 0)
			t.flags = append(t.flags, 0)
			return n
		}
	}
}

// lookup returns the node of a whole word, or noNode.
func (t *wordTrie) lookup(word string) uint32 {
	node := uint32(0)
	for _, r := range word {
		if node = t.next(node, r); node == noNode {
			return noNode
		}
	}
	return node
}

// buildTrie parses "word freq" lines into a trie with log probabilities.
func buildTrie(data string) (*wordTrie, error) {
	// Size the table for the worst case of one node per character, at a load
	// factor of at most one half.
	runes := 0
	for _, r := range data {
		if r != ' ' && r != '\n' && (r < '0' || r > '9') {
			runes++
		}
	}
	size := 1
	bits := uint(0)
	for size < 2*runes+2 {
		size <<= 1
		bits++
	}
	t := &wordTrie{
		keys:  make([]uint64, size),
		child: make([]uint32, size),
		shift: 64 - bits,
		logP:  make([]float32, 1, runes/2+1),
		flags: make([]uint8, 1, runes/2+1),
	}
	type wf struct {
		node uint32
		freq float64
	}
	words := make([]wf, 0, 1<<18)
	total := 0.0
	sc := bufio.NewScanner(strings.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		sp := strings.IndexByte(s, ' ')
		if sp <= 0 {
			return nil, fmt.Errorf("dictionary line %d: want \"word freq\", got %q", line, s)
		}
		freq, err := strconv.Atoi(s[sp+1:])
		if err != nil || freq <= 0 {
			return nil, fmt.Errorf("dictionary line %d: bad frequency in %q", line, s)
		}
		node := uint32(0)
		for _, r := range s[:sp] {
			node = t.insertEdge(node, r)
		}
		words = append(words, wf{node, float64(freq)})
		total += float64(freq)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	logTotal := math.Log(total)
	for _, w := range words {
		t.logP[w.node] = float32(math.Log(w.freq) - logTotal)
	}
	t.unknownLogP = float32(-logTotal)
	return t, nil
}
