package apicontract

import (
	"slices"
	"strings"
)

// Regions are the region names that Tencent Cloud documents for the CVM
// API: the regions of the CVM API's request structure page
// (https://cloud.tencent.com/document/api/213/15692, "地域列表", the list of
// regions with their endpoints cvm.<region>.tencentcloudapi.com) and the
// constants of the Go SDK's tencentcloud/common/regions/regions.go
// (v1.3.211), which name the same regions and a few more: eu-moscow and
// ap-guangzhou-open, kept so that no region the SDK names is warned about.
// ap-beijing-fsi (Beijing finance zone) is not in the SDK's file; it is
// kept because the emulator accepted it before this list moved here, and a
// list that warns too little costs less than one that warns about a real
// region.
//
// The list is for advice, not refusal: regions open after a list is
// written, so a name outside it is worth a warning (a typo such as
// ap-guangzou fails every call with UnsupportedRegion), never an error.
// The emulator accepts exactly these regions.
var Regions = []string{
	// Chinese mainland and Hong Kong.
	"ap-guangzhou",
	"ap-shanghai",
	"ap-nanjing",
	"ap-beijing",
	"ap-chengdu",
	"ap-chongqing",
	"ap-hongkong",
	"ap-guangzhou-open",
	// Finance zones.
	"ap-shanghai-fsi",
	"ap-shenzhen-fsi",
	"ap-beijing-fsi",
	// Other countries and regions.
	"ap-singapore",
	"ap-jakarta",
	"ap-bangkok",
	"ap-mumbai",
	"ap-seoul",
	"ap-tokyo",
	"na-siliconvalley",
	"na-ashburn",
	"na-toronto",
	"sa-saopaulo",
	"eu-frankfurt",
	"eu-moscow",
}

// IsKnownRegion reports whether name is one of Regions, exactly.
func IsKnownRegion(name string) bool {
	return slices.Contains(Regions, name)
}

// maxSuggestionDistance is the largest edit distance at which a known
// region still counts as what a name meant: up to three slips, such as a
// letter missing and one swapped, an availability zone's "-10" suffix
// (ap-guangzhou-10), or "ap-" left out. The known regions are at least
// three apart from each other, so that a name one slip away from a region
// gets that region alone; a new region's name (ap-osaka, eu-london) is
// farther than three from every one.
const maxSuggestionDistance = 3

// ClosestRegions returns the known regions nearest to name, for a "did you
// mean" hint: those at the smallest edit distance (insertions, deletions,
// substitutions and swaps of neighbours each count one), compared without
// regard to case or surrounding spaces, in the order of Regions; nil when
// name is a known region or none is within maxSuggestionDistance.
func ClosestRegions(name string) []string {
	if IsKnownRegion(name) {
		return nil
	}
	folded := strings.ToLower(strings.TrimSpace(name))
	best := maxSuggestionDistance
	var closest []string
	for _, r := range Regions {
		d := editDistance(folded, r)
		switch {
		case d > best:
		case d < best || closest == nil:
			best, closest = d, []string{r}
		case d == best:
			closest = append(closest, r)
		}
	}
	return closest
}

// editDistance is the optimal string alignment distance between a and b,
// in runes: the fewest insertions, deletions, substitutions and swaps of
// two neighbours that turn a into b.
func editDistance(a, b string) int {
	s, t := []rune(a), []rune(b)
	// d[i][j] is the distance between s[:i] and t[:j]; three rows are
	// enough, as a swap looks back two.
	prev2 := make([]int, len(t)+1)
	prev := make([]int, len(t)+1)
	cur := make([]int, len(t)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(s); i++ {
		cur[0] = i
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(t)]
}
