// Package textproc turns listing and query text into index terms: Chinese word
// segmentation over an embedded dictionary, English tokenisation with Porter2
// stemming, traditional→simplified and full-width folding, domain synonyms and
// a Chinese↔English lexicon for cross-language matching. The same analyzer runs
// at index and query time, so a term means the same thing on both sides.
package textproc
