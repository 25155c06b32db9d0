package emulator

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// FuzzDecodeParams checks that no body makes decoding panic, and that a
// body is either accepted or refused with one of the decoding codes.
func FuzzDecodeParams(f *testing.F) {
	f.Add([]byte(`{"KeyName":"a","ProjectId":0,"TagSpecification":[{"ResourceType":"keypair","Tags":[{"Key":"k","Value":"v"}]}]}`))
	f.Add([]byte(`{"KeyIds":["skey-00000000"],"Filters":[{"Name":"tag:env","Values":["a"]}],"Offset":1,"Limit":5}`))
	f.Add([]byte(`{"Resource":"qcs::cvm:ap-guangzhou:uin/:keypair/skey-00000000","ReplaceTags":[],"DeleteTags":[{"TagKey":"k"}]}`))
	f.Add([]byte(`{"limit":1}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, body []byte) {
		targets := []any{
			&createKeyPairParams{}, &importKeyPairParams{}, &describeKeyPairsParams{}, &deleteKeyPairsParams{},
			&modifyKeyPairAttributeParams{}, &instancesKeyPairsParams{}, &modifyResourceTagsParams{},
		}
		for _, dst := range targets {
			err := decodeParams(body, dst)
			if err != nil && err.Code != apicontract.CodeInvalidParameter && err.Code != apicontract.CodeUnknownParameter {
				t.Fatalf("decode %q into %T: unexpected code %s", body, dst, err.Code)
			}
		}
	})
}

// FuzzVerifyTC3 feeds arbitrary Authorization headers, timestamps and
// bodies to the signature check. It must never panic, never accept a forged
// signature, always accept a correctly signed request, and never repeat the
// secret key in a message.
var headerNamePattern = regexp.MustCompile(`^[a-z0-9-]+$`)

func FuzzVerifyTC3(f *testing.F) {
	f.Add("TC3-HMAC-SHA256 Credential=AKID/2024-01-01/cvm/tc3_request, SignedHeaders=content-type;host, Signature=00", "1704067200", []byte(`{}`), "content-type;host")
	f.Add("TC3-HMAC-SHA256 Credential=/x//tc3_request, SignedHeaders=;, Signature=", "-1", []byte(``), "host")
	f.Add("HmacSHA256", "abc", []byte(`{"a":1}`), "content-type;host;x-tc-action")
	f.Fuzz(func(t *testing.T, authz, ts string, body []byte, signed string) {
		const secretKey = "fuzz-secret-key-material"
		now := time.Unix(1704067200, 0)
		lookup := func(id string) (Credential, bool) {
			return Credential{SecretID: id, SecretKey: secretKey}, id == "AKIDfuzz"
		}
		header := http.Header{}
		header.Set("Content-Type", "application/json")
		header.Set("X-TC-Action", "DescribeKeyPairs")
		header.Set("X-TC-Timestamp", ts)
		header.Set("Authorization", authz)
		_, err := verifyTC3(header, "127.0.0.1:8090", body, now, lookup)
		if err == nil {
			// Accepting an arbitrary header means it carried the right
			// signature, which only a holder of the key can make.
			auth, perr := parseAuthorization(authz)
			if perr != nil || auth.SecretID != "AKIDfuzz" {
				t.Fatalf("accepted %q", authz)
			}
		} else if strings.Contains(err.Message, secretKey) {
			t.Fatalf("message leaks the key: %s", err.Message)
		}

		// The same request signed properly passes whatever the body.
		ts = strconv.FormatInt(now.Unix(), 10)
		names := []string{"content-type", "host"}
		for _, n := range strings.Split(strings.ToLower(signed), ";") {
			// Only names an HTTP header can have: the verifier trims
			// whitespace, so a name made of it would collide with another.
			if headerNamePattern.MatchString(n) && n != "content-type" && n != "host" && !contains(names, n) {
				names = append(names, n)
			}
		}
		header.Set("X-TC-Timestamp", ts)
		var canonical strings.Builder
		for _, n := range names {
			v := "127.0.0.1:8090"
			if n != "host" {
				v = header.Get(n)
			}
			canonical.WriteString(n + ":" + strings.TrimSpace(v) + "\n")
		}
		sig := signTC3(secretKey, "cvm", "2024-01-01", ts, canonical.String(), strings.Join(names, ";"), sha256Hex(body))
		header.Set("Authorization", "TC3-HMAC-SHA256 Credential=AKIDfuzz/2024-01-01/cvm/tc3_request, SignedHeaders="+strings.Join(names, ";")+", Signature="+sig)
		if _, err := verifyTC3(header, "127.0.0.1:8090", body, now, lookup); err != nil {
			t.Fatalf("signed request with headers %v refused: %v", names, err)
		}
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
