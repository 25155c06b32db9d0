package client

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// The SDK quotes the body of an answer it could not parse in its error
// message; the body of a CreateKeyPair answer holds the private key, which
// must not reach an error, a diagnostic or a log.
func TestFromSDK_neverQuotesAnAnswer(t *testing.T) {
	const pem = "-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAx4Yx9Qk2"
	cut := `{"Response":{"KeyPair":{"KeyId":"skey-abcdefgh","PrivateKey":"` + pem
	for _, code := range []string{codeParseJSON, codeHTTPStatus, codeIO} {
		err := fromSDK("CreateKeyPair", sdkerrors.NewTencentCloudSDKError(code, "Fail to parse json content: "+cut+", because: unexpected end of JSON input", ""))
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Code != code || !isLostAnswer(err) {
			t.Errorf("%s: %#v, want an APIError with the code, counted as a lost answer", code, err)
		}
		if strings.Contains(err.Error(), "MIIE") || strings.Contains(err.Error(), "skey-") {
			t.Errorf("%s: the error quotes the answer: %v", code, err)
		}
	}
	// Any other message that holds a private key is withheld too.
	err := fromSDK("CreateKeyPair", sdkerrors.NewTencentCloudSDKError("InternalError", "failed near "+pem, "req-1"))
	if strings.Contains(err.Error(), "MIIE") || !strings.Contains(err.Error(), "req-1") {
		t.Errorf("error %v: want the private key withheld and the request id kept", err)
	}
}

// Each code the provider acts on becomes its typed error, which still
// holds the API's answer.
func TestClassify(t *testing.T) {
	c := &Client{credentialSource: "the provider block", maxRetries: 2}
	for code, check := range map[string]func(error) bool{
		apicontract.CodeKeyPairNotFound:         func(err error) bool { var e *NotFoundError; return errors.As(err, &e) },
		apicontract.CodeKeyPairLimitExceeded:    func(err error) bool { var e *QuotaError; return errors.As(err, &e) },
		apicontract.CodeInstanceRunning:         func(err error) bool { var e *InstanceRunningError; return errors.As(err, &e) },
		"AuthFailure.SignatureFailure":          func(err error) bool { var e *AuthError; return errors.As(err, &e) && e.Source == "the provider block" },
		"RequestLimitExceeded.UinLimitExceeded": func(err error) bool { var e *ThrottledError; return errors.As(err, &e) && e.Attempts == 3 },
		"InvalidKeyPairNameTooLong":             func(err error) bool { return parameter(err) == "KeyName" },
		"InvalidProjectId.NotFound":             func(err error) bool { return parameter(err) == "ProjectId" },
		"InvalidPublicKey.Duplicate":            func(err error) bool { return parameter(err) == "PublicKey" },
		"InvalidParameterValue.TagKeyEmpty":     func(err error) bool { return parameter(err) == "Tags" },
		"InvalidKeyPairId.Malformed":            func(err error) bool { return parameter(err) == "KeyIds" },
		apicontract.CodeKeyNameDuplicate:        func(err error) bool { return parameter(err) == "" },
	} {
		err := c.classify(&APIError{Action: "X", Code: code, Message: "m", RequestID: "r"})
		var apiErr *APIError
		if !check(err) || !errors.As(err, &apiErr) || apiErr.Code != code {
			t.Errorf("%s: %#v", code, err)
		}
	}
}

func parameter(err error) string {
	var e *InvalidParameterError
	if errors.As(err, &e) {
		return e.Parameter
	}
	return ""
}

// unreachableClient is a client of an endpoint at addr, with fast retries.
func unreachableClient(t *testing.T, addr string, requestTimeout time.Duration) *Client {
	t.Helper()
	c, err := New(Config{SecretID: "AKIDx", SecretKey: "k", Region: "ap-guangzhou", Endpoint: "http://" + addr,
		MaxRetries: DefaultMaxRetries, RequestTimeout: requestTimeout})
	if err != nil {
		t.Fatal(err)
	}
	c.retryBase = 10 * time.Millisecond
	return c
}

// An endpoint where nothing listens fails a read at once, after two more
// tries whatever max_retries says, naming the endpoint and the cause.
func TestClient_closedPortFailsFast(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c := unreachableClient(t, addr, time.Second)
	start := time.Now()
	_, err = c.DescribeKeyPair(t.Context(), "skey-abcdefgh")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !apiErr.NotSent {
		t.Fatalf("err %#v, want an APIError that was not sent", err)
	}
	if !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error %q: want the endpoint and the cause", err)
	}
	if s := c.Stats(); s.Calls != 1+maxUnreachableRetries || time.Since(start) > 10*time.Second {
		t.Errorf("%d calls in %s, want %d, fast", s.Calls, time.Since(start), 1+maxUnreachableRetries)
	}
}

// An endpoint that takes the connection and never answers fails a read
// after three request timeouts, naming the endpoint and request_timeout.
func TestClient_silentEndpointFailsAfterRequestTimeouts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { <-done; conn.Close() }()
		}
	}()
	c := unreachableClient(t, ln.Addr().String(), 200*time.Millisecond)
	start := time.Now()
	_, err = c.DescribeKeyPair(t.Context(), "skey-abcdefgh")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !apiErr.Timeout {
		t.Fatalf("err %#v, want an APIError that timed out", err)
	}
	if !strings.Contains(err.Error(), ln.Addr().String()) || !strings.Contains(err.Error(), "request_timeout") {
		t.Errorf("error %q: want the endpoint and request_timeout", err)
	}
	if s := c.Stats(); s.Calls != 1+maxUnreachableRetries || time.Since(start) > 10*time.Second {
		t.Errorf("%d calls in %s, want %d within a few request timeouts", s.Calls, time.Since(start), 1+maxUnreachableRetries)
	}
}
