package domain

import "fmt"

// Province is a provincial-level division of GB/T 2260.
type Province struct {
	Code  string // 2-digit prefix
	Label Label
}

// Provinces lists the 34 provincial-level divisions.
var Provinces = []Province{
	{"11", Label{"北京", "Beijing"}}, {"12", Label{"天津", "Tianjin"}}, {"13", Label{"河北", "Hebei"}},
	{"14", Label{"山西", "Shanxi"}}, {"15", Label{"内蒙古", "Inner Mongolia"}}, {"21", Label{"辽宁", "Liaoning"}},
	{"22", Label{"吉林", "Jilin"}}, {"23", Label{"黑龙江", "Heilongjiang"}}, {"31", Label{"上海", "Shanghai"}},
	{"32", Label{"江苏", "Jiangsu"}}, {"33", Label{"浙江", "Zhejiang"}}, {"34", Label{"安徽", "Anhui"}},
	{"35", Label{"福建", "Fujian"}}, {"36", Label{"江西", "Jiangxi"}}, {"37", Label{"山东", "Shandong"}},
	{"41", Label{"河南", "Henan"}}, {"42", Label{"湖北", "Hubei"}}, {"43", Label{"湖南", "Hunan"}},
	{"44", Label{"广东", "Guangdong"}}, {"45", Label{"广西", "Guangxi"}}, {"46", Label{"海南", "Hainan"}},
	{"50", Label{"重庆", "Chongqing"}}, {"51", Label{"四川", "Sichuan"}}, {"52", Label{"贵州", "Guizhou"}},
	{"53", Label{"云南", "Yunnan"}}, {"54", Label{"西藏", "Tibet"}}, {"61", Label{"陕西", "Shaanxi"}},
	{"62", Label{"甘肃", "Gansu"}}, {"63", Label{"青海", "Qinghai"}}, {"64", Label{"宁夏", "Ningxia"}},
	{"65", Label{"新疆", "Xinjiang"}}, {"71", Label{"台湾", "Taiwan"}}, {"81", Label{"香港", "Hong Kong"}},
	{"82", Label{"澳门", "Macao"}},
}

// ProvinceOf returns the province of a 6-digit region code.
func ProvinceOf(region string) (Province, bool) {
	if len(region) < 2 {
		return Province{}, false
	}
	for _, p := range Provinces {
		if p.Code == region[:2] {
			return p, true
		}
	}
	return Province{}, false
}

// ValidateRegion checks a 6-digit GB/T 2260 administrative-division code: six
// digits with a known provincial prefix. Prefecture and county parts are not
// checked against a full table, which changes yearly.
func ValidateRegion(code string) error {
	if len(code) != 6 {
		return fmt.Errorf("must be 6 digits")
	}
	for i := 0; i < 6; i++ {
		if code[i] < '0' || code[i] > '9' {
			return fmt.Errorf("must be 6 digits")
		}
	}
	if _, ok := ProvinceOf(code); !ok {
		return fmt.Errorf("unknown province prefix %q", code[:2])
	}
	return nil
}
