package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"golang.org/x/crypto/ssh"
)

// The API's rules, checked at plan time so that no invalid value reaches it.
// Each rule's message states the rule, and the framework names the attribute.

var keyNamePattern = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

func keyNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, 25),
		stringvalidator.RegexMatches(keyNamePattern, "may contain only letters, digits and underscores"),
	}
}

func descriptionValidators() []validator.String {
	return []validator.String{stringvalidator.UTF8LengthAtMost(60)}
}

// tagTextPattern is the Tag API's character set: letters, digits, spaces
// and + - = . _ : / @ ( ) [ ] , ; > <, with no space at either end.
var tagTextPattern = regexp.MustCompile(`^[\p{L}\p{Nd}+\-=._:/@()\[\],;><]([\p{L}\p{Nd} +\-=._:/@()\[\],;><]*[\p{L}\p{Nd}+\-=._:/@()\[\],;><])?$`)

const tagTextRule = "may contain only letters, digits, spaces (not at either end) and + - = . _ : / @ ( ) [ ] , ; > <"

// reservedTagKeyPrefixes are kept for the system by the Tag API.
var reservedTagKeyPrefixes = []string{"qcs:", "project", "项目", "qcloud", "tencent"}

func tagsValidators() []validator.Map {
	return []validator.Map{
		mapvalidator.SizeAtMost(50),
		mapvalidator.KeysAre(
			stringvalidator.UTF8LengthBetween(1, 127),
			stringvalidator.RegexMatches(tagTextPattern, tagTextRule),
			reservedTagKeyValidator{},
		),
		mapvalidator.ValueStringsAre(
			stringvalidator.UTF8LengthBetween(1, 255),
			stringvalidator.RegexMatches(tagTextPattern, tagTextRule),
		),
	}
}

// reservedTagKeyValidator rejects tag keys that the Tag API keeps for the
// system.
type reservedTagKeyValidator struct{}

func (reservedTagKeyValidator) Description(context.Context) string {
	return fmt.Sprintf("must not start with a reserved prefix (%s)", strings.Join(reservedTagKeyPrefixes, ", "))
}

func (v reservedTagKeyValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v reservedTagKeyValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	key := req.ConfigValue.ValueString()
	// Only ASCII letters fold, as in the API: strings.ToLower would also
	// turn the Kelvin sign into k and İ into i.
	lower := strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, key)
	for _, prefix := range reservedTagKeyPrefixes {
		if strings.HasPrefix(lower, prefix) {
			resp.Diagnostics.AddAttributeError(req.Path, "Reserved tag key",
				fmt.Sprintf("Tag key %q is reserved by Tencent Cloud: tag keys %s.", key, v.Description(ctx)))
			return
		}
	}
}

// publicKeyValidator accepts one OpenSSH RSA public key line, the only kind
// ImportKeyPair takes; whitespace around it is ignored.
type publicKeyValidator struct{}

func (publicKeyValidator) Description(context.Context) string {
	return "must be an OpenSSH RSA public key (ssh-rsa AAAA... [comment])"
}

func (v publicKeyValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v publicKeyValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkPublicKey(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid public key",
			fmt.Sprintf("The value %s: %s.", v.Description(ctx), err))
	}
}

func checkPublicKey(line string) error {
	key, _, options, rest, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return fmt.Errorf("it does not parse (%w)", err)
	}
	if len(options) > 0 {
		return fmt.Errorf("it starts with authorized_keys options")
	}
	if key.Type() != ssh.KeyAlgoRSA {
		return fmt.Errorf("it is a %s key, and Tencent Cloud imports only ssh-rsa keys", key.Type())
	}
	if _, _, _, _, err := ssh.ParseAuthorizedKey(rest); err == nil {
		return fmt.Errorf("it holds more than one key")
	}
	// ParseAuthorizedKey reads an authorized_keys file: it skips blank and
	// comment lines and stops at the end of the key's line. ImportKeyPair
	// takes one line, and only ignores whitespace around it.
	if strings.ContainsAny(strings.TrimSpace(line), "\r\n") {
		return fmt.Errorf("it is not a single line (no comment lines, no line breaks)")
	}
	return nil
}
