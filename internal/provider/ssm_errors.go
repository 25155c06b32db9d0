package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
)

// ssmParameterAttributes maps the request parameters of
// CreateSSHKeyPairSecret to the attributes of
// tencentcloud_ssm_ssh_key_pair_secret that they come from.
var ssmParameterAttributes = map[string]string{
	"KeyName":     "ssh_key_name",
	"ProjectId":   "project_id",
	"Description": "description",
	"Tags":        "tags",
}

// addSSMError is addAPIError for the calls about Secrets Manager's
// secrets: it words the typed errors of secrets, and leaves the rest
// (credentials, throttling, timeouts) to addAPIError.
func addSSMError(c *client.Client, diags *diag.Diagnostics, doing string, err error) {
	summary := "Could not " + doing
	var (
		exists      *client.SecretExistsError
		maybe       *client.MaybeCreatedSecretError
		unavailable *client.SecretUnavailableError
		notBought   *client.SSMNotPurchasedError
		inUse       *client.InUseError
		dup         *client.DuplicateNameError
		invalid     *client.InvalidParameterError
	)
	switch {
	case errors.As(err, &maybe):
		diags.AddError(summary, fmt.Sprintf("The answer to the call that makes secret %q was lost, and finding out whether the call "+
			"made it failed within the operation's time. The secret, with its key pair, may now exist, tagged %s = %s.\n\n"+
			"If it does, import it (terraform import <address> %s), or delete it before the next apply:\n"+
			"  tccli ssm DisableSecret --SecretName %s\n  tccli ssm DeleteSecret --SecretName %s --CleanSSHKey true\n\n%v",
			maybe.Name, client.CreateTokenTagKey, maybe.Token, maybe.Name, maybe.Name, maybe.Name, err))
	case errors.As(err, &exists):
		who := "It does not carry this provider's create token: another tool or person made it."
		if exists.MadeByProvider {
			who = fmt.Sprintf("It carries this provider's %s tag: another resource or workspace manages it, or an interrupted "+
				"apply made it without recording it.", client.CreateTokenTagKey)
		}
		diags.AddAttributeError(path.Root("secret_name"), "Secret name already in use",
			fmt.Sprintf("A secret named %q already exists in region %s (a secret pending deletion keeps its name). %s\n\n"+
				"Choose another secret_name, or manage the secret with Terraform:\n"+
				"  terraform import tencentcloud_ssm_ssh_key_pair_secret.<name> %s\n\n%v", exists.Name, c.Region(), who, exists.Name, err))
	case errors.As(err, &inUse):
		diags.AddError(summary, fmt.Sprintf("The key pair %s of the secret is bound to instances %s, and Tencent Cloud deletes the "+
			"secret's key pair (clean_ssh_key = true) only when no instance uses it. Nothing was changed.\n\n"+
			"Unbind the key pair from the instances first, or set clean_ssh_key = false (and apply) to delete the secret "+
			"and keep the key pair in CVM.\n\n%v", inUse.KeyID, strings.Join(inUse.InstanceIDs, ", "), err))
	case errors.As(err, &unavailable):
		diags.AddError(summary, fmt.Sprintf("Secrets Manager refused to act on secret %q in its state: a Disabled secret's key "+
			"cannot be read (enable it: status = \"Enabled\"), and a secret pending deletion cannot be changed "+
			"(restore it: tccli ssm RestoreSecret --SecretName %s).\n\n%v", unavailable.Name, unavailable.Name, err))
	case errors.As(err, &notBought):
		diags.AddError(summary, "Secrets Manager is not activated for this account: activate it in the console (Secrets Manager) first.\n\n"+err.Error())
	case errors.As(err, &dup):
		diags.AddAttributeError(path.Root("ssh_key_name"), "Key pair name already in use",
			fmt.Sprintf("A CVM key pair named %q already exists in region %s: the secret makes a key pair of its own. "+
				"Choose another ssh_key_name, or leave it unset for Secrets Manager to name it.\n\n%v", dup.Name, c.Region(), err))
	case errors.As(err, &invalid) && ssmParameterAttributes[invalid.Parameter] != "":
		diags.AddAttributeError(path.Root(ssmParameterAttributes[invalid.Parameter]), summary, err.Error())
	default:
		addAPIError(c, diags, doing, err)
	}
}
