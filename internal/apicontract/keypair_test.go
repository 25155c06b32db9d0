package apicontract

import (
	"strings"
	"testing"
)

func TestKeyName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input, code string
	}{
		{"one letter", "a", ""},
		{"mixed", "deploy_Key_2026", ""},
		{"digits only", "0123456789", ""},
		{"underscore only", "_", ""},
		{"24 characters", strings.Repeat("a", 24), ""},
		{"25 characters", strings.Repeat("a", 25), ""},
		{"26 characters", strings.Repeat("a", 26), CodeKeyNameTooLong},
		{"empty", "", CodeKeyNameEmpty},
		{"dash", "has-dash", CodeKeyNameIllegalChar},
		{"dot", "a.b", CodeKeyNameIllegalChar},
		{"space inside", "a b", CodeKeyNameIllegalChar},
		{"space at the end", "ab ", CodeKeyNameIllegalChar},
		{"newline", "ab\n", CodeKeyNameIllegalChar},
		{"han", "名字", CodeKeyNameIllegalChar},
		{"letter with accent", "é", CodeKeyNameIllegalChar},
		{"full-width letters", "ａｂｃ", CodeKeyNameIllegalChar},
		{"kelvin sign", "\u212A", CodeKeyNameIllegalChar},
		{"arabic-indic digit", "٣", CodeKeyNameIllegalChar},
		{"invalid UTF-8", "a\xffb", CodeKeyNameIllegalChar},
		// Length counts characters: 25 Han characters (75 bytes) are not
		// too long, they are refused for their characters; 26 are too
		// long, because length is checked first.
		{"25 han characters", strings.Repeat("名", 25), CodeKeyNameIllegalChar},
		{"26 han characters", strings.Repeat("名", 26), CodeKeyNameTooLong},
		{"24 letters and a han character", strings.Repeat("a", 24) + "名", CodeKeyNameIllegalChar},
		{"25 letters and a han character", strings.Repeat("a", 25) + "名", CodeKeyNameTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkViolation(t, "KeyName", tt.input, KeyName(tt.input), tt.code)
		})
	}
}

func TestDescription(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input string
		ok          bool
	}{
		{"empty", "", true},
		{"text", "CI deploy key, rotated monthly (see wiki).", true},
		{"spaces at the ends", " CI deploy key ", true},
		{"newline", "line1\nline2", true},
		{"59 characters", strings.Repeat("d", 59), true},
		{"60 characters", strings.Repeat("d", 60), true},
		{"61 characters", strings.Repeat("d", 61), false},
		{"60 han characters", strings.Repeat("钥", 60), true},
		{"61 han characters", strings.Repeat("钥", 61), false},
		{"60 emoji", strings.Repeat("🔑", 60), true},
		{"61 emoji", strings.Repeat("🔑", 61), false},
		// A combining accent is a character of its own.
		{"30 decomposed é", strings.Repeat("e\u0301", 30), true},
		{"30 decomposed é and one more", strings.Repeat("e\u0301", 30) + "x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code := ""
			if !tt.ok {
				code = CodeInvalidParameterValue
			}
			checkViolation(t, "Description", tt.input, Description(tt.input), code)
		})
	}
}

// checkViolation checks that got is nil when code is "", or else a
// violation with that code and a rule sentence.
func checkViolation(t *testing.T, rule, input string, got *Violation, code string) {
	t.Helper()
	switch {
	case code == "" && got != nil:
		t.Errorf("%s(%q) = %v, want accepted", rule, input, got)
	case code != "" && got == nil:
		t.Errorf("%s(%q) accepted, want %s", rule, input, code)
	case code != "" && got.Code != code:
		t.Errorf("%s(%q) = %v, want code %s", rule, input, got, code)
	case got != nil && !isSentence(got.Rule):
		t.Errorf("%s(%q): rule %q is not a sentence", rule, input, got.Rule)
	}
}

// isSentence reports whether s looks like one sentence: a capital letter
// first, a period last.
func isSentence(s string) bool {
	return s != "" && 'A' <= s[0] && s[0] <= 'Z' && strings.HasSuffix(s, ".")
}
