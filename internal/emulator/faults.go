package emulator

import (
	"errors"
	"fmt"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/faultdraw"
)

// maxLatency keeps a typo in latency_ms from hanging a test run.
const maxLatency = 5 * time.Minute

func (c Faults) validate() error {
	for i, r := range c.Rules {
		if r.Action == "" {
			return fmt.Errorf("rule %d: action is empty (use \"*\" for every action)", i)
		}
		for _, p := range []float64{r.InternalError, r.Throttle, r.DropAfterCommit, r.ResetMidBody, r.BadGateway, r.TruncatedJSON, r.Latency,
			r.EmptyBody, r.NullResponse, r.NoObject, r.EventStream, r.EmptyRead} {
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

// faultSet is the fault configuration in force plus, per call subject
// (action, region and what the call is about), how many calls the emulator
// has seen since the configuration was set.
type faultSet struct {
	cfg      Faults
	attempts map[string]uint64
}

func newFaultSet(cfg Faults) faultSet {
	if cfg.Rules == nil {
		cfg.Rules = []FaultRule{}
	}
	return faultSet{cfg: cfg, attempts: map[string]uint64{}}
}

// faults is what to do to one call.
type faults struct {
	latency         time.Duration
	internalError   bool
	throttle        bool
	dropAfterCommit bool
	resetMidBody    bool
	badGateway      bool
	truncatedJSON   bool
	emptyBody       bool
	nullResponse    bool
	noObject        bool
	eventStream     bool
	emptyRead       bool
}

// FaultSubjects names, per action, the request parameters that say what a
// call is about. Other parameters (a public key, tags, a description) play
// no part, so that the same call sent again is recognised as a retry. The
// fault proxy (internal/faultproxy) decides by the same table.
var FaultSubjects = map[string][]string{
	"CreateKeyPair":                 {"KeyName"},
	"ImportKeyPair":                 {"KeyName"},
	"DescribeKeyPairs":              {"KeyIds", "Filters", "Offset", "Limit"},
	"DeleteKeyPairs":                {"KeyIds"},
	"ModifyKeyPairAttribute":        {"KeyId"},
	"AssociateInstancesKeyPairs":    {"KeyIds", "InstanceIds"},
	"DisassociateInstancesKeyPairs": {"KeyIds", "InstanceIds"},
	"DescribeInstances":             {"InstanceIds", "Filters", "Offset", "Limit"},
	"ModifyResourceTags":            {"Resource"},
	"DescribeProjects":              {"Filters", "Offset", "Limit"},
	"AssumeRole":                    {"RoleArn", "RoleSessionName"},
	"CreateSSHKeyPairSecret":        {"SecretName"},
	"GetSSHKeyPairValue":            {"SecretName", "SSHKeyId"},
	"DescribeSecret":                {"SecretName"},
	"ListSecrets":                   {"Offset", "Limit", "OrderType", "State", "SearchSecretName", "TagFilters", "SecretType"},
	"UpdateDescription":             {"SecretName"},
	"EnableSecret":                  {"SecretName"},
	"DisableSecret":                 {"SecretName"},
	"DeleteSecret":                  {"SecretName"},
	"RestoreSecret":                 {"SecretName"},
}

// faultSubject is the canonical form of the parameters that say what a call
// is about (faultdraw.Subject): lists are taken as sets (sorted), objects
// with sorted keys. A body that is not a JSON object has the empty
// subject; the action rejects it anyway.
func faultSubject(action string, body []byte) string {
	return faultdraw.Subject(body, FaultSubjects[action], nil)
}

// The independent rolls of one call; each draws from its own value. New
// rolls go at the end, so that a seed keeps the faults it gave before.
const (
	rollLatency uint64 = iota + 1
	rollInternalError
	rollThrottle
	rollDropAfterCommit
	rollResetMidBody
	rollBadGateway
	rollTruncatedJSON
	rollEmptyBody
	rollNullResponse
	rollNoObject
	rollEventStream
	rollEmptyRead
)

// rollFaults decides the faults of one call from the first rule that names
// the action, or else the first "*" rule. The decision depends only on the
// seed, the action, the region, what the call is about (faultSubject of its
// body) and its attempt number: how many calls with the same action, region
// and subject came before it since the faults were set. It never depends
// on the order in which calls about different things arrive, so that the
// same calls replay the same faults under a seed however they interleave,
// while a call sent again gets a fresh roll.
func (s *Server) rollFaults(action, region string, body []byte) faults {
	s.mu.Lock()
	rule := s.faults.rule(action)
	s.mu.Unlock()
	if rule == nil {
		return faults{}
	}
	subject := faultSubject(action, body)
	s.mu.Lock()
	defer s.mu.Unlock()
	// The faults may have been replaced while the subject was computed.
	if rule = s.faults.rule(action); rule == nil {
		return faults{}
	}
	key := action + "\x00" + region + "\x00" + subject
	attempt := s.faults.attempts[key]
	s.faults.attempts[key]++
	d := faultdraw.New(s.faults.cfg.Seed, attempt, action, region, subject)
	var f faults
	latency := d.Float(rollLatency) < rule.Latency
	// At most one of these happens to a call: the first rolled, in the
	// order of the rule's documentation. Each roll is drawn whatever the
	// others gave, so that adding a kind leaves the others' rolls alone;
	// a new kind goes last in the order too, so that it never takes a
	// call that an older kind faulted.
	rolled := []struct {
		on    *bool
		p     float64
		which uint64
	}{
		{&f.internalError, rule.InternalError, rollInternalError},
		{&f.throttle, rule.Throttle, rollThrottle},
		{&f.dropAfterCommit, rule.DropAfterCommit, rollDropAfterCommit},
		{&f.resetMidBody, rule.ResetMidBody, rollResetMidBody},
		{&f.badGateway, rule.BadGateway, rollBadGateway},
		{&f.truncatedJSON, rule.TruncatedJSON, rollTruncatedJSON},
		{&f.emptyBody, rule.EmptyBody, rollEmptyBody},
		{&f.nullResponse, rule.NullResponse, rollNullResponse},
		{&f.noObject, rule.NoObject, rollNoObject},
		{&f.eventStream, rule.EventStream, rollEventStream},
		{&f.emptyRead, rule.EmptyRead, rollEmptyRead},
	}
	n := 0
	if latency {
		f.latency = time.Duration(rule.LatencyMS) * time.Millisecond
		n++
	}
	// Only faults that take effect count: an injected error answers the
	// call, so a throttle or drop rolled with it never happens.
	for _, r := range rolled {
		if d.Float(r.which) < r.p {
			*r.on = true
			n++
			break
		}
	}
	s.stats.Faults[action] += n
	return f
}

// rule is the rule for action, nil when none applies. It returns a copy,
// so that it stays valid when the faults are replaced.
func (fs *faultSet) rule(action string) *FaultRule {
	var rule *FaultRule
	for i := range fs.cfg.Rules {
		r := &fs.cfg.Rules[i]
		if r.Action == action {
			rule = r
			break
		}
		if r.Action == "*" && rule == nil {
			rule = r
		}
	}
	if rule == nil {
		return nil
	}
	c := *rule
	return &c
}

func newStats() Stats {
	return Stats{Calls: map[string]int{}, Throttled: map[string]int{}, Faults: map[string]int{}}
}
