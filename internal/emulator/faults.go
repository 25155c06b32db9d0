package emulator

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// maxLatency keeps a typo in latency_ms from hanging a test run.
const maxLatency = 5 * time.Minute

func (c Faults) validate() error {
	for i, r := range c.Rules {
		if r.Action == "" {
			return fmt.Errorf("rule %d: action is empty (use \"*\" for every action)", i)
		}
		for _, p := range []float64{r.InternalError, r.Throttle, r.DropAfterCommit, r.Latency} {
			if !(p >= 0 && p <= 1) {
				return fmt.Errorf("rule %d: probabilities must be between 0 and 1", i)
			}
		}
		if r.LatencyMS < 0 || time.Duration(r.LatencyMS)*time.Millisecond > maxLatency {
			return errors.New("latency_ms must be between 0 and 300000")
		}
	}
	return nil
}

// faultSet is the fault configuration in force plus its random source.
type faultSet struct {
	cfg Faults
	rng *rand.Rand
}

func newFaultSet(cfg Faults) faultSet {
	if cfg.Rules == nil {
		cfg.Rules = []FaultRule{}
	}
	return faultSet{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed))}
}

// faults is what to do to one call.
type faults struct {
	latency         time.Duration
	internalError   bool
	throttle        bool
	dropAfterCommit bool
}

// rollFaults decides the faults of one call from the first rule that names
// the action, or else the first "*" rule. All four rolls are always made,
// so that a seed replays the same sequence whatever the outcomes.
func (s *Server) rollFaults(action string) faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	var rule *FaultRule
	for i := range s.faults.cfg.Rules {
		r := &s.faults.cfg.Rules[i]
		if r.Action == action {
			rule = r
			break
		}
		if r.Action == "*" && rule == nil {
			rule = r
		}
	}
	if rule == nil {
		return faults{}
	}
	rng := s.faults.rng
	var f faults
	latency := rng.Float64() < rule.Latency
	f.internalError = rng.Float64() < rule.InternalError
	f.throttle = rng.Float64() < rule.Throttle && !f.internalError
	f.dropAfterCommit = rng.Float64() < rule.DropAfterCommit && !f.internalError && !f.throttle
	n := 0
	if latency {
		f.latency = time.Duration(rule.LatencyMS) * time.Millisecond
		n++
	}
	// Only faults that take effect count: an injected error answers the
	// call, so a throttle or drop rolled with it never happens.
	for _, on := range []bool{f.internalError, f.throttle, f.dropAfterCommit} {
		if on {
			n++
		}
	}
	s.stats.Faults[action] += n
	return f
}

func newStats() Stats {
	return Stats{Calls: map[string]int{}, Throttled: map[string]int{}, Faults: map[string]int{}}
}
