package apicontract

import (
	"slices"
	"testing"
)

func TestClosestRegions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want []string
	}{
		{"ap-guangzhou", nil}, // known: nothing to suggest
		{"eu-moscow", nil},
		{"ap-guangzou", []string{"ap-guangzhou"}},    // a letter missing
		{"ap-gaungzhou", []string{"ap-guangzhou"}},   // two letters swapped
		{"ap-guangzhou-3", []string{"ap-guangzhou"}}, // an availability zone
		{"ap-guangzhou-10", []string{"ap-guangzhou"}},
		{"AP-Shanghai", []string{"ap-shanghai"}}, // case
		{" ap-tokyo ", []string{"ap-tokyo"}},     // spaces
		{"guangzhou", []string{"ap-guangzhou"}},  // "ap-" left out
		{"ap-shanghai-fs", []string{"ap-shanghai-fsi"}},
		{"na-siliconvaley", []string{"na-siliconvalley"}},
		// Equally close: every one of them, in the order of Regions.
		{"ap-bnjing", []string{"ap-nanjing", "ap-beijing"}},
		// A new region is no typo of a known one.
		{"ap-osaka", nil},
		{"eu-london", nil},
		{"", nil},
		{"x", nil},
	}
	for _, tt := range tests {
		if got := ClosestRegions(tt.name); !slices.Equal(got, tt.want) {
			t.Errorf("ClosestRegions(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// The known regions are at least maxSuggestionDistance edits apart, as
// the comment of maxSuggestionDistance says, so that a name one slip away
// from a region is at least two away from every other: its suggestion
// names that region alone. The list holds no duplicates either.
func TestRegionsAreFarApart(t *testing.T) {
	t.Parallel()
	for i, a := range Regions {
		for _, b := range Regions[i+1:] {
			if d := editDistance(a, b); d < maxSuggestionDistance {
				t.Errorf("regions %s and %s are %d edits apart, closer than %d", a, b, d, maxSuggestionDistance)
			}
		}
		if !IsKnownRegion(a) {
			t.Errorf("IsKnownRegion(%q) = false", a)
		}
	}
	if IsKnownRegion("ap-guangzou") || IsKnownRegion("AP-GUANGZHOU") {
		t.Error("IsKnownRegion accepts a name outside the list")
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"abc", "abc", 0},
		{"abc", "abd", 1},
		{"abc", "acb", 1}, // a swap counts one
		{"abc", "ab", 1},
		{"kitten", "sitting", 3},
		{"ca", "abc", 3}, // optimal string alignment, not Damerau-Levenshtein (2)
		{"广州", "广洲", 1},  // runes, not bytes
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
