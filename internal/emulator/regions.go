package emulator

// regions are the Tencent Cloud regions the emulator accepts in X-TC-Region
// and in tag resource names.
var regions = map[string]bool{
	"ap-guangzhou":     true,
	"ap-shanghai":      true,
	"ap-beijing":       true,
	"ap-chengdu":       true,
	"ap-chongqing":     true,
	"ap-nanjing":       true,
	"ap-hongkong":      true,
	"ap-singapore":     true,
	"ap-bangkok":       true,
	"ap-jakarta":       true,
	"ap-mumbai":        true,
	"ap-seoul":         true,
	"ap-tokyo":         true,
	"na-siliconvalley": true,
	"na-ashburn":       true,
	"na-toronto":       true,
	"eu-frankfurt":     true,
	"sa-saopaulo":      true,
	"ap-shanghai-fsi":  true,
	"ap-shenzhen-fsi":  true,
	"ap-beijing-fsi":   true,
}
