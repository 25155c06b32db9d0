// Package client is the one layer through which the provider talks to the
// Tencent Cloud API, and what is about Tencent Cloud key pairs: the
// actions and how each is sent (actions.go, retry.go), the calls about key
// pairs (keypairs.go) and projects (projects.go), finding them in the
// region's listing (listing.go), the rule that every write returns once
// DescribeKeyPairs shows it, and deletes (consistency.go, lag.go), the
// INFO lines that tell the waits long enough to notice (progress.go), the
// recovery after a lost answer (recovery.go), credentials and STS
// (credentials.go) and the typed errors (errors.go). The mechanisms that
// know nothing of key pairs are its leaf packages: retry, batch,
// ratelimit and transport. The Terraform types in internal/provider never
// call the SDK directly.
package client

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tag "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client/batch"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client/ratelimit"
	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/client/transport"
)

// DefaultRateLimit is the documented limit of every CVM key pair action:
// 10 calls per second.
const DefaultRateLimit = apicontract.RateLimitPerAction

// DefaultRequestTimeout bounds one API call: an endpoint that accepts the
// connection and never answers fails the call after it.
const DefaultRequestTimeout = 30 * time.Second

// DefaultMaxRetries bounds the retries of one call; the context (and so the
// resource timeouts) bounds them too.
const DefaultMaxRetries = 10

// Config holds what the provider configuration resolved to.
type Config struct {
	SecretID      string
	SecretKey     string
	SecurityToken string
	Region        string
	// Endpoint is a base URL such as http://127.0.0.1:8090 that every call
	// goes to instead of the public endpoints; empty for the real cloud.
	Endpoint string
	// Domain replaces the root domain tencentcloudapi.com of the public
	// endpoints (<service>.<domain>); Protocol is HTTP or HTTPS (the
	// default). Endpoint, when set, wins over both.
	Domain, Protocol string
	// CredentialSource says where SecretID and SecretKey came from, for
	// error messages ("the provider block", `profile "default" (...)`).
	CredentialSource string
	// AssumeRole, when set, makes every call use temporary credentials of
	// this role, assumed with SecretID and SecretKey and renewed before
	// they expire.
	AssumeRole *AssumeRole
	// Now is the clock that decides when temporary credentials are
	// renewed; nil means time.Now. Tests move it.
	Now func() time.Time
	// RateLimit is the number of calls per second allowed for each action.
	RateLimit float64
	// MaxRetries is how often a retryable failure is retried.
	MaxRetries int
	// RequestTimeout bounds each API call, inside the operation's own
	// timeout; 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// WrapTransport, when set, wraps the HTTP transport of the CVM and Tag
	// clients and of STS, for the endpoint (Endpoint, "" for the real
	// cloud). It is how tests watch the traffic, such as the snapshot
	// recorder (internal/snapshot), which so stays out of the provider
	// binary.
	WrapTransport func(next http.RoundTripper, endpoint string) http.RoundTripper
}

// Client is shared by every resource and data source of one configured
// provider, so that all of them draw from the same rate limit buckets.
type Client struct {
	region string
	cvm    *cvm.Client
	tag    *tag.Client
	// ssm is the generic client of Secrets Manager (ssm.go): the SDK's
	// ssm module cannot be had, so its calls take types of this package.
	ssm        *common.Client
	rateLimit  float64
	maxRetries int
	// requestTimeout bounds each call; endpoint names where calls go, for
	// errors.
	requestTimeout time.Duration
	endpoint       string

	mu       sync.Mutex
	limiters map[string]*ratelimit.Limiter
	// fixedRate keeps every action at rateLimit, whatever the API
	// answers: tests compare the adaptive rate with it.
	fixedRate bool

	// retryBase is the first backoff delay; tests shorten it.
	retryBase time.Duration
	// settle bounds the waits for eventual consistency that decide
	// something (consistency.go); tests shorten it.
	settle time.Duration
	// cleanup is the least time a recovery gets (recovery.go); tests
	// shorten it.
	cleanup time.Duration
	// showLag and goneLag learn how long new key pairs take to show in
	// DescribeKeyPairs, and deleted ones to leave it (lag.go).
	showLag, goneLag lagEstimate

	// calls, retries and waits count this client's API calls, the calls
	// it sent again, and the reads again of its waits, for Stats.
	calls, retries, waits atomic.Int64

	listing listing
	// projectList is the account's projects, listed once (projects.go).
	projectList projectList
	reads       *batch.Batcher[*KeyPair]
	deletes     *batch.Batcher[struct{}]
	// secretTagReads reads the tags of several secrets in one Tag API
	// call (ssm.go).
	secretTagReads *batch.Batcher[map[string]string]

	credentialSource string
	role             *roleCredential // nil without assume_role
	transport        *http.Transport
}

// Batching: a batch leaves when no caller joined for its window, and at
// the latest after batchMaxWait. Reads come in bursts from a refresh;
// deletes arrive one after another as Terraform's parallel walk frees its
// slots, so their window is longer.
const (
	readBatchWindow   = 5 * time.Millisecond
	deleteBatchWindow = 80 * time.Millisecond
	batchMaxWait      = 500 * time.Millisecond
)

// New builds the SDK clients for one region. It makes no call: with
// AssumeRole, the role is assumed by CheckCredentials or the first call.
func New(cfg Config) (*Client, error) {
	var cred common.CredentialIface = common.NewTokenCredential(cfg.SecretID, cfg.SecretKey, cfg.SecurityToken)
	cp := profile.NewClientProfile()
	// Region breaker stays off: with it, the SDK may redirect calls to a
	// public backup endpoint, which must never happen with an override.
	cp.DisableRegionBreaker = true
	// Retries happen in this package, where they can respect the context
	// and the rate limiter; the SDK's own retries stay off.
	cp.RateLimitExceededMaxRetries = 0
	cp.NetworkFailureMaxRetries = 0
	cp.Language = "en-US"
	requestTimeout := cfg.RequestTimeout
	if requestTimeout <= 0 {
		requestTimeout = DefaultRequestTimeout
	}
	// Each call's context ends at requestTimeout (retry.go); the SDK's own
	// timeout is only a backstop behind it.
	cp.HttpProfile.ReqTimeout = int(requestTimeout/time.Second) + 5
	switch strings.ToUpper(cfg.Protocol) {
	case "", "HTTPS":
		cp.HttpProfile.Scheme = "HTTPS"
	case "HTTP":
		cp.HttpProfile.Scheme = "HTTP"
	default:
		return nil, fmt.Errorf("protocol %q: must be HTTP or HTTPS", cfg.Protocol)
	}
	if cfg.Domain != "" {
		if strings.Contains(cfg.Domain, "/") {
			return nil, fmt.Errorf("domain %q: must be a root domain such as tencentcloudapi.com, without scheme or path", cfg.Domain)
		}
		cp.HttpProfile.RootDomain = cfg.Domain
	}
	if cfg.Endpoint != "" {
		u, err := url.Parse(cfg.Endpoint)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("endpoint %q is not a base URL such as http://127.0.0.1:8090", cfg.Endpoint)
		}
		cp.HttpProfile.Scheme = strings.ToUpper(u.Scheme)
		cp.HttpProfile.Endpoint = u.Host + strings.TrimSuffix(u.Path, "/")
	}

	// Terraform runs up to 10 operations at once by default; keep enough
	// idle connections so that each of them reuses one.
	httpTransport := &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true, IdleConnTimeout: 90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second, ExpectContinueTimeout: time.Second}
	httpTransport.MaxIdleConnsPerHost = 64
	httpTransport.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	// Request and response bodies are logged at TRACE, with secrets
	// redacted (transport.Logging), and then go through the test's
	// WrapTransport, if any. Answers are capped in size
	// (transport.CapAnswers) below everything that reads them.
	wrap := cfg.WrapTransport
	if wrap == nil {
		wrap = func(next http.RoundTripper, _ string) http.RoundTripper { return next }
	}
	capped := transport.CapAnswers{Next: httpTransport}
	logged := wrap(transport.Logging{Next: capped}, cfg.Endpoint)

	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	var role *roleCredential
	var stsClient *common.Client
	if cfg.AssumeRole != nil {
		r := *cfg.AssumeRole
		if r.SessionDuration == 0 {
			r.SessionDuration = DefaultSessionDuration
		}
		if r.SessionDuration < 0 || r.SessionDuration > MaxSessionDuration {
			return nil, fmt.Errorf("assume_role.session_duration %d: must be from 0 to %d seconds", r.SessionDuration, MaxSessionDuration)
		}
		sts := common.NewCommonClient(cred, cfg.Region, cp)
		sts.WithHttpTransport(wrap(capped, cfg.Endpoint))
		role = &roleCredential{role: r, source: cfg.CredentialSource, now: now}
		// role.send is set below, once the client that counts its retries
		// exists.
		stsClient = sts
		cred = role
	}

	cvmClient, err := cvm.NewClient(cred, cfg.Region, cp)
	if err != nil {
		return nil, fmt.Errorf("create CVM client: %w", err)
	}
	cvmClient.WithHttpTransport(logged)
	tagClient, err := tag.NewClient(cred, cfg.Region, cp)
	if err != nil {
		return nil, fmt.Errorf("create Tag client: %w", err)
	}
	tagClient.WithHttpTransport(logged)
	ssmClient := common.NewCommonClient(cred, cfg.Region, cp)
	ssmClient.WithHttpTransport(logged)

	rl := cfg.RateLimit
	if rl <= 0 {
		rl = DefaultRateLimit
	}
	mr := cfg.MaxRetries
	if mr < 0 {
		mr = 0
	}
	endpoint := cfg.Endpoint
	if endpoint == "" {
		domain := cfg.Domain
		if domain == "" {
			domain = "tencentcloudapi.com"
		}
		endpoint = strings.ToLower(cp.HttpProfile.Scheme) + "://cvm." + domain
	}
	c := &Client{
		requestTimeout: requestTimeout,
		endpoint:       endpoint,
		region:         cfg.Region,
		cvm:            cvmClient,
		tag:            tagClient,
		ssm:            ssmClient,
		rateLimit:      rl,
		maxRetries:     mr,
		limiters:       map[string]*ratelimit.Limiter{},
		retryBase:      200 * time.Millisecond,
		settle:         defaultSettle,
		cleanup:        cleanupTimeout,

		credentialSource: cfg.CredentialSource,
		role:             role,
		transport:        httpTransport,
	}
	if role != nil {
		role.send = stsSender(stsClient, 200*time.Millisecond, &c.retries)
	}
	c.reads = batcherFor(c, actDescribeKeyPairs, readBatchWindow, apicontract.MaxIDsPerCall, c.describeMany, c.describeSingle)
	c.deletes = batcherFor(c, actDeleteKeyPairs, deleteBatchWindow, apicontract.MaxIDsPerCall, c.deleteMany, c.deleteSingle)
	c.secretTagReads = batcherFor(c, actDescribeResourceTagsByResourceIds, readBatchWindow, apicontract.MaxResourceIdsPerDescribe, c.secretTagsMany, c.secretTagsSingle)
	return c, nil
}

// batcherFor builds the batcher of an action declared batchable: its
// calls carry at most maxIDs ids, and a batch stays open while the
// action's rate limiter would hold its call.
func batcherFor[V any](c *Client, a apiAction, window time.Duration, maxIDs int,
	send func(context.Context, []string) (map[string]V, error), single func(context.Context, string) (V, bool, error)) *batch.Batcher[V] {
	if !a.batchable {
		panic(a.name + " is not declared batchable (actions.go)")
	}
	return &batch.Batcher[V]{Window: window, MaxWait: batchMaxWait, Max: maxIDs,
		Send: send, Single: single, AboutOneKey: aboutOneKeyPair, Hold: c.untilAllowed(a)}
}

// Stats are the counts of one client since it was made.
type Stats struct {
	// Calls is the number of API calls sent, retries included.
	Calls int64
	// Retries is the number of calls sent again after a throttle, a
	// server fault, a network failure or a lost answer.
	Retries int64
	// Waits is the number of reads again while waiting for the API to
	// show a change (it is eventually consistent).
	Waits int64
}

// Stats returns the client's counts.
func (c *Client) Stats() Stats {
	return Stats{Calls: c.calls.Load(), Retries: c.retries.Load(), Waits: c.waits.Load()}
}

// Region is the region every call of this client goes to.
func (c *Client) Region() string { return c.region }

// CredentialSource says where the credentials came from, and which role
// they assume, for error messages. It never holds a secret.
func (c *Client) CredentialSource() string {
	if c.role != nil {
		return c.role.describe()
	}
	if c.credentialSource == "" {
		return "the provider configuration"
	}
	return c.credentialSource
}

// CheckCredentials assumes the role of assume_role now, so that a wrong
// role or source credential fails the configuration with the STS error
// rather than the first call. Without assume_role it makes no call.
func (c *Client) CheckCredentials(ctx context.Context) error {
	if c.role == nil {
		return nil
	}
	return c.role.ensure(ctx)
}

// CredentialError is the error of the last failed renewal of temporary
// credentials, or nil.
func (c *Client) CredentialError() error {
	if c.role == nil {
		return nil
	}
	c.role.mu.Lock()
	defer c.role.mu.Unlock()
	return c.role.lastErr
}

// untilAllowed returns how long, from now, a call of action would wait for
// its rate limiter, without taking its turn.
func (c *Client) untilAllowed(a apiAction) func() time.Duration {
	return func() time.Duration {
		return max(0, c.limiter(a).Delay())
	}
}

// limiter returns the rate limiter of one action: calls leave evenly
// spaced, one at a time (a token bucket of burst 1), so that the server's
// bucket (which allows a burst of its full rate) never runs dry even when
// network latency bunches them; at rate_limit (scaled by the action's
// documented rate, actions.go), unless the API refuses calls for the
// account's limit (internal/client/ratelimit).
func (c *Client) limiter(a apiAction) *ratelimit.Limiter {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.limiters[a.name]
	if !ok {
		l = ratelimit.New(a.ratePerSecond(c.rateLimit), c.fixedRate)
		c.limiters[a.name] = l
	}
	return l
}
