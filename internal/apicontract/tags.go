package apicontract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The tag rules (Tag use limits 651/13354): a key has 1 to 127 characters
// and a value 1 to 255, counted in UTF-8 characters, not bytes. Both may
// hold letters (any Unicode letter: the pages name letters and Chinese
// characters; other scripts are inferred to pass), digits (any Unicode
// decimal digit), ASCII spaces but not at either end, and
// + - = . _ : / @ ( ) [ ] , ; > <. A key may not start with one of the
// prefixes the service reserves: qcs:, project, qcloud, tencent and 项目
// ("System reserved tag keys qcloud, tencent and project cannot be
// created", UpdateResourceTagValue 651/33011; qcs: and 项目 from the tag
// use limits). The prefixes match whatever the case of their ASCII letters
// (QCS:x, Project1); no other character folds onto them (inferred).

// TagKeyRule and TagValueRule state the tag rules whole.
const (
	TagKeyRule = "Tag keys have 1 to 127 characters: letters, digits, spaces (not at either end) and " +
		tagSymbolsText + "; keys starting with " + reservedPrefixesText + " are reserved."
	TagValueRule = "Tag values have 1 to 255 characters: letters, digits, spaces (not at either end) and " +
		tagSymbolsText + "."
)

// reservedTagKeyPrefixes are the prefixes of the tag keys that the service
// keeps for itself, in lower case; ASCII letters match in any case.
var reservedTagKeyPrefixes = []string{"qcs:", "project", "qcloud", "tencent", "项目"}

const (
	// tagSymbols are the symbols allowed in tag keys and values besides
	// letters, digits and inner spaces.
	tagSymbols           = "+-=._:/@()[],;><"
	tagSymbolsText       = "+ - = . _ : / @ ( ) [ ] , ; > <"
	reservedPrefixesText = "qcs:, project, qcloud or tencent (in any letter case) or with 项目"
)

// TagKey checks a tag key of ModifyResourceTags, or of the
// TagSpecification of CreateKeyPair and ImportKeyPair. The codes are the
// Tag API's; CVM answers a reserved key with CodeCVMTagKeyReserved
// instead. The checks run in the order empty, length, characters,
// reserved prefix; a key that breaks two gets the first one's code.
func TagKey(key string) *Violation {
	switch {
	case key == "":
		return violation(CodeTagKeyEmpty, "Tag key length must be between 1 and 127 characters.")
	case utf8.RuneCountInString(key) > MaxTagKeyLength:
		return violation(CodeTagKeyTooLong, "Tag key length must be between 1 and 127 characters.")
	case !tagTextAllowed(key):
		return violation(CodeTagKeyIllegalChar,
			"Tag keys may contain only letters, digits, spaces (not at either end) and "+tagSymbolsText+".")
	case tagKeyReserved(key):
		return violation(CodeTagKeyReserved,
			"Tag keys starting with "+reservedPrefixesText+" are reserved by Tencent Cloud.")
	}
	return nil
}

// TagValue checks a tag value as TagKey checks a key; no value is
// reserved.
func TagValue(value string) *Violation {
	switch {
	case value == "":
		return violation(CodeTagValueEmpty, "Tag value length must be between 1 and 255 characters.")
	case utf8.RuneCountInString(value) > MaxTagValueLength:
		return violation(CodeTagValueTooLong, "Tag value length must be between 1 and 255 characters.")
	case !tagTextAllowed(value):
		return violation(CodeTagValueIllegalChar,
			"Tag values may contain only letters, digits, spaces (not at either end) and "+tagSymbolsText+".")
	}
	return nil
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
	for _, prefix := range reservedTagKeyPrefixes {
		if hasPrefixFoldASCII(key, prefix) {
			return true
		}
	}
	return false
}

// hasPrefixFoldASCII reports whether s starts with prefix, which is in
// lower case, ignoring the case of ASCII letters only. strings.EqualFold
// and strings.ToUpper would also fold non-ASCII look-alikes, such as the
// long s (U+017F), which folds to s and would make qcſ: reserved, while
// the service compares bytes (inferred).
func hasPrefixFoldASCII(s, prefix string) bool {
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
