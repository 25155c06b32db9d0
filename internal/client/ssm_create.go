package client

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client/retry"
)

// CreateSSHKeyPairSecret makes a secret and its CVM key pair, its tags
// attached in the same call. As CreateKeyPair, the call is never simply
// repeated, and every call carries a create token of its own in the
// CreateTokenTagKey tag: when its answer is lost, the secret of the name
// is looked up (DescribeSecret, then its tags through the Tag API), and
// adopted only if it carries this call's token, which proves that this
// call made it (Secrets Manager keeps the private key, so what a lost
// answer made is whole); a secret without the token gives a
// *SecretExistsError and is left alone; none at all, within the settle
// time, and the create is sent again. When the lookup cannot finish
// within the operation's time (at least 2 minutes, recovery.go), the
// error is a *MaybeCreatedSecretError.
//
// It returns the secret as DescribeSecret and the Tag API show it, with
// the key pair's id from the answer (or, for an adopted secret, from
// DescribeKeyPairs), once DescribeKeyPairs shows the key pair too; when
// it does not show in time, a
// *SecretNotShownError that holds the name and the key pair's id.
func (c *Client) CreateSSHKeyPairSecret(ctx context.Context, spec SecretSpec) (*Secret, error) {
	token := rand.Text()
	var made *Secret
	tagsAttached := true
	lost, everLost := false, false
	adopt := func(ctx context.Context) (*Secret, error) {
		rctx, cancel := c.recoveryContext(ctx)
		defer cancel()
		return c.secretMadeBy(rctx, spec.Name, token)
	}
	err := retry.When(ctx, c.callPolicy(), boundUnreachable(isLostAnswer), c.countRetry(ctx, actCreateSSHKeyPairSecret.name), func(ctx context.Context, _ int) error {
		if lost {
			s, err := adopt(ctx)
			if err != nil || s != nil {
				made = s
				return err
			}
			lost = false
		}
		var err error
		made, tagsAttached, err = c.createSSHKeyPairSecret(ctx, spec, token)
		if err != nil && !isNotSent(err) && !isSecretTaken(err) {
			// Anything but an answer that says the call did nothing.
			lost = !answeredByAPI(err) || isLostAnswer(err)
			everLost = everLost || lost
		}
		return err
	})
	if err != nil && (lost || (everLost && isSecretTaken(err))) {
		// The last attempt's answer was lost, or a create sent again found
		// the name taken, maybe by what a lost attempt made.
		s, findErr := adopt(ctx)
		var exists *SecretExistsError
		switch {
		case findErr == nil && s != nil:
			made, err = s, nil
		case findErr == nil:
			// Not made: the create's own error stands.
		case errors.As(findErr, &exists):
			return nil, findErr
		default:
			return nil, &MaybeCreatedSecretError{Name: spec.Name, Token: token, Err: errors.Join(err, findErr)}
		}
	}
	if isSecretTaken(err) {
		return nil, c.secretHolder(ctx, spec.Name, err)
	}
	if err != nil {
		return nil, ssmError(err, spec.Name)
	}
	return c.createdShown(ctx, made, spec, token, tagsAttached)
}

// createdShown is the rule's wait after a create: the secret shows in
// DescribeSecret with its tags. Tags that the create could not attach
// (its TagCode) are set through the Tag API. The key pair's id comes from
// the create's answer, else from DescribeKeyPairs by the key pair's name.
func (c *Client) createdShown(ctx context.Context, made *Secret, spec SecretSpec, token string, tagsAttached bool) (*Secret, error) {
	want := maps.Clone(spec.Tags)
	if want == nil {
		want = map[string]string{}
	}
	shown, err := c.secretShown(ctx, made, true, func(s *Secret) bool {
		return !tagsAttached || (s.CreateToken == token && maps.Equal(s.Tags, want))
	})
	if err != nil {
		return nil, err
	}
	if !tagsAttached {
		all := maps.Clone(want)
		all[CreateTokenTagKey] = token
		if err := c.ModifySecretTags(ctx, shown, all, nil); err != nil {
			return nil, &SecretNotShownError{Secret: made, Err: fmt.Errorf("set the tags that the create did not attach: %w", err)}
		}
		shown.Tags, shown.CreateToken = want, token
	}
	shown.KeyID = made.KeyID
	if shown.KeyID == "" {
		kp, err := c.findAfterLostAnswer(ctx, shown.KeyName)
		if err != nil {
			return nil, &SecretNotShownError{Secret: shown, Err: fmt.Errorf("find its key pair %q: %w", shown.KeyName, err)}
		}
		shown.KeyID = kp.ID
	}
	// What uses the key pair (instances, tencentcloud_key_pair's data
	// sources) reads it from DescribeKeyPairs, where it may show later.
	if _, err := c.waitFor(ctx, shown.KeyID, nil, 0, &c.showLag); err != nil {
		return nil, &SecretNotShownError{Secret: shown, Err: fmt.Errorf("its key pair %s does not show in DescribeKeyPairs: %w", shown.KeyID, err)}
	}
	return shown, nil
}

// isSecretTaken reports whether the API refused a create because a secret
// of the name exists: the call made nothing.
func isSecretTaken(err error) bool {
	var exists *SecretExistsError
	return errors.As(err, &exists)
}

func (c *Client) createSSHKeyPairSecret(ctx context.Context, spec SecretSpec, token string) (*Secret, bool, error) {
	req := createSSHKeyPairSecretRequest{SecretName: spec.Name, ProjectId: spec.ProjectID, Description: spec.Description,
		KmsKeyId: spec.KmsKeyID, SSHKeyName: spec.KeyName}
	for _, k := range slices.Sorted(maps.Keys(spec.Tags)) {
		req.Tags = append(req.Tags, ssmTag{TagKey: k, TagValue: spec.Tags[k]})
	}
	req.Tags = append(req.Tags, ssmTag{TagKey: CreateTokenTagKey, TagValue: token})
	var a createSSHKeyPairSecretAnswer
	err := c.ssmCall(ctx, actCreateSSHKeyPairSecret, req, &a, func() string {
		// An answer without the key pair is a lost one: recovery finds
		// the secret.
		if str(a.SecretName) == "" || str(a.SSHKeyID) == "" {
			return "SecretName and SSHKeyID"
		}
		return ""
	})
	if isNameTaken(err) {
		// Secrets Manager makes the key pair through CVM, whose refusal
		// of a taken key name it passes on.
		return nil, false, &DuplicateNameError{Name: spec.KeyName, Err: err}
	}
	if err != nil {
		return nil, false, ssmError(err, spec.Name)
	}
	made := &Secret{Name: str(a.SecretName), KeyID: str(a.SSHKeyID), KeyName: str(a.SSHKeyName)}
	return made, a.TagCode == nil || *a.TagCode == 0, nil
}

// secretMadeBy returns the secret of this name if the create that sent
// token made it; nil if there is none within the settle time; and a
// *SecretExistsError if another owner holds the name. Tags may show later
// than the secret: a secret that shows no tags at all yet is waited for,
// for as long as ctx allows, and never taken for someone else's.
func (c *Client) secretMadeBy(ctx context.Context, name, token string) (*Secret, error) {
	isNotFound := func(err error) bool {
		var notFound *NotFoundError
		return errors.As(err, &notFound)
	}
	var s *Secret
	err := retry.When(ctx, waitPolicy, retryTransientInRecovery(ctx, within(c.settle, isNotFound)), c.countWait(ctx, "look up secret "+name), func(ctx context.Context, _ int) error {
		var err error
		s, err = c.ReadSecret(ctx, name)
		return err
	})
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if s.CreateToken == "" && len(s.Tags) == 0 {
		s, err = c.waitSecret(ctx, name, true, func(s *Secret) bool { return s.CreateToken != "" || len(s.Tags) > 0 }, 0)
		if err != nil {
			return nil, fmt.Errorf("wait for the tags of secret %q to show: %w", name, err)
		}
	}
	if s.CreateToken != token {
		return nil, &SecretExistsError{Name: name, MadeByProvider: s.CreateToken != "",
			Err: fmt.Errorf("the answer to the call that would have made it was lost, and the secret of that name does not carry this call's token: it was left alone")}
	}
	return s, nil
}

// secretHolder completes the *SecretExistsError of a create: whether the
// secret that holds the name carries this provider's create token.
func (c *Client) secretHolder(ctx context.Context, name string, err error) error {
	var exists *SecretExistsError
	if !errors.As(err, &exists) || exists.MadeByProvider {
		return err
	}
	if s, readErr := c.ReadSecret(ctx, name); readErr == nil {
		exists.MadeByProvider = s.CreateToken != ""
	}
	return exists
}
