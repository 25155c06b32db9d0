package faultdraw

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Subject is the canonical form of the parameters names of a call's JSON
// body, which say what the call is about, for New's parts: lists taken as
// sets (sorted by the encoding of their elements), objects with sorted
// keys, and, when rename is not nil, each string value replaced by what
// rename returns for it. A body that is not a JSON object has the empty
// subject.
func Subject(body []byte, names []string, rename func(string) string) string {
	var params map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		return ""
	}
	var b strings.Builder
	for _, name := range names {
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
// does not matter, after renaming its strings. Objects need nothing:
// encoding/json sorts map keys.
func canonical(v any, rename func(string) string) any {
	switch v := v.(type) {
	case string:
		if rename == nil {
			return v
		}
		return rename(v)
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
