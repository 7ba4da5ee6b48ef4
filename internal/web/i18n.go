package web

import "fmt"

// The UI speaks Chinese and English. Every visible string is a message id in the
// catalog below, with both languages side by side so that a missing translation
// shows up in review (and TestCatalog fails). Listing content comes in both
// languages from its owner and falls back to the other one (listing.Title);
// code-list names come from the domain package (template func "label").

type message struct{ zh, en string }

// tr returns message id in a language, formatted with args like fmt.Sprintf.
// An unknown id shows as itself, so a typo is visible on the page, not hidden.
func tr(lang, id string, args ...any) string {
	m, ok := catalog[id]
	if !ok {
		return id
	}
	s := m.zh
	if lang == "en" {
		s = m.en
	}
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s
}

// flashMessages are the confirmations a redirect may ask for with ?msg=; the
// page shows the catalog message "msg.<name>". Anything else is ignored, so the
// parameter cannot inject text.
var flashMessages = map[string]bool{
	"saved": true, "submitted": true, "withdrawn": true, "renewed": true,
	"approved": true, "rejected": true, "read": true, "signed_out": true,
}

var catalog = map[string]message{
	// Site frame
	"site.name":              {"技术交易市场", "Technology Market"},
	"site.tagline":           {"科技成果与技术需求对接平台", "Where technologies meet the needs for them"},
	"nav.skip":               {"跳到正文", "Skip to content"},
	"nav.language":           {"语言", "Language"},
	"nav.main":               {"主导航", "Main navigation"},
	"nav.home":               {"首页", "Home"},
	"nav.browse":             {"浏览检索", "Browse"},
	"nav.technologies":       {"科技成果", "Technologies"},
	"nav.needs":              {"技术需求", "Needs"},
	"nav.my":                 {"我的发布", "My listings"},
	"nav.review":             {"审核队列", "Review queue"},
	"nav.filings":            {"合同登记", "Contract filings"},
	"nav.registrar_queue":    {"登记审核", "Registrar queue"},
	"nav.statistics":         {"市场统计", "Statistics"},
	"nav.valuation_accuracy": {"估值准确度", "Valuation accuracy"},
	"nav.publish_tech":       {"发布成果", "Offer a technology"},
	"nav.publish_need":       {"发布需求", "Post a need"},
	"nav.notifications":      {"通知", "Notifications"},
	"nav.unread":             {"%d 条未读", "%d unread"},
	"nav.login":              {"登录", "Sign in"},
	"nav.logout":             {"退出", "Sign out"},
	"nav.breadcrumb":         {"位置", "You are here"},
	"footer.about":           {"techmarket 开源技术交易平台：成果发布、需求对接、审核与合同登记。", "techmarket, the open-source technology trading platform: listings, matching, review and contract registration."},
	"footer.note":            {"保密信息仅在签署保密协议后向相关机构披露。", "Confidential detail is disclosed only to organisations that have signed an NDA."},
	"yes":                    {"是", "Yes"},
	"no":                     {"否", "No"},

	// Confirmations after a redirect
	"msg.saved":      {"已保存为草稿。", "Saved as a draft."},
	"msg.submitted":  {"已提交审核，审核通过后将公开发布。", "Submitted for review; it will be published once approved."},
	"msg.withdrawn":  {"已撤回。", "Withdrawn."},
	"msg.renewed":    {"已续期。", "Renewed."},
	"msg.approved":   {"已审核通过并发布。", "Approved and published."},
	"msg.rejected":   {"已驳回，发布方将收到驳回理由。", "Rejected; the owner will see your reason."},
	"msg.read":       {"全部通知已标为已读。", "All notifications marked as read."},
	"msg.signed_out": {"您已安全退出。", "You are signed out."},

	// Home
	"home.title":        {"首页", "Home"},
	"home.heading":      {"找技术，找需求，促转化", "Find technologies, find needs, close deals"},
	"home.lead":         {"高校、科研院所与企业在这里发布科技成果和技术需求，经交易机构审核后公开。", "Universities, institutes and companies publish technologies and needs here; an exchange reviews each one before it goes public."},
	"home.count_tech":   {"已发布科技成果", "Published technologies"},
	"home.count_needs":  {"已发布技术需求", "Published needs"},
	"home.count_orgs":   {"入驻机构", "Organisations"},
	"home.chart_title":  {"按技术领域分布", "Listings by technology field"},
	"home.chart_note":   {"已发布的成果与需求数量，点击领域查看。", "Published technologies and needs; select a field to see them."},
	"home.latest_tech":  {"最新科技成果", "Latest technologies"},
	"home.latest_needs": {"最新技术需求", "Latest needs"},
	"home.more":         {"查看全部 ›", "See all ›"},
	"home.none_tech":    {"暂无已发布的科技成果。", "No technologies published yet."},
	"home.none_needs":   {"暂无已发布的技术需求。", "No needs published yet."},

	// Search and browse
	"search.label":           {"关键词", "Keywords"},
	"search.placeholder":     {"技术名称、关键词或IPC分类号", "Technology, keyword or IPC class"},
	"search.button":          {"搜索", "Search"},
	"browse.title":           {"浏览检索", "Browse the market"},
	"browse.filters":         {"筛选条件", "Filters"},
	"browse.clear":           {"清除筛选", "Clear filters"},
	"browse.count":           {"共 %d 条结果", "%d results"},
	"browse.count_capped":    {"超过 %d 条结果", "more than %d results"},
	"browse.none":            {"没有符合条件的发布，请放宽筛选条件。", "Nothing matches; try fewer filters."},
	"browse.pages":           {"分页", "Pages"},
	"browse.prev":            {"上一页", "Previous"},
	"browse.next":            {"下一页", "Next"},
	"filter.any":             {"不限", "Any"},
	"filter.trl_min":         {"最低成熟度", "Lowest TRL"},
	"filter.trl_max":         {"最高成熟度", "Highest TRL"},
	"filter.state_owned.yes": {"仅国有", "State-owned only"},
	"filter.state_owned.no":  {"非国有", "Not state-owned"},

	// Listing detail
	"listing.summary":                {"公开摘要", "Public summary"},
	"listing.detail":                 {"详细技术资料", "Detailed description"},
	"listing.confidential":           {"保密", "Confidential"},
	"listing.detail_access.owner":    {"您所在机构是发布方，因此可以看到保密内容。", "You see this confidential part because your organisation owns the listing."},
	"listing.detail_access.operator": {"您是交易机构审核人员，因此可以看到保密内容。", "You see this confidential part as an exchange operator."},
	"listing.detail_access.granted":  {"您所在机构已签署保密协议，获准查看保密内容。", "Your organisation signed an NDA and was granted access to this confidential part."},
	"listing.withheld":               {"保密内容——签署保密协议（NDA）后可见。", "Confidential — visible after NDA."},
	"listing.facts":                  {"关键信息", "Key facts"},
	"listing.status":                 {"状态", "Status"},
	"listing.budget":                 {"预算", "Budget"},
	"listing.budget_from":            {"%s 起", "from %s"},
	"listing.budget_upto":            {"不超过 %s", "up to %s"},
	"listing.budget_open":            {"面议", "Open"},
	"listing.state_owned_short":      {"国有", "State-owned"},
	"listing.state_owned_rule":       {"国有成果须通过协议定价并公示、挂牌或拍卖方式交易", "state-owned: priced only by agreement with public notice, listing or auction"},
	"listing.published_on":           {"%s 发布", "published %s"},
	"listing.expires_on":             {"%s 到期", "expires %s"},
	"listing.rejected_because":       {"驳回理由：", "Rejected because:"},
	"listing.owner_actions":          {"管理", "Manage"},
	"action.edit":                    {"编辑", "Edit"},
	"action.submit":                  {"提交审核", "Submit for review"},
	"action.renew":                   {"续期", "Renew"},
	"action.withdraw":                {"撤回", "Withdraw"},
	"action.withdraw_hint":           {"撤回后不再展示，且不能再编辑。", "A withdrawn listing leaves the market for good and cannot be edited."},
	"action.approve":                 {"审核通过并发布", "Approve and publish"},
	"action.reject":                  {"驳回", "Reject"},

	// Review
	"review.title":        {"审核", "Review"},
	"review.reason":       {"驳回理由（发布方可见）", "Reason for rejection (shown to the owner)"},
	"review.queue_title":  {"审核队列", "Review queue"},
	"review.queue_note":   {"%d 条待审核，按提交时间先后排列。", "%d waiting, oldest submission first."},
	"review.submitted_at": {"%s 提交", "submitted %s"},
	"review.none":         {"目前没有待审核的发布。", "Nothing is waiting for review."},

	// My listings
	"my.title":       {"我的发布", "My listings"},
	"my.col.title":   {"标题", "Title"},
	"my.col.updated": {"更新时间", "Updated"},
	"my.col.expires": {"到期时间", "Expires"},
	"my.col.actions": {"操作", "Actions"},
	"my.none":        {"您所在机构还没有任何发布。", "Your organisations have no listings yet."},

	// Publish and edit form
	"form.new_title.achievement": {"发布科技成果", "Offer a technology"},
	"form.new_title.need":        {"发布技术需求", "Post a technology need"},
	"form.edit_title":            {"编辑发布", "Edit listing"},
	"form.intro":                 {"带 * 的为必填项。中文、英文至少填写一种；公开摘要任何人可见，详细资料仅对签署保密协议的机构可见。", "Fields marked * are required. Fill in Chinese or English or both; the public summary is visible to everyone, the detail only to organisations that sign an NDA."},
	"form.edit_rereview":         {"该发布已提交或已发布，保存修改后将重新进入审核。", "This listing is submitted or published; saving changes sends it back to review."},
	"form.conflict":              {"保存期间该发布已被他人修改。您填写的内容仍在下方，请刷新页面查看最新版本后重新修改。", "Someone else changed this listing while you were editing. Your text is kept below; reload the page to see the latest version and apply your changes again."},
	"form.errors_title":          {"表单有 %d 处需要修改", "The form has %d problems to fix"},
	"form.section.basic":         {"基本信息", "Basics"},
	"form.section.confidential":  {"保密资料（签署保密协议后可见）", "Confidential detail (visible after NDA)"},
	"form.section.maturity":      {"技术成熟度", "Technology readiness"},
	"form.section.deal":          {"交易方式与价格", "Deal terms and price"},
	"form.section.need":          {"需求条件", "What the need asks for"},
	"form.section.publication":   {"地区与有效期", "Region and validity"},
	"form.choose":                {"请选择", "Choose…"},
	"form.any_trl":               {"不限", "Any"},
	"form.add_ip":                {"添加知识产权", "Add an IP item"},
	"form.add_owner":             {"添加共有人", "Add a co-owner"},
	"form.remove_row":            {"删除此行", "Remove this row"},
	"form.save_submit":           {"保存并提交审核", "Save and submit for review"},
	"form.save_draft":            {"保存草稿", "Save draft"},
	"form.cancel":                {"取消", "Cancel"},
	"unit.wan":                   {"万元", "×10,000 yuan (万元)"},
	"unit.yuan":                  {"元", "yuan"},

	// Field labels: "f." + the API field name
	"f.kind":                 {"类型", "Type"},
	"f.org_id":               {"发布机构", "Publishing organisation"},
	"f.title_zh":             {"中文标题", "Title (Chinese)"},
	"f.title_en":             {"英文标题", "Title (English)"},
	"f.summary_zh":           {"中文公开摘要", "Public summary (Chinese)"},
	"f.summary_en":           {"英文公开摘要", "Public summary (English)"},
	"f.detail_zh":            {"中文详细资料", "Detail (Chinese)"},
	"f.detail_en":            {"英文详细资料", "Detail (English)"},
	"f.field":                {"技术领域", "Technology field"},
	"f.ipc_codes":            {"IPC分类号", "IPC classes"},
	"f.trl":                  {"技术成熟度（TRL）", "Technology readiness level (TRL)"},
	"f.trl_evidence":         {"成熟度佐证", "Evidence for the TRL"},
	"f.trl_range":            {"技术成熟度", "Readiness (TRL)"},
	"f.transfer_modes":       {"转化方式", "Transfer modes"},
	"f.price_type":           {"价格类型", "Price type"},
	"f.price_fen":            {"价格", "Price"},
	"f.unit":                 {"金额单位", "Unit"},
	"f.state_owned":          {"国有科技成果", "State-owned achievement"},
	"f.region_code":          {"所在地区", "Region"},
	"f.province":             {"省份", "Province"},
	"f.validity_months":      {"有效期（月）", "Valid for (months)"},
	"f.budget_min_fen":       {"预算下限", "Budget from"},
	"f.budget_max_fen":       {"预算上限", "Budget up to"},
	"f.required_trl":         {"所需技术成熟度", "Required TRL"},
	"f.deadline":             {"截止日期", "Deadline"},
	"f.ip_items":             {"知识产权", "Intellectual property"},
	"f.ip_items.row":         {"知识产权 %s", "IP item %s"},
	"f.ip_items.type":        {"类型", "Type"},
	"f.ip_items.number":      {"专利号/登记号", "Number"},
	"f.ip_items.title":       {"名称", "Title"},
	"f.ip_items.status":      {"法律状态", "Legal status"},
	"f.ip_items.territory":   {"地域", "Territory"},
	"f.ip_items.expiry_date": {"到期日", "Expires"},
	"f.owners":               {"共有人及份额", "Co-owners and shares"},
	"f.owners.row":           {"共有人 %s", "Co-owner %s"},
	"f.owners.name":          {"共有人名称", "Co-owner"},
	"f.owners.share_pct":     {"份额（%）", "Share (%)"},

	// Hints beside fields
	"hint.title":        {"中文、英文标题至少填写一个；用应用和效果命名，而不是专利语言。", "Chinese or English (or both); name the use and the benefit, not the patent claim."},
	"hint.summary":      {"面向企业的通俗说明：解决什么问题、比现有方案好在哪里、适用场景。", "Plain words for companies: the problem solved, the benefit over what exists, where it applies."},
	"hint.detail":       {"技术方案、关键数据、工艺参数等；仅发布方、审核人员和签署保密协议的机构可见。", "Technical solution, key data, process parameters; only the owner, the exchange and organisations under NDA see it."},
	"hint.ipc":          {"多个用逗号分隔，如 G06F 16/35, H01M", "Separate several with commas, e.g. G06F 16/35, H01M"},
	"hint.region":       {"6位行政区划代码（GB/T 2260），如 110108；可从列表中选择省份。", "6-digit GB/T 2260 code such as 110108; pick a province from the list."},
	"hint.validity":     {"到期前会提醒续期，过期后不再展示。", "You are reminded before it expires; expired listings leave the market."},
	"hint.modes_need":   {"可选：希望以哪些方式获得技术。", "Optional: how you would like to obtain the technology."},
	"hint.trl":          {"选项中给出每一级的定义。", "Each choice shows what the level means."},
	"hint.trl_evidence": {"4级及以上须提供，如检测报告、中试记录、销售情况。", "Required from TRL 4: test reports, pilot runs, sales."},
	"hint.price":        {"可按万元或元填写，精确到分；面议时可不填。", "Enter in 万元 (×10,000 yuan) or yuan, exact to the fen; leave empty when negotiable."},
	"hint.state_owned":  {"国有成果须以协议定价公示、挂牌或拍卖方式交易。", "State-owned achievements may only be priced by agreement with public notice, listing or auction."},
	"hint.ip_items":     {"每项专利或登记一行；整行留空即视为删除。", "One row per patent or registration; leave a row empty to remove it."},
	"hint.owners":       {"如有多个权利人，逐一填写份额，合计须为100%，最多两位小数。", "If several parties own it, give each share; they must add up to 100%, with at most two decimals."},

	// Login
	"login.title":    {"登录", "Sign in"},
	"login.email":    {"电子邮箱", "E-mail"},
	"login.password": {"密码", "Password"},
	"login.submit":   {"登录", "Sign in"},
	"login.help":     {"账号由平台管理员开通。连续输错密码将暂时锁定。", "Accounts are opened by the platform administrator. Repeated wrong passwords lock the account for a while."},
	"login.missing":  {"请填写电子邮箱和密码。", "Enter your e-mail and password."},
	"login.wrong":    {"电子邮箱或密码不正确。", "Wrong e-mail or password."},
	"login.locked":   {"登录失败次数过多，请稍后再试。", "Too many failed sign-ins; please try again later."},

	// Notifications
	"notifications.title":     {"通知", "Notifications"},
	"notifications.mark_read": {"全部标为已读", "Mark all as read"},
	"notifications.unread":    {"未读", "Unread"},
	"notifications.none":      {"暂无通知。", "No notifications."},

	// Errors, by apperr kind
	"error.home":                 {"返回首页", "Go to the home page"},
	"error.not_found":            {"页面不存在", "Page not found"},
	"error.not_found.help":       {"该地址没有内容，或该发布尚未公开。", "There is nothing at this address, or the listing is not public."},
	"error.forbidden":            {"无权操作", "Not allowed"},
	"error.forbidden.help":       {"您的账号没有执行此操作所需的角色。", "Your account does not have the role this needs."},
	"error.unauthenticated":      {"请先登录", "Please sign in"},
	"error.unauthenticated.help": {"登录已过期，请重新登录。", "Your session has ended; please sign in again."},
	"error.invalid":              {"请求有误", "Something in the request is not right"},
	"error.invalid.help":         {"请返回上一页检查后重试。", "Go back, check and try again."},
	"error.conflict":             {"操作与当前状态冲突", "Not possible right now"},
	"error.conflict.help":        {"该发布的状态已经改变，请刷新后再试。", "The listing's state has changed; reload and try again."},
	"error.rate_limited":         {"操作过于频繁", "Too many attempts"},
	"error.rate_limited.help":    {"请稍后再试。", "Please wait a moment and try again."},
	"error.unavailable":          {"服务暂时不可用", "Temporarily unavailable"},
	"error.unavailable.help":     {"请稍后再试。", "Please try again in a little while."},
	"error.internal":             {"系统出错了", "Something went wrong"},
	"error.internal.help":        {"错误已记录，请稍后再试。", "The error has been logged; please try again later."},
}
