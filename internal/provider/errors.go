package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
)

// apiMessage returns the API's own words for err, with its code and request
// id, which support asks for.
func apiMessage(err error) string {
	var sdkErr *sdkerrors.TencentCloudSDKError
	if errors.As(err, &sdkErr) {
		msg := fmt.Sprintf("%s: %s", sdkErr.Code, sdkErr.Message)
		if sdkErr.RequestId != "" {
			msg += fmt.Sprintf(" (request id %s)", sdkErr.RequestId)
		}
		return msg
	}
	return err.Error()
}

// addAPIError turns a failed call into a diagnostic that names the
// attribute at fault and says what to do about it. keyName is the name the
// call used, if any.
func addAPIError(ctx context.Context, c *client.Client, diags *diag.Diagnostics, doing string, err error, keyName string) {
	summary := "Could not " + doing
	detail := apiMessage(err)
	code := client.ErrorCode(err)
	switch {
	case code == "InvalidKeyPairName.Duplicate":
		holder := "another key pair"
		if kp, findErr := c.FindKeyPairByName(ctx, keyName); findErr == nil {
			holder = "key pair " + kp.ID
		}
		id := strings.TrimPrefix(holder, "key pair ")
		if id == holder {
			id = "<key id>"
		}
		diags.AddAttributeError(path.Root("key_name"), "Key pair name already in use",
			fmt.Sprintf("A key pair named %q already exists in region %s: %s. Key pair names are unique in a region.\n\n"+
				"Choose another key_name, or manage the existing key pair with Terraform:\n"+
				"  terraform import tencentcloud_key_pair.<name> %s\n\n%s", keyName, c.Region(), holder, id, detail))
	case strings.HasPrefix(code, "InvalidKeyPairName"):
		diags.AddAttributeError(path.Root("key_name"), summary, detail)
	case code == "InvalidProjectId.NotFound":
		diags.AddAttributeError(path.Root("project_id"), "Project not found",
			"No project has this project_id in the account. Use 0 (the default project) or the id of an existing project.\n\n"+detail)
	case code == "InvalidKeyPair.LimitExceeded":
		diags.AddError("Key pair quota reached",
			fmt.Sprintf("The account holds as many key pairs in region %s as its quota allows. Delete unused key pairs, or ask Tencent Cloud for a higher quota.\n\n%s", c.Region(), detail))
	case strings.HasPrefix(code, "InvalidPublicKey"):
		diags.AddAttributeError(path.Root("public_key"), summary,
			"Tencent Cloud refused the public key. A key can be imported only once in a region, and must be an OpenSSH RSA key.\n\n"+detail)
	case strings.Contains(code, "Tag"):
		diags.AddAttributeError(path.Root("tags"), summary, detail)
	case code == "InvalidParameterValue" && strings.Contains(strings.ToLower(detail), "description"):
		diags.AddAttributeError(path.Root("description"), summary, detail)
	case strings.HasPrefix(code, "AuthFailure"):
		if credErr := c.CredentialError(); credErr != nil {
			detail += "\n\nRenewing the temporary credentials failed: " + credErr.Error()
		}
		diags.AddError("Tencent Cloud refused the credentials",
			fmt.Sprintf("The credentials came from %s. Check them (secret_id and secret_key, or TENCENTCLOUD_SECRET_ID and "+
				"TENCENTCLOUD_SECRET_KEY, or the profile), security_token for temporary credentials, "+
				"and that the machine's clock is right.\n\n%s", c.CredentialSource(), detail))
	case errors.Is(err, context.DeadlineExceeded):
		diags.AddError(summary, "The operation did not finish within its timeout; raise it in the timeouts block if the API is slow.\n\n"+detail)
	default:
		diags.AddError(summary, detail)
	}
}
