package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
)

// The API's rules, checked at plan time so that no invalid value reaches it.
// The rules are apicontract's, the ones the emulator applies too; each
// message states the rule, and the framework names the attribute.

func keyNameValidators() []validator.String {
	return []validator.String{ruleValidator{
		summary: "Invalid key pair name", rule: apicontract.KeyName, description: apicontract.KeyNameRule, showValue: true,
	}}
}

// keyNamePatternValidators check key_name of tencentcloud_key_pairs, the
// official provider's pattern: a key pair name, optionally with ^ before it
// and $ after it. The official provider refuses anything else too, at
// apply; here it is refused at plan.
func keyNamePatternValidators() []validator.String {
	return []validator.String{ruleValidator{
		summary: "Invalid key pair name",
		rule: func(s string) *apicontract.Violation {
			v := apicontract.KeyName(parseKeyNamePattern(s).name)
			if v == nil {
				return nil
			}
			return &apicontract.Violation{Code: v.Code, Rule: v.Rule + " " + keyNamePatternRule}
		},
		description: apicontract.KeyNameRule + " " + keyNamePatternRule,
		showValue:   true,
	}}
}

const keyNamePatternRule = "In key_name, ^ may come before the name and $ after it, as anchors."

func descriptionValidators() []validator.String {
	return []validator.String{ruleValidator{
		summary: "Invalid description", rule: apicontract.Description, description: apicontract.DescriptionRule, showValue: true,
	}}
}

func keyPairIDValidators() []validator.String {
	return []validator.String{ruleValidator{
		summary: "Invalid key pair id", rule: apicontract.KeyPairID, description: apicontract.KeyPairIDRule, showValue: true,
	}}
}

// publicKeyValidator accepts one OpenSSH RSA public key line, the only kind
// ImportKeyPair takes; whitespace around it is ignored. The value is not
// repeated in the message: it may be long, and Terraform shows the line of
// the configuration.
type publicKeyValidator struct{}

var publicKeyRule = ruleValidator{
	summary: "Invalid public key",
	rule: func(s string) *apicontract.Violation {
		_, v := apicontract.PublicKey(s)
		return v
	},
	description: apicontract.PublicKeyRule,
}

func (publicKeyValidator) Description(ctx context.Context) string {
	return publicKeyRule.Description(ctx)
}

func (publicKeyValidator) MarkdownDescription(ctx context.Context) string {
	return publicKeyRule.MarkdownDescription(ctx)
}

func (publicKeyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	_, violation := apicontract.PublicKey(value)
	if violation == nil {
		return
	}
	detail := violation.Rule
	if fix := publicKeyFix(apicontract.PublicKeyFormOf(value)); fix != "" {
		detail += " " + fix
	}
	resp.Diagnostics.AddAttributeError(req.Path, publicKeyRule.summary, fmt.Sprintf("%s\n\nAttribute %s.", detail, req.Path))
}

// publicKeyFix says how to turn a value of the form into the OpenSSH line
// that Tencent Cloud takes. key.pem, key.pub and key stand for the user's
// files; the value itself is never repeated, as it may be a private key.
func publicKeyFix(form apicontract.PublicKeyForm) string {
	switch form {
	case apicontract.FormDSA:
		return "DSA keys cannot be imported, and OpenSSH itself no longer supports them; make an RSA key pair instead:\n" +
			"  ssh-keygen -t rsa -b 4096 -f key\nand use the contents of key.pub."
	case apicontract.FormTruncated:
		return "Copy the whole line again from the .pub file (it is one long line; a terminal or an editor may have cut or " +
			"wrapped it), or write it again from the private key:\n  ssh-keygen -y -f key"
	case apicontract.FormPKCS8:
		return "This is a PEM public key (-----BEGIN PUBLIC KEY-----); convert it to the OpenSSH line with\n" +
			"  ssh-keygen -i -m PKCS8 -f key.pem"
	case apicontract.FormPKCS1:
		return "This is a PEM RSA public key (-----BEGIN RSA PUBLIC KEY-----); convert it to the OpenSSH line with\n" +
			"  ssh-keygen -i -m PEM -f key.pem"
	case apicontract.FormRFC4716:
		return "This is an SSH2 public key file (---- BEGIN SSH2 PUBLIC KEY ----); convert it to the OpenSSH line with\n" +
			"  ssh-keygen -i -f key.pub"
	case apicontract.FormPrivateKey:
		return "Never put a private key in the configuration: it would be kept in the plan and the state. Give its public " +
			"key instead, which ssh-keygen writes from the private key file:\n  ssh-keygen -y -f key"
	}
	return ""
}

func tagsValidators() []validator.Map {
	return []validator.Map{
		// The API's limit, less the create token tag of client.CreateKeyPair.
		mapvalidator.SizeAtMost(client.MaxTags),
		mapvalidator.KeysAre(ruleValidator{
			summary: "Invalid tag key", rule: apicontract.TagKey, description: apicontract.TagKeyRule, showValue: true,
		}, ruleValidator{
			summary: "Reserved tag key", rule: ownTagKey, description: ownTagKeyRule, showValue: true,
		}),
		mapvalidator.ValueStringsAre(ruleValidator{
			summary: "Invalid tag value", rule: apicontract.TagValue, description: apicontract.TagValueRule, showValue: true,
		}),
	}
}

// ownTagKeyRule is the provider's own rule for tag keys, not the API's:
// the keys of the tags that the provider sets itself are its own.
var ownTagKeyRule = fmt.Sprintf("Tag keys starting with %s are reserved by this provider: it tags every key pair and secret it "+
	"creates with %s, the proof of which create made it, and hides that tag from tags and tags_all.",
	client.OwnTagKeyPrefix, client.CreateTokenTagKey)

// ownTagKey refuses the tag keys that start with client.OwnTagKeyPrefix.
// Tencent Cloud takes them, but a tags entry of client.CreateTokenTagKey
// is replaced by the create token, so that the create waits until its
// timeout for a tag that never shows and leaves the key pair tainted; the
// rest of the prefix is kept for the tags the provider may set later.
func ownTagKey(key string) *apicontract.Violation {
	if !strings.HasPrefix(key, client.OwnTagKeyPrefix) {
		return nil
	}
	return &apicontract.Violation{Rule: ownTagKeyRule + " Choose a key that does not start with " + client.OwnTagKeyPrefix + "."}
}

// ruleValidator checks a string with one of apicontract's rules. Its
// diagnostic is on the attribute (a map key's diagnostic is on the entry)
// and states the part of the rule that the value breaks.
type ruleValidator struct {
	summary     string
	rule        func(string) *apicontract.Violation
	description string
	showValue   bool
}

func (v ruleValidator) Description(context.Context) string {
	return v.description
}

func (v ruleValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v ruleValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	violation := v.rule(value)
	if violation == nil {
		return
	}
	// The rule comes first, at the start of a line: Terraform wraps the
	// detail at 78 columns, and a rule kept whole reads (and greps) better.
	detail := fmt.Sprintf("%s\n\nAttribute %s", violation.Rule, req.Path)
	if v.showValue {
		detail += fmt.Sprintf(", got: %q", value)
	}
	resp.Diagnostics.AddAttributeError(req.Path, v.summary, detail+".")
}

// The rules of Secrets Manager's SSH key pair secrets (apicontract/ssm.go).

func secretNameValidators() []validator.String {
	return []validator.String{ruleValidator{
		summary: "Invalid secret name", rule: apicontract.SecretName, description: apicontract.SecretNameRule, showValue: true,
	}}
}

func secretDescriptionValidators() []validator.String {
	return []validator.String{ruleValidator{
		summary: "Invalid description", rule: apicontract.SecretDescription,
		description: fmt.Sprintf("Secret descriptions may have at most %d bytes.", apicontract.MaxSecretDescriptionBytes),
	}}
}

// sshKeyNameValidators check ssh_key_name: the key pair name rule, and a
// first character that is a letter or a digit.
func sshKeyNameValidators() []validator.String {
	return []validator.String{ruleValidator{
		summary: "Invalid key pair name", rule: apicontract.SSHKeyName,
		description: apicontract.KeyNameRule + " Secrets Manager also asks for a letter or a digit first.", showValue: true,
	}}
}

// recoveryWindowValidator refuses a recovery window other than 0: Tencent
// Cloud takes only 0 for an SSH key pair secret (apicontract.RecoveryWindow).
type recoveryWindowValidator struct{}

func (recoveryWindowValidator) Description(context.Context) string {
	return "An SSH key pair secret is deleted at once: RecoveryWindowInDays can only be 0."
}

func (v recoveryWindowValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (recoveryWindowValidator) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueInt64() < 0 {
		return
	}
	if v := apicontract.RecoveryWindow(uint64(req.ConfigValue.ValueInt64()), apicontract.SecretTypeSSHKeyPair); v != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid recovery window",
			fmt.Sprintf("%s\n\nAttribute %s, got: %d.", v.Rule, req.Path, req.ConfigValue.ValueInt64()))
	}
}
