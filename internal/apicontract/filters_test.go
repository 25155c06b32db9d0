package apicontract

import (
	"strconv"
	"strings"
	"testing"
)

func TestDescribeFilters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values []int
		code   string
	}{
		{"none", nil, ""},
		{"ten filters of five values", []int{5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, ""},
		{"eleven filters", []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, CodeTooManyFilters},
		{"six values", []int{1, 6}, CodeFilterValueLimitExceeded},
		// Too many filters wins over too many values.
		{"eleven filters, one of six values", []int{6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, CodeTooManyFilters},
	}
	for _, tt := range tests {
		v := DescribeFilters(tt.values)
		checkViolation(t, "DescribeFilters", tt.name, v, tt.code)
		if v != nil && tt.code == CodeTooManyFilters && !strings.Contains(v.Rule, strconv.Itoa(MaxFiltersPerDescribe)) {
			t.Errorf("%s: %q does not state the limit", tt.name, v.Rule)
		}
		if v != nil && tt.code == CodeFilterValueLimitExceeded && !strings.Contains(v.Rule, strconv.Itoa(MaxValuesPerFilter)) {
			t.Errorf("%s: %q does not state the limit", tt.name, v.Rule)
		}
	}
}

func TestImageIDPattern(t *testing.T) {
	t.Parallel()
	for id, ok := range map[string]bool{"img-abcd1234": true, "img-ABCD1234": false, "img-abc": false, "ins-abcd1234": false} {
		if got := ImageIDPattern.MatchString(id); got != ok {
			t.Errorf("ImageIDPattern.MatchString(%q) = %v, want %v", id, got, ok)
		}
	}
}
