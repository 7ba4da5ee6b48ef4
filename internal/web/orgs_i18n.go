package web

import "fmt"

// orgMessages are the messages of the organisation profile page and of the
// enterprise section of the matches page (orgs_profile.go), merged into the
// catalog at start-up.
var orgMessages = map[string]message{
	"org.profile.title":     {"机构简介", "Organisation profile"},
	"org.profile.scope":     {"经营范围/简介", "Business scope / description"},
	"org.profile.scope_zh":  {"经营范围/简介（中文）", "Business scope / description (Chinese)"},
	"org.profile.scope_en":  {"经营范围/简介（英文）", "Business scope / description (English)"},
	"org.profile.fields":    {"技术领域", "Technology fields"},
	"org.profile.ipc":       {"IPC分类号", "IPC codes"},
	"org.profile.ipc_hint":  {"以逗号分隔，如 H01M, G06F 16/35", "Comma-separated, e.g. H01M, G06F 16/35"},
	"org.profile.empty":     {"该机构尚未填写简介。", "This organisation has not filled in its profile yet."},
	"org.profile.edit":      {"编辑简介", "Edit the profile"},
	"org.profile.save":      {"保存", "Save"},
	"org.profile.saved":     {"简介已保存，企业匹配已更新。", "Profile saved; enterprise matches are updated."},
	"org.profile.edit_hint": {"简介公开显示，并用于为科技成果匹配可能需要它的企业。", "The profile is public and is used to propose enterprises that may want a technology."},
	"org.profile.website":   {"网站", "Website"},
	"org.profile.region":    {"地区", "Region"},
	"org.profile.type":      {"机构类型", "Type"},
	"ent.title":             {"可能需要该成果的企业", "Enterprises that may want this"},
	"ent.hint":              {"按企业简介及其发布过的需求（仅公开内容）与本成果的相关度，以及领域、IPC、地域的兼容性排序。", "Ranked by how well the enterprise's profile and its published needs (public text only) fit this technology, and by field, IPC and region compatibility."},
	"ent.none":              {"暂无匹配的企业。", "No matching enterprises yet."},
	"ent.unavailable":       {"匹配索引正在建立，请稍后再试。", "The matching index is being built; try again in a minute."},
	"ent.needs":             {"相关需求：", "Related needs: "},
	"ent.need_count":        {"已发布需求 %d 项", "%d published needs"},
	"ent.profile":           {"查看简介", "Profile"},
}

func init() {
	for id, m := range orgMessages {
		if _, dup := catalog[id]; dup {
			panic(fmt.Sprintf("web: message %q defined twice", id))
		}
		catalog[id] = m
	}
}
