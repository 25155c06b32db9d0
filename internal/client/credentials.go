package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client/retry"
)

// Environment variables of the credential chain, named as the official
// provider names them.
const (
	EnvSecretID             = "TENCENTCLOUD_SECRET_ID"
	EnvSecretKey            = "TENCENTCLOUD_SECRET_KEY"
	EnvSecurityToken        = "TENCENTCLOUD_SECURITY_TOKEN"
	EnvRegion               = "TENCENTCLOUD_REGION"
	EnvProfile              = "TENCENTCLOUD_PROFILE"
	EnvSharedCredentialsDir = "TENCENTCLOUD_SHARED_CREDENTIALS_DIR"
	EnvAssumeRoleArn        = "TENCENTCLOUD_ASSUME_ROLE_ARN"
	EnvAssumeRoleName       = "TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME"
	EnvAssumeRoleDuration   = "TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION"
	EnvAssumeRolePolicy     = "TENCENTCLOUD_ASSUME_ROLE_POLICY"
	EnvAssumeRoleExternalID = "TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID"
)

// Defaults of the shared credentials (tccli) profile and of AssumeRole.
const (
	DefaultProfile              = "default"
	DefaultSharedCredentialsDir = "~/.tccli"
	DefaultSessionDuration      = 7200
	MaxSessionDuration          = 43200
)

// Settings is what the provider block says about credentials and region;
// an empty string (or zero) is an attribute that is not set.
type Settings struct {
	SecretID, SecretKey, SecurityToken string
	Region                             string
	Profile, SharedCredentialsDir      string
	// AssumeRole is the assume_role block, nil when there is none.
	AssumeRole *AssumeRole
}

// AssumeRole says which role to assume with STS AssumeRole.
type AssumeRole struct {
	RoleArn, SessionName string
	// SessionDuration is in seconds; 0 means DefaultSessionDuration.
	SessionDuration int64
	// Policy is a JSON policy document that narrows the role's rights.
	Policy     string
	ExternalID string
}

// Resolved is what the credential chain resolved to.
type Resolved struct {
	SecretID, SecretKey, SecurityToken string
	Region                             string
	// Source says where the credentials came from, without secrets, for
	// error messages: "the provider block", "environment variables",
	// `profile "default" (/home/me/.tccli/default.credential)`, ...
	Source string
	// AssumeRole is the role to assume with these credentials, or nil.
	AssumeRole *AssumeRole
}

// ResolveCredentials runs the credential chain: for each of secret_id,
// secret_key and security_token the provider attribute and then its
// environment variable; when none of the three is set anywhere, a shared
// credentials profile of tccli. The region comes from the attribute, the
// environment, or the profile that gave the credentials. Then an
// assume_role block, or the TENCENTCLOUD_ASSUME_ROLE_* variables, or the
// profile's role-arn, name a role to assume with those credentials.
// getenv is os.Getenv outside tests. The error lists everything missing,
// one item a line, and never holds a secret.
func ResolveCredentials(s Settings, getenv func(string) string) (*Resolved, error) {
	var problems []string
	type field struct {
		value, from string
	}
	pick := func(attr, env string) field {
		if attr != "" {
			return field{attr, "the provider block"}
		}
		if v := getenv(env); v != "" {
			return field{v, "environment variables"}
		}
		return field{}
	}
	id := pick(s.SecretID, EnvSecretID)
	key := pick(s.SecretKey, EnvSecretKey)
	token := pick(s.SecurityToken, EnvSecurityToken)
	region := pick(s.Region, EnvRegion)

	out := &Resolved{SecretID: id.value, SecretKey: key.value, SecurityToken: token.value, Region: region.value}
	var profileRole *AssumeRole
	switch {
	case id.value != "" && key.value != "":
		out.Source = id.from
		if key.from != id.from {
			out.Source = "the provider block and environment variables"
		}
	case id.value != "" || key.value != "" || token.value != "":
		// Some of the pair is set: say what is missing rather than
		// mixing it with a profile.
		if id.value == "" {
			problems = append(problems, "secret_id (or the environment variable "+EnvSecretID+")")
		}
		if key.value == "" {
			problems = append(problems, "secret_key (or the environment variable "+EnvSecretKey+")")
		}
	default:
		p, err := loadProfile(s, getenv)
		if err != nil {
			problems = append(problems, err.Error())
			break
		}
		out.SecretID, out.SecretKey, out.SecurityToken = p.SecretID, p.SecretKey, p.Token
		out.Source = p.describe()
		if out.Region == "" {
			out.Region = p.Region
		}
		if p.RoleArn != "" {
			profileRole = &AssumeRole{RoleArn: p.RoleArn, SessionName: p.RoleSessionName}
		}
	}
	if out.Region == "" {
		problems = append(problems, "region (or the environment variable "+EnvRegion+
			"), or _sys_param.region in the .configure file of the profile that gives the credentials")
	}

	role, err := resolveAssumeRole(s.AssumeRole, getenv, profileRole)
	if err != nil {
		problems = append(problems, err.Error())
	}
	out.AssumeRole = role
	if len(problems) > 0 {
		return nil, &MissingError{Items: problems}
	}
	return out, nil
}

// MissingError lists what the configuration lacks.
type MissingError struct{ Items []string }

func (e *MissingError) Error() string {
	return "  - " + strings.Join(e.Items, "\n  - ")
}

func resolveAssumeRole(block *AssumeRole, getenv func(string) string, fromProfile *AssumeRole) (*AssumeRole, error) {
	envArn := getenv(EnvAssumeRoleArn)
	if block == nil && envArn == "" {
		return fromProfile, nil
	}
	r := AssumeRole{}
	if block != nil {
		r = *block
	}
	or := func(v *string, env string) {
		if *v == "" {
			*v = getenv(env)
		}
	}
	or(&r.RoleArn, EnvAssumeRoleArn)
	or(&r.SessionName, EnvAssumeRoleName)
	or(&r.Policy, EnvAssumeRolePolicy)
	or(&r.ExternalID, EnvAssumeRoleExternalID)
	var missing []string
	if r.SessionDuration == 0 {
		if v := getenv(EnvAssumeRoleDuration); v != "" {
			d, err := strconv.ParseInt(v, 10, 64)
			if err != nil || d < 0 || d > MaxSessionDuration {
				missing = append(missing, fmt.Sprintf("%s=%q is not a number of seconds from 0 to %d", EnvAssumeRoleDuration, v, MaxSessionDuration))
			}
			r.SessionDuration = d
		}
	}
	if r.SessionDuration == 0 {
		r.SessionDuration = DefaultSessionDuration
	}
	if r.RoleArn == "" {
		missing = append(missing, "assume_role.role_arn (or the environment variable "+EnvAssumeRoleArn+")")
	}
	if r.SessionName == "" {
		missing = append(missing, "assume_role.session_name (or the environment variable "+EnvAssumeRoleName+")")
	}
	if len(missing) > 0 {
		return nil, errors.New(strings.Join(missing, "\n  - "))
	}
	return &r, nil
}

// profile is a tccli profile: <dir>/<name>.credential holds secretId,
// secretKey and, for temporary credentials, token, and may name a role
// (role-arn, role-session-name); <dir>/<name>.configure holds the region
// in _sys_param.region.
type tccliProfile struct {
	Name, Dir, CredentialPath        string
	SecretID, SecretKey, Token       string
	RoleArn, RoleSessionName, Region string
	explicitName                     bool
}

func (p *tccliProfile) describe() string {
	return fmt.Sprintf("profile %q (%s)", p.Name, p.CredentialPath)
}

func loadProfile(s Settings, getenv func(string) string) (*tccliProfile, error) {
	p := &tccliProfile{Name: s.Profile, Dir: s.SharedCredentialsDir}
	if p.Name == "" {
		p.Name = getenv(EnvProfile)
	}
	p.explicitName = p.Name != ""
	if p.Name == "" {
		p.Name = DefaultProfile
	}
	if p.Dir == "" {
		p.Dir = getenv(EnvSharedCredentialsDir)
	}
	if p.Dir == "" {
		p.Dir = DefaultSharedCredentialsDir
	}
	dir, err := expandHome(p.Dir)
	if err != nil {
		return nil, fmt.Errorf("credentials: shared_credentials_dir %q: %w", p.Dir, err)
	}
	p.CredentialPath = filepath.Join(dir, p.Name+".credential")
	data, err := os.ReadFile(p.CredentialPath)
	if errors.Is(err, fs.ErrNotExist) {
		if p.explicitName {
			return nil, fmt.Errorf("credentials: profile %q not found: %s does not exist", p.Name, p.CredentialPath)
		}
		return nil, fmt.Errorf("no credentials: secret_id and secret_key (or %s and %s) are not set, and there is no profile %q in %s (%s does not exist); "+
			"set them, or name a tccli profile with profile (or %s) and shared_credentials_dir (or %s)",
			EnvSecretID, EnvSecretKey, p.Name, p.Dir, p.CredentialPath, EnvProfile, EnvSharedCredentialsDir)
	}
	if err != nil {
		return nil, fmt.Errorf("credentials: profile %q: %w", p.Name, err)
	}
	var cred map[string]any
	if err := json.Unmarshal(data, &cred); err != nil {
		return nil, fmt.Errorf("credentials: profile %q: %s is not a JSON object: %v", p.Name, p.CredentialPath, err)
	}
	str := func(m map[string]any, k string) string {
		v, _ := m[k].(string)
		return strings.TrimSpace(v)
	}
	p.SecretID, p.SecretKey, p.Token = str(cred, "secretId"), str(cred, "secretKey"), str(cred, "token")
	p.RoleArn, p.RoleSessionName = str(cred, "role-arn"), str(cred, "role-session-name")
	var missing []string
	if p.SecretID == "" {
		missing = append(missing, "secretId")
	}
	if p.SecretKey == "" {
		missing = append(missing, "secretKey")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("credentials: profile %q: %s has no %s", p.Name, p.CredentialPath, strings.Join(missing, " and no "))
	}
	if p.RoleArn != "" && p.RoleSessionName == "" {
		p.RoleSessionName = "terraform"
	}
	configure := filepath.Join(dir, p.Name+".configure")
	if data, err := os.ReadFile(configure); err == nil {
		var conf struct {
			SysParam map[string]any `json:"_sys_param"`
		}
		if err := json.Unmarshal(data, &conf); err != nil {
			return nil, fmt.Errorf("credentials: profile %q: %s is not a JSON object: %v", p.Name, configure, err)
		}
		p.Region = str(conf.SysParam, "region")
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("credentials: profile %q: %w", p.Name, err)
	}
	return p, nil
}

func expandHome(dir string) (string, error) {
	if dir != "~" && !strings.HasPrefix(dir, "~/") {
		return dir, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, strings.TrimPrefix(dir, "~")), nil
}

// roleCredential is the SDK credential of an assumed role: temporary
// credentials from STS AssumeRole, renewed before they expire. The SDK
// asks for them on every call (GetCredential), so that every call signs
// with credentials that are still valid.
type roleCredential struct {
	role   AssumeRole
	source string // where the credentials that assume the role came from
	send   func(ctx context.Context, params map[string]any) (*assumeRoleResponse, error)
	now    func() time.Time

	mu             sync.Mutex
	id, key, token string
	expires        time.Time
	lastErr        error
	assumed        int // AssumeRole calls that succeeded
}

type assumeRoleResponse struct {
	Response struct {
		Credentials struct {
			Token, TmpSecretId, TmpSecretKey string
		}
		ExpiredTime int64
	}
}

var _ common.CredentialIface = (*roleCredential)(nil)

// refreshMargin is how long before expiry the credentials are renewed: a
// tenth of the session, at most five minutes, so that a call signed just
// before the renewal still arrives in time.
func (r *roleCredential) refreshMargin() time.Duration {
	return min(5*time.Minute, time.Duration(r.role.SessionDuration)*time.Second/10)
}

func (r *roleCredential) stale() bool {
	return r.id == "" || !r.now().Before(r.expires.Add(-r.refreshMargin()))
}

// ensure assumes the role when the credentials are missing or about to
// expire. Its error names the role and the source credentials.
func (r *roleCredential) ensure(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.stale() {
		return nil
	}
	return r.refreshLocked(ctx)
}

func (r *roleCredential) refreshLocked(ctx context.Context) error {
	params := map[string]any{
		"RoleArn":         r.role.RoleArn,
		"RoleSessionName": r.role.SessionName,
		"DurationSeconds": r.role.SessionDuration,
	}
	if r.role.Policy != "" {
		// The API takes the policy URL-encoded.
		params["Policy"] = url.QueryEscape(r.role.Policy)
	}
	if r.role.ExternalID != "" {
		params["ExternalId"] = r.role.ExternalID
	}
	resp, err := r.send(ctx, params)
	if err == nil && (resp.Response.Credentials.TmpSecretId == "" || resp.Response.Credentials.TmpSecretKey == "" || resp.Response.Credentials.Token == "") {
		err = errors.New("the answer holds no temporary credentials")
	}
	if err != nil {
		r.lastErr = fmt.Errorf("%s: %w", r.describe(), err)
		return r.lastErr
	}
	c := resp.Response.Credentials
	r.id, r.key, r.token = c.TmpSecretId, c.TmpSecretKey, c.Token
	r.expires = time.Unix(resp.Response.ExpiredTime, 0)
	r.lastErr = nil
	r.assumed++
	return nil
}

func (r *roleCredential) describe() string {
	return fmt.Sprintf("assume_role (role_arn %s, session_name %s) with credentials from %s", r.role.RoleArn, r.role.SessionName, r.source)
}

// GetCredential returns the temporary credentials, renewing them first
// when they are about to expire. A failed renewal leaves the old ones,
// whose calls then fail with AuthFailure.TokenFailure once they expire;
// the client reports the renewal's error with it (CredentialError).
func (r *roleCredential) GetCredential() (string, string, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stale() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_ = r.refreshLocked(ctx)
		cancel()
	}
	return r.id, r.key, r.token
}

func (r *roleCredential) GetSecretId() string {
	id, _, _ := r.GetCredential()
	return id
}

func (r *roleCredential) GetSecretKey() string {
	_, key, _ := r.GetCredential()
	return key
}

func (r *roleCredential) GetToken() string {
	_, _, token := r.GetCredential()
	return token
}

// stsSender calls STS AssumeRole through the common client, which goes
// wherever the other calls go (endpoint, domain, protocol), signed with
// the source credentials. Throttled calls and lost answers are retried a
// few times (a second AssumeRole only makes other temporary credentials):
// nothing else can work until the role is assumed. retries counts them.
func stsSender(c *common.Client, retryBase time.Duration, retries *atomic.Int64) func(context.Context, map[string]any) (*assumeRoleResponse, error) {
	policy := retry.Policy{MaxRetries: 3, Base: retryBase, MaxDelay: 2 * time.Second}
	retryable := func(err error) bool { return isThrottled(err) || isLostAnswer(err) }
	onRetry := func(int, error, time.Duration) { retries.Add(1) }
	return func(ctx context.Context, params map[string]any) (*assumeRoleResponse, error) {
		var out *assumeRoleResponse
		err := retry.When(ctx, policy, retryable, onRetry, func(ctx context.Context, _ int) error {
			req := tchttp.NewCommonRequest("sts", "2018-08-13", "AssumeRole")
			req.SetContext(ctx)
			if err := req.SetActionParameters(params); err != nil {
				return err
			}
			resp := tchttp.NewCommonResponse()
			if err := c.Send(req, resp); err != nil {
				return fromSDK("AssumeRole", err)
			}
			out = &assumeRoleResponse{}
			if err := json.Unmarshal(resp.GetBody(), out); err != nil {
				return fmt.Errorf("decode the AssumeRole answer: %w", err)
			}
			return nil
		})
		return out, err
	}
}
