package demo

import (
	"strings"

	"github.com/techmarket-org/techmarket/internal/listing"
)

// needTemplate is a technology need as companies post them: a concrete problem,
// the indicator that must be reached ({v} takes one of vals), the maturity and
// budget the buyer expects, and how it wants to cooperate.
type needTemplate struct {
	field                string
	ipc                  string
	titleZh, titleEn     string
	summaryZh, summaryEn string
	vals                 []string
	requiredTRL          int
	budgetWan            [2]int // lower and upper bound of the budget range
	modes                []string
}

var needTemplates = []needTemplate{
	// Electronic information.
	{"EI", "G06T", "工业视觉缺陷检测算法（漏检率≤{v}%）", "Machine-vision defect detection for production lines (miss rate ≤ {v}%)",
		"我司电子元器件产线现采用人工目检，效率低且一致性差。寻求基于深度学习的表面缺陷检测算法及软硬件方案，要求漏检率≤{v}%、单件检测时间≤200毫秒，支持国产GPU部署。",
		"Our electronic-component lines still rely on manual inspection. We seek a deep-learning surface-defect detection solution with a miss rate of at most {v}%, under 200 ms per part, deployable on domestic GPUs.",
		[]string{"0.5", "0.3", "0.1"}, 6, [2]int{80, 300}, []string{"joint_development", "licence_ordinary"}},
	{"EI", "H01L", "车规级功率半导体模块封装技术", "Automotive-grade power semiconductor module packaging",
		"面向新能源汽车电驱系统，寻求碳化硅功率模块封装技术，要求结温≥{v}℃、热阻较现有方案降低20%以上，并通过AEC-Q101可靠性验证。",
		"For electric-vehicle drive systems we seek silicon-carbide power-module packaging with junction temperature of at least {v} °C, thermal resistance at least 20% below our current design, and AEC-Q101 qualification.",
		[]string{"175", "200"}, 7, [2]int{500, 2000}, []string{"transfer", "licence_exclusive", "joint_development"}},
	{"EI", "G06F", "工业数据边缘计算网关国产化方案", "Domestic edge-computing gateway for industrial data",
		"寻求支持Modbus、OPC UA等协议的边缘计算网关软硬件方案，单台接入设备≥{v}台，全部采用国产芯片与操作系统，可与现有MES系统对接。",
		"Seeking an edge gateway (hardware and software) for Modbus and OPC UA that connects at least {v} devices per unit, built on domestic chips and operating systems, and integrates with our MES.",
		[]string{"64", "128", "256"}, 7, [2]int{50, 200}, []string{"licence_ordinary", "service"}},
	{"EI", "H04W", "矿井无线通信与人员定位系统", "Underground wireless communication and personnel positioning for mines",
		"煤矿井下巷道环境复杂，现有定位精度不足。寻求井下5G/UWB融合通信定位技术，定位精度≤{v}米，满足煤矿安全标志认证要求。",
		"Mine tunnels defeat our current positioning. We seek combined 5G/UWB underground communication and positioning with accuracy within {v} m that can obtain coal-mine safety certification.",
		[]string{"0.3", "0.5", "1"}, 6, [2]int{200, 800}, []string{"joint_development", "transfer"}},
	// Aerospace.
	{"AS", "B64U", "长航时工业无人机动力系统（续航≥{v}小时）", "Long-endurance power system for industrial drones ({v} h or more)",
		"用于电力巡检的垂直起降固定翼无人机，需提升续航能力。寻求油电混合或氢燃料电池动力系统，续航≥{v}小时，整机重量增加不超过15%。",
		"Our VTOL fixed-wing drones for power-line inspection need longer endurance. We seek a hybrid or hydrogen fuel-cell power system giving at least {v} hours of flight, adding no more than 15% to take-off weight.",
		[]string{"3", "4", "6"}, 5, [2]int{150, 600}, []string{"joint_development", "licence_exclusive"}},
	{"AS", "B64C", "航空复合材料构件无损检测技术", "Non-destructive testing of aerospace composite parts",
		"寻求碳纤维复合材料构件内部分层、孔隙缺陷的快速无损检测技术，最小可检缺陷≤{v}毫米，检测效率较超声C扫提高一倍。",
		"Seeking fast non-destructive detection of delamination and porosity in carbon-fibre composite parts, detecting defects down to {v} mm, twice as fast as ultrasonic C-scan.",
		[]string{"1", "2", "3"}, 6, [2]int{100, 500}, []string{"licence_ordinary", "service", "joint_development"}},
	{"AS", "B64G", "微小卫星星载计算机抗辐照加固方案", "Radiation hardening of on-board computers for microsatellites",
		"面向低轨微小卫星，寻求基于商用器件的星载计算机抗辐照加固技术，总剂量≥{v} krad(Si)，单粒子翻转可自主恢复。",
		"For low-orbit microsatellites we seek radiation hardening of on-board computers built from commercial parts, tolerating a total dose of at least {v} krad(Si) with autonomous recovery from single-event upsets.",
		[]string{"30", "50", "100"}, 5, [2]int{300, 1200}, []string{"joint_development", "transfer"}},
	// Advanced manufacturing.
	{"AM", "B25J", "焊接机器人焊缝自动跟踪系统", "Automatic seam tracking for welding robots",
		"我司中厚板结构件焊接依赖人工示教。寻求激光视觉焊缝跟踪技术，跟踪精度≤{v}毫米，适配国产六轴机器人。",
		"Welding of our medium and heavy plate structures depends on manual teaching. We seek laser-vision seam tracking with accuracy within {v} mm that works with domestic six-axis robots.",
		[]string{"0.2", "0.3", "0.5"}, 7, [2]int{60, 250}, []string{"licence_ordinary", "transfer"}},
	{"AM", "B33Y", "金属增材制造零件后处理工艺", "Post-processing of metal additive-manufactured parts",
		"寻求钛合金激光选区熔化零件的热处理与表面光整工艺，表面粗糙度Ra≤{v}微米，疲劳性能达到锻件水平。",
		"Seeking heat treatment and surface finishing for selective-laser-melted titanium parts reaching Ra ≤ {v} µm and forged-part fatigue performance.",
		[]string{"0.8", "1.6", "3.2"}, 6, [2]int{100, 400}, []string{"joint_development", "service"}},
	{"AM", "B23Q", "五轴数控机床热误差补偿技术", "Thermal error compensation for five-axis CNC machine tools",
		"机床连续加工4小时后精度明显下降。寻求热误差建模与实时补偿技术，补偿后定位误差≤{v}微米，可集成到国产数控系统。",
		"Our machines lose accuracy after four hours of continuous cutting. We seek thermal-error modelling with real-time compensation, bringing positioning error within {v} µm, integrable into domestic CNC systems.",
		[]string{"5", "8", "10"}, 6, [2]int{80, 300}, []string{"licence_exclusive", "joint_development"}},
	{"AM", "F16C", "高速精密轴承寿命提升", "Longer life for high-speed precision bearings",
		"寻求高速电主轴轴承材料与热处理改进技术，dn值≥{v}万，寿命较现有产品提升50%以上。",
		"Seeking improved materials and heat treatment for high-speed spindle bearings with a dn value of at least {v}×10⁴ and 50% longer life than our current products.",
		[]string{"150", "200", "250"}, 6, [2]int{200, 800}, []string{"transfer", "joint_development"}},
	// Biology, medicine and medical devices.
	{"BIO", "A61K", "抗体药物高表达细胞株构建技术", "High-expression cell line development for antibody drugs",
		"寻求CHO细胞高表达稳定细胞株构建平台技术，抗体表达量≥{v} g/L，细胞株传代60代稳定，可支持IND申报。",
		"Seeking a CHO cell-line development platform reaching antibody titres of at least {v} g/L, stable over 60 passages and suitable for an IND filing.",
		[]string{"3", "5", "8"}, 5, [2]int{300, 1500}, []string{"licence_exclusive", "service"}},
	{"BIO", "A61B", "基层医疗便携式超声AI辅助诊断", "AI-assisted portable ultrasound for primary care",
		"面向县乡基层医疗机构，寻求便携式超声设备AI辅助诊断技术，甲状腺、乳腺结节识别准确率≥{v}%，具备二类医疗器械注册条件。",
		"For county and township clinics we seek AI-assisted diagnosis for portable ultrasound, recognising thyroid and breast nodules with at least {v}% accuracy, ready for Class II device registration.",
		[]string{"90", "93", "95"}, 6, [2]int{200, 1000}, []string{"licence_exclusive", "joint_development", "equity"}},
	{"BIO", "C12P", "中药有效成分绿色提取纯化工艺", "Green extraction and purification of herbal active ingredients",
		"现有有机溶剂提取工艺收率低、溶剂残留高。寻求超临界或膜分离提取纯化工艺，目标成分纯度≥{v}%，可放大至吨级生产。",
		"Our solvent extraction has low yield and high residues. We seek supercritical or membrane-based extraction and purification reaching at least {v}% purity, scalable to tonne-level production.",
		[]string{"90", "95", "98"}, 6, [2]int{100, 500}, []string{"transfer", "licence_ordinary"}},
	{"BIO", "A61L", "可降解医用高分子植入材料", "Biodegradable polymer implant materials",
		"寻求可降解骨科固定材料技术，降解周期可控在{v}个月，力学强度满足骨折内固定要求，已有动物实验数据者优先。",
		"Seeking biodegradable orthopaedic fixation materials with a degradation period controllable to {v} months and strength sufficient for internal fracture fixation; animal-study data preferred.",
		[]string{"6", "12", "18"}, 4, [2]int{200, 800}, []string{"transfer", "equity", "joint_development"}},
	// New materials.
	{"NM", "C08K", "低介电高频覆铜板树脂体系", "Low-dielectric resin system for high-frequency copper-clad laminates",
		"面向5G基站与毫米波雷达，寻求低介电常数、低损耗树脂体系，10GHz下Df≤{v}，耐热性满足无铅回流焊要求。",
		"For 5G base stations and millimetre-wave radar we seek a low-Dk, low-loss resin system with Df ≤ {v} at 10 GHz that withstands lead-free reflow.",
		[]string{"0.002", "0.003", "0.004"}, 6, [2]int{300, 1000}, []string{"licence_exclusive", "joint_development"}},
	{"NM", "C09D", "海洋工程重防腐涂层", "Heavy-duty anti-corrosion coating for marine structures",
		"寻求适用于海上风电塔筒与桩基的重防腐涂层体系，耐盐雾≥{v}小时，设计寿命25年，VOC排放符合国家标准。",
		"Seeking a heavy-duty coating system for offshore wind towers and piles that resists salt spray for at least {v} hours, with a 25-year design life and compliant VOC emissions.",
		[]string{"3000", "4000", "6000"}, 7, [2]int{100, 400}, []string{"licence_ordinary", "transfer"}},
	{"NM", "C22C", "新能源汽车一体化压铸免热处理铝合金", "Heat-treatment-free aluminium alloy for giga-casting",
		"寻求一体化压铸用免热处理铝合金材料及工艺，铸态屈服强度≥{v} MPa、延伸率≥10%，适用于6000吨以上压铸机。",
		"Seeking a heat-treatment-free aluminium alloy and process for one-piece die casting with as-cast yield strength of at least {v} MPa and 10% elongation, for presses of 6,000 t and more.",
		[]string{"120", "130", "140"}, 6, [2]int{500, 2000}, []string{"licence_exclusive", "joint_development", "transfer"}},
	{"NM", "D01F", "高性能碳纤维原丝稳定化工艺", "Stabilisation process for high-performance carbon-fibre precursor",
		"寻求聚丙烯腈原丝预氧化工艺优化技术，预氧化时间缩短{v}%以上，碳纤维拉伸强度保持T700级水平。",
		"Seeking optimised oxidative stabilisation of PAN precursor that cuts stabilisation time by at least {v}% while keeping T700-grade tensile strength.",
		[]string{"20", "30"}, 5, [2]int{300, 1000}, []string{"joint_development", "transfer"}},
	// New energy and efficiency.
	{"NE", "H01M", "磷酸铁锂电池低温性能提升", "Better low-temperature performance of LFP batteries",
		"我司储能与商用车电池在北方冬季容量衰减严重。寻求电解液或负极改性技术，-20℃放电容量保持率≥{v}%，循环寿命不低于3000次。",
		"Our LFP packs for storage and commercial vehicles lose much capacity in northern winters. We seek electrolyte or anode modifications keeping at least {v}% of capacity at −20 °C with a cycle life of 3,000 or more.",
		[]string{"80", "85", "90"}, 6, [2]int{200, 800}, []string{"licence_exclusive", "joint_development"}},
	{"NE", "H02S", "钙钛矿/晶硅叠层电池中试技术", "Pilot-scale perovskite/silicon tandem solar cells",
		"寻求钙钛矿/晶硅叠层电池制备技术，组件效率≥{v}%，具备中试线建设方案及稳定性测试数据。",
		"Seeking perovskite/silicon tandem cell technology with module efficiency of at least {v}%, a pilot-line plan and stability test data.",
		[]string{"26", "28", "30"}, 5, [2]int{1000, 5000}, []string{"equity", "joint_development", "licence_exclusive"}},
	{"NE", "C25B", "碱性电解水制氢电极降本", "Lower-cost electrodes for alkaline water electrolysis",
		"寻求非贵金属高活性电极技术，电流密度≥{v} mA/cm²时小室电压≤1.9V，寿命≥5万小时，用于风光制氢项目。",
		"Seeking non-precious high-activity electrodes keeping cell voltage under 1.9 V at {v} mA/cm² or more with 50,000 h life, for wind- and solar-powered hydrogen projects.",
		[]string{"400", "600", "800"}, 6, [2]int{300, 1500}, []string{"transfer", "licence_exclusive", "joint_development"}},
	{"NE", "F24F", "数据中心液冷节能改造", "Liquid-cooling retrofit for data-centre energy saving",
		"现有风冷数据中心PUE偏高。寻求冷板式液冷改造方案，改造后PUE≤{v}，不中断业务分批实施。",
		"Our air-cooled data centre runs at a high PUE. We seek a cold-plate liquid-cooling retrofit reaching PUE ≤ {v}, carried out in stages without service interruption.",
		[]string{"1.25", "1.2", "1.15"}, 7, [2]int{200, 1000}, []string{"service", "joint_development"}},
	// Environment and resource use.
	{"ENV", "C02F", "高盐工业废水零排放处理技术", "Zero-liquid-discharge treatment of high-salinity industrial wastewater",
		"化工园区高盐废水处理成本高。寻求分盐结晶零排放工艺，吨水处理成本≤{v}元，结晶盐达到工业盐标准可资源化利用。",
		"High-salinity wastewater in our chemical park is costly to treat. We seek zero-liquid-discharge with salt separation at no more than RMB {v} per tonne, producing salts that meet industrial-salt standards.",
		[]string{"40", "60", "80"}, 7, [2]int{300, 1500}, []string{"transfer", "service", "joint_development"}},
	{"ENV", "B09B", "退役动力电池有价金属回收", "Recovery of valuable metals from retired EV batteries",
		"寻求退役三元电池湿法冶金回收技术，镍钴锰回收率≥{v}%，锂回收率≥90%，废水循环利用。",
		"Seeking hydrometallurgical recycling of retired NCM batteries recovering at least {v}% of nickel, cobalt and manganese and 90% of lithium, with recycled process water.",
		[]string{"95", "98", "99"}, 6, [2]int{500, 2000}, []string{"licence_exclusive", "transfer"}},
	{"ENV", "B01D", "工业窑炉烟气超低排放治理", "Ultra-low emission control for industrial kiln flue gas",
		"寻求陶瓷、玻璃窑炉烟气一体化脱硫脱硝除尘技术，颗粒物、SO₂、NOx排放浓度分别≤5、35、{v} mg/m³。",
		"Seeking integrated desulphurisation, denitrification and dust removal for ceramic and glass kilns, meeting 5, 35 and {v} mg/m³ for particulates, SO₂ and NOx.",
		[]string{"50", "100"}, 7, [2]int{200, 1000}, []string{"service", "transfer"}},
	{"ENV", "C02F", "农村分散式生活污水一体化处理设备", "Compact treatment units for rural domestic sewage",
		"寻求低能耗、免维护的农村生活污水一体化处理设备，出水达到一级A标准，吨水能耗≤{v} kWh。",
		"Seeking low-energy, low-maintenance compact units for rural sewage meeting Grade 1A discharge at no more than {v} kWh per tonne.",
		[]string{"0.2", "0.3", "0.5"}, 7, [2]int{50, 300}, []string{"licence_ordinary", "transfer"}},
	// Nuclear applications.
	{"NUC", "G21F", "放射性废液处理吸附材料", "Adsorbents for radioactive liquid waste",
		"寻求对铯、锶具有高选择性的无机吸附材料及工艺，去污因子≥{v}，材料可固化处置。",
		"Seeking highly selective inorganic adsorbents for caesium and strontium with a decontamination factor of at least {v}, and a matrix that can be solidified for disposal.",
		[]string{"1000", "5000", "10000"}, 5, [2]int{300, 1200}, []string{"joint_development", "transfer"}},
	{"NUC", "G01T", "便携式核素识别仪国产化", "Domestic handheld radionuclide identifier",
		"寻求基于溴化镧或碲锌镉探测器的便携式核素识别仪技术，能量分辨率≤{v}%（662 keV），用于口岸与应急监测。",
		"Seeking a handheld radionuclide identifier using LaBr₃ or CZT detectors with energy resolution of {v}% or better at 662 keV, for border and emergency monitoring.",
		[]string{"3", "3.5", "4"}, 6, [2]int{200, 800}, []string{"licence_exclusive", "transfer"}},
	{"NUC", "G21K", "电子束辐照食品与医疗用品灭菌工艺", "Electron-beam sterilisation of food and medical supplies",
		"寻求电子束辐照灭菌工艺与剂量验证方案，剂量不均匀度≤{v}，满足GB 18280与出口要求。",
		"Seeking an electron-beam sterilisation process with dose validation, dose uniformity ratio ≤ {v}, meeting GB 18280 and export requirements.",
		[]string{"1.5", "1.8", "2.0"}, 7, [2]int{100, 500}, []string{"service", "licence_ordinary"}},
	// Agriculture.
	{"AGR", "A01H", "耐盐碱水稻新品种选育合作", "Breeding salt-tolerant rice varieties",
		"东北盐碱地改良需求迫切。寻求耐盐碱水稻新品种或分子育种技术，在盐分{v}‰条件下亩产≥450公斤。",
		"Saline-alkali land in the north-east urgently needs new varieties. We seek salt-tolerant rice varieties or molecular breeding that yield at least 450 kg per mu at {v}‰ salinity.",
		[]string{"3", "4", "6"}, 5, [2]int{100, 500}, []string{"licence_exclusive", "joint_development"}},
	{"AGR", "A01C", "丘陵山区小型智能农机", "Small smart farm machinery for hilly terrain",
		"寻求适用于坡度≤{v}°丘陵山地的小型播种、植保一体化智能农机，具备北斗导航自动作业功能。",
		"Seeking small integrated seeding and crop-protection machines for hills with slopes up to {v}°, with BeiDou-guided automatic operation.",
		[]string{"15", "20", "25"}, 6, [2]int{80, 300}, []string{"transfer", "licence_ordinary"}},
	{"AGR", "A23K", "生猪养殖减抗替抗饲料添加剂", "Antibiotic-free feed additives for pig farming",
		"寻求替代抗生素的功能性饲料添加剂（益生菌、植物提取物等），保育猪腹泻率降低{v}%以上，有规模化养殖场试验数据。",
		"Seeking functional feed additives replacing antibiotics (probiotics, plant extracts) that cut diarrhoea in weaned piglets by at least {v}%, with trial data from large farms.",
		[]string{"30", "40", "50"}, 7, [2]int{50, 300}, []string{"licence_ordinary", "transfer"}},
	{"AGR", "A01G", "设施农业水肥一体化智能控制", "Smart fertigation control for greenhouses",
		"寻求基于作物模型与传感器的水肥一体化智能控制系统，节水节肥{v}%以上，适配日光温室与连栋温室。",
		"Seeking a fertigation control system driven by crop models and sensors that saves at least {v}% of water and fertiliser, for solar and multi-span greenhouses.",
		[]string{"20", "30", "40"}, 7, [2]int{30, 150}, []string{"licence_ordinary", "service"}},
	// Modern transport.
	{"TRN", "B61L", "轨道车辆走行部状态在线监测", "On-line condition monitoring of rail vehicle running gear",
		"寻求轴承、齿轮箱故障在线监测与预警技术，故障提前预警时间≥{v}天，误报率≤2%，满足车载环境要求。",
		"Seeking on-line monitoring of bearings and gearboxes on rail vehicles that warns at least {v} days ahead with under 2% false alarms, for on-board conditions.",
		[]string{"7", "15", "30"}, 7, [2]int{200, 800}, []string{"joint_development", "licence_exclusive"}},
	{"TRN", "B60W", "港口集卡自动驾驶系统", "Autonomous driving for port container trucks",
		"寻求港口封闭场景集装箱卡车L4级自动驾驶方案，停车定位精度≤{v}厘米，支持与码头TOS系统对接。",
		"Seeking level-4 autonomous driving for container trucks inside ports, stopping within {v} cm and integrating with the terminal operating system.",
		[]string{"3", "5", "10"}, 6, [2]int{500, 3000}, []string{"joint_development", "service", "licence_ordinary"}},
	{"TRN", "B63B", "内河船舶电动化动力系统", "Electric propulsion for inland vessels",
		"寻求内河货船电池动力系统集成技术，续航≥{v}公里，满足船级社检验要求，支持换电模式。",
		"Seeking integrated battery propulsion for inland cargo vessels with a range of at least {v} km, class-society approval and battery swapping.",
		[]string{"100", "150", "200"}, 6, [2]int{300, 1500}, []string{"joint_development", "transfer"}},
	// Urban construction and social development.
	{"URB", "E04B", "装配式建筑节点连接技术", "Joint connections for prefabricated buildings",
		"寻求装配式混凝土结构新型节点连接技术，现场湿作业减少{v}%以上，抗震性能满足8度设防要求。",
		"Seeking new joint connections for precast concrete structures that cut on-site wet work by at least {v}% and meet seismic fortification intensity 8.",
		[]string{"50", "60", "70"}, 6, [2]int{100, 400}, []string{"licence_ordinary", "transfer"}},
	{"URB", "E03F", "城市内涝监测预警平台", "Urban flood monitoring and early warning",
		"寻求城市排水管网液位监测与内涝预测预警技术，预警提前量≥{v}分钟，可接入城市运行管理平台。",
		"Seeking sewer-level monitoring and urban flood forecasting that warns at least {v} minutes ahead and connects to the city operations platform.",
		[]string{"30", "60", "120"}, 7, [2]int{100, 600}, []string{"service", "joint_development"}},
	{"URB", "E21D", "盾构隧道管片病害智能识别", "Automated defect recognition in shield-tunnel linings",
		"寻求基于图像与激光扫描的隧道管片裂缝、渗漏水识别技术，巡检速度≥{v}公里/小时，识别准确率≥90%。",
		"Seeking image and laser-scan recognition of cracks and leaks in tunnel linings at inspection speeds of at least {v} km/h and 90% accuracy.",
		[]string{"5", "10", "20"}, 6, [2]int{150, 500}, []string{"licence_ordinary", "service"}},
	{"URB", "C04B", "建筑垃圾再生骨料高值化利用", "High-value use of recycled aggregate from construction waste",
		"寻求建筑垃圾再生骨料强化技术，再生混凝土强度等级≥C{v}，再生骨料取代率≥50%。",
		"Seeking strengthening of recycled aggregate from construction waste for concrete of grade C{v} or higher at 50% replacement.",
		[]string{"30", "40", "50"}, 6, [2]int{50, 300}, []string{"transfer", "licence_ordinary"}},
}

// need builds a technology need from a template for a buyer organisation,
// with a random target value.
func (b *builder) need(t needTemplate, buyer orgSpec, lang string) listing.Input {
	return b.needWith(t, t.vals[b.rng.IntN(len(t.vals))], buyer, lang)
}

// needWith builds a technology need whose {v} placeholders read v.
func (b *builder) needWith(t needTemplate, v string, buyer orgSpec, lang string) listing.Input {
	sub := func(s string) string { return strings.ReplaceAll(s, "{v}", v) }
	in := listing.Input{
		Kind:           listing.KindNeed,
		Field:          t.field,
		IPCCodes:       []string{t.ipc},
		RegionCode:     buyer.region,
		TransferModes:  append([]string(nil), t.modes...),
		ValidityMonths: []int{6, 12, 12}[b.rng.IntN(3)],
	}
	if lang != langEn {
		in.TitleZh, in.SummaryZh = sub(t.titleZh), sub(t.summaryZh)
	}
	if lang != langZh {
		in.TitleEn, in.SummaryEn = sub(t.titleEn), sub(t.summaryEn)
	}
	trl := t.requiredTRL + b.between(-1, 1)
	in.RequiredTRL = &trl
	lo := wanFen(t.budgetWan[0] + b.between(0, 4)*t.budgetWan[0]/10)
	hi := wanFen(t.budgetWan[1] + b.between(0, 4)*t.budgetWan[1]/10)
	if b.chance(0.8) {
		in.BudgetMinFen, in.BudgetMaxFen = &lo, &hi
	}
	in.Deadline = b.now.AddDate(0, b.between(2, 10), b.between(0, 27)).Format("2006-01-02")
	if b.chance(0.3) {
		in.DetailZh = "【签署保密协议后可见】现有工艺参数、产线布局与历史质量数据，以及验收测试方案。联系人：" + buyer.contactZh + "。"
		in.DetailEn = "[Visible after signing an NDA] Current process parameters, line layout, historical quality data and the acceptance-test plan. Contact: " + buyer.contactEn + "."
		if lang == langZh {
			in.DetailEn = ""
		} else if lang == langEn {
			in.DetailZh = ""
		}
	}
	return in
}
