package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

const (
	tc3Algorithm = "TC3-HMAC-SHA256"

	// maxClockSkew is how far X-TC-Timestamp may be from the server's clock.
	maxClockSkew = 5 * time.Minute
)

// signedCall is what a verified signature tells about a call.
type signedCall struct {
	SecretID string
	Service  string // the credential-scope service, which selects the API
}

// authorization is a parsed TC3 Authorization header.
type authorization struct {
	SecretID      string
	Date          string
	Service       string
	SignedHeaders string
	Signature     string
}

// verifyTC3 checks a TC3-HMAC-SHA256 signed POST. It takes its inputs
// separately from *http.Request so that the fuzz target can drive it. The
// host is passed apart because net/http moves it out of the header map.
// Error messages never repeat the secret key, the token or the signature.
func verifyTC3(header http.Header, host string, body []byte, now time.Time, lookup func(id string) (Credential, bool)) (signedCall, *apiError) {
	auth, apiErr := parseAuthorization(header.Get("Authorization"))
	if apiErr != nil {
		return signedCall{}, apiErr
	}
	tsText := header.Get("X-TC-Timestamp")
	if tsText == "" {
		return signedCall{}, missing("X-TC-Timestamp")
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil || ts < 0 {
		return signedCall{}, newError(apicontract.CodeInvalidParameter, "X-TC-Timestamp must be Unix seconds.")
	}
	signedAt := time.Unix(ts, 0)
	if skew := now.Sub(signedAt); skew > maxClockSkew || skew < -maxClockSkew {
		return signedCall{}, newError(apicontract.CodeSignatureExpire,
			"The request signature has expired: X-TC-Timestamp %d is more than 5 minutes from the server time %d.", ts, now.Unix())
	}
	cred, ok := lookup(auth.SecretID)
	if !ok {
		return signedCall{}, newError(apicontract.CodeSecretIDNotFound, "The SecretId is not found, please ensure that your SecretId is correct.")
	}
	if cred.Token != "" {
		token := header.Get("X-TC-Token")
		if !hmac.Equal([]byte(token), []byte(cred.Token)) {
			return signedCall{}, newError(apicontract.CodeTokenFailure, "The token of the temporary credential is missing or wrong.")
		}
		if !cred.Expires.IsZero() && !now.Before(cred.Expires) {
			return signedCall{}, newError(apicontract.CodeTokenFailure, "The temporary credential has expired.")
		}
	} else if header.Get("X-TC-Token") != "" {
		return signedCall{}, newError(apicontract.CodeTokenFailure, "A token was sent with a permanent credential.")
	}
	// The scope date must be the UTC date of the timestamp; otherwise a
	// signature could be made for one day and replayed on another.
	if auth.Date != signedAt.UTC().Format("2006-01-02") {
		return signedCall{}, newError(apicontract.CodeSignatureFailure,
			"The date in the credential scope does not match X-TC-Timestamp.")
	}
	names := strings.Split(auth.SignedHeaders, ";")
	bodyHash := sha256Hex(body)
	// The SDK signs header values as sent, while Tencent's own signing
	// guide lower-cases them; the real service accepts both, so do we.
	for _, lowerValues := range []bool{false, true} {
		var canonical strings.Builder
		for _, name := range names {
			value := host
			if name != "host" {
				value = header.Get(name)
			}
			value = strings.TrimSpace(value)
			if lowerValues {
				value = strings.ToLower(value)
			}
			canonical.WriteString(name + ":" + value + "\n")
		}
		want := signTC3(cred.SecretKey, auth.Service, auth.Date, tsText, canonical.String(), auth.SignedHeaders, bodyHash)
		if hmac.Equal([]byte(want), []byte(auth.Signature)) {
			return signedCall{SecretID: auth.SecretID, Service: auth.Service}, nil
		}
	}
	return signedCall{}, newError(apicontract.CodeSignatureFailure,
		"The provided credentials could not be validated. Please check your signature is correct.")
}

// parseAuthorization parses
// "TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=HEX".
func parseAuthorization(value string) (authorization, *apiError) {
	bad := func(why string) (authorization, *apiError) {
		return authorization{}, newError(apicontract.CodeInvalidAuthorization, "The Authorization header is invalid: %s.", why)
	}
	if strings.TrimSpace(value) == "" {
		return bad("it is missing")
	}
	algorithm, rest, _ := strings.Cut(strings.TrimSpace(value), " ")
	if algorithm != tc3Algorithm {
		return bad("the algorithm must be " + tc3Algorithm)
	}
	parts := map[string]string{}
	for _, item := range strings.Split(rest, ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok {
			return bad("it is not a list of key=value pairs")
		}
		if _, dup := parts[key]; dup {
			return bad("a key is repeated")
		}
		parts[key] = val
	}
	var auth authorization
	if len(parts) != 3 || parts["Credential"] == "" || parts["SignedHeaders"] == "" || parts["Signature"] == "" {
		return bad("it needs exactly Credential, SignedHeaders and Signature")
	}
	scope := strings.Split(parts["Credential"], "/")
	if len(scope) != 4 || scope[0] == "" || scope[2] == "" || scope[3] != "tc3_request" {
		return bad("the credential must be SecretId/Date/Service/tc3_request")
	}
	if _, err := time.Parse("2006-01-02", scope[1]); err != nil {
		return bad("the credential date must be YYYY-MM-DD")
	}
	auth.SecretID, auth.Date, auth.Service = scope[0], scope[1], scope[2]
	auth.SignedHeaders = strings.ToLower(parts["SignedHeaders"])
	seen := map[string]bool{}
	for _, name := range strings.Split(auth.SignedHeaders, ";") {
		if name == "" || seen[name] || strings.ContainsAny(name, " :\t\r\n") {
			return bad("SignedHeaders must list distinct header names")
		}
		seen[name] = true
	}
	// Tencent's signing guide requires both of these to be signed.
	if !seen["content-type"] || !seen["host"] {
		return bad("SignedHeaders must include content-type and host")
	}
	auth.Signature = parts["Signature"]
	return auth, nil
}

// signTC3 computes the hex signature the way the SDK does (see
// tencentcloud/common/client.go sendWithSignatureV3).
func signTC3(secretKey, service, date, timestamp, canonicalHeaders, signedHeaders, bodyHash string) string {
	canonicalRequest := "POST\n/\n\n" + canonicalHeaders + "\n" + signedHeaders + "\n" + bodyHash
	stringToSign := tc3Algorithm + "\n" + timestamp + "\n" + date + "/" + service + "/tc3_request\n" + sha256Hex([]byte(canonicalRequest))
	kDate := hmacSHA256([]byte("TC3"+secretKey), date)
	kService := hmacSHA256(kDate, service)
	kSigning := hmacSHA256(kService, "tc3_request")
	return hex.EncodeToString(hmacSHA256(kSigning, stringToSign))
}

func hmacSHA256(key []byte, msg string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msg))
	return mac.Sum(nil)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
