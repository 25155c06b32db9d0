package apicontract

import "fmt"

// DescribeFilters checks the size of the Filters of a DescribeKeyPairs
// call, given the number of Values of each filter: at most
// MaxFiltersPerDescribe filters (CodeTooManyFilters) and at most
// MaxValuesPerFilter values in each (CodeFilterValueLimitExceeded). The
// number of filters is checked first.
func DescribeFilters(valuesPerFilter []int) *Violation {
	if n := len(valuesPerFilter); n > MaxFiltersPerDescribe {
		return violation(CodeTooManyFilters, fmt.Sprintf("A DescribeKeyPairs call may have at most %d filters, not %d.", MaxFiltersPerDescribe, n))
	}
	for i, n := range valuesPerFilter {
		if n > MaxValuesPerFilter {
			return violation(CodeFilterValueLimitExceeded, fmt.Sprintf("A filter may have at most %d values; filter %d has %d.", MaxValuesPerFilter, i, n))
		}
	}
	return nil
}
