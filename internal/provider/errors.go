package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client"
)

// apiParameterAttributes maps the API's request parameters to the
// attributes they come from.
var apiParameterAttributes = map[string]string{
	"KeyName":     "key_name",
	"ProjectId":   "project_id",
	"PublicKey":   "public_key",
	"Description": "description",
	"Tags":        "tags",
}

// addAPIError turns a failed call into a diagnostic that names the
// attribute at fault and says what to do about it. It reads only the
// client's typed error: building a diagnostic never calls the API.
func addAPIError(c *client.Client, diags *diag.Diagnostics, doing string, err error) {
	summary := "Could not " + doing
	detail := err.Error()
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		// The API's own words, with its code and request id, which
		// support asks for.
		detail = apiErr.Error()
	}

	var (
		maybe    *client.MaybeCreatedError
		dup      *client.DuplicateNameError
		dupKey   *client.DuplicatePublicKeyError
		inUse    *client.InUseError
		quota    *client.QuotaError
		auth     *client.AuthError
		throttle *client.ThrottledError
		invalid  *client.InvalidParameterError
	)
	switch {
	case errors.As(err, &maybe):
		diags.AddError(summary, maybeCreatedDetail(maybe, detail))
	case errors.As(err, &dup) && dup.HolderMadeByProvider && dup.HolderID != "":
		diags.AddAttributeError(path.Root("key_name"), "Key pair name already in use",
			fmt.Sprintf("Key pair %s already holds the name %q. It carries this provider's %s tag, so a create or import of this "+
				"provider made it: another resource or workspace manages it, or, if none does, it was most likely left by an "+
				"interrupted apply that could not record it (a second Ctrl-C ends Terraform at once, without waiting for the calls "+
				"in flight), and its private key is lost.\n\n"+
				"Choose another key_name; or, if nothing manages it, delete it, then apply again:\n"+
				"  tccli cvm DeleteKeyPairs --region %s --KeyIds '[\"%s\"]'\n"+
				"(or in the console: CVM, SSH Key). Importing such a key pair would give one without its private key.\n\n%s",
				dup.HolderID, dup.Name, client.CreateTokenTagKey, c.Region(), dup.HolderID, detail))
	case errors.As(err, &dup):
		// In the account scope of key names, the listing shows key pairs
		// of every region and does not say where one was made: no region
		// is named for the holder.
		holder, id := "another key pair holds it", "<key id>"
		if dup.HolderID != "" {
			holder, id = "key pair "+dup.HolderID+" holds it", dup.HolderID
		}
		diags.AddAttributeError(path.Root("key_name"), "Key pair name already in use",
			fmt.Sprintf("A key pair named %q already exists in the account: %s. Tencent Cloud keeps key pair names unique in the "+
				"account, so the holder may have been made in any region.\n\n"+
				"Choose another key_name, or manage the existing key pair with Terraform:\n"+
				"  terraform import tencentcloud_key_pair.<name> %s\n\n%s", dup.Name, holder, id, detail))
	case errors.As(err, &dupKey):
		holder, id := "Another key pair", "<key id>"
		if dupKey.HolderID != "" {
			holder, id = fmt.Sprintf("Key pair %s (%s)", dupKey.HolderID, dupKey.HolderName), dupKey.HolderID
		}
		diags.AddAttributeError(path.Root("public_key"), "Public key already imported",
			fmt.Sprintf("%s already holds this public key, and Tencent Cloud imports a public key only once.\n\n"+
				"Use another key (ssh-keygen -t rsa -b 4096 -f key), or manage the existing key pair with Terraform:\n"+
				"  terraform import tencentcloud_key_pair.<name> %s\n\n%s", holder, id, detail))
	case errors.As(err, &inUse):
		var users, todo []string
		if len(inUse.InstanceIDs) > 0 {
			users = append(users, "instances "+strings.Join(inUse.InstanceIDs, ", "))
			todo = append(todo, "unbind it from the instances (force_stop = true lets Tencent Cloud stop running ones for that; "+
				"a terminated instance stays bound for a while)")
		}
		if len(inUse.ImageIDs) > 0 {
			users = append(users, "images "+strings.Join(inUse.ImageIDs, ", "))
			todo = append(todo, "delete the images made with it, or keep the key pair while they exist")
		}
		if len(users) == 0 {
			users = []string{"instances or images"}
			todo = []string{"unbind it, or delete the images made with it"}
		}
		diags.AddError(summary,
			fmt.Sprintf("Key pair %s is in use by %s, and Tencent Cloud deletes a key pair only when nothing uses it: %s.\n\n%s",
				inUse.KeyID, strings.Join(users, " and "), strings.Join(todo, "; "), detail))
	case errors.As(err, &quota):
		diags.AddError("Key pair quota reached",
			fmt.Sprintf("The account holds as many key pairs as its quota allows. Delete unused key pairs, or ask Tencent Cloud for a higher quota.\n\n%s", detail))
	case errors.As(err, &auth):
		if auth.RenewalErr != nil {
			detail += "\n\nRenewing the temporary credentials failed: " + auth.RenewalErr.Error()
		}
		diags.AddError("Tencent Cloud refused the credentials",
			fmt.Sprintf("The credentials came from %s. Check them (secret_id and secret_key, or TENCENTCLOUD_SECRET_ID and "+
				"TENCENTCLOUD_SECRET_KEY, or the profile), security_token for temporary credentials, "+
				"and that the machine's clock is right.\n\n%s", auth.Source, detail))
	case errors.As(err, &throttle):
		diags.AddError(summary,
			fmt.Sprintf("Tencent Cloud still refused the call for its rate limit after %d attempts: other programs share the account's limit. "+
				"Lower rate_limit, raise max_retries, or run fewer applies at once.\n\n%s", throttle.Attempts, detail))
	case errors.As(err, &invalid) && apiParameterAttributes[invalid.Parameter] != "":
		attr := apiParameterAttributes[invalid.Parameter]
		switch attr {
		case "project_id":
			diags.AddAttributeError(path.Root(attr), "Project not found",
				"No project has this project_id in the account. Use 0 (the default project) or the id of an existing project.\n\n"+detail)
		case "public_key":
			diags.AddAttributeError(path.Root(attr), summary,
				"Tencent Cloud refused the public key: it takes one OpenSSH RSA public key line (ssh-rsa AAAA...).\n\n"+detail)
		default:
			diags.AddAttributeError(path.Root(attr), summary, detail)
		}
	case errors.Is(err, context.DeadlineExceeded):
		diags.AddError(summary, "The operation did not finish within its timeout; raise it in the timeouts block if the API is slow.\n\n"+detail)
	default:
		diags.AddError(summary, detail)
	}
}

// maybeCreatedDetail says what a create whose answer was lost may have left
// behind, and how to find and delete it.
func maybeCreatedDetail(e *client.MaybeCreatedError, detail string) string {
	what := "Its private key was in the lost answer, so it is of no use to anyone."
	if e.Imported {
		what = "It holds the public key of this configuration."
	}
	return fmt.Sprintf("The answer to the call that makes key pair %q was lost, and finding out whether the call made it failed "+
		"within the operation's time. A key pair named %q may now exist, tagged %s = %s. %s\n\n"+
		"Find it (the console's CVM SSH Key page, or):\n"+
		"  tccli cvm DescribeKeyPairs --Filters '[{\"Name\":\"tag:%s\",\"Values\":[\"%s\"]}]'\n"+
		"and delete it before the next apply:\n"+
		"  tccli cvm DeleteKeyPairs --KeyIds '[\"<its KeyId>\"]'\n\n%s",
		e.Name, e.Name, client.CreateTokenTagKey, e.Token, what, client.CreateTokenTagKey, e.Token, detail)
}
