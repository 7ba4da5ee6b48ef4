package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
)

// Enterprise profiles (经营范围/简介) for enterprise matching: what each demo
// company does, in both languages, with its fields and a few IPC subclasses,
// so that an achievement's matches page proposes companies — including
// profileOnlyOrgs, which never post a need and are found through their profile
// alone.

type profileSpec struct {
	scopeZh, scopeEn string
	fields           string // space-separated technology field codes
	ipc              string // comma-separated IPC codes
}

var enterpriseProfiles = map[string]profileSpec{
	"xintu": {"集成电路设计、功率半导体器件与模块的研发、封装测试及销售；工业视觉检测系统与边缘计算设备开发。",
		"Design of integrated circuits; R&D, packaging, testing and sale of power semiconductor devices and modules; machine-vision inspection systems and edge-computing devices.",
		"EI", "H01L,G06T,G06F"},
	"yunfan": {"人工智能算法、智慧城市与智能交通软件、物联网传感器网络及数据平台的研发与系统集成。",
		"AI algorithms, smart-city and intelligent-traffic software, IoT sensor networks and data platforms: development and system integration.",
		"EI URB", "G06F,G06N,G08G"},
	"haoyang": {"锂离子电池、储能系统、电池管理系统及新能源汽车动力电池的研发、生产与回收利用；光伏组件与充电设施。",
		"R&D, manufacture and recycling of lithium-ion batteries, energy-storage systems, battery management systems and EV traction batteries; photovoltaic modules and charging facilities.",
		"NE TRN", "H01M,H02J,B60L"},
	"jinggong": {"工业机器人、数控机床、智能装备与自动化生产线的设计制造；激光加工、精密焊接与增材制造装备。",
		"Design and manufacture of industrial robots, CNC machine tools, intelligent equipment and automated production lines; laser processing, precision welding and additive-manufacturing equipment.",
		"AM", "B25J,B23K,B23Q"},
	"kangrui": {"化学药与生物药的研发、中试与生产；药物制剂、抗体与诊断试剂；医疗器械注册与临床研究服务。",
		"R&D, pilot production and manufacture of chemical and biological drugs; formulations, antibodies and diagnostic reagents; medical-device registration and clinical-study services.",
		"BIO", "A61K,A61P,C12N"},
	"lvyuan": {"工业废水与市政污水处理、固体废物资源化利用、土壤修复与大气污染治理的技术服务与工程总包。",
		"Industrial wastewater and municipal sewage treatment, solid-waste recycling, soil remediation and air-pollution control: technical services and turnkey engineering.",
		"ENV", "C02F,B09B,B01D"},
	"zhonggui": {"轨道交通车辆及关键部件、牵引与制动系统、轨道检测设备的研发制造与维保服务。",
		"R&D, manufacture and maintenance of rail-transit vehicles and key components, traction and braking systems, and track-inspection equipment.",
		"TRN AM", "B61L,B61F,B60L"},
	"handi": {"寒地作物育种、种植技术与农业机械；农产品储藏保鲜与深加工；智慧农业与土壤改良服务。",
		"Cold-region crop breeding, cultivation techniques and farm machinery; storage, preservation and processing of farm produce; smart agriculture and soil improvement.",
		"AGR", "A01B,A01G,A23L"},
	"yunxiang": {"无人机、航空零部件与机载设备的研发制造；飞行控制系统、复合材料结构件与航空维修服务。",
		"R&D and manufacture of drones, aircraft parts and airborne equipment; flight-control systems, composite structures and aircraft maintenance.",
		"AS AM", "B64C,B64D,G05D"},
	"haixia": {"高性能复合材料、石墨烯与纳米材料、特种涂层和高分子材料的研发、生产与应用开发。",
		"R&D, manufacture and applications of high-performance composites, graphene and nanomaterials, special coatings and polymers.",
		"NM", "C08K,C01B,C09D"},
	"beibuwan": {"绿色建材、装配式建筑、海洋环境混凝土防腐、城市地下管网检测与智慧工地的技术开发与工程服务。",
		"Green building materials, prefabricated construction, anti-corrosion concrete for marine environments, inspection of urban underground pipe networks and smart construction sites.",
		"URB NM", "E04B,C04B,E03F"},
	"fengyu": {"风力发电、光伏电站与储能电站的投资、建设与运维；风电机组状态监测与新能源并网技术。",
		"Investment, construction and operation of wind farms, photovoltaic and energy-storage plants; wind-turbine condition monitoring and grid integration of renewables.",
		"NE", "F03D,H02J,H02S"},
	"zhilian": {"光通信器件、车联网与智能网联汽车电子、激光雷达与传感器的研发生产。",
		"R&D and manufacture of optical-communication devices, connected-vehicle electronics, lidar and sensors.",
		"EI TRN", "H04B,G01S,H04W"},
	"dianchi": {"植物提取物、生物农药与生物肥料、特色中药材种植加工及功能食品的研发生产。",
		"R&D and production of plant extracts, biopesticides and biofertilisers, cultivation and processing of medicinal herbs, and functional foods.",
		"BIO AGR", "A01N,A61K,C05F"},
}

// profileOnlyOrgs are enterprises that post no need at all: the demo shows
// they are still proposed for fitting achievements through their profile.
var profileOnlyOrgs = []struct {
	org     orgSpec
	profile profileSpec
}{
	{orgSpec{key: "yongneng", nameZh: "宁波甬能储能科技有限公司", nameEn: "Ningbo Yongneng Energy Storage Technology Co., Ltd.", typ: "enterprise", region: "330212", web: "https://www.yongneng-ess.com"},
		profileSpec{"储能电池、电池管理系统、储能变流器及电池梯次利用的研发与集成；锂电池正负极材料与电解液应用测试。",
			"Energy-storage batteries, battery management systems, storage converters and second-life battery use; application testing of lithium-battery electrode materials and electrolytes.",
			"NE NM", "H01M,H02J"}},
	{orgSpec{key: "yuan", nameZh: "重庆渝安智能传感有限公司", nameEn: "Chongqing Yu'an Intelligent Sensing Co., Ltd.", typ: "enterprise", region: "500108", web: "https://www.yuan-sensing.com"},
		profileSpec{"传感器、检测仪器与在线监测系统的研发生产；气体、温湿度与振动传感器，工业设备故障诊断。",
			"R&D and manufacture of sensors, test instruments and online monitoring systems: gas, temperature, humidity and vibration sensors; fault diagnosis of industrial equipment.",
			"EI AM", "G01N,G01D,G01M"}},
}

// seedProfiles saves the demo enterprises' profiles and registers the
// enterprises that only have a profile. It draws from its own random source
// so that the rest of the demo market stays as it was.
func seedProfiles(ctx context.Context, a *app.App, b *builder, admin domain.Actor) error {
	rng := rand.New(rand.NewPCG(DefaultSeed, 9))
	for _, p := range profileOnlyOrgs {
		org, err := a.Identity.CreateOrg(ctx, admin, identity.OrgInput{NameZh: p.org.nameZh, NameEn: p.org.nameEn, Type: p.org.typ,
			USCC: p.org.uscc(rng), RegionCode: p.org.region, Website: p.org.web})
		if err != nil {
			return fmt.Errorf("organisation %s: %w", p.org.key, err)
		}
		b.orgIDs[p.org.key] = org.ID
		if err := saveProfile(ctx, a, admin, org.ID, p.profile); err != nil {
			return fmt.Errorf("profile %s: %w", p.org.key, err)
		}
	}
	for _, o := range demoOrgs {
		spec, ok := enterpriseProfiles[o.key]
		if !ok {
			continue
		}
		if err := saveProfile(ctx, a, admin, b.orgIDs[o.key], spec); err != nil {
			return fmt.Errorf("profile %s: %w", o.key, err)
		}
	}
	return nil
}

func saveProfile(ctx context.Context, a *app.App, admin domain.Actor, orgID string, p profileSpec) error {
	_, err := a.Identity.UpdateProfile(ctx, admin, orgID, identity.ProfileInput{ScopeZh: p.scopeZh, ScopeEn: p.scopeEn,
		Fields: strings.Fields(p.fields), IPCCodes: strings.Split(p.ipc, ",")})
	return err
}
