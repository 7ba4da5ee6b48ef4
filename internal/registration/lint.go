package registration

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// monopolyRule is one pattern of an illegal-monopoly clause (SPC Art 10,
// domain-rules §1.5 R1–R6). A clause matches when any pattern matches and the
// sentence around the match contains none of the benign words; benign words
// catch clauses that only look alike, such as a duty not to disclose R&D
// materials or not to stop the R&D work, or a reciprocal grant-back (SPC 10
// bans only the non-reciprocal kind).
type monopolyRule struct {
	code     string
	patterns []pattern
	benign   *regexp.Regexp
}

// pattern is a compiled regexp with the literals any match must start with.
// The regexp is then tried, anchored, only where such a literal occurs, instead
// of at every position: its bounded gaps (.{0,20}) make each try costly.
type pattern struct {
	re       *regexp.Regexp
	anchored *regexp.Regexp // ^(?:re), used at trigger positions
	triggers []string       // nil: no usable prefix, scan the whole text
}

// Receiver and provider words: model contract texts use 甲方/乙方 for either
// side, so role words decide who is bound where it matters (grant-backs).
// Before matching, lintRoles rewrites the Chinese role words to two markers,
// receivers first: "被许可方" contains "许可方", and Go's regexp has no
// look-behind to tell them apart.
const (
	receiverMark = "〔受方〕"
	providerMark = "〔供方〕"
	receiverZh   = `(?:` + receiverMark + `|买方|licensee|transferee)`
	providerZh   = `(?:` + providerMark + `|卖方|licensor|transferor)`
	forbidZh     = `(?:不得|禁止|不允许|无权|不准)`
)

var lintRoles = strings.NewReplacer(
	"被许可方", receiverMark, "被许可人", receiverMark, "受让方", receiverMark, "受让人", receiverMark,
	"许可方", providerMark, "许可人", providerMark, "让与方", providerMark, "让与人", providerMark, "转让方", providerMark,
)

var monopolyRules = []monopolyRule{
	{code: "MONOPOLY_R1", patterns: compileAll(
		forbidZh+`.{0,15}(?:改进|改良|研究开发|二次开发|后续开发|研发)`,
		receiverZh+`.{0,20}(?:改进|改良).{0,25}(?:无偿|免费|归|属于|独占).{0,12}`+providerZh,
		`改进.{0,25}(?:无偿|免费).{0,10}(?:转让|提供|许可|回授)`,
		`(?:单方|无偿|非互惠)回授`,
		`shall not.{0,30}(?:improve|modify|further develop|conduct (?:any )?research|reverse engineer)`,
		`improvements?.{0,60}(?:free of charge|without (?:any )?(?:compensation|consideration)|royalty[- ]free).{0,40}(?:assign|grant|transfer|licen)`,
		`(?:assign|grant back|grant-back).{0,40}improvements?.{0,40}(?:free|without (?:any )?(?:compensation|consideration))`,
		`improvements?.{0,60}(?:assign|grant|transfer|licen).{0,40}(?:free of charge|without (?:any )?(?:compensation|consideration)|royalty[- ]free)`,
		`improvements?.{0,40}(?:belong|vest|be owned).{0,20}(?:exclusively|solely).{0,20}`+providerZh,
	), benign: regexp.MustCompile(`泄露|披露|透露|公开|中止|终止|停止|拖延|延误|无故|互相|相互|互惠|交叉许可|disclos|confidential|suspend|terminat|delay|each other|mutual|reciprocal|cross-licen`)},
	{code: "MONOPOLY_R2", patterns: compileAll(
		forbidZh+`.{0,20}(?:从|向)?(?:第三方|其他|他人|任何其他).{0,15}(?:获得|取得|购买|引进|受让|使用|许可).{0,10}(?:类似|相似|相同|竞争|同类|替代)`,
		forbidZh+`.{0,10}(?:使用|引进|采用|购买|受让).{0,10}(?:竞争|同类|类似|相似|替代)(?:性)?的?(?:技术|产品)`,
		`shall not.{0,40}(?:acquire|obtain|purchase|licen[cs]e|use|adopt).{0,40}(?:similar|competing|competitive|alternative|substitute).{0,20}(?:technolog|product)`,
	)},
	{code: "MONOPOLY_R3", patterns: compileAll(
		forbidZh+`.{0,10}出口`,
		`(?:限制|限定|不得超过).{0,10}(?:产量|生产数量|销售数量|产品数量|品种|销售价格|售价|销售渠道|销售区域|出口市场)`,
		`(?:只能|仅能|仅限).{0,10}(?:通过|经由|向).{0,15}(?:销售|出售)`,
		`销售价格.{0,6}(?:不得低于|不得高于|由.{0,8}确定)`,
		`shall not export`,
		`(?:limit|restrict|cap).{0,20}(?:output|production volume|quantity of products|number of products|selling price|resale price|sales channels?|export markets?)`,
		`(?:only|exclusively) (?:sell|distribute).{0,30}through`,
		`(?:selling|resale) price.{0,60}(?:determined|set|fixed|approved) by`,
	)},
	{code: "MONOPOLY_R4", patterns: compileAll(
		`(?:必须|应当|须|只能).{0,10}(?:向|从)`+providerZh+`.{0,15}(?:购买|采购|购进).{0,15}(?:设备|原材料|原料|零部件|产品|材料|服务|技术)`,
		`(?:必须|应当|须).{0,10}(?:接受|聘用|雇用|使用)`+providerZh+`.{0,10}(?:人员|员工|技术人员|服务)`,
		`搭售|附带购买|强制购买|捆绑购买`,
		`(?:shall|must) (?:purchase|buy|procure).{0,60}from (?:the )?`+providerZh,
		`(?:shall|must) (?:accept|employ|hire|use).{0,40}`+providerZh+`'?s? (?:staff|personnel|employees|services)`,
		`\btying\b|tie-in`,
	), benign: regexp.MustCompile(`指定|designated|nominated|approved`)},
	{code: "MONOPOLY_R5", patterns: compileAll(
		`(?:只能|仅能|必须|须).{0,6}(?:从|向).{0,6}指定.{0,15}(?:采购|购买|购进)`,
		`(?:only|exclusively).{0,30}(?:from|through) (?:the )?(?:designated|approved|nominated) (?:suppliers?|sources?|vendors?)`,
	)},
	{code: "MONOPOLY_R6", patterns: compileAll(
		`(?:不得|禁止|不允许|放弃).{0,15}(?:提出|请求|申请|提起).{0,10}(?:无效|异议)`,
		`(?:不得|禁止).{0,10}(?:对|就).{0,15}(?:专利|知识产权|有效性).{0,10}(?:异议|质疑)`,
		`(?:shall not|not to|waives? (?:the|any) right to).{0,30}(?:challenge|contest|dispute|question).{0,30}validity`,
		`no-challenge`,
	)},
}

func compileAll(patterns ...string) []pattern {
	out := make([]pattern, len(patterns))
	for i, p := range patterns {
		expr := `(?s)` + p
		out[i].re = regexp.MustCompile(expr)
		if tree, err := syntax.Parse(expr, syntax.Perl); err == nil {
			if prefixes, ok := literalPrefixes(tree.Simplify()); ok {
				out[i].triggers = prefixes
				out[i].anchored = regexp.MustCompile(`(?s)^(?:` + p + `)`)
			}
		}
	}
	return out
}

// literalPrefixes returns literals one of which every match starts with, or
// false when the expression can start otherwise (a character class, a gap).
// Empty-width assertions such as \b are skipped.
func literalPrefixes(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCapture:
		return literalPrefixes(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			switch sub.Op {
			case syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpBeginText, syntax.OpBeginLine, syntax.OpEmptyMatch:
				continue
			}
			return literalPrefixes(sub)
		}
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			p, ok := literalPrefixes(sub)
			if !ok {
				return nil, false
			}
			out = append(out, p...)
		}
		return out, true
	}
	return nil, false
}

// lintClauses checks every clause against the monopoly rules and reports each
// rule once per clause. Clause numbers in messages are 1-based, as in a
// contract; the field path is 0-based, as in the JSON.
func lintClauses(clauses []string) []Finding {
	var fs []Finding
	for i, raw := range clauses {
		text := lintRoles.Replace(normaliseText(raw))
		for _, r := range monopolyRules {
			if r.matches(text) {
				fs = append(fs, newFinding(r.code, fmt.Sprintf("clauses[%d]", i), i+1, excerpt(raw, 80)))
			}
		}
	}
	return fs
}

func (r monopolyRule) matches(text string) bool {
	benign := func(start, end int) bool {
		return r.benign != nil && r.benign.MatchString(sentenceAround(text, start, end))
	}
	for _, p := range r.patterns {
		if p.triggers == nil {
			for _, loc := range p.re.FindAllStringIndex(text, -1) {
				if !benign(loc[0], loc[1]) {
					return true
				}
			}
			continue
		}
		for _, t := range p.triggers {
			for at := 0; ; {
				i := strings.Index(text[at:], t)
				if i < 0 {
					break
				}
				at += i
				if loc := p.anchored.FindStringIndex(text[at:]); loc != nil && !benign(at, at+loc[1]) {
					return true
				}
				at += len(t)
			}
		}
	}
	return false
}

// sentenceAround widens text[start:end] to the sentence that holds it.
func sentenceAround(text string, start, end int) string {
	const stops = "。；;！？!?.\n"
	if i := strings.LastIndexAny(text[:start], stops); i >= 0 {
		start = i
	} else {
		start = 0
	}
	if i := strings.IndexAny(text[end:], stops); i >= 0 {
		end += i
	} else {
		end = len(text)
	}
	return text[start:end]
}
