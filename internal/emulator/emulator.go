// Package emulator is a local Tencent Cloud API endpoint for CVM key pairs
// and the tags on them, and for the Secrets Manager secrets that host key
// pairs. It speaks the real wire protocol (TC3-HMAC-SHA256
// signed JSON POSTs, the API 3.0 envelope) and applies the documented
// validations, error codes, quota and rate limit, so that the provider's
// tests and demos can run without a cloud account.
package emulator

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// The demo account, used when no credentials are configured. The values are
// public on purpose: they only open this emulator.
const (
	DemoSecretID  = "AKIDEMULATORDEMO00000000000000000000"
	DemoSecretKey = "emulator-demo-secret-key-0000000000"
	// DemoUin is the account's uin, used in tag resource names.
	DemoUin = "100000000001"
)

const (
	defaultQuota   = apicontract.MaxKeyPairs
	defaultKeyBits = 2048
	keyPoolSize    = 16

	// maxBodyBytes bounds what a call may upload; key pair calls are tiny.
	maxBodyBytes = 1 << 20
)

// Credential is an API key the emulator accepts. A non-empty Token makes it
// temporary: calls must then send it in X-TC-Token, before Expires if set.
type Credential struct {
	SecretID, SecretKey, Token string
	Expires                    time.Time
}

// The scopes of Config.Scope.
const (
	// ScopeAccount: the quota, key name and public key uniqueness count
	// per account; DescribeKeyPairs in any region lists every key pair of
	// the account, and the other key pair actions find a key pair by id
	// whatever region they name. The product documentation says "each
	// Tencent Cloud account can have up to 100 SSH keys" (213/6092), and
	// the pages of DescribeKeyPairs (213/15699), DeleteKeyPairs
	// (213/15700) and ImportKeyPair (213/15703) mark Region as not
	// required. Instances stay regional: binding finds instances in the
	// region the call names only.
	ScopeAccount = "account"
	// ScopeRegion: all of that per region, as key pairs would be if they
	// were regional resources.
	ScopeRegion = "region"
)

// The lags that Config.Strict sets when their field is 0.
const (
	StrictVisibilityLag = time.Second
	StrictTagLag        = 2 * time.Second
	StrictTerminateLag  = 3 * time.Second
)

// Config configures a Server.
type Config struct {
	Credentials []Credential     // empty => the demo pair
	Roles       []Role           // roles that STS AssumeRole may assume
	RateLimit   float64          // calls per second per action per region but the Tag API's own (see rateOf); 0 = off
	Quota       int              // key pairs per account (per region in ScopeRegion); 0 => 100
	KeyBits     int              // 0 => 2048
	KeyPool     int              // keys generated ahead; 0 => 16
	Projects    []int64          // extra projects; 0 always exists
	StateFile   string           // "" => in memory only
	Now         func() time.Time // nil => time.Now (for clock-skew tests and the lags)
	// FirstKeyID, when not 0, makes the key ids of a new state a fixed
	// sequence, so that faults keyed by ids replay under the same seed;
	// 0 starts the sequence at random, keeping runs apart.
	FirstKeyID uint64

	// Scope is ScopeAccount or ScopeRegion; "" is ScopeAccount.
	Scope string

	// Strict turns on every behaviour below: the booleans, and each lag
	// whose field is 0 gets its Strict default (StrictVisibilityLag,
	// StrictTagLag, StrictTerminateLag). A negative lag is no lag, with
	// or without Strict, so that one lag can be turned off under Strict.
	Strict bool

	// LeanCreate makes CreateKeyPair answer a KeyPair of only KeyId,
	// KeyName, ProjectId, PublicKey and PrivateKey, as the example of its
	// page (213/15702) does. ImportKeyPair answers only KeyId in any case,
	// as its page (213/15703) and the SDK's ImportKeyPairResponseParams
	// document.
	LeanCreate bool
	// VisibilityLag is how long a new key pair stays out of
	// DescribeKeyPairs (by id, in listings and filters), and how long a
	// deleted one stays in it. A deleted key pair keeps its name, its
	// public key and its place in the quota until it disappears, so a
	// create of the same name meanwhile answers
	// InvalidKeyPairName.Duplicate; the other actions no longer find it.
	// The actions by id (delete, modify, bind, tags) find a new key pair
	// at once.
	VisibilityLag time.Duration
	// TagLag is how long the tags set by a create or by a Tag API write
	// take to show in DescribeKeyPairs (its answer and its tag filters)
	// and in the Tag API's reads of resources; until then the tags from
	// before show.
	TagLag time.Duration
	// PartialDelete makes DeleteKeyPairs with more than one id delete
	// those it can and answer success, leaving the key pairs that
	// instances or images hold: "you must check yourself whether every
	// key pair was deleted" (the SDK's cvm/v20170312/client.go,
	// DeleteKeyPairs). With one id it answers the error as before.
	PartialDelete bool
	// TerminateLag is how long an instance terminated through the control
	// API stays listed in its key pairs' AssociatedInstanceIds, while
	// unbinding it answers InvalidInstanceId.NotFound and deleting its key
	// pairs InvalidParameterValue.KeyPairNotSupported (official provider
	// issues tencentcloudstack/terraform-provider-tencentcloud#194, #375).
	TerminateLag time.Duration
	// HoldLags makes every lag last until it is ended through the control
	// API (POST /_emulator/lags/end, ControlClient.EndLags), however long
	// its field says: a test that needs a lag pending, and then over,
	// ends it when it wants instead of racing the clock, which a busy
	// machine makes lose. The fields above still say which lags there
	// are: a lag of 0 is none, held or not. PUT /_emulator/lags changes
	// it while the emulator runs; a reset brings it back to this value.
	HoldLags bool
	// RestartAfterForceStop makes an instance that was RUNNING run again
	// after a key pair was bound or unbound with ForceStop: "如实例原状态为
	// RUNNING，绑定完成后实例会自动开机" (if the instance was RUNNING it
	// starts again once bound; the SDK's client.go,
	// AssociateInstancesKeyPairs, and the same of
	// DisassociateInstancesKeyPairs). Without it, the instance stays
	// STOPPED.
	RestartAfterForceStop bool
	// SSMRecoveryWindow lets DeleteSecret schedule the deletion of an SSH
	// key pair secret (RecoveryWindowInDays 1 to 30: PendingDelete, then
	// gone, unless RestoreSecret brings it back), which the documentation
	// refuses: "For an SSH key secret, this field can only be 0"
	// (DeleteSecret 1078/38655, and the SDK's DeleteSecretRequestParams).
	// Off, such a call answers InvalidParameterValue, as documented. It is
	// for tests of a client's handling of PendingDelete secrets.
	SSMRecoveryWindow bool
	// NumericKeyComments makes the public keys of CreateKeyPair end in
	// skey_ and a number, like skey_112168 in the example of its page
	// (213/15702), instead of skey_ and the key id's suffix.
	NumericKeyComments bool

	// ControlToken, when not empty, is the bearer token that every call of
	// the control API (/_emulator/...) must send, as
	// "Authorization: Bearer TOKEN"; a call without it or with another
	// token is answered 401. Empty leaves the control API open to whoever
	// can reach it, which only a loopback listener makes safe. It must not
	// hold spaces or control characters.
	ControlToken string
	// ListenAddr is the address the server listens on, as given to
	// --listen (HOST:PORT). Both the control API and the signed API accept
	// only the Host headers that name a loopback address (localhost,
	// 127.0.0.0/8, ::1), the IP address the connection arrived at, the
	// host of ListenAddr or one of AllowHosts, so that a web page cannot
	// reach either through DNS rebinding: the control API answers 403 to
	// any other, the signed API AuthFailure.UnauthorizedOperation. The
	// signed API also answers calls sent to it as to a proxy for
	// *.tencentcloudapi.com (see proxyFormAPICall). "" adds no host.
	ListenAddr string
	// AllowHosts are more names (or IP addresses) that the Host header may
	// give, without a port, compared without regard to case: the names by
	// which clients reach the emulator besides loopback and the listen
	// address, such as a container's service name (--allow-host).
	AllowHosts []string

	// The timeouts of the http.Server that HTTPServer and NewTestServer
	// make; 0 is the default, and a negative value is refused.
	// ReadHeaderTimeout bounds reading a request's headers (default
	// DefaultReadHeaderTimeout), ReadTimeout reading a whole request, body
	// included (DefaultReadTimeout), WriteTimeout writing an answer once
	// it is ready (DefaultWriteTimeout), and IdleTimeout how long a
	// keep-alive connection may wait for its next request
	// (DefaultIdleTimeout). The time an API call spends in the emulator (a
	// latency fault of up to 5 minutes, generating a key) counts against
	// neither ReadTimeout nor WriteTimeout: ServeHTTP moves the
	// connection's deadlines past it.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// MaxConnections caps the connections that Listener (and so
	// NewTestServer) keeps open at once; past the cap, new connections
	// wait in the kernel's backlog until one closes. 0 is
	// DefaultMaxConnections; a negative value is refused.
	MaxConnections int
}

// settings are the behaviours of a Config with Strict applied.
type settings struct {
	accountScope          bool
	leanCreate            bool
	visibilityLag         time.Duration
	tagLag                time.Duration
	partialDelete         bool
	terminateLag          time.Duration
	restartAfterForceStop bool
	numericKeyComments    bool
	ssmRecoveryWindow     bool
}

func (c Config) settings() (settings, error) {
	var st settings
	switch c.Scope {
	case "", ScopeAccount:
		st.accountScope = true
	case ScopeRegion:
	default:
		return st, fmt.Errorf("scope %q: must be %q or %q", c.Scope, ScopeAccount, ScopeRegion)
	}
	lag := func(d, strict time.Duration) time.Duration {
		switch {
		case d < 0:
			return 0
		case d == 0 && c.Strict:
			return strict
		}
		return d
	}
	st.leanCreate = c.LeanCreate || c.Strict
	st.visibilityLag = lag(c.VisibilityLag, StrictVisibilityLag)
	st.tagLag = lag(c.TagLag, StrictTagLag)
	st.partialDelete = c.PartialDelete || c.Strict
	st.terminateLag = lag(c.TerminateLag, StrictTerminateLag)
	st.restartAfterForceStop = c.RestartAfterForceStop || c.Strict
	st.numericKeyComments = c.NumericKeyComments || c.Strict
	st.ssmRecoveryWindow = c.SSMRecoveryWindow
	return st, nil
}

// Server is an http.Handler that serves the emulated API and the control API
// under /_emulator/. It holds the state of the accounts it serves.
type Server struct {
	now      func() time.Time
	quota    int
	set      settings
	projects map[int64]bool
	limit    float64
	pool     *keyPool
	store    *persister // nil without a state file
	// stateFile is Config.StateFile.
	stateFile string
	// projectsCreated is the CreateTime of every project: when the
	// server started.
	projectsCreated time.Time

	// credMu guards the accepted credentials and the roles.
	credMu sync.RWMutex
	creds  map[string]Credential
	roles  map[string]Role

	// mu guards everything below. It is never held while sleeping for a
	// latency fault or generating a key.
	mu       sync.Mutex
	st       state
	stats    Stats
	limiters map[string]*rate.Limiter
	faults   faultSet
	// lagsHeld: no lag is over by the clock (Config.HoldLags).
	lagsHeld bool
	// sealKey seals the private keys of the SSM secrets; it is kept
	// beside the state file, never in it (see sealKeyLocked), and made on
	// first use.
	sealKey []byte

	// What the control API and the HTTP server are guarded by: fixed
	// after New.
	controlToken string
	holdLags     bool            // Config.HoldLags, which a reset brings back
	allowHosts   map[string]bool // of AllowHosts and ListenAddr, by hostKey
	timeouts     timeouts
	maxConns     int

	closeOnce sync.Once
	closeErr  error
}

// New starts a Server, loading the state file when there is one, and starts
// its pool of pre-generated keys.
func New(cfg Config) (*Server, error) {
	s := &Server{
		now:      cfg.Now,
		quota:    cfg.Quota,
		projects: map[int64]bool{0: true},
		limit:    cfg.RateLimit,
		creds:    map[string]Credential{},
		roles:    map[string]Role{},
		limiters: map[string]*rate.Limiter{},
		stats:    newStats(),
		faults:   newFaultSet(Faults{}),
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.projectsCreated = s.now()
	set, err := cfg.settings()
	if err != nil {
		return nil, err
	}
	s.set = set
	s.holdLags = cfg.HoldLags
	if err := s.configureHTTP(cfg); err != nil {
		return nil, err
	}
	if s.quota == 0 {
		s.quota = defaultQuota
	}
	if s.quota < 0 {
		return nil, fmt.Errorf("quota %d: must not be negative", cfg.Quota)
	}
	if s.limit < 0 || math.IsNaN(s.limit) || math.IsInf(s.limit, 0) {
		return nil, fmt.Errorf("rate limit %v: must be a non-negative number", cfg.RateLimit)
	}
	bits := cfg.KeyBits
	if bits == 0 {
		bits = defaultKeyBits
	}
	// Go refuses RSA keys under 1024 bits, and very large keys would make
	// every create take seconds.
	if bits < 1024 || bits > 8192 || bits%8 != 0 {
		return nil, fmt.Errorf("key bits %d: must be a multiple of 8 from 1024 to 8192", bits)
	}
	for _, p := range cfg.Projects {
		if p < 0 {
			return nil, fmt.Errorf("project %d: must not be negative", p)
		}
		s.projects[p] = true
	}
	creds := cfg.Credentials
	if len(creds) == 0 {
		creds = []Credential{{SecretID: DemoSecretID, SecretKey: DemoSecretKey}}
	}
	for _, c := range creds {
		if c.SecretID == "" || c.SecretKey == "" {
			return nil, errors.New("credential: SecretID and SecretKey must both be set")
		}
		s.creds[c.SecretID] = c
	}
	for _, r := range cfg.Roles {
		if err := s.AddRole(r); err != nil {
			return nil, err
		}
	}
	s.st = newState()
	if cfg.FirstKeyID != 0 {
		s.st.NextID = cfg.FirstKeyID % keyIDSpace
	}
	s.stateFile = cfg.StateFile
	if s.sealKey, err = loadSealKey(cfg.StateFile); err != nil {
		return nil, err
	}
	if cfg.StateFile != "" {
		st, err := loadState(cfg.StateFile)
		if err != nil {
			return nil, err
		}
		s.st = st
		s.store = newPersister(cfg.StateFile, s.snapshot)
	}
	// Held from the start, the lags of a loaded state that the clock has
	// ended stay over.
	s.mu.Lock()
	now := s.now()
	s.expireLocked(now)
	s.holdLagsLocked(cfg.HoldLags, now)
	s.mu.Unlock()
	poolSize := cfg.KeyPool
	if poolSize <= 0 {
		poolSize = keyPoolSize
	}
	s.pool = newKeyPool(bits, poolSize)
	return s, nil
}

// Close stops the key pool and flushes the state file. It is safe to call
// more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.pool.close()
		if s.store != nil {
			s.closeErr = s.store.close()
		}
	})
	return s.closeErr
}

// AddCredential adds or replaces an accepted credential.
func (s *Server) AddCredential(c Credential) {
	s.credMu.Lock()
	defer s.credMu.Unlock()
	s.creds[c.SecretID] = c
}

func (s *Server) credential(id string) (Credential, bool) {
	s.credMu.RLock()
	defer s.credMu.RUnlock()
	c, ok := s.creds[id]
	return c, ok
}

// ServeHTTP answers one call. Steps, in order: check the Host header (see
// signedHostAllowed), authenticate, route, count, inject faults, rate-limit,
// then run the action; nothing changes state before the action runs.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		s.serveControl(w, r)
		return
	}
	if r.Method == http.MethodConnect {
		refuseConnect(w)
		return
	}
	// Before anything else, so that a refused call is not even counted.
	if !s.signedHostAllowed(r) {
		writeAPIError(w, hostRefused(r))
		return
	}
	if r.Method != http.MethodPost {
		// GET calls exist only with the older signature methods, which the
		// emulator does not model.
		writeAPIError(w, newError(apicontract.CodeUnsupportedProtocol, "Only POST with a TC3-HMAC-SHA256 signature is supported, not %s.", r.Method))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		writeAPIError(w, newError(apicontract.CodeInvalidParameter, "The request body could not be read."))
		return
	}
	if len(body) > maxBodyBytes {
		writeAPIError(w, newError(apicontract.CodeRequestSizeLimitExceeded, "The request body is larger than %d bytes.", maxBodyBytes))
		return
	}
	// From here the call may take long (a latency fault, a key generated
	// on demand): the deadlines cover reading the request and writing the
	// answer, not that.
	s.stretchDeadlines(w)
	call, apiErr := verifyTC3(r.Header, r.Host, body, s.now(), s.credential)
	if apiErr != nil {
		writeAPIError(w, apiErr)
		return
	}
	name := r.Header.Get("X-TC-Action")
	region := r.Header.Get("X-TC-Region")
	handler, apiErr := route(call.Service, r.Header.Get("X-TC-Version"), name)
	if apiErr != nil {
		writeAPIError(w, apiErr)
		return
	}
	s.count(name)
	if apiErr := checkRegion(call.Service, region); apiErr != nil {
		writeAPIError(w, apiErr)
		return
	}
	fault := s.rollFaults(name, region, body)
	if fault.latency > 0 {
		select {
		case <-time.After(fault.latency):
		case <-r.Context().Done():
			return
		}
		s.stretchDeadlines(w)
	}
	switch {
	case fault.internalError:
		writeAPIError(w, newError(apicontract.CodeInternalError, "An internal error occurred (injected fault)."))
		return
	case fault.throttle:
		writeAPIError(w, newError(apicontract.CodeRequestLimitExceeded, "The request rate limit was exceeded (injected fault)."))
		return
	}
	if fault.emptyRead && name == "DescribeKeyPairs" {
		writeResult(w, map[string]any{"KeyPairSet": []any{}, "TotalCount": 0})
		return
	}
	if !s.allow(name, region) {
		writeAPIError(w, newError(apicontract.CodeRequestLimitExceeded, "The request rate of %s in region %q exceeds %v per second.", name, region, s.rateOf(name)))
		return
	}
	result, apiErr := handler(s, region, body)
	s.stretchDeadlines(w)
	// Whatever the action did stays done under the faults below, but the
	// caller never hears the answer whole.
	switch {
	case fault.dropAfterCommit:
		// net/http closes the connection without a response.
		panic(http.ErrAbortHandler)
	case fault.resetMidBody:
		resetMidBody(w, envelopeBody(result, apiErr))
		return
	case fault.badGateway:
		writeBadGateway(w)
		return
	case fault.truncatedJSON:
		writeTruncatedJSON(w, envelopeBody(result, apiErr))
		return
	case fault.emptyBody:
		writeEnvelope(w, []byte(`{}`))
		return
	case fault.nullResponse:
		writeEnvelope(w, []byte(`{"Response":null}`))
		return
	case fault.noObject && apiErr == nil:
		writeResult(w, withoutObject(result))
		return
	case fault.eventStream:
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(envelopeBody(result, apiErr))
		return
	}
	if apiErr != nil {
		writeAPIError(w, apiErr)
		return
	}
	writeResult(w, result)
}

// allow applies the per-action, per-region token bucket. It uses the real
// clock even when Config.Now is set, so that a frozen test clock does not
// freeze the buckets.
func (s *Server) allow(action, region string) bool {
	limit := s.rateOf(action)
	if limit == 0 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := action + "\x00" + region
	lim, ok := s.limiters[key]
	if !ok {
		lim = rate.NewLimiter(rate.Limit(limit), max(1, int(math.Ceil(limit))))
		s.limiters[key] = lim
	}
	if lim.Allow() {
		return true
	}
	s.stats.Throttled[action]++
	return false
}

func (s *Server) count(action string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Calls[action]++
}

// changed records that the state changed, so the state file gets written.
func (s *Server) changed() {
	if s.store != nil {
		s.store.kick()
	}
}
