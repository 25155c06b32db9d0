package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"

	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client/transport"
)

// The errors of this package. Every failed call comes back as an *APIError,
// or as one of the typed errors below wrapping it, so that the provider
// tells failures apart with errors.As, never by the SDK's error codes, and
// words its diagnostics without asking the API anything more.

// APIError is a call that failed: the API's answer, or the SDK's own error
// when no usable answer arrived (its codes start with ClientError).
type APIError struct {
	Action    string
	Code      string
	Message   string
	RequestID string
	// NotSent says that the call never left: no connection could be made
	// (refused, no such host). Sending it again is always safe.
	NotSent bool
	// Timeout says that no answer came within the request timeout: the
	// call may or may not have taken effect.
	Timeout bool
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("%s: %s: %s", e.Action, e.Code, e.Message)
	if e.RequestID != "" {
		msg += fmt.Sprintf(" (request id %s)", e.RequestID)
	}
	return msg
}

// NotFoundError says that no key pair matched. Err is the API's answer
// that said so, if one did.
type NotFoundError struct {
	What string
	Err  error
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s not found", e.What) }
func (e *NotFoundError) Unwrap() error { return e.Err }

// DuplicateNameError says that the name is taken, in the scope where key
// pair names are unique, by the key pair HolderID ("" when it could not be
// found).
type DuplicateNameError struct {
	Name     string
	HolderID string
	// HolderMadeByProvider says that the holder carries this provider's
	// create token: a create or import of this provider made it, in
	// another workspace or in a run that was stopped before it could
	// record it.
	HolderMadeByProvider bool
	Err                  error
}

func (e *DuplicateNameError) Error() string {
	holder := "another key pair"
	if e.HolderID != "" {
		holder = "key pair " + e.HolderID
	}
	return fmt.Sprintf("key pair name %q is already held by %s: %v", e.Name, holder, e.Err)
}

func (e *DuplicateNameError) Unwrap() error { return e.Err }

// DuplicatePublicKeyError says that an import was refused because another
// key pair already holds its public key: HolderID and HolderName name it,
// "" when it could not be found.
type DuplicatePublicKeyError struct {
	HolderID, HolderName string
	Err                  error
}

func (e *DuplicatePublicKeyError) Error() string {
	holder := "another key pair"
	if e.HolderID != "" {
		holder = fmt.Sprintf("key pair %s (%s)", e.HolderID, e.HolderName)
	}
	return fmt.Sprintf("the public key is already held by %s: %v", holder, e.Err)
}

func (e *DuplicatePublicKeyError) Unwrap() error { return e.Err }

// InUseError says that a key pair cannot be deleted while instances or
// images use it.
type InUseError struct {
	KeyID       string
	InstanceIDs []string
	ImageIDs    []string
	Err         error
}

func (e *InUseError) Error() string {
	return fmt.Sprintf("key pair %s is in use (instances %v, images %v): %v", e.KeyID, e.InstanceIDs, e.ImageIDs, e.Err)
}

func (e *InUseError) Unwrap() error { return e.Err }

// InstanceRunningError says that the API binds or unbinds key pairs only on
// stopped instances, and force_stop was not given.
type InstanceRunningError struct {
	// InstanceIDs are the instances of the refused call.
	InstanceIDs []string
	// Running are those of them that DescribeInstances showed RUNNING
	// after the refusal; nil when it could not tell (the read failed, or
	// showed none running any more).
	Running []string
	Err     error
}

func (e *InstanceRunningError) Error() string {
	if len(e.Running) > 0 {
		return fmt.Sprintf("instances %v are running: %v", e.Running, e.Err)
	}
	if len(e.InstanceIDs) > 0 {
		return fmt.Sprintf("some of instances %v are running: %v", e.InstanceIDs, e.Err)
	}
	return fmt.Sprintf("an instance is running: %v", e.Err)
}

func (e *InstanceRunningError) Unwrap() error { return e.Err }

// QuotaError says that the account holds as many key pairs as it may.
type QuotaError struct {
	Err error
}

func (e *QuotaError) Error() string { return fmt.Sprintf("key pair quota reached: %v", e.Err) }
func (e *QuotaError) Unwrap() error { return e.Err }

// ThrottledError says that the API still refused the call for its rate
// limit after every retry.
type ThrottledError struct {
	Attempts int
	Err      error
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("still throttled after %d attempts: %v", e.Attempts, e.Err)
}

func (e *ThrottledError) Unwrap() error { return e.Err }

// AuthError says that the API refused the credentials. Source says where
// they came from; RenewalErr is the last failed renewal of temporary
// credentials, if any. Neither holds a secret.
type AuthError struct {
	Source     string
	RenewalErr error
	Err        error
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("credentials from %s refused: %v", e.Source, e.Err)
}

func (e *AuthError) Unwrap() error { return e.Err }

// InvalidParameterError says that the API refused the value of one
// request parameter, named as the API names it (KeyName, ProjectId,
// PublicKey, Description, Tags, KeyIds, InstanceIds).
type InvalidParameterError struct {
	Parameter string
	Err       error
}

func (e *InvalidParameterError) Error() string {
	return fmt.Sprintf("invalid %s: %v", e.Parameter, e.Err)
}

func (e *InvalidParameterError) Unwrap() error { return e.Err }

// code returns the API error code of err, or "".
func code(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	return ""
}

// fromSDK turns an error of the SDK into an *APIError. The SDK puts the
// answer's body in the message of some client errors (a body that does not
// parse, an unexpected HTTP status): such a body may hold a private key or
// temporary credentials, so it never leaves this function. Network errors
// say where the call went and what went wrong.
func fromSDK(action string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if _, ok := errors.AsType[*APIError](err); ok {
		// This package's own, such as an incomplete answer.
		return err
	}
	var sdkErr *sdkerrors.TencentCloudSDKError
	if !errors.As(err, &sdkErr) {
		return networkError(action, err)
	}
	out := &APIError{Action: action, Code: sdkErr.Code, Message: sdkErr.Message, RequestID: sdkErr.RequestId}
	switch sdkErr.Code {
	case codeParseJSON, codeHTTPStatus, codeIO, codeType:
		out.Message = fmt.Sprintf("the answer could not be read (%d characters of detail withheld: they may quote the answer, which may hold secrets)", len(sdkErr.Message))
		if strings.Contains(sdkErr.Message, transport.ErrAnswerTooLarge.Error()) {
			// The SDK quotes the read error, which is this package's own.
			out.Message = transport.ErrAnswerTooLarge.Error()
		}
	case codeNetwork:
		if cause := errors.Unwrap(sdkErr); cause != nil {
			return networkError(action, cause)
		}
		out.Message = redactMessage(out.Message)
	default:
		out.Message = redactMessage(out.Message)
	}
	return out
}

// networkError describes a call that got no answer: where it went, and
// why, in words rather than Go's error chain.
func networkError(action string, err error) *APIError {
	out := &APIError{Action: action, Code: codeNetwork}
	where := "the endpoint"
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		where = urlErr.URL
	}
	if errors.Is(err, transport.ErrAnswerTooLarge) {
		out.Message = fmt.Sprintf("the answer from %s was refused: %v", where, transport.ErrAnswerTooLarge)
		return out
	}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr):
		out.NotSent = true
		out.Message = fmt.Sprintf("could not reach %s: no such host %q (check endpoint, domain and region, and the DNS)", where, dnsErr.Name)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		out.NotSent = true
		cause := "could not connect"
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			cause = "connection refused (nothing listens there)"
		case opErr.Timeout():
			cause = "connecting timed out"
		}
		out.Message = fmt.Sprintf("could not reach %s: %s", where, cause)
	case errors.As(err, &netErr) && netErr.Timeout():
		out.Timeout = true
		out.Message = fmt.Sprintf("no answer from %s in time", where)
	default:
		out.Message = fmt.Sprintf("the connection to %s broke before the answer came: %s", where, redactMessage(rootCause(err).Error()))
	}
	return out
}

// rootCause is the innermost error of a chain of single wraps.
func rootCause(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// The SDK's codes for failures without a usable answer, and
// codeIncomplete, this package's own for an answer that parsed but lacks
// what every answer of its action holds (the Response object, the key
// pair of CreateKeyPair, the id of ImportKeyPair, the list of
// DescribeKeyPairs): a gateway or proxy may answer `{}` or
// `{"Response":null}` with status 200, and for a write that is as good as
// no answer.
const (
	codeNetwork    = "ClientError.NetworkError"
	codeParseJSON  = "ClientError.ParseJsonError"
	codeHTTPStatus = "ClientError.HttpStatusCodeError"
	codeIO         = "ClientError.IOError"
	codeType       = "ClientError.TypeError"
	codeIncomplete = "ClientError.IncompleteAnswer"
)

// incompleteAnswer is the error of an answer without what its action
// always answers.
func incompleteAnswer(action, missing string) *APIError {
	return &APIError{Action: action, Code: codeIncomplete,
		Message: fmt.Sprintf("the answer holds no %s: it may come from a gateway or proxy rather than the API, and the call may or may not have taken effect", missing)}
}

// redactMessage withholds a message that quotes a secret.
func redactMessage(msg string) string {
	if transport.HasSecretMarker(msg) {
		return fmt.Sprintf("<%d characters withheld: they hold a secret>", len(msg))
	}
	return msg
}

// classify wraps an *APIError in the typed error its code stands for;
// errors that need more than the answer (the holder of a name, the users
// of a key pair) are completed by the operation that got them.
func (c *Client) classify(err error) error {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return err
	}
	code := apiErr.Code
	switch {
	case code == apicontract.CodeKeyPairNotFound:
		return &NotFoundError{What: "key pair", Err: err}
	case code == apicontract.CodeKeyPairLimitExceeded:
		return &QuotaError{Err: err}
	case code == apicontract.CodeInstanceRunning:
		return &InstanceRunningError{Err: err}
	case strings.HasPrefix(code, "AuthFailure"):
		var renewal error
		if c.role != nil {
			renewal = c.CredentialError()
		}
		return &AuthError{Source: c.CredentialSource(), RenewalErr: renewal, Err: err}
	case strings.HasPrefix(code, apicontract.CodeRequestLimitExceeded):
		return &ThrottledError{Attempts: c.maxRetries + 1, Err: err}
	}
	if p := invalidParameter(apiErr); p != "" {
		return &InvalidParameterError{Parameter: p, Err: err}
	}
	return err
}

// invalidParameter names the request parameter an error code is about, or
// "".
func invalidParameter(e *APIError) string {
	code := e.Code
	switch {
	case code == apicontract.CodeKeyNameDuplicate:
		return "" // a DuplicateNameError, made by the operation
	case strings.HasPrefix(code, "InvalidKeyPairName"):
		return "KeyName"
	case strings.HasPrefix(code, "InvalidProjectId"):
		return "ProjectId"
	case strings.HasPrefix(code, "InvalidPublicKey"):
		return "PublicKey"
	case strings.HasPrefix(code, "InvalidKeyPairId"):
		return "KeyIds"
	case strings.HasPrefix(code, "InvalidInstanceId"):
		return "InstanceIds"
	case strings.Contains(code, "Tag"):
		return "Tags"
	case strings.HasPrefix(code, "InvalidParameter") && strings.Contains(strings.ToLower(e.Message), "description"):
		return "Description"
	}
	return ""
}

// NotShownError says that a write was made but DescribeKeyPairs did not
// show it within the operation's time (consistency.go). KeyPair holds
// what the write's answer gave: the id, and for a create the private key,
// which exists nowhere else.
type NotShownError struct {
	KeyPair *KeyPair
	Err     error
}

func (e *NotShownError) Error() string {
	return fmt.Sprintf("key pair %s: the change was made, but DescribeKeyPairs did not show it in time: %v", e.KeyPair.ID, e.Err)
}

func (e *NotShownError) Unwrap() error { return e.Err }

// SecretExistsError says that a secret of the name already exists in the
// region (ResourceInUse.SecretExists), a PendingDelete one included.
// MadeByProvider says that it carries this provider's create token: a
// create of this provider made it, in another workspace or in a run that
// was stopped before it could record it.
type SecretExistsError struct {
	Name           string
	MadeByProvider bool
	Err            error
}

func (e *SecretExistsError) Error() string {
	return fmt.Sprintf("a secret named %q already exists: %v", e.Name, e.Err)
}

func (e *SecretExistsError) Unwrap() error { return e.Err }

// SecretUnavailableError says that Secrets Manager refused to act on a
// secret in its state: a Disabled or PendingDelete secret's plain text
// cannot be read, and a PendingDelete secret cannot be changed
// (ResourceUnavailable, FailedOperation).
type SecretUnavailableError struct {
	Name string
	Err  error
}

func (e *SecretUnavailableError) Error() string {
	return fmt.Sprintf("secret %q is unavailable in its state: %v", e.Name, e.Err)
}

func (e *SecretUnavailableError) Unwrap() error { return e.Err }

// SSMNotPurchasedError says that the account has not activated Secrets
// Manager (ResourceUnavailable.NotPurchased).
type SSMNotPurchasedError struct {
	Err error
}

func (e *SSMNotPurchasedError) Error() string {
	return fmt.Sprintf("Secrets Manager is not activated for the account: %v", e.Err)
}

func (e *SSMNotPurchasedError) Unwrap() error { return e.Err }

// SecretNotShownError says that a write to a secret was made but
// DescribeSecret (or the Tag API, for its tags) did not show it within
// the operation's time. Secret holds what the write's answer gave: for a
// create, the name and the key pair's id and name.
type SecretNotShownError struct {
	Secret *Secret
	Err    error
}

func (e *SecretNotShownError) Error() string {
	return fmt.Sprintf("secret %q: the change was made, but Secrets Manager did not show it in time: %v", e.Secret.Name, e.Err)
}

func (e *SecretNotShownError) Unwrap() error { return e.Err }

// MaybeCreatedSecretError says that the answer to CreateSSHKeyPairSecret
// was lost and the recovery could not find out, within the operation's
// time, whether the call made the secret: one named Name, tagged
// CreateTokenTagKey=Token, may exist, with its CVM key pair.
type MaybeCreatedSecretError struct {
	Name  string
	Token string
	Err   error
}

func (e *MaybeCreatedSecretError) Error() string {
	return fmt.Sprintf("a secret named %q may have been created (tag %s=%s), and finding it failed: %v", e.Name, CreateTokenTagKey, e.Token, e.Err)
}

func (e *MaybeCreatedSecretError) Unwrap() error { return e.Err }

// ssmError wraps an error of an SSM call about the secret name in the
// typed error its code stands for.
func ssmError(err error, name string) error {
	switch code(err) {
	case apicontract.CodeResourceNotFound, apicontract.CodeSecretNotExist:
		return &NotFoundError{What: fmt.Sprintf("secret %q", name), Err: err}
	case apicontract.CodeSecretExists:
		return &SecretExistsError{Name: name, Err: err}
	case apicontract.CodeResourceUnavailable, apicontract.CodeSecretDisabled, apicontract.CodeSecretPendingDeleted, apicontract.CodeFailedOperation:
		return &SecretUnavailableError{Name: name, Err: err}
	case apicontract.CodeSSMNotPurchased:
		return &SSMNotPurchasedError{Err: err}
	}
	return err
}
