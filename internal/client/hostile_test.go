package client

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// An answer past the cap is refused with an error that names the cap,
// before it is read whole: a 64 MiB DescribeKeyPairs answer, without a
// Content-Length and with one.
func TestClient_answerSizeCap(t *testing.T) {
	t.Parallel()
	for _, withLength := range []bool{false, true} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			const size = 64 << 20
			w.Header().Set("Content-Type", "application/json")
			if withLength {
				w.Header().Set("Content-Length", "67108864")
			}
			chunk := strings.Repeat(" ", 1<<20)
			for written := 0; written < size; written += len(chunk) {
				if _, err := io.WriteString(w, chunk); err != nil {
					return
				}
			}
		}))
		t.Cleanup(srv.Close)
		c := clientAt(t, srv.URL, 100)
		c.maxRetries = 0
		_, err := c.ListKeyPairs(t.Context(), nil)
		if err == nil || !strings.Contains(err.Error(), "cap of 16 MiB") {
			t.Errorf("Content-Length %v: %v, want an error that names the cap", withLength, err)
		}
	}
}

// Answers that parse but hold nothing (`{}`, a null Response, no object,
// the wrong content type) to CreateKeyPair are lost answers: the client
// recovers and makes exactly one key pair, and never panics; on
// DescribeKeyPairs they are read again.
func TestClient_incompleteAnswersAreLostAnswers(t *testing.T) {
	t.Parallel()
	for _, rule := range []emulator.FaultRule{
		{Action: "CreateKeyPair", EmptyBody: 0.5},
		{Action: "CreateKeyPair", NullResponse: 0.5},
		{Action: "CreateKeyPair", NoObject: 0.5},
		{Action: "CreateKeyPair", EventStream: 0.5},
		{Action: "DescribeKeyPairs", EmptyBody: 0.5, NullResponse: 0.3},
	} {
		c, ctl := newTestClient(t, emulator.Config{}, 100)
		if err := ctl.SetFaults(t.Context(), emulator.Faults{Seed: 3, Rules: []emulator.FaultRule{rule}}); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"a", "b", "c", "d"} {
			if _, err := c.CreateKeyPair(t.Context(), name, 0, nil); err != nil {
				t.Errorf("%+v: create %s: %v", rule, name, err)
			}
		}
		all, err := c.ListKeyPairs(t.Context(), nil)
		if err != nil {
			t.Fatalf("%+v: list: %v", rule, err)
		}
		if len(all) != 4 {
			t.Errorf("%+v: %d key pairs, want 4", rule, len(all))
		}
		if got := stats(t, ctl).Faults[rule.Action]; got == 0 {
			t.Errorf("%+v: no fault happened: the test proves nothing", rule)
		}
	}
}

// The recovery after a lost create answer outlasts an endpoint that
// refuses connections for a while (more than the 2 retries that calls
// which could not connect get otherwise): the key pair that the lost call
// made is deleted, and nothing is left.
func TestClient_recoveryOutlastsRefusedConnections(t *testing.T) {
	t.Parallel()
	_, target := emulator.NewTestServer(t, emulator.Config{KeyBits: 1024})
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	var creates atomic.Int32
	outage := make(chan struct{})
	proxy := httputil.NewSingleHostReverseProxy(u)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxy.ServeHTTP(w, r)
		if r.Header.Get("X-TC-Action") == "CreateKeyPair" && creates.Add(1) == 1 {
			close(outage)
			// The answer is lost: the connection closes without it.
			panic(http.ErrAbortHandler)
		}
	})
	srv := &http.Server{Handler: handler}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	// Once the lost answer is on its way, nothing listens for a while:
	// connections are refused.
	go func() {
		<-outage
		_ = srv.Close()
		time.Sleep(3 * time.Second)
		ln2, err := net.Listen("tcp", addr)
		if err != nil {
			t.Error(err)
			return
		}
		srv2 := &http.Server{Handler: handler}
		t.Cleanup(func() { _ = srv2.Close() })
		_ = srv2.Serve(ln2)
	}()
	c := clientAt(t, "http://"+addr, 100)
	c.maxRetries = 0
	_, err = c.CreateKeyPair(t.Context(), "refused", 0, nil)
	if err == nil || !isLostAnswer(err) {
		t.Fatalf("create: %v, want the lost answer (max_retries = 0 sends it once)", err)
	}
	var maybe *MaybeCreatedError
	if errors.As(err, &maybe) {
		t.Fatalf("the recovery gave up: %v", err)
	}
	left, err := clientAt(t, target, 100).ListKeyPairs(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("orphans: %d key pairs left", len(left))
	}
}

// When the recovery cannot finish within the operation's time, the error
// says that a key pair of that name may exist, with the create token to
// find it by.
func TestClient_recoveryThatCannotFinishSaysWhatMayBeLeft(t *testing.T) {
	t.Parallel()
	c, ctl := newTestClient(t, emulator.Config{}, 100)
	if err := ctl.SetFaults(t.Context(), emulator.Faults{Seed: 1, Rules: []emulator.FaultRule{
		{Action: "CreateKeyPair", DropAfterCommit: 1},
		{Action: "DescribeKeyPairs", Throttle: 1},
	}}); err != nil {
		t.Fatal(err)
	}
	c.maxRetries = 0
	c.cleanup = time.Second
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	_, err := c.CreateKeyPair(ctx, "unknown_fate", 0, nil)
	var maybe *MaybeCreatedError
	if !errors.As(err, &maybe) || maybe.Name != "unknown_fate" || maybe.Token == "" {
		t.Fatalf("create: %v, want a MaybeCreatedError", err)
	}
	if !strings.Contains(err.Error(), CreateTokenTagKey+"="+maybe.Token) {
		t.Errorf("the error does not give the token to find it by: %v", err)
	}
}

// A key pair refused for an instance whose binding cleared before the
// read that names the users (a terminated instance's lag ending in
// between) is deleted on a later try, not reported in use by nothing.
func TestClient_deleteAfterBindingClearsMidway(t *testing.T) {
	t.Parallel()
	srv, target := emulator.NewTestServer(t, emulator.Config{KeyBits: 1024, TerminateLag: time.Hour, HoldLags: true})
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	var deletes atomic.Int32
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.Header.Get("X-TC-Action") == "DeleteKeyPairs" && deletes.Add(1) == 1 {
			// The binding clears once the first delete was refused.
			srv.EndLags()
		}
		return nil
	}
	front := httptest.NewServer(proxy)
	t.Cleanup(front.Close)
	c := clientAt(t, front.URL, 100)
	ctl := emulator.ControlClient{URL: target}
	kp, err := c.CreateKeyPair(t.Context(), "bound", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ctl.SetInstance(t.Context(), emulator.Instance{InstanceID: "ins-00000001", Region: testRegion, State: "STOPPED", KeyIDs: []string{kp.ID}}); err != nil {
		t.Fatal(err)
	}
	if err := ctl.Terminate(t.Context(), "ins-00000001", testRegion); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteKeyPairUnbinding(t.Context(), kp.ID, false); err != nil {
		t.Fatalf("delete: %v", err)
	}
}
