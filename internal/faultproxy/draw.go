package faultproxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// subjects names, per action, the request parameters that say what a call
// is about: the same as the emulator's (internal/emulator/faults.go), so
// that a call sent again is recognised as a retry of the same call and
// gets a fresh roll, while calls about other things keep theirs.
var subjects = map[string][]string{
	"CreateKeyPair":                 {"KeyName"},
	"ImportKeyPair":                 {"KeyName"},
	"DescribeKeyPairs":              {"KeyIds", "Filters", "Offset", "Limit"},
	"DeleteKeyPairs":                {"KeyIds"},
	"ModifyKeyPairAttribute":        {"KeyId"},
	"AssociateInstancesKeyPairs":    {"KeyIds", "InstanceIds"},
	"DisassociateInstancesKeyPairs": {"KeyIds", "InstanceIds"},
	"ModifyResourceTags":            {"Resource"},
	"DescribeProjects":              {"Filters", "Offset", "Limit"},
	"DescribeInstances":             {"InstanceIds", "Filters", "Offset", "Limit"},
}

// keyIDPattern is a key pair id, as the API makes them.
var keyIDPattern = regexp.MustCompile(`skey-[0-9a-z]+`)

// subject is the canonical form of the parameters that say what a call is
// about: lists taken as sets (sorted), objects with sorted keys, and each
// key id that rename knows replaced by what it returns. A body that is not
// a JSON object has the empty subject.
//
// The emulator numbers key pairs in the order the creates arrive, which
// concurrent creates change from run to run: a call about a key id would
// be about another key pair in the next run, and meet another answer.
// Named after their key pairs, such calls are the same in every run.
func subject(action string, body []byte, rename func(id string) string) string {
	var params map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		return ""
	}
	var b strings.Builder
	for _, name := range subjects[action] {
		v, ok := params[name]
		if !ok {
			continue
		}
		enc, err := json.Marshal(canonical(v, rename))
		if err != nil {
			continue
		}
		fmt.Fprintf(&b, "%s=%s\n", name, enc)
	}
	return b.String()
}

// canonical sorts every list of a decoded JSON value by the encoding of
// its elements, so that the order in which a caller lists ids or filters
// does not matter, after renaming the key ids in its strings. Objects
// need nothing: encoding/json sorts map keys.
func canonical(v any, rename func(string) string) any {
	switch v := v.(type) {
	case string:
		if rename == nil {
			return v
		}
		return keyIDPattern.ReplaceAllStringFunc(v, rename)
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			enc, err := json.Marshal(canonical(e, rename))
			if err != nil {
				continue
			}
			out = append(out, string(enc))
		}
		slices.Sort(out)
		raw := make([]json.RawMessage, len(out))
		for i, e := range out {
			raw[i] = json.RawMessage(e)
		}
		return raw
	case map[string]any:
		for k, e := range v {
			v[k] = canonical(e, rename)
		}
		return v
	}
	return v
}

// The independent rolls of one call; each draws a value of its own. New
// rolls go at the end, so that a seed keeps the answers it gave before.
const (
	rollHit uint64 = iota + 1
	rollHold
	rollStreak
)
