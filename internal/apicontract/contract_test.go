package apicontract

import (
	"strconv"
	"strings"
	"testing"
)

func TestIDs(t *testing.T) {
	t.Parallel()
	keyIDs := []struct {
		id string
		ok bool
	}{
		{"skey-3glfot13", true},
		{"skey-00000000", true},
		{"skey-zzzzzzzz", true},
		{"skey-ABCDEFGH", false},
		{"skey-1234567", false},
		{"skey-123456789", false},
		{"key-12345678", false},
		{"skey_12345678", false},
		{" skey-12345678", false},
		{"skey-12345678\n", false},
		{"", false},
	}
	for _, tt := range keyIDs {
		code := CodeKeyPairIDMalformed
		if tt.ok {
			code = ""
		}
		checkViolation(t, "KeyPairID", tt.id, KeyPairID(tt.id), code)
	}
	instanceIDs := []struct {
		id string
		ok bool
	}{
		{"ins-r8hr2upy", true},
		{"ins-R8HR2UPY", false},
		{"ins-r8hr2up", false},
		{"skey-r8hr2upy", false},
		{"", false},
	}
	for _, tt := range instanceIDs {
		code := CodeInstanceIDMalformed
		if tt.ok {
			code = ""
		}
		checkViolation(t, "InstanceID", tt.id, InstanceID(tt.id), code)
	}
}

// The sentences that state the rules write the limits out; they must
// agree with the constants.
func TestRulesStateTheLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, sentence string
		limits         []int
	}{
		{"KeyNameRule", KeyNameRule, []int{MaxKeyNameLength}},
		{"KeyName too long", KeyName(strings.Repeat("a", MaxKeyNameLength+1)).Rule, []int{MaxKeyNameLength}},
		{"KeyName empty", KeyName("").Rule, []int{MaxKeyNameLength}},
		{"DescriptionRule", DescriptionRule, []int{MaxDescriptionLength}},
		{"Description too long", Description(strings.Repeat("d", MaxDescriptionLength+1)).Rule, []int{MaxDescriptionLength}},
		{"TagKeyRule", TagKeyRule, []int{MaxTagKeyLength}},
		{"TagKey too long", TagKey(strings.Repeat("k", MaxTagKeyLength+1)).Rule, []int{MaxTagKeyLength}},
		{"TagKey empty", TagKey("").Rule, []int{MaxTagKeyLength}},
		{"TagValueRule", TagValueRule, []int{MaxTagValueLength}},
		{"TagValue too long", TagValue(strings.Repeat("v", MaxTagValueLength+1)).Rule, []int{MaxTagValueLength}},
		{"TagValue empty", TagValue("").Rule, []int{MaxTagValueLength}},
	}
	for _, tt := range tests {
		if !isSentence(tt.sentence) {
			t.Errorf("%s: %q is not a sentence", tt.name, tt.sentence)
		}
		for _, n := range tt.limits {
			if !strings.Contains(tt.sentence, strconv.Itoa(n)) {
				t.Errorf("%s: %q does not state the limit %d", tt.name, tt.sentence, n)
			}
		}
	}
	for _, s := range []string{PublicKeyRule, KeyPairIDRule, InstanceIDRule} {
		if !isSentence(s) {
			t.Errorf("%q is not a sentence", s)
		}
	}
	// Every reserved prefix is named in the rule.
	for _, p := range reservedTagKeyPrefixes {
		if !strings.Contains(TagKeyRule, p) || !strings.Contains(TagKey(p).Rule, p) {
			t.Errorf("the reserved prefix %q is not named in the tag key rule", p)
		}
	}
}

func TestViolationError(t *testing.T) {
	t.Parallel()
	v := KeyName("")
	if got, want := v.Error(), CodeKeyNameEmpty+": "+v.Rule; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
