package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// STS AssumeRole (service sts, version 2018-08-13). Roles exist only
// through the control API (POST /_emulator/roles); the temporary
// credentials it issues are accepted by every API of the emulator, with
// their token and until they expire. Codes, from the STS SDK's errors.go:
//   - a role that is not configured, or of another account:
//     ResourceNotFound.RoleNotFound;
//   - an ExternalId other than the role's: UnauthorizedOperation (the
//     reference has no code of its own for it; this is what a denied
//     sts:AssumeRole answers);
//   - DurationSeconds over 43200: InvalidParameter.OverTimeError;
//   - a Policy that is not URL-encoded JSON:
//     InvalidParameter.StrategyFormatError;
//   - a malformed RoleArn or RoleSessionName: InvalidParameter.ParamError.
const (
	codeRoleNotFound        = "ResourceNotFound.RoleNotFound"
	codeUnauthorized        = "UnauthorizedOperation"
	codeOverTime            = "InvalidParameter.OverTimeError"
	codeStrategyFormat      = "InvalidParameter.StrategyFormatError"
	codeParamError          = "InvalidParameter.ParamError"
	defaultSessionDuration  = 7200
	maxSessionDuration      = 43200
	maxPolicyLength         = 2048
	roleSessionNameMaxBytes = 128
)

var (
	roleArnPattern         = regexp.MustCompile(`^qcs::cam::uin/(\d+):role(?:Name)?/[\w+=,.@-]{1,128}$`)
	roleSessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,128}$`)
)

// Role is a CAM role that AssumeRole may assume, as the control API takes
// and shows it. An empty ExternalID lets any caller assume it without one.
type Role struct {
	RoleArn    string `json:"RoleArn"`
	ExternalID string `json:"ExternalId,omitempty"`
}

type assumeRoleParams struct {
	RoleArn         *string `json:"RoleArn"`
	RoleSessionName *string `json:"RoleSessionName"`
	DurationSeconds *int64  `json:"DurationSeconds"`
	Policy          *string `json:"Policy"`
	ExternalId      *string `json:"ExternalId"`
	SourceIdentity  *string `json:"SourceIdentity"`
}

func (s *Server) assumeRole(_ string, body []byte) (map[string]any, *apiError) {
	var p assumeRoleParams
	if err := decodeParams(body, &p); err != nil {
		return nil, err
	}
	switch {
	case p.RoleArn == nil:
		return nil, missing("RoleArn")
	case p.RoleSessionName == nil:
		return nil, missing("RoleSessionName")
	case !roleArnPattern.MatchString(*p.RoleArn):
		return nil, newError(codeParamError, "RoleArn must look like qcs::cam::uin/<uin>:roleName/<name>.")
	case !roleSessionNamePattern.MatchString(*p.RoleSessionName):
		return nil, newError(codeParamError, "RoleSessionName must be 2 to %d letters, digits and =,.@-_ characters.", roleSessionNameMaxBytes)
	}
	duration := int64(defaultSessionDuration)
	if p.DurationSeconds != nil {
		duration = *p.DurationSeconds
	}
	if duration <= 0 {
		duration = defaultSessionDuration
	}
	if duration > maxSessionDuration {
		return nil, newError(codeOverTime, "DurationSeconds %d exceeds %d.", duration, maxSessionDuration)
	}
	if p.Policy != nil {
		if len(*p.Policy) > maxPolicyLength {
			return nil, newError("InvalidParameter.PolicyTooLong", "The policy is longer than %d characters.", maxPolicyLength)
		}
		// The API takes the policy URL-encoded.
		text, err := url.QueryUnescape(*p.Policy)
		if err != nil || !json.Valid([]byte(text)) {
			return nil, newError(codeStrategyFormat, "Policy must be a URL-encoded JSON policy document.")
		}
	}
	role, ok := s.role(*p.RoleArn)
	if !ok || roleArnPattern.FindStringSubmatch(*p.RoleArn)[1] != DemoUin {
		return nil, newError(codeRoleNotFound, "The role %s does not exist.", *p.RoleArn)
	}
	given := ""
	if p.ExternalId != nil {
		given = *p.ExternalId
	}
	if role.ExternalID != "" && given != role.ExternalID {
		return nil, newError(codeUnauthorized, "You are not authorized to assume role %s: the ExternalId does not match.", role.RoleArn)
	}

	now := s.now()
	expires := now.Add(time.Duration(duration) * time.Second).Truncate(time.Second)
	cred := Credential{
		SecretID:  "AKIDtmp" + randomHex(16),
		SecretKey: randomHex(20),
		Token:     randomHex(32),
		Expires:   expires,
	}
	s.AddCredential(cred)
	return map[string]any{
		"Credentials": map[string]string{
			"Token":        cred.Token,
			"TmpSecretId":  cred.SecretID,
			"TmpSecretKey": cred.SecretKey,
		},
		"ExpiredTime": expires.Unix(),
		"Expiration":  expires.UTC().Format(time.RFC3339),
	}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) role(arn string) (Role, bool) {
	s.credMu.RLock()
	defer s.credMu.RUnlock()
	r, ok := s.roles[arn]
	return r, ok
}

// AddRole adds or replaces a role that AssumeRole may assume.
func (s *Server) AddRole(r Role) error {
	if !roleArnPattern.MatchString(r.RoleArn) {
		return fmt.Errorf("RoleArn %q must look like qcs::cam::uin/<uin>:roleName/<name>", r.RoleArn)
	}
	s.credMu.Lock()
	defer s.credMu.Unlock()
	s.roles[r.RoleArn] = r
	return nil
}

func (s *Server) listRoles() []Role {
	s.credMu.RLock()
	defer s.credMu.RUnlock()
	out := make([]Role, 0, len(s.roles))
	for _, r := range s.roles {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Role) int { return strings.Compare(a.RoleArn, b.RoleArn) })
	return out
}

func (s *Server) serveRoles(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		b, err := json.Marshal(s.listRoles())
		controlReply(w, b, err)
	case http.MethodPost:
		var role Role
		if err := decodeControl(r, &role); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		if err := s.AddRole(role); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		b, err := json.Marshal(role)
		controlReply(w, b, err)
	default:
		controlError(w, http.StatusMethodNotAllowed, "use GET or POST")
	}
}
