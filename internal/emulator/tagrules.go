package emulator

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the tag rules of the Tag API, in one place so that a
// differential test can compare them with the provider's plan-time
// validators. A rule returns "" when the input is fine, or the Tag API error
// code that the real service answers.
//
// The rules: a key has 1 to 127 characters and a value 1 to 255 (UTF-8
// characters, not bytes). Both may hold letters (any Unicode letter), digits
// (any Unicode decimal digit), the symbols + - = . _ : / @ ( ) [ ] , ; > <
// and ASCII spaces, but not a leading or trailing space. A key may not start
// with qcs:, project, qcloud or tencent (ASCII case-insensitively) or with
// 项目, which the service reserves for itself.

// Tag API error codes.
const (
	codeTagKeyEmpty         = "InvalidParameterValue.TagKeyEmpty"
	codeTagKeyTooLong       = "InvalidParameterValue.TagKeyLengthExceeded"
	codeTagKeyIllegal       = "InvalidParameterValue.TagKeyCharacterIllegal"
	codeTagValueEmpty       = "InvalidParameterValue.TagValueEmpty"
	codeTagValueTooLong     = "InvalidParameterValue.TagValueLengthExceeded"
	codeTagValueIllegal     = "InvalidParameterValue.TagValueCharacterIllegal"
	codeTagKeyDuplicate     = "InvalidParameterValue.TagKeyDuplicate"
	codeTagKeyReserved      = "InvalidParameter.ReservedTagKey"
	codeResourceTagsLimit   = "LimitExceeded.ResourceAttachedTags"
	maxTagKeyLength         = 127
	maxTagValueLength       = 255
	maxTagsPerResource      = 50
	tagSymbols              = "+-=._:/@()[],;><"
	tagReservedHanPrefix    = "项目"
	tagReservedPrefixesNote = "qcs:, project, qcloud, tencent and 项目"
)

// tagReservedPrefixes are compared ASCII case-insensitively.
var tagReservedPrefixes = []string{"qcs:", "project", "qcloud", "tencent"}

// tagKeyProblem checks a tag key.
func tagKeyProblem(key string) string {
	switch {
	case key == "":
		return codeTagKeyEmpty
	case utf8.RuneCountInString(key) > maxTagKeyLength:
		return codeTagKeyTooLong
	case !tagTextAllowed(key):
		return codeTagKeyIllegal
	case tagKeyReserved(key):
		return codeTagKeyReserved
	}
	return ""
}

// ValidateTagKey checks a tag key as CreateKeyPair, ImportKeyPair and
// ModifyResourceTags do, for the provider's differential fuzz tests: nil
// when the key is accepted. The reserved-prefix code is the Tag API's; CVM
// answers it as FailedOperation.TagKeyReserved.
func ValidateTagKey(key string) error {
	if code := tagKeyProblem(key); code != "" {
		return checkTag(key, "v")
	}
	return nil
}

// ValidateTagValue checks a tag value as ValidateTagKey checks a key.
func ValidateTagValue(value string) error {
	if code := tagValueProblem(value); code != "" {
		return checkTag("k", value)
	}
	return nil
}

// tagValueProblem checks a tag value.
func tagValueProblem(value string) string {
	switch {
	case value == "":
		return codeTagValueEmpty
	case utf8.RuneCountInString(value) > maxTagValueLength:
		return codeTagValueTooLong
	case !tagTextAllowed(value):
		return codeTagValueIllegal
	}
	return ""
}

func tagTextAllowed(s string) bool {
	if !utf8.ValidString(s) || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ' ' && !strings.ContainsRune(tagSymbols, r) {
			return false
		}
	}
	return true
}

func tagKeyReserved(key string) bool {
	if strings.HasPrefix(key, tagReservedHanPrefix) {
		return true
	}
	for _, prefix := range tagReservedPrefixes {
		if hasPrefixASCIIFold(key, prefix) {
			return true
		}
	}
	return false
}

// hasPrefixASCIIFold reports whether s starts with the lower-case ASCII
// prefix, ignoring the case of ASCII letters only. strings.EqualFold would
// also fold non-ASCII look-alikes such as the Kelvin sign, which the service
// does not.
func hasPrefixASCIIFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := range len(prefix) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}
