package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/faultproxy"
	"github.com/keypairlabs/terraform-provider-tencentcloud/scripts/chaos/check"
)

// invariantNames head the table's columns.
var invariantNames = map[check.Invariant]string{
	check.Accounting: "(a) orphan or lost",
	check.PGP:        "(b) pgp plaintext",
	check.Crash:      "(c) crash",
	check.Foreign:    "(d) foreign touched",
	check.Secret:     "(e) secret leaked",
}

// report prints the table of each kind and the violations, and returns
// how many violations and failed scenarios there were.
func report(w io.Writer, kinds []faultproxy.Entry, results []result, took time.Duration) (violations, failed int) {
	fmt.Fprintf(w, "\n## make chaos\n\n")
	fmt.Fprintf(w, "%d kinds, seeds 1 to %d, in %s. Failed runs are terraform runs that exited non-zero, which faults may cause; "+
		"only violations of the invariants count. A violation counts once per scenario, at the first run that shows it.\n\n",
		len(kinds), seedsOf(results), took.Round(time.Second))
	fmt.Fprintf(w, "| kind | runs | failed runs | hostile answers |")
	for _, inv := range check.Invariants {
		fmt.Fprintf(w, " %s |", invariantNames[inv])
	}
	fmt.Fprintf(w, "\n|---|---|---|---|%s\n", strings.Repeat("---|", len(check.Invariants)))
	for _, e := range kinds {
		runs, failedRuns, applied := 0, 0, 0
		counts := map[check.Invariant]int{}
		setupErrors := 0
		for _, r := range results {
			if r.kind != e.Kind {
				continue
			}
			if r.err != nil {
				setupErrors++
			}
			runs += len(r.runs)
			for _, rr := range r.runs {
				if rr.exit != 0 {
					failedRuns++
				}
			}
			applied += r.applied
			for _, l := range r.violations {
				counts[l.v.Invariant]++
			}
		}
		name := fmt.Sprintf("`%s`", e.Kind)
		if setupErrors > 0 {
			name += fmt.Sprintf(" (%d scenarios did not finish)", setupErrors)
		}
		fmt.Fprintf(w, "| %s | %d | %d | %d |", name, runs, failedRuns, applied)
		for _, inv := range check.Invariants {
			fmt.Fprintf(w, " %d |", counts[inv])
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintf(w, "\n### Violations\n\n")
	for _, r := range results {
		if r.err != nil {
			failed++
			fmt.Fprintf(w, "- `%s` seed %d did not finish: %v\n", r.kind, r.seed, r.err)
		}
		for _, l := range r.violations {
			violations++
			fmt.Fprintf(w, "- `%s` seed %d, run %d (%s): (%s) %s\n", r.kind, r.seed, l.run, l.name, l.v.Invariant, oneLine(l.v.Detail))
		}
	}
	if violations == 0 && failed == 0 {
		fmt.Fprintln(w, "None.")
	}
	return violations, failed
}

func seedsOf(results []result) uint64 {
	var n uint64
	for _, r := range results {
		n = max(n, r.seed)
	}
	return n
}

// oneLine keeps a detail on its line of the list.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
