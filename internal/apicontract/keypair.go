package apicontract

import "unicode/utf8"

// KeyNameRule states the key name rule whole: "Name of the key pair, which
// can contain numbers, letters, and underscores, with a maximum length of
// 25 characters" (CreateKeyPair 213/15702, ImportKeyPair 213/15703,
// ModifyKeyPairAttribute 213/15701).
const KeyNameRule = "Key pair names have 1 to 25 characters: letters, digits and underscores (A-Z, a-z, 0-9 and _)."

// DescriptionRule states the description rule whole: "可任意命名，但不得超过60
// 个字符" (any text, at most 60 characters; ModifyKeyPairAttribute
// 213/15701, in the SDK's ModifyKeyPairAttributeRequestParams).
const DescriptionRule = "Key pair descriptions have at most 60 characters."

// KeyName checks a KeyName of CreateKeyPair, ImportKeyPair or
// ModifyKeyPairAttribute. Uniqueness is not part of it: only the service
// knows the other names.
//
// The checks run in the order empty, length, characters, so a name that
// breaks two parts gets the code of the first: 26 Han characters are too
// long (InvalidKeyPairNameTooLong), 25 are refused for their characters
// (InvalidKeyPairNameIncludeIllegalChar). The pages list the three codes
// but not their order; this order is inferred. Length counts characters,
// not bytes, which only matters for the code: every accepted name is ASCII.
// "Letters" are the ASCII letters (inferred: the pages say only
// "letters").
func KeyName(name string) *Violation {
	switch {
	case name == "":
		return violation(CodeKeyNameEmpty, keyNameLengthRule)
	case utf8.RuneCountInString(name) > MaxKeyNameLength:
		return violation(CodeKeyNameTooLong, keyNameLengthRule)
	}
	for i := 0; i < len(name); i++ {
		if !keyNameByte(name[i]) {
			return violation(CodeKeyNameIllegalChar,
				"Key pair names may contain only letters, digits and underscores (A-Z, a-z, 0-9 and _).")
		}
	}
	return nil
}

const keyNameLengthRule = "Key pair name length must be between 1 and 25 characters."

func keyNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// Description checks a Description of ModifyKeyPairAttribute: any text of
// at most MaxDescriptionLength characters, the empty text included.
func Description(description string) *Violation {
	if utf8.RuneCountInString(description) > MaxDescriptionLength {
		return violation(CodeInvalidParameterValue, "Key pair descriptions may have at most 60 characters.")
	}
	return nil
}
