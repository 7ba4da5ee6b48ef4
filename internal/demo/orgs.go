package demo

import (
	"fmt"
	"math/rand/v2"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// orgSpec is one demo organisation. The names are invented but shaped like real
// ones; the region codes are real GB/T 2260 districts, so maps and province
// filters show a plausible national spread.
type orgSpec struct {
	key    string // short handle, also the local part of its contact's e-mail
	nameZh string
	nameEn string
	typ    string
	region string
	web    string
	// contact is the person who owns the organisation's listings (and signs in).
	contactZh, contactEn string
	// fields are the technology fields (space-separated codes) it publishes in.
	fields string
}

// demoOrgs covers every type in domain.OrgTypes. The first university, institute
// and enterprise are the ones the headline seller/buyer accounts belong to.
var demoOrgs = []orgSpec{
	// Universities: state-owned sellers.
	{"jhut", "京华理工大学", "Jinghua University of Technology", "university", "110108", "https://www.jhut.edu.cn", "王晓明", "Wang Xiaoming", "EI AM NM URB"},
	{"ectu", "华东理工技术大学", "East China Technological University", "university", "310110", "https://www.ectu.edu.cn", "陈静", "Chen Jing", "NM ENV NE AM"},
	{"snust", "苏南科技大学", "Sunan University of Science and Technology", "university", "320506", "https://www.snust.edu.cn", "刘洋", "Liu Yang", "EI AM TRN"},
	{"lnut", "岭南工业大学", "Lingnan Industrial University", "university", "440106", "https://www.lnut.edu.cn", "黄志强", "Huang Zhiqiang", "AM EI URB NM"},
	{"sdau", "蜀都农业大学", "Shudu Agricultural University", "university", "510104", "https://www.sdau.edu.cn", "李娜", "Li Na", "AGR BIO ENV"},
	{"jcmu", "荆楚医科大学", "Jingchu Medical University", "university", "420111", "https://www.jcmu.edu.cn", "张伟", "Zhang Wei", "BIO"},
	{"caaa", "长安航空航天大学", "Chang'an University of Aeronautics and Astronautics", "university", "610113", "https://www.caaa.edu.cn", "赵磊", "Zhao Lei", "AS AM TRN EI"},
	// Research institutes: state-owned sellers, some also post needs.
	{"dhiam", "东海新材料研究院", "Donghai Institute of Advanced Materials", "research_institute", "330212", "https://www.dhiam.ac.cn", "孙丽", "Sun Li", "NM NE"},
	{"nintu", "北方核技术应用研究所", "Northern Institute of Nuclear Technology Applications", "research_institute", "620102", "https://www.nintu.ac.cn", "马骏", "Ma Jun", "NUC ENV BIO"},
	{"cpaas", "中原农业科学研究院", "Central Plains Academy of Agricultural Sciences", "research_institute", "410105", "https://www.cpaas.ac.cn", "周敏", "Zhou Min", "AGR BIO"},
	{"bhiee", "渤海环境工程研究院", "Bohai Institute of Environmental Engineering", "research_institute", "120116", "https://www.bhiee.ac.cn", "吴刚", "Wu Gang", "ENV URB"},
	{"swenergy", "西南能源研究院", "Southwest Energy Research Institute", "research_institute", "500108", "https://www.swenergy.ac.cn", "郑芳", "Zheng Fang", "NE ENV NUC"},
	// Enterprises in many provinces: buyers, and sellers of their own technology.
	{"xintu", "深圳市芯途微电子有限公司", "Shenzhen Xintu Microelectronics Co., Ltd.", "enterprise", "440305", "https://www.xintu-micro.com", "林海", "Lin Hai", "EI"},
	{"yunfan", "杭州云帆智能科技有限公司", "Hangzhou Yunfan Intelligent Technology Co., Ltd.", "enterprise", "330106", "https://www.yunfan-ai.com", "徐晨", "Xu Chen", "EI URB"},
	{"haoyang", "合肥昊阳新能源科技股份有限公司", "Hefei Haoyang New Energy Technology Co., Ltd.", "enterprise", "340104", "https://www.haoyang-energy.com", "何涛", "He Tao", "NE TRN"},
	{"jinggong", "常州精工智能装备有限公司", "Changzhou Jinggong Intelligent Equipment Co., Ltd.", "enterprise", "320411", "https://www.jinggong-ie.com", "钱伟", "Qian Wei", "AM"},
	{"kangrui", "苏州康瑞生物医药有限公司", "Suzhou Kangrui Biopharmaceutical Co., Ltd.", "enterprise", "320505", "https://www.kangrui-bio.com", "沈悦", "Shen Yue", "BIO"},
	{"lvyuan", "山东绿源环保科技有限公司", "Shandong Lvyuan Environmental Technology Co., Ltd.", "enterprise", "370112", "https://www.lvyuan-env.com", "高峰", "Gao Feng", "ENV"},
	{"zhonggui", "株洲中轨交通装备有限公司", "Zhuzhou Zhonggui Rail Transit Equipment Co., Ltd.", "enterprise", "430211", "https://www.zhonggui-rail.com", "罗斌", "Luo Bin", "TRN AM"},
	{"handi", "黑龙江寒地农业科技有限公司", "Heilongjiang Handi Agritech Co., Ltd.", "enterprise", "230109", "https://www.handi-agri.com", "于洋", "Yu Yang", "AGR"},
	{"yunxiang", "成都云翔航空科技有限公司", "Chengdu Yunxiang Aviation Technology Co., Ltd.", "enterprise", "510107", "https://www.yunxiang-aero.com", "邓超", "Deng Chao", "AS"},
	{"haixia", "福建海峡新材料股份有限公司", "Fujian Haixia New Materials Co., Ltd.", "enterprise", "350104", "https://www.haixia-nm.com", "陈炜", "Chen Wei", "NM"},
	{"beibuwan", "广西北部湾城建科技有限公司", "Guangxi Beibu Gulf Urban Construction Technology Co., Ltd.", "enterprise", "450103", "https://www.bbw-ucst.com", "韦明", "Wei Ming", "URB"},
	{"fengyu", "内蒙古风语新能源有限公司", "Inner Mongolia Fengyu New Energy Co., Ltd.", "enterprise", "150105", "https://www.fengyu-ne.com", "包文", "Bao Wen", "NE"},
	{"zhilian", "武汉光谷智联科技有限公司", "Wuhan Guanggu Zhilian Technology Co., Ltd.", "enterprise", "420111", "https://www.gg-zhilian.com", "杨帆", "Yang Fan", "EI TRN"},
	{"dianchi", "云南滇池生物科技有限公司", "Yunnan Dianchi Biotech Co., Ltd.", "enterprise", "530112", "https://www.dianchi-bio.com", "段丽", "Duan Li", "BIO AGR"},
	// Exchanges: operators review listings.
	{"jjjtx", "京津冀技术交易中心", "Jing-Jin-Ji Technology Exchange Center", "exchange", "110108", "https://www.jjjtx.com.cn", "孟凡", "Meng Fan", ""},
	{"yrdtx", "长三角技术交易所", "Yangtze River Delta Technology Exchange", "exchange", "310101", "https://www.yrdtx.com.cn", "顾婷", "Gu Ting", ""},
	{"gbatx", "粤港澳大湾区技术交易中心", "Greater Bay Area Technology Exchange Center", "exchange", "440304", "https://www.gbatx.com.cn", "梁嘉", "Liang Jia", ""},
	// The registry, banks, a government office and service agencies.
	{"bjreg", "滨江新区技术合同认定登记站", "Binjiang New Area Technology Contract Registration Office", "contract_registry", "330108", "", "方红", "Fang Hong", ""},
	{"huaxin", "华信科创银行", "Huaxin Sci-Tech Bank", "bank", "310115", "https://www.huaxinbank.cn", "蒋涛", "Jiang Tao", ""},
	{"jianghai", "江海商业银行科技支行", "Jianghai Commercial Bank, Sci-Tech Branch", "bank", "320106", "https://www.jianghaibank.cn", "许静", "Xu Jing", ""},
	{"jhstc", "京华市科学技术委员会", "Jinghua Municipal Science and Technology Commission", "government", "110101", "", "田野", "Tian Ye", "URB ENV"},
	{"qimingxing", "启明星科技企业孵化器", "Qimingxing Technology Business Incubator", "service_agency", "330106", "https://www.qmx-incubator.cn", "叶青", "Ye Qing", ""},
	{"zhiqiao", "知桥技术转移服务有限公司", "Zhiqiao Technology Transfer Services Co., Ltd.", "service_agency", "110105", "https://www.zhiqiao-tt.com", "程远", "Cheng Yuan", ""},
}

// stateOwned reports whether an organisation's achievements are state-owned
// assets (universities and public research institutes, domain-rules §7).
func (o orgSpec) stateOwned() bool { return o.typ == "university" || o.typ == "research_institute" }

// uscc builds a valid unified social credit code. Public institutions are
// registered by the establishment authority (1) as institutions (2), government
// offices as organs (11), everything else by market regulation as enterprises (91).
func (o orgSpec) uscc(rng *rand.Rand) string {
	authority, category := byte('9'), byte('1')
	switch o.typ {
	case "university", "research_institute", "contract_registry":
		authority, category = '1', '2'
	case "government":
		authority, category = '1', '1'
	}
	// The 9-character body is an organisation code: 8 digits and a check character.
	body := fmt.Sprintf("%08d", rng.IntN(1e8)) + string("0123456789X"[rng.IntN(11)])
	return domain.MakeUSCC(authority, category, o.region, body)
}

// userSpec is one demo account: a role in an organisation.
type userSpec struct {
	email  string
	nameZh string
	nameEn string
	locale string
	org    string   // orgSpec.key
	roles  []string // roles held in that organisation
}

const emailDomain = "@demo.techmarket.cn"

// headlineUsers are the accounts a visitor tries first: one for every role in
// domain.Roles, plus a second seller and buyer with different organisation types.
// Each becomes its organisation's first member, so listings created for that
// organisation are attributed to it.
var headlineUsers = []userSpec{
	{"seller" + emailDomain, "王晓明", "Wang Xiaoming", "zh", "jhut", []string{domain.RoleSeller, domain.RoleBuyer}},
	{"buyer" + emailDomain, "林海", "Lin Hai", "zh", "xintu", []string{domain.RoleBuyer, domain.RoleSeller}},
	{"broker" + emailDomain, "程远", "Cheng Yuan", "zh", "zhiqiao", []string{domain.RoleBroker}},
	{"operator" + emailDomain, "孟凡", "Meng Fan", "zh", "jjjtx", []string{domain.RoleOperator}},
	{"registrar" + emailDomain, "方红", "Fang Hong", "zh", "bjreg", []string{domain.RoleRegistrar}},
	{"bank" + emailDomain, "蒋涛", "Jiang Tao", "zh", "huaxin", []string{domain.RoleBankOfficer}},
	{"admin" + emailDomain, "平台管理员", "Platform Administrator", "zh", "jjjtx", []string{domain.RoleAdmin}},
	{"seller2" + emailDomain, "孙丽", "Sun Li", "en", "dhiam", []string{domain.RoleSeller, domain.RoleBuyer}},
	{"buyer2" + emailDomain, "何涛", "He Tao", "en", "haoyang", []string{domain.RoleBuyer, domain.RoleSeller}},
	{"operator2" + emailDomain, "顾婷", "Gu Ting", "en", "yrdtx", []string{domain.RoleOperator}},
}

// contactUsers gives every other organisation a contact person, so that each
// listing has a real author and every organisation can be signed into.
func contactUsers() []userSpec {
	taken := map[string]bool{}
	for _, u := range headlineUsers {
		taken[u.org] = true
	}
	var out []userSpec
	for _, o := range demoOrgs {
		if taken[o.key] {
			continue
		}
		var roles []string
		switch o.typ {
		case "university", "research_institute", "enterprise":
			roles = []string{domain.RoleSeller, domain.RoleBuyer}
		case "exchange":
			roles = []string{domain.RoleOperator}
		case "contract_registry":
			roles = []string{domain.RoleRegistrar}
		case "bank":
			roles = []string{domain.RoleBankOfficer}
		case "service_agency":
			roles = []string{domain.RoleBroker}
		case "government":
			// Government offices read statistics, which need no role beyond membership;
			// the buyer role lets them post public needs (e.g. municipal challenges).
			roles = []string{domain.RoleBuyer}
		}
		out = append(out, userSpec{o.key + emailDomain, o.contactZh, o.contactEn, "zh", o.key, roles})
	}
	return out
}
