// Package client is the one layer through which the provider talks to the
// Tencent Cloud API: SDK clients, rate limiting, retries and finders. The
// Terraform types in internal/provider never call the SDK directly.
package client

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tag "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"
	"golang.org/x/time/rate"
)

// DefaultRateLimit is the documented limit of every CVM key pair action:
// 10 calls per second.
const DefaultRateLimit = 10

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
	// RateLimit is the number of calls per second allowed for each action.
	RateLimit float64
	// MaxRetries is how often a retryable failure is retried.
	MaxRetries int
}

// Client is shared by every resource and data source of one configured
// provider, so that all of them draw from the same rate limit buckets.
type Client struct {
	region     string
	cvm        *cvm.Client
	tag        *tag.Client
	rateLimit  float64
	maxRetries int

	mu       sync.Mutex
	limiters map[string]*rate.Limiter

	// retryBase is the first backoff delay; tests shorten it.
	retryBase time.Duration

	listing listing
	reads   *batcher[*KeyPair]
	deletes *batcher[struct{}]
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

// New builds the SDK clients for one region.
func New(cfg Config) (*Client, error) {
	cred := common.NewTokenCredential(cfg.SecretID, cfg.SecretKey, cfg.SecurityToken)
	cp := profile.NewClientProfile()
	// Region breaker stays off: with it, the SDK may redirect calls to a
	// public backup endpoint, which must never happen with an override.
	cp.DisableRegionBreaker = true
	// Retries happen in this package, where they can respect the context
	// and the rate limiter; the SDK's own retries stay off.
	cp.RateLimitExceededMaxRetries = 0
	cp.NetworkFailureMaxRetries = 0
	cp.Language = "en-US"
	cp.HttpProfile.ReqTimeout = 60
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
	transport := &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true, IdleConnTimeout: 90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second, ExpectContinueTimeout: time.Second}
	transport.MaxIdleConnsPerHost = 64
	transport.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext

	cvmClient, err := cvm.NewClient(cred, cfg.Region, cp)
	if err != nil {
		return nil, fmt.Errorf("create CVM client: %w", err)
	}
	cvmClient.WithHttpTransport(transport)
	tagClient, err := tag.NewClient(cred, cfg.Region, cp)
	if err != nil {
		return nil, fmt.Errorf("create Tag client: %w", err)
	}
	tagClient.WithHttpTransport(transport)

	rl := cfg.RateLimit
	if rl <= 0 {
		rl = DefaultRateLimit
	}
	mr := cfg.MaxRetries
	if mr < 0 {
		mr = 0
	}
	c := &Client{
		region:     cfg.Region,
		cvm:        cvmClient,
		tag:        tagClient,
		rateLimit:  rl,
		maxRetries: mr,
		limiters:   map[string]*rate.Limiter{},
		retryBase:  200 * time.Millisecond,
	}
	c.reads = &batcher[*KeyPair]{window: readBatchWindow, maxWait: batchMaxWait, max: maxIDsPerCall,
		send: c.describeMany, single: c.describeSingle, hold: c.untilAllowed("DescribeKeyPairs")}
	c.deletes = &batcher[struct{}]{window: deleteBatchWindow, maxWait: batchMaxWait, max: maxIDsPerCall,
		send: c.deleteMany, single: c.deleteSingle, hold: c.untilAllowed("DeleteKeyPairs")}
	return c, nil
}

// Region is the region every call of this client goes to.
func (c *Client) Region() string { return c.region }

// untilAllowed returns how long, from now, a call of action would wait for
// its rate limiter, without taking a token.
func (c *Client) untilAllowed(action string) func() time.Duration {
	return func() time.Duration {
		tokens := c.limiter(action).Tokens()
		if tokens >= 1 {
			return 0
		}
		return time.Duration((1 - tokens) / c.rateLimit * float64(time.Second))
	}
}

// limiter returns the token bucket of one action. The burst is 1: calls
// leave evenly spaced, so that the server's bucket (which allows a burst of
// its full rate) never runs dry even when network latency bunches them.
func (c *Client) limiter(action string) *rate.Limiter {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.limiters[action]
	if !ok {
		l = rate.NewLimiter(rate.Limit(c.rateLimit), 1)
		c.limiters[action] = l
	}
	return l
}
