package search

import (
	"encoding/binary"
	"unsafe"
)

// blockSize is the number of postings per compressed block. Documents get
// increasing internal numbers, so a posting list only ever grows at its end:
// full blocks are sealed (delta + varint coded) and the open tail stays plain.
const blockSize = 128

// postingList holds the documents containing one term and the term's weighted
// frequency in each (title occurrences count titleWeight times, capped at 255).
//
// Every block also records its largest frequency and its shortest document
// length. BM25 grows with the frequency and shrinks with the length, so the
// pair bounds the score of any posting in the block; the search uses these
// bounds to skip whole blocks (block-max pruning).
//
// Most terms (character bigrams above all) never fill a block, so the sealed
// blocks live behind a pointer that all such lists share (noBlocks, never
// written): it keeps a short list at about half the size, 0.1 GB less heap
// per million terms.
type postingList struct {
	*blocks // never nil: noBlocks until the first block is sealed

	tailDocs   []uint32
	tailTFs    []uint8
	tailMaxTF  uint8  // over the tail, 0 when it is empty
	maxTF      uint8  // over the whole list
	tailMinLen uint32 // over the tail, meaningful when it is not empty
	minLen     uint32 // shortest document over the whole list
	count      int    // postings, including those of deleted documents
}

// blocks are the sealed blocks of a list: block i covers
// data[blockOff[i]:blockOff[i+1]] and ends with document blockLast[i];
// blockMaxTF[i] is its largest frequency and blockMinLen[i] its shortest
// document.
type blocks struct {
	blockLast   []uint32
	blockOff    []uint32
	blockMaxTF  []uint8
	blockMinLen []uint32
	data        []byte
}

// noBlocks is the shared empty block set of lists that have not sealed one.
var noBlocks blocks

// emptyList returns a list with no postings.
func emptyList() postingList { return postingList{blocks: &noBlocks} }

// add appends a posting for document doc of weighted length length.
func (p *postingList) add(doc uint32, tf uint8, length uint32) {
	if len(p.tailDocs) == 0 {
		p.tailMaxTF, p.tailMinLen = tf, length
	} else {
		p.tailMaxTF, p.tailMinLen = max(p.tailMaxTF, tf), min(p.tailMinLen, length)
	}
	if p.count == 0 {
		p.minLen = length
	} else {
		p.minLen = min(p.minLen, length)
	}
	p.tailDocs = append(p.tailDocs, doc)
	p.tailTFs = append(p.tailTFs, tf)
	p.count++
	p.maxTF = max(p.maxTF, tf)
	if len(p.tailDocs) == blockSize {
		p.seal()
	}
}

// recomputeTailStats restores the tail's bounds from the document lengths
// (used after loading a snapshot, which stores only the tail's postings).
func (p *postingList) recomputeTailStats(docLen []uint32) {
	p.tailMaxTF, p.tailMinLen = 0, 0
	for i, d := range p.tailDocs {
		if i == 0 {
			p.tailMaxTF, p.tailMinLen = p.tailTFs[i], docLen[d]
			continue
		}
		p.tailMaxTF, p.tailMinLen = max(p.tailMaxTF, p.tailTFs[i]), min(p.tailMinLen, docLen[d])
	}
}

// seal encodes the full tail as a block.
func (p *postingList) seal() {
	if p.blocks == &noBlocks {
		p.blocks = &blocks{}
	}
	prev := uint32(0)
	if n := len(p.blockLast); n > 0 {
		prev = p.blockLast[n-1]
	}
	if len(p.blockOff) == 0 {
		p.blockOff = append(p.blockOff, 0)
	}
	var mx uint8
	for i, d := range p.tailDocs {
		p.data = binary.AppendUvarint(p.data, uint64(d-prev))
		p.data = append(p.data, p.tailTFs[i])
		prev = d
		mx = max(mx, p.tailTFs[i])
	}
	p.blockLast = append(p.blockLast, prev)
	p.blockOff = append(p.blockOff, uint32(len(p.data)))
	p.blockMaxTF = append(p.blockMaxTF, mx)
	p.blockMinLen = append(p.blockMinLen, p.tailMinLen)
	p.tailDocs = p.tailDocs[:0]
	p.tailTFs = p.tailTFs[:0]
	p.tailMaxTF, p.tailMinLen = 0, 0
}

// endDoc marks an exhausted cursor: larger than any document number.
const endDoc = ^uint32(0)

// cursor walks one posting list in document order.
type cursor struct {
	list    *postingList
	block   int // current sealed block, or len(blockLast) for the tail
	shallow int // block whose bounds blockBound last looked at
	pos     int // index within docs/tfs
	docs    []uint32
	tfs     []uint8
	buf     [blockSize]uint32
	tbuf    [blockSize]uint8
	doc     uint32 // current document, endDoc when exhausted
}

func (c *cursor) reset(p *postingList) {
	c.list = p
	c.block = -1
	c.shallow = 0
	c.loadBlock(0)
}

// loadBlock positions the cursor at the start of block b (the tail when b is
// the number of sealed blocks).
func (c *cursor) loadBlock(b int) {
	p := c.list
	c.block = b
	c.pos = 0
	switch {
	case b < len(p.blockLast):
		prev := uint32(0)
		if b > 0 {
			prev = p.blockLast[b-1]
		}
		data := p.data[p.blockOff[b]:p.blockOff[b+1]]
		n := 0
		for len(data) > 0 {
			v, k := binary.Uvarint(data)
			prev += uint32(v)
			c.buf[n] = prev
			c.tbuf[n] = data[k]
			data = data[k+1:]
			n++
		}
		c.docs, c.tfs = c.buf[:n], c.tbuf[:n]
	case b == len(p.blockLast) && len(p.tailDocs) > 0:
		c.docs, c.tfs = p.tailDocs, p.tailTFs
	default:
		c.docs, c.tfs = nil, nil
		c.doc = endDoc
		return
	}
	c.doc = c.docs[0]
}

func (c *cursor) tf() uint8 { return c.tfs[c.pos] }

// next advances to the following posting.
func (c *cursor) next() {
	c.pos++
	if c.pos < len(c.docs) {
		c.doc = c.docs[c.pos]
		return
	}
	c.loadBlock(c.block + 1)
}

// seek advances to the first posting with document ≥ target, skipping whole
// blocks by their last document without decoding them.
func (c *cursor) seek(target uint32) {
	if c.doc >= target {
		return
	}
	p := c.list
	if c.block < len(p.blockLast) && p.blockLast[c.block] < target {
		// Galloping search over block ends from the current block.
		lo, step := c.block+1, 1
		hi := lo
		for hi < len(p.blockLast) && p.blockLast[hi] < target {
			lo = hi + 1
			hi += step
			step *= 2
		}
		hi = min(hi, len(p.blockLast))
		for lo < hi {
			mid := (lo + hi) / 2
			if p.blockLast[mid] < target {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		c.loadBlock(lo)
		if c.doc >= target {
			return
		}
	}
	// Within the block: linear for short hops, binary for long ones.
	docs := c.docs
	i := c.pos + 1
	for i < len(docs) && docs[i] < target && i < c.pos+8 {
		i++
	}
	if i < len(docs) && docs[i] < target {
		lo, hi := i, len(docs)
		for lo < hi {
			mid := (lo + hi) / 2
			if docs[mid] < target {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		i = lo
	}
	if i < len(docs) {
		c.pos = i
		c.doc = docs[i]
		return
	}
	c.loadBlock(c.block + 1)
	if c.doc < target {
		c.seek(target)
	}
}

// blockBound returns the bounds (largest frequency, shortest length) of the
// block that would hold document d, and the last document that block covers,
// without decoding anything. A list with no posting at or after d returns
// maxTF 0 and last endDoc. Calls must come with non-decreasing d (between
// resets), as the block pointer only moves forward.
func (c *cursor) blockBound(d uint32) (maxTF uint8, minLen uint32, last uint32) {
	p := c.list
	n := len(p.blockLast)
	for c.shallow < n && p.blockLast[c.shallow] < d {
		c.shallow++
	}
	if c.shallow < n {
		return p.blockMaxTF[c.shallow], p.blockMinLen[c.shallow], p.blockLast[c.shallow]
	}
	if t := len(p.tailDocs); t > 0 && p.tailDocs[t-1] >= d {
		return p.tailMaxTF, p.tailMinLen, p.tailDocs[t-1]
	}
	return 0, 0, endDoc
}

// sizeBytes estimates the memory held by the list.
func (p *postingList) sizeBytes() int {
	n := 5*cap(p.tailDocs) + int(unsafe.Sizeof(*p))
	if p.blocks != &noBlocks {
		n += len(p.data) + 13*len(p.blockLast) + int(unsafe.Sizeof(*p.blocks))
	}
	return n
}
