package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// ControlClient drives an emulator's control API over HTTP: the tests of
// other packages and the benchmark use it to read counters, inject faults
// and add instances.
type ControlClient struct {
	// URL is the emulator's base URL, such as http://127.0.0.1:8090.
	URL string
	// Token, when not empty, is sent as "Authorization: Bearer TOKEN":
	// the emulator's Config.ControlToken (--control-token).
	Token string
	// HTTPClient sends the calls; nil is http.DefaultClient.
	HTTPClient *http.Client
}

// Stats are the emulator's counters per action. Calls counts every call
// that got past authentication and routing, throttled and faulted ones
// included; Throttled counts rate limit refusals, Faults injected faults.
type Stats struct {
	Calls     map[string]int `json:"calls"`
	Throttled map[string]int `json:"throttled"`
	Faults    map[string]int `json:"faults"`
}

// FaultRule gives, per call of an action (or "*"), the independent
// probabilities of each fault. The first rule naming the action wins, else
// the first "*" rule. A call meets at most one of InternalError,
// Throttle, DropAfterCommit, ResetMidBody, BadGateway and TruncatedJSON:
// the first of them, in that order, whose roll hits; Latency adds to any
// of them.
//
// InternalError and Throttle answer the call with InternalError or
// RequestLimitExceeded before it changes anything. The other four let
// the call commit its change and then lose the answer: DropAfterCommit
// closes the connection without an answer (the SDK's
// ClientError.NetworkError); ResetMidBody sends the headers and half of
// the body, then closes the connection; BadGateway answers HTTP 502 with
// an HTML page, as a gateway does (the SDK reports both as
// ClientError.ParseJsonError, since it parses the body before it looks
// at the status); TruncatedJSON answers HTTP 200 with the first 90% of
// the JSON body and a Content-Length that counts just that, so that the
// SDK reads the answer whole and fails to parse it: its
// ClientError.ParseJsonError quotes the cut body, which for a
// CreateKeyPair holds most of the private key.
//
// Answers that parse but are not what the API sends, which a broken
// gateway or proxy may give (the emulator's own invention, for testing
// clients; the real service is not known to send them): EmptyBody answers
// `{}` and NullResponse `{"Response":null}`, both with HTTP 200, after
// the call committed; NoObject answers the call's envelope and RequestId
// without the object the action always answers (the KeyPair of
// CreateKeyPair, the KeyId of ImportKeyPair, the KeyPairSet and
// TotalCount of DescribeKeyPairs), after the commit; EventStream answers
// the whole answer with `Content-Type: text/event-stream`, which the SDK
// takes for a stream of server-sent events and cannot read into a key
// pair answer; EmptyRead answers a DescribeKeyPairs with an empty
// KeyPairSet and TotalCount 0, whatever exists (a stale or partitioned
// read). They come after TruncatedJSON in the order, in the order
// listed here.
type FaultRule struct {
	Action          string  `json:"action"`
	InternalError   float64 `json:"internal_error"`
	Throttle        float64 `json:"throttle"`
	DropAfterCommit float64 `json:"drop_after_commit"`
	ResetMidBody    float64 `json:"reset_mid_body"`
	BadGateway      float64 `json:"bad_gateway"`
	TruncatedJSON   float64 `json:"truncated_json"`
	EmptyBody       float64 `json:"empty_body"`
	NullResponse    float64 `json:"null_response"`
	NoObject        float64 `json:"no_object"`
	EventStream     float64 `json:"event_stream"`
	EmptyRead       float64 `json:"empty_read"`
	Latency         float64 `json:"latency"`
	LatencyMS       int     `json:"latency_ms"`
}

// Faults is the body of PUT /_emulator/faults; no rules turns faults off.
//
// Whether a call is faulted depends only on the seed, the action, the
// region, what the call is about and its attempt number, never on the
// order in which calls arrive. What a call is about is the key name of
// CreateKeyPair and ImportKeyPair; the key ids of DescribeKeyPairs (with
// its filters, offset and limit), DeleteKeyPairs, ModifyKeyPairAttribute
// and the instance (dis)associations (with the instance ids); the resource
// of ModifyResourceTags; the role and session of AssumeRole. Lists count
// as sets. The attempt number is how many calls with the same action,
// region and subject the emulator saw since the faults were set, so that a
// call sent again gets a fresh roll. The same calls thus get the same
// faults under a seed however they interleave; calls that differ, such as
// batches made up by timing or key ids that differ between emulators, may
// not.
type Faults struct {
	Seed  uint64      `json:"seed"`
	Rules []FaultRule `json:"rules"`
}

// Instance is an instance as the control API takes and shows it. A
// terminated instance shows as TERMINATED, with the key pairs it still
// holds, until the emulator's terminate lag is over.
type Instance struct {
	InstanceID string   `json:"InstanceId"`
	Region     string   `json:"Region"`
	State      string   `json:"State"`
	OsType     string   `json:"OsType"`
	KeyIDs     []string `json:"KeyIds"`
}

// Image is a custom image as the control API takes and shows it: the key
// pairs it holds cannot be deleted.
type Image struct {
	ImageID string   `json:"ImageId"`
	Region  string   `json:"Region"`
	KeyIDs  []string `json:"KeyIds"`
}

// KeyPool is how many generated keys wait in the pool, of its size.
type KeyPool struct {
	Ready int `json:"ready"`
	Size  int `json:"size"`
}

// Lags says whether the emulator holds its lags (Config.HoldLags) and
// how many are pending.
type Lags struct {
	Held    bool      `json:"held"`
	Pending LagCounts `json:"pending"`
}

// Lags reads whether the lags are held and how many are pending.
func (c ControlClient) Lags(ctx context.Context) (Lags, error) {
	var l Lags
	err := c.call(ctx, http.MethodGet, "lags", nil, &l)
	return l, err
}

// HoldLags holds every lag until EndLags ends it (held true), or lets the
// clock end them again (false), as Config.HoldLags does from the start. A
// lag that the clock had ended when it is held stays over.
func (c ControlClient) HoldLags(ctx context.Context, held bool) error {
	return c.call(ctx, http.MethodPut, "lags", map[string]bool{"held": held}, nil)
}

// EndLags ends every pending visibility, tag and terminate lag now: new
// key pairs show in DescribeKeyPairs, deleted ones and terminated
// instances are gone, tag changes show. It returns how many of each it
// ended. Lags that begin later run as before: held, if the lags are.
func (c ControlClient) EndLags(ctx context.Context) (LagCounts, error) {
	var n LagCounts
	err := c.call(ctx, http.MethodPost, "lags/end", nil, &n)
	return n, err
}

// KeyPool reads the fill of the key pool.
func (c ControlClient) KeyPool(ctx context.Context) (KeyPool, error) {
	var p KeyPool
	err := c.call(ctx, http.MethodGet, "keypool", nil, &p)
	return p, err
}

// Stats reads the counters.
func (c ControlClient) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	err := c.call(ctx, http.MethodGet, "stats", nil, &s)
	return s, err
}

// SetFaults replaces the fault rules.
func (c ControlClient) SetFaults(ctx context.Context, f Faults) error {
	if f.Rules == nil {
		f.Rules = []FaultRule{}
	}
	return c.call(ctx, http.MethodPut, "faults", f, nil)
}

// SetInstance adds an instance or changes its State (RUNNING, STOPPED, or
// TERMINATED to terminate it, see Terminate) and OsType. KeyIDs, when not
// nil, are the key pairs bound to a new instance, as when it is made with
// them; an existing instance keeps its own, which KeyIDs may only repeat
// (the API binds and unbinds them after creation).
func (c ControlClient) SetInstance(ctx context.Context, in Instance) error {
	body := map[string]any{"InstanceId": in.InstanceID, "Region": in.Region, "State": in.State, "OsType": in.OsType}
	if in.KeyIDs != nil {
		body["KeyIds"] = in.KeyIDs
	}
	return c.call(ctx, http.MethodPost, "instances", body, nil)
}

// Terminate terminates an instance: its key pairs stay bound to it for
// the emulator's terminate lag, and then it is gone.
func (c ControlClient) Terminate(ctx context.Context, instanceID, region string) error {
	return c.SetInstance(ctx, Instance{InstanceID: instanceID, Region: region, State: "TERMINATED"})
}

// SetImage adds an image that holds key pairs, or replaces its key pairs.
func (c ControlClient) SetImage(ctx context.Context, im Image) error {
	if im.KeyIDs == nil {
		im.KeyIDs = []string{}
	}
	return c.call(ctx, http.MethodPost, "images", im, nil)
}

// Images lists the images with the key pairs they hold.
func (c ControlClient) Images(ctx context.Context) ([]Image, error) {
	var out []Image
	err := c.call(ctx, http.MethodGet, "images", nil, &out)
	return out, err
}

// DeleteImage deletes an image, freeing its key pairs.
func (c ControlClient) DeleteImage(ctx context.Context, imageID string) error {
	return c.call(ctx, http.MethodDelete, "images/"+url.PathEscape(imageID), nil, nil)
}

// Instances lists the instances with the key pairs bound to them.
func (c ControlClient) Instances(ctx context.Context) ([]Instance, error) {
	var out []Instance
	err := c.call(ctx, http.MethodGet, "instances", nil, &out)
	return out, err
}

// AddRole adds a role that STS AssumeRole may assume, such as
// {RoleArn: "qcs::cam::uin/100000000001:roleName/deployer"}; with an
// ExternalID, AssumeRole must send it.
func (c ControlClient) AddRole(ctx context.Context, r Role) error {
	return c.call(ctx, http.MethodPost, "roles", r, nil)
}

// Roles lists the roles.
func (c ControlClient) Roles(ctx context.Context) ([]Role, error) {
	var out []Role
	err := c.call(ctx, http.MethodGet, "roles", nil, &out)
	return out, err
}

// Reset makes the emulator forget everything.
func (c ControlClient) Reset(ctx context.Context) error {
	return c.call(ctx, http.MethodPost, "reset", nil, nil)
}

func (c ControlClient) call(ctx context.Context, method, name string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(c.URL, "/")+controlPrefix+name, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("emulator control API %s %s: %w", method, name, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("emulator control API %s %s: %s: %s", method, name, resp.Status, bytes.TrimSpace(b))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}
