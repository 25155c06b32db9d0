package faultproxy

import (
	"regexp"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/faultdraw"
)

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
	var renameIDs func(string) string
	if rename != nil {
		renameIDs = func(v string) string { return keyIDPattern.ReplaceAllStringFunc(v, rename) }
	}
	return faultdraw.Subject(body, emulator.FaultSubjects[action], renameIDs)
}

// The independent rolls of one call; each draws a value of its own. New
// rolls go at the end, so that a seed keeps the answers it gave before.
const (
	rollHit uint64 = iota + 1
	rollHold
	rollStreak
)
