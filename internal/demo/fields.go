package demo

import (
	"sort"
	"strings"
)

// fieldRule says that a keyword in a patent's text points to a technology field
// (domain.TechFields) and, when it decides the field, to a typical IPC subclass.
// The source abstracts carry no classification, so the demo derives one the way a
// reviewer skimming the text would: by the words that name the subject matter.
type fieldRule struct {
	field   string
	keyword string
	weight  int
	ipc     string
}

// fieldRules are checked against the Chinese title and abstract. Weights favour
// words that name the subject (核反应堆, 无人机) over words that merely occur in
// many fields (装置, 材料). Order matters only for ties, where the earlier rule wins.
var fieldRules = []fieldRule{
	// Nuclear applications: only unambiguous terms ("辐射" alone also means heat radiation).
	{"NUC", "核反应堆", 6, "G21C"}, {"NUC", "反应堆", 5, "G21C"}, {"NUC", "核电", 5, "G21D"},
	{"NUC", "核燃料", 6, "G21C"}, {"NUC", "乏燃料", 6, "G21F"}, {"NUC", "放射性", 5, "G21F"},
	{"NUC", "同位素", 5, "G21G"}, {"NUC", "中子", 4, "G01T"}, {"NUC", "核素", 5, "G01T"},
	{"NUC", "辐照", 4, "G21K"}, {"NUC", "γ射线", 4, "G01T"}, {"NUC", "伽马", 4, "G01T"},
	{"NUC", "电离辐射", 5, "G01T"}, {"NUC", "核辐射", 6, "G01T"}, {"NUC", "核级", 5, "G21C"},
	// Aerospace.
	{"AS", "航天", 5, "B64G"}, {"AS", "航空", 4, "B64C"}, {"AS", "飞行器", 5, "B64C"},
	{"AS", "无人机", 5, "B64U"}, {"AS", "卫星", 5, "B64G"}, {"AS", "飞机", 4, "B64C"},
	{"AS", "火箭", 5, "F02K"}, {"AS", "机翼", 5, "B64C"}, {"AS", "旋翼", 5, "B64C"},
	{"AS", "航空发动机", 6, "F02C"}, {"AS", "起落架", 6, "B64C"},
	// Agriculture.
	{"AGR", "种植", 3, "A01G"}, {"AGR", "作物", 4, "A01G"}, {"AGR", "水稻", 5, "A01H"},
	{"AGR", "小麦", 5, "A01H"}, {"AGR", "玉米", 4, "A01H"}, {"AGR", "养殖", 5, "A01K"},
	{"AGR", "饲料", 5, "A23K"}, {"AGR", "农药", 5, "A01N"}, {"AGR", "肥料", 5, "C05G"},
	{"AGR", "施肥", 5, "A01C"}, {"AGR", "播种", 5, "A01C"}, {"AGR", "灌溉", 4, "A01G"},
	{"AGR", "土壤", 2, "A01B"}, {"AGR", "果蔬", 4, "A23B"}, {"AGR", "禽", 4, "A01K"},
	{"AGR", "畜", 3, "A01K"}, {"AGR", "水产", 4, "A01K"}, {"AGR", "盆栽", 4, "A01G"},
	{"AGR", "大棚", 5, "A01G"}, {"AGR", "蜂蜜", 5, "A23L"}, {"AGR", "食品", 3, "A23L"},
	{"AGR", "农业", 4, "A01B"}, {"AGR", "收割", 5, "A01D"}, {"AGR", "茶叶", 4, "A23F"},
	{"AGR", "植株", 4, "A01G"}, {"AGR", "种子", 2, "A01C"}, {"AGR", "杀虫", 5, "A01N"},
	{"AGR", "病虫害", 5, "A01N"}, {"AGR", "植物", 2, "A01G"},
	// Biology, medicine and medical devices.
	{"BIO", "药物", 4, "A61K"}, {"BIO", "医疗", 4, "A61B"}, {"BIO", "患者", 4, "A61B"},
	{"BIO", "细胞", 3, "C12N"}, {"BIO", "抗体", 5, "C07K"}, {"BIO", "基因", 4, "C12N"},
	{"BIO", "蛋白", 3, "C07K"}, {"BIO", "疾病", 4, "A61P"}, {"BIO", "治疗", 3, "A61P"},
	{"BIO", "医用", 4, "A61L"}, {"BIO", "口腔", 3, "A61C"}, {"BIO", "疫苗", 5, "A61K"},
	{"BIO", "诊断", 3, "A61B"}, {"BIO", "血液", 3, "A61B"}, {"BIO", "制剂", 3, "A61K"},
	{"BIO", "微生物", 3, "C12N"}, {"BIO", "发酵", 2, "C12P"}, {"BIO", "手术", 4, "A61B"},
	{"BIO", "生物", 1, "C12N"}, {"BIO", "穴位", 4, "A61H"}, {"BIO", "内窥镜", 5, "A61B"},
	{"BIO", "化妆品", 3, "A61Q"}, {"BIO", "皮肤", 3, "A61Q"},
	// New energy and efficiency.
	{"NE", "电池", 4, "H01M"}, {"NE", "光伏", 5, "H02S"}, {"NE", "太阳能", 5, "H02S"},
	{"NE", "风电", 5, "F03D"}, {"NE", "风力发电", 5, "F03D"}, {"NE", "储能", 5, "H02J"},
	{"NE", "节能", 3, "F24F"}, {"NE", "氢气", 3, "C25B"}, {"NE", "制氢", 5, "C25B"},
	{"NE", "充电", 3, "H02J"}, {"NE", "燃料电池", 6, "H01M"}, {"NE", "锂离子", 5, "H01M"},
	{"NE", "正极", 3, "H01M"}, {"NE", "负极", 3, "H01M"}, {"NE", "电解液", 4, "H01M"},
	{"NE", "余热", 4, "F27D"}, {"NE", "热泵", 4, "F25B"}, {"NE", "发电", 2, "H02K"},
	{"NE", "电网", 3, "H02J"}, {"NE", "逆变器", 4, "H02M"},
	// Environment and resource use.
	{"ENV", "废水", 5, "C02F"}, {"ENV", "污水", 5, "C02F"}, {"ENV", "废气", 5, "B01D"},
	{"ENV", "脱硫", 5, "B01D"}, {"ENV", "脱硝", 5, "B01D"}, {"ENV", "污泥", 5, "C02F"},
	{"ENV", "垃圾", 5, "B09B"}, {"ENV", "固废", 5, "B09B"}, {"ENV", "除尘", 5, "B01D"},
	{"ENV", "环保", 3, "B01D"}, {"ENV", "回收", 2, "B09B"}, {"ENV", "烟气", 4, "B01D"},
	{"ENV", "尾矿", 4, "B03B"}, {"ENV", "净化", 2, "B01D"}, {"ENV", "污染", 3, "B09C"},
	{"ENV", "重金属", 3, "C02F"}, {"ENV", "开采", 2, "E21C"}, {"ENV", "矿体", 4, "E21C"},
	{"ENV", "采矿", 4, "E21C"}, {"ENV", "选矿", 4, "B03B"}, {"ENV", "泄漏检测", 3, "G01M"},
	{"ENV", "尾气", 4, "B01D"},
	// New materials.
	{"NM", "复合材料", 5, "C08K"}, {"NM", "合金", 4, "C22C"}, {"NM", "涂层", 4, "C09D"},
	{"NM", "涂料", 4, "C09D"}, {"NM", "纤维", 3, "D01F"}, {"NM", "陶瓷", 4, "C04B"},
	{"NM", "聚合物", 3, "C08L"}, {"NM", "薄膜", 2, "C08J"}, {"NM", "纳米", 4, "B82Y"},
	{"NM", "树脂", 3, "C08L"}, {"NM", "石墨烯", 6, "C01B"}, {"NM", "催化剂", 3, "B01J"},
	{"NM", "材料", 1, "C08K"}, {"NM", "橡胶", 4, "C08L"}, {"NM", "胶粘剂", 5, "C09J"},
	{"NM", "晶体", 2, "C30B"}, {"NM", "粉末", 2, "B22F"}, {"NM", "钢", 2, "C21D"},
	{"NM", "塑料", 4, "C08L"}, {"NM", "阻燃", 3, "C08K"}, {"NM", "聚合", 2, "C08F"}, {"NM", "织物", 2, "D06M"},
	// Modern transport.
	{"TRN", "车辆", 4, "B60W"}, {"TRN", "汽车", 4, "B60R"}, {"TRN", "列车", 5, "B61L"},
	{"TRN", "轨道交通", 6, "B61B"}, {"TRN", "铁路", 5, "E01B"}, {"TRN", "船舶", 5, "B63B"},
	{"TRN", "交通", 3, "G08G"}, {"TRN", "道路", 3, "E01C"}, {"TRN", "车身", 4, "B62D"},
	{"TRN", "驾驶", 4, "B60W"}, {"TRN", "轮胎", 4, "B60C"}, {"TRN", "制动", 3, "B60T"},
	{"TRN", "电动车", 4, "B60L"}, {"TRN", "摩托", 5, "B62K"}, {"TRN", "车载", 3, "B60R"},
	{"TRN", "铁轨", 5, "B61L"}, {"TRN", "车速", 4, "B60W"}, {"TRN", "车内", 3, "B60R"},
	// Urban construction and social development.
	{"URB", "建筑", 4, "E04B"}, {"URB", "混凝土", 4, "C04B"}, {"URB", "施工", 4, "E04G"},
	{"URB", "隧道", 5, "E21D"}, {"URB", "桥梁", 5, "E01D"}, {"URB", "楼宇", 5, "E04H"},
	{"URB", "墙体", 5, "E04B"}, {"URB", "管廊", 6, "E02D"}, {"URB", "电梯", 4, "B66B"},
	{"URB", "地基", 5, "E02D"}, {"URB", "给排水", 5, "E03C"}, {"URB", "城市", 3, "G06Q"},
	{"URB", "幕墙", 5, "E04B"}, {"URB", "装配式", 5, "E04B"}, {"URB", "卫生", 2, "E03D"},
	{"URB", "洗手", 3, "A47K"}, {"URB", "井道", 4, "B66B"},
	// Electronic information.
	{"EI", "数据", 2, "G06F"}, {"EI", "图像", 3, "G06T"}, {"EI", "通信", 4, "H04L"},
	{"EI", "信号", 2, "H04B"}, {"EI", "芯片", 4, "H01L"}, {"EI", "电路", 2, "H03K"},
	{"EI", "网络", 3, "H04L"}, {"EI", "算法", 3, "G06N"}, {"EI", "终端", 3, "H04W"},
	{"EI", "显示", 3, "G09G"}, {"EI", "存储", 2, "G06F"}, {"EI", "处理器", 3, "G06F"},
	{"EI", "电子设备", 4, "G06F"}, {"EI", "传感器", 2, "G01D"}, {"EI", "半导体", 4, "H01L"},
	{"EI", "软件", 3, "G06F"}, {"EI", "服务器", 4, "H04L"}, {"EI", "无线", 4, "H04W"},
	{"EI", "摄像", 3, "H04N"}, {"EI", "触摸", 4, "G06F"}, {"EI", "神经网络", 5, "G06N"},
	{"EI", "天线", 4, "H01Q"}, {"EI", "光纤", 3, "G02B"}, {"EI", "计算机", 3, "G06F"},
	// Advanced manufacturing: the catch-all for machines and processes.
	{"AM", "机械", 2, "B25J"}, {"AM", "加工", 2, "B23P"}, {"AM", "机床", 5, "B23Q"},
	{"AM", "焊接", 4, "B23K"}, {"AM", "切割", 3, "B23K"}, {"AM", "模具", 4, "B29C"},
	{"AM", "机器人", 4, "B25J"}, {"AM", "传动", 3, "F16H"}, {"AM", "齿轮", 4, "F16H"},
	{"AM", "轴承", 4, "F16C"}, {"AM", "液压", 3, "F15B"}, {"AM", "数控", 4, "G05B"},
	{"AM", "装配", 3, "B23P"}, {"AM", "阀", 2, "F16K"}, {"AM", "泵", 2, "F04B"},
	{"AM", "3D打印", 5, "B33Y"}, {"AM", "增材制造", 6, "B33Y"}, {"AM", "冲压", 4, "B21D"},
	{"AM", "夹具", 4, "B25B"}, {"AM", "自动化", 2, "G05B"}, {"AM", "装置", 1, "B65G"},
}

// Classification is the technology field and IPC subclasses derived from a text.
type Classification struct {
	Field string
	IPC   []string
}

// Classify picks the field whose keywords weigh most in the text, title words
// counting double, and up to two IPC subclasses from that field's matched rules.
// A text that matches nothing is advanced manufacturing, the broadest field.
func Classify(title, text string) Classification {
	type hit struct {
		score int
		ipc   map[string]int
	}
	// "一种" (a kind of) opens most patent titles and would otherwise make 种植 and
	// 种子 match "一种植物…", "一种子午线…".
	title, text = strings.ReplaceAll(title, "一种", "一|"), strings.ReplaceAll(text, "一种", "一|")
	hits := map[string]*hit{}
	for _, r := range fieldRules {
		n := 2*strings.Count(title, r.keyword) + min(strings.Count(text, r.keyword), 3)
		if n == 0 {
			continue
		}
		h := hits[r.field]
		if h == nil {
			h = &hit{ipc: map[string]int{}}
			hits[r.field] = h
		}
		h.score += n * r.weight
		h.ipc[r.ipc] += n * r.weight
	}
	best, bestScore := "AM", 0
	for _, f := range fieldOrder {
		if h := hits[f]; h != nil && h.score > bestScore {
			best, bestScore = f, h.score
		}
	}
	out := Classification{Field: best}
	if h := hits[best]; h != nil {
		codes := make([]string, 0, len(h.ipc))
		for c := range h.ipc {
			codes = append(codes, c)
		}
		sort.Slice(codes, func(i, j int) bool {
			if h.ipc[codes[i]] != h.ipc[codes[j]] {
				return h.ipc[codes[i]] > h.ipc[codes[j]]
			}
			return codes[i] < codes[j]
		})
		out.IPC = codes[:min(len(codes), 2)]
	} else {
		out.IPC = []string{"B23P"}
	}
	return out
}

// fieldOrder breaks ties in favour of the narrower fields, so that a nuclear or
// aerospace text that also mentions a device is not filed as manufacturing.
var fieldOrder = []string{"NUC", "AS", "AGR", "BIO", "NE", "ENV", "TRN", "URB", "NM", "EI", "AM"}
