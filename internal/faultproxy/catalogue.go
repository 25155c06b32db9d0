// Package faultproxy is a reverse proxy that stands between the provider
// and the emulator and gives some API calls hostile answers: answers that
// a network, a gateway or the service itself may give and that the
// emulator's own faults do not model (an empty or null envelope, an answer
// without its object, a wrong content type, a huge body, reads that come
// back empty), and recoveries made hard (the lookup after a lost answer
// throttled, the endpoint refusing connections, tags that show late).
// make chaos (scripts/chaos) runs real Terraform through it and checks
// what the provider left behind.
//
// Which call meets a hostile answer depends only on the seed, the kind,
// the action, the region, what the call is about and how many such calls
// came before it, as with the emulator's faults (internal/emulator,
// faultSubject): under a seed, the same calls meet the same answers
// however concurrent calls interleave. Unlike the emulator's, a call about
// key ids is about the key pairs that the ids name, once an answer showed
// them: the ids themselves depend on the order in which creates arrive.
// Kinds that hold state across calls (a throttled window, a refused port,
// a streak of empty reads) also depend on the order of the calls that fall
// into that state, and a provider that crashes loses what was in flight
// at that moment.
package faultproxy

import (
	"fmt"
	"strings"
	"time"
)

// Kind names one kind of hostile answer.
type Kind string

// The kinds of the catalogue.
const (
	None               Kind = "none"
	EmptyBody          Kind = "empty_body"
	NullResponse       Kind = "null_response"
	NoObject           Kind = "no_object"
	WrongContentType   Kind = "wrong_content_type"
	DroppedAfterCommit Kind = "dropped_after_commit"
	CutAfterCommit     Kind = "cut_after_commit"
	ThrottledRecovery  Kind = "throttled_recovery"
	RefusedRecovery    Kind = "refused_recovery"
	TagLag             Kind = "tag_lag"
	HugeBody           Kind = "huge_body"
	EmptyReads         Kind = "empty_reads"
	Interrupt          Kind = "interrupt"
)

// The actions that kinds act on.
var (
	// everyAction is every action the provider calls.
	everyAction = []string{
		"CreateKeyPair", "ImportKeyPair", "DescribeKeyPairs", "DeleteKeyPairs", "ModifyKeyPairAttribute",
		"AssociateInstancesKeyPairs", "DisassociateInstancesKeyPairs", "ModifyResourceTags", "DescribeProjects",
		"DescribeInstances",
	}
	// makers are the writes whose lost answer the provider must recover
	// from by looking the key pair up.
	makers = []string{"CreateKeyPair", "ImportKeyPair"}
	reads  = []string{"DescribeKeyPairs"}
)

// Entry is one kind of the catalogue.
type Entry struct {
	Kind Kind
	// Description says in one line what the kind does.
	Description string
	// Actions are the actions whose calls the kind acts on.
	Actions []string
	// Rate is the probability that a call of Actions is hit.
	Rate float64
	// TagLag, when not 0, is the tag lag the emulator must run with for
	// the kind to mean what it says.
	TagLag time.Duration
	// Armed says that the kind acts only while the proxy is armed
	// (Proxy.Arm): the runner arms it during the runs that refresh.
	Armed bool
	// Interrupt says that the runner sends SIGINT to terraform once the
	// first CreateKeyPair passed the proxy.
	Interrupt bool
}

// Catalogue is every kind, in the order make chaos runs them. None, the
// control, gives no hostile answer: every invariant must hold under it, or
// the checker or the set-up is wrong.
var Catalogue = []Entry{
	{Kind: None, Description: "no hostile answer: the control run, on which every invariant must hold"},
	{Kind: EmptyBody, Rate: 0.3, Actions: everyAction,
		Description: "`{}` with HTTP 200, after the call reached the emulator (after the commit)"},
	{Kind: NullResponse, Rate: 0.3, Actions: everyAction,
		Description: "`{\"Response\":null}` with HTTP 200, after the commit"},
	{Kind: NoObject, Rate: 0.3, Actions: []string{"CreateKeyPair", "ImportKeyPair", "DescribeKeyPairs"},
		Description: "HTTP 200 with a RequestId but without the object: CreateKeyPair without KeyPair, ImportKeyPair without KeyId, DescribeKeyPairs without KeyPairSet"},
	{Kind: WrongContentType, Rate: 0.3, Actions: everyAction,
		Description: "the real answer, with `Content-Type: text/event-stream`"},
	{Kind: DroppedAfterCommit, Rate: 0.3, Actions: everyAction,
		Description: "forwarded, then the connection closed without an answer"},
	{Kind: CutAfterCommit, Rate: 0.3, Actions: everyAction,
		Description: "forwarded, then the headers and half the body, then the connection closed"},
	{Kind: ThrottledRecovery, Rate: 0.5, Actions: makers,
		Description: "a create's or import's answer lost, then the next 11 DescribeKeyPairs (for at most 14 s) answered RequestLimitExceeded"},
	{Kind: RefusedRecovery, Rate: 0.5, Actions: makers,
		Description: "a create's or import's answer lost, then connections refused for 3 s (the listener closed, then opened again on the same port)"},
	{Kind: TagLag, Rate: 0.5, Actions: []string{"CreateKeyPair"}, TagLag: 8 * time.Second,
		Description: "the emulator's tags show 8 s late (longer than the provider's 5 s lookup), and creates' answers are lost after the commit"},
	{Kind: HugeBody, Rate: 0.3, Actions: reads,
		Description: "a DescribeKeyPairs answer padded past 64 MiB with JSON whitespace, streamed (at most 2 per run)"},
	{Kind: EmptyReads, Rate: 0.5, Actions: reads, Armed: true,
		Description: "during each run that refreshes, one streak of 2 or 3 DescribeKeyPairs answers in a row with an empty KeyPairSet and TotalCount 0"},
	{Kind: Interrupt, Rate: 1, Actions: []string{"CreateKeyPair"}, Interrupt: true,
		Description: "CreateKeyPair answers held up to 2 s after the commit, and one SIGINT to terraform once the first one passed"},
}

// Lookup finds a kind of the catalogue by name.
func Lookup(name string) (Entry, error) {
	for _, e := range Catalogue {
		if string(e.Kind) == name {
			return e, nil
		}
	}
	names := make([]string, len(Catalogue))
	for i, e := range Catalogue {
		names[i] = string(e.Kind)
	}
	return Entry{}, fmt.Errorf("no answer kind %q: the kinds are %s", name, strings.Join(names, ", "))
}

// actsOn reports whether the kind acts on calls of action.
func (e Entry) actsOn(action string) bool {
	for _, a := range e.Actions {
		if a == action {
			return true
		}
	}
	return false
}
