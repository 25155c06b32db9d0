package client

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
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
// tries whatever max_retries says, naming the endpoint and the cause. On
// the bubble's clock, the only time that passes is the backoff between
// the tries: the refusal itself comes from a real socket, at once.
func TestClient_closedPortFailsFast(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	synctest.Test(t, func(t *testing.T) {
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
		// The rate limiter's spacing (10 calls a second) of the two tries
		// after the first, which covers their backoffs (at most 10 and
		// 20 ms, retryBase 10 ms).
		if s, took := c.Stats(), time.Since(start); s.Calls != 1+maxUnreachableRetries || took > 200*time.Millisecond {
			t.Errorf("%d calls in %s, want %d within 200ms", s.Calls, took, 1+maxUnreachableRetries)
		}
		c.transport.CloseIdleConnections()
	})
}

// An endpoint that takes the connection and never answers fails a read
// after three request timeouts, naming the endpoint and request_timeout.
// The endpoint is the far end of in-memory connections that nobody
// reads, in a synctest bubble: the request timeouts run on its clock, so
// the read takes exactly three of them and the backoff between them.
func TestClient_silentEndpointFailsAfterRequestTimeouts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const requestTimeout = 200 * time.Millisecond
		c := unreachableClient(t, "127.0.0.1:8090", requestTimeout)
		var mu sync.Mutex
		var silent []net.Conn
		c.transport.DialContext = func(context.Context, string, string) (net.Conn, error) {
			client, server := net.Pipe()
			mu.Lock()
			silent = append(silent, server)
			mu.Unlock()
			return client, nil
		}
		defer func() {
			c.transport.CloseIdleConnections()
			for _, conn := range silent {
				conn.Close()
			}
		}()
		start := time.Now()
		_, err := c.DescribeKeyPair(t.Context(), "skey-abcdefgh")
		var apiErr *APIError
		if !errors.As(err, &apiErr) || !apiErr.Timeout {
			t.Fatalf("err %#v, want an APIError that timed out", err)
		}
		if !strings.Contains(err.Error(), "127.0.0.1:8090") || !strings.Contains(err.Error(), "request_timeout") {
			t.Errorf("error %q: want the endpoint and request_timeout", err)
		}
		least, most := 3*requestTimeout, 3*requestTimeout+30*time.Millisecond
		if s, took := c.Stats(), time.Since(start); s.Calls != 1+maxUnreachableRetries || took < least || took > most {
			t.Errorf("%d calls in %s, want %d in %s to %s: three request timeouts and two backoffs", s.Calls, took, 1+maxUnreachableRetries, least, most)
		}
	})
}
