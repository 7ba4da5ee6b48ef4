package web

import "fmt"

// matchingMessages are the matching pages' messages (matching.go,
// matching_*.html), merged into the catalog at start-up.
var matchingMessages = map[string]message{
	"nav.saved_needs":          {"需求订阅", "Saved needs"},
	"match.title":              {"匹配结果", "Matches"},
	"match.for_listing":        {"与“%s”匹配的%s", "%[2]s matching “%[1]s”"},
	"match.for_saved":          {"订阅“%s”的匹配%s", "%[2]s matching your saved need “%[1]s”"},
	"match.target.achievement": {"科技成果", "Technologies"},
	"match.target.need":        {"技术需求", "Needs"},
	"match.button":             {"查看匹配", "See matches"},
	"match.button_hint":        {"按文本相关度与领域、成熟度、价格等兼容性排序，并说明匹配原因。", "Ranked by text relevance and compatibility (field, readiness, price…), with the reasons."},
	"match.none":               {"暂无匹配的发布。", "No matching listings yet."},
	"match.score":              {"匹配分", "Score"},
	"match.text_score":         {"文本相关度 %s", "text relevance %s"},
	"match.why":                {"匹配原因", "Why this match"},
	"match.terms":              {"匹配词：", "Matched words: "},
	"match.factors":            {"兼容性因素", "Compatibility"},
	"match.source.translation": {"译词", "translated"},
	"match.source.feedback":    {"反馈扩展", "from feedback"},
	"match.feedback_used":      {"排序已参考您的 %d 条评价。", "The ranking uses your %d verdicts."},
	"match.relevant":           {"相关", "Relevant"},
	"match.not_relevant":       {"不相关", "Not relevant"},
	"match.reason":             {"原因", "Reason"},
	"match.reason_none":        {"（不说明）", "(no reason)"},
	"match.your_verdict":       {"您的评价：%s", "Your verdict: %s"},
	"match.summary_title":      {"对方对本发布的评价", "What others said about this listing"},
	"match.summary_counts":     {"共 %d 条评价：%d 条相关，%d 条不相关。", "%d verdicts: %d relevant, %d not relevant."},
	"match.summary_none":       {"还没有人评价过本发布。", "Nobody has judged this listing yet."},
	"match.summary_hint":       {"仅显示次数，不显示评价人。", "Counts only; who gave them is never shown."},
	"match.save_title":         {"订阅新匹配", "Get alerts"},
	"match.save_hint":          {"有新发布的条目匹配分达到阈值时通知您（只通知一次）。", "Be notified once when a newly published listing scores at or above the threshold."},
	"match.save":               {"订阅本需求", "Save as a need"},
	"saved.title":              {"需求订阅", "Saved needs"},
	"saved.none":               {"还没有订阅。可在自己的发布的匹配页订阅，或在下方按关键词订阅。", "No saved needs yet. Save one from your listing's matches page, or from keywords below."},
	"saved.new":                {"按关键词订阅", "Save a keyword search"},
	"saved.name":               {"名称", "Name"},
	"saved.text":               {"检索文本", "What to look for"},
	"saved.kind":               {"查找", "Look for"},
	"saved.field":              {"技术领域", "Technology field"},
	"saved.any_field":          {"不限", "Any"},
	"saved.region":             {"地域（行政区划代码前缀，如 32）", "Region (GB/T 2260 prefix, e.g. 32)"},
	"saved.min_trl":            {"最低成熟度", "Minimum TRL"},
	"saved.min_score":          {"提醒阈值（匹配分）", "Alert threshold (score)"},
	"saved.min_score_hint":     {"默认 5；明显相关的匹配通常在 10 分以上。", "Default 5; clearly relevant matches usually score above 10."},
	"saved.webhook":            {"回调地址（可选）", "Webhook URL (optional)"},
	"saved.webhook_hint":       {"每次提醒以 JSON POST 到该地址，并用 HMAC-SHA256 签名（X-Techmarket-Signature）。", "Each alert is POSTed there as JSON, signed with HMAC-SHA256 (X-Techmarket-Signature)."},
	"saved.secret":             {"签名密钥", "Signing secret"},
	"saved.create":             {"订阅", "Save"},
	"saved.delete":             {"删除订阅", "Delete"},
	"saved.errors":             {"有 %d 处需要修改", "%d things to fix"},
	"saved.col.name":           {"名称", "Name"},
	"saved.col.source":         {"来源", "Based on"},
	"saved.col.threshold":      {"阈值", "Threshold"},
	"saved.col.webhook":        {"回调", "Webhook"},
	"saved.source.listing":     {"我的发布", "My listing"},
	"saved.source.text":        {"关键词：%s", "Keywords: %s"},
	"saved.alerts":             {"已发出的提醒", "Alerts sent"},
	"saved.alerts_none":        {"还没有提醒。", "No alerts yet."},
	"saved.col.listing":        {"新发布", "New listing"},
	"saved.col.when":           {"时间", "When"},
	"saved.webhook.delivered":  {"已送达", "Delivered"},
	"saved.webhook.failed":     {"失败", "Failed"},
	"saved.webhook.pending":    {"待发送", "Pending"},
	"msg.match_judged":         {"已记录您的评价，排序已更新。", "Your verdict is recorded; the ranking is updated."},
	"msg.saved_need_created":   {"已订阅；有新的匹配发布时会通知您。", "Saved; you will be notified of new matching listings."},
	"msg.saved_need_deleted":   {"订阅已删除。", "Saved need deleted."},
	"match.matches_of_listing": {"本发布的匹配", "This listing's matches"},
	"match.back_to_listing":    {"返回发布详情", "Back to the listing"},
}

func init() {
	for id, m := range matchingMessages {
		if _, dup := catalog[id]; dup {
			panic(fmt.Sprintf("web: message %q defined twice", id))
		}
		catalog[id] = m
	}
	for _, f := range []string{"match_judged", "saved_need_created", "saved_need_deleted"} {
		flashMessages[f] = true
	}
}
