package apicontract

import (
	"strings"
	"testing"
)

func TestSecretName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input, code string
	}{
		{"one letter", "a", ""},
		{"one digit", "7", ""},
		{"hyphens and underscores", "ssh-key_prod-2026", ""},
		{"128 bytes", strings.Repeat("a", 128), ""},
		{"129 bytes", strings.Repeat("a", 129), CodeInvalidParameterValue},
		{"empty", "", CodeInvalidParameterValue},
		{"leading hyphen", "-a", CodeInvalidParameterValue},
		{"leading underscore", "_a", CodeInvalidParameterValue},
		{"dot", "a.b", CodeInvalidParameterValue},
		{"space", "a b", CodeInvalidParameterValue},
		{"slash", "a/b", CodeInvalidParameterValue},
		{"han", "凭据", CodeInvalidParameterValue},
		// Bytes, not characters: 43 Han characters are 129 bytes.
		{"43 han characters", strings.Repeat("名", 43), CodeInvalidParameterValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkViolation(t, "SecretName", tt.input, SecretName(tt.input), tt.code)
		})
	}
}

func TestSecretDescription(t *testing.T) {
	t.Parallel()
	for input, code := range map[string]string{
		"":                        "",
		strings.Repeat("a", 2048): "",
		strings.Repeat("a", 2049): CodeInvalidParameterValue,
		// Bytes, not characters: 683 Han characters are 2049 bytes.
		strings.Repeat("名", 683): CodeInvalidParameterValue,
	} {
		checkViolation(t, "SecretDescription", input, SecretDescription(input), code)
	}
}

func TestSSHKeyName(t *testing.T) {
	t.Parallel()
	checkViolation(t, "SSHKeyName", "deploy_key_1", SSHKeyName("deploy_key_1"), "")
	checkViolation(t, "SSHKeyName", "1key", SSHKeyName("1key"), "")
	checkViolation(t, "SSHKeyName", "", SSHKeyName(""), CodeKeyNameEmpty)
	checkViolation(t, "SSHKeyName", strings.Repeat("a", 26), SSHKeyName(strings.Repeat("a", 26)), CodeKeyNameTooLong)
	checkViolation(t, "SSHKeyName", "has-dash", SSHKeyName("has-dash"), CodeKeyNameIllegalChar)
	// CVM takes a leading underscore; SSM does not.
	checkViolation(t, "KeyName", "_key", KeyName("_key"), "")
	checkViolation(t, "SSHKeyName", "_key", SSHKeyName("_key"), CodeKeyNameIllegalChar)
}

func TestRecoveryWindow(t *testing.T) {
	t.Parallel()
	checkViolation(t, "RecoveryWindow", "0 SecretTypeSSHKeyPair", RecoveryWindow(0, SecretTypeSSHKeyPair), "")
	checkViolation(t, "RecoveryWindow", "1 SecretTypeSSHKeyPair", RecoveryWindow(1, SecretTypeSSHKeyPair), CodeInvalidParameterValue)
	checkViolation(t, "RecoveryWindow", "30 SecretTypeCustom", RecoveryWindow(30, SecretTypeCustom), "")
	checkViolation(t, "RecoveryWindow", "31 SecretTypeCustom", RecoveryWindow(31, SecretTypeCustom), CodeInvalidParameterValue)
}
