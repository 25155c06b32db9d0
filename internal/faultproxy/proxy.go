package faultproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/faultdraw"
)

// The defaults of the knobs of Config, as the catalogue describes them.
const (
	DefaultThrottleCalls = 11
	DefaultThrottleFor   = 14 * time.Second
	DefaultRefuseFor     = 3 * time.Second
	// DefaultHugeSize is past 64 MiB, where limits of readers, buffers and
	// message sizes tend to sit.
	DefaultHugeSize = 64<<20 + 1<<10
	DefaultMaxHuge  = 2
	DefaultHold     = 2 * time.Second
)

// maxBodyBytes bounds what a call may upload and what the emulator may
// answer through the proxy: key pair calls and answers are small.
const maxBodyBytes = 16 << 20

// Config configures a Proxy.
type Config struct {
	// Target is the emulator's base URL, such as http://127.0.0.1:8090.
	Target string
	// Kind is the kind of hostile answer, one of the catalogue's.
	Kind Kind
	// Seed decides, with each call's action, region, subject and attempt
	// number, which calls are hit.
	Seed uint64
	// Addr is where the proxy listens; "" is 127.0.0.1 on a free port.
	Addr string
	// Rate, when not 0, replaces the catalogue's rate of the kind: tests
	// set 1 to hit every call.
	Rate float64

	// The knobs below are the catalogue's numbers when 0; tests shorten
	// them.
	ThrottleCalls int           // DescribeKeyPairs refused after a lost answer
	ThrottleFor   time.Duration // for at most this long
	RefuseFor     time.Duration // connections refused after a lost answer
	HugeSize      int64         // bytes of a huge answer
	MaxHuge       int           // huge answers at most, per proxy
	Hold          time.Duration // the longest hold of an interrupt's CreateKeyPair answer
}

// Generated is a key pair whose CreateKeyPair answer passed through the
// proxy, whether the caller heard it or not: the checks look for its
// private key where it must not be.
type Generated struct {
	Name, PublicKey, PrivateKey string
}

// Stats count what the proxy saw and did.
type Stats struct {
	// Calls are the API calls by action, refused and dropped ones
	// included.
	Calls map[string]int
	// Applied are the hostile answers given, by action.
	Applied map[string]int
	// Refusals counts the times the proxy closed its port.
	Refusals int
}

// Proxy is the fault proxy. It owns its listener, so that it can refuse
// connections for a while and then listen again on the same port.
type Proxy struct {
	cfg    Config
	entry  Entry
	target *url.URL
	client *http.Client

	// mu guards the decisions' state and what the proxy records.
	mu            sync.Mutex
	attempts      map[string]uint64
	stats         Stats
	armed         bool
	throttleLeft  int
	throttleUntil time.Time
	streak        int
	streakDone    bool // the arming's streak of empty reads is over
	huge          int
	passed        map[string]chan struct{}
	generated     []Generated
	signatures    map[string]bool
	// names are the key names of the key ids the answers showed, which
	// stand for the ids in the calls' subjects.
	names map[string]string

	net listenerState
}

// New makes a proxy; Start starts it.
func New(cfg Config) (*Proxy, error) {
	entry, err := Lookup(string(cfg.Kind))
	if err != nil {
		return nil, err
	}
	target, err := url.Parse(cfg.Target)
	if err != nil || target.Host == "" {
		return nil, fmt.Errorf("target %q is not a base URL such as http://127.0.0.1:8090", cfg.Target)
	}
	if cfg.Rate != 0 {
		entry.Rate = cfg.Rate
	}
	setDefault(&cfg.ThrottleCalls, DefaultThrottleCalls)
	setDefault(&cfg.ThrottleFor, DefaultThrottleFor)
	setDefault(&cfg.RefuseFor, DefaultRefuseFor)
	setDefault(&cfg.HugeSize, DefaultHugeSize)
	setDefault(&cfg.MaxHuge, DefaultMaxHuge)
	setDefault(&cfg.Hold, DefaultHold)
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	return &Proxy{
		cfg:    cfg,
		entry:  entry,
		target: target,
		// The proxy's own connections to the emulator; never through an
		// HTTP proxy of the environment.
		client:     &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second}},
		attempts:   map[string]uint64{},
		stats:      Stats{Calls: map[string]int{}, Applied: map[string]int{}},
		armed:      !entry.Armed,
		passed:     map[string]chan struct{}{},
		signatures: map[string]bool{},
		names:      map[string]string{},
	}, nil
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// Entry is the catalogue's entry of the proxy's kind, with its rate.
func (p *Proxy) Entry() Entry { return p.entry }

// Arm turns a kind that acts only while armed (Entry.Armed) on or off;
// other kinds are always armed. Each arming gives empty_reads one streak:
// a glitch of a few answers, not an API that says "gone" for good, which
// a provider must in the end believe.
func (p *Proxy) Arm(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed = on || !p.entry.Armed
	p.streak, p.streakDone = 0, false
}

// Passed is closed once a call of action got its answer through the
// proxy (a hostile one included, but not a dropped or cut one).
func (p *Proxy) Passed(action string) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.passedLocked(action)
}

func (p *Proxy) passedLocked(action string) chan struct{} {
	ch, ok := p.passed[action]
	if !ok {
		ch = make(chan struct{})
		p.passed[action] = ch
	}
	return ch
}

func (p *Proxy) pass(action string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ch := p.passedLocked(action)
	select {
	case <-ch:
	default:
		close(ch)
	}
}

// Stats returns a copy of the counts.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Stats{Calls: maps.Clone(p.stats.Calls), Applied: maps.Clone(p.stats.Applied), Refusals: p.stats.Refusals}
}

// Generated returns the key pairs whose CreateKeyPair answers passed
// through the proxy, private keys included.
func (p *Proxy) Generated() []Generated {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.generated)
}

// Signatures returns the request signatures the proxy saw, which must
// never show in a log.
func (p *Proxy) Signatures() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Sorted(maps.Keys(p.signatures))
}

// answer is what the proxy does with one call.
type answer int

const (
	pass answer = iota
	refuseThrottled
	emptyBody
	nullResponse
	noObject
	wrongContentType
	dropAfterCommit
	cutAfterCommit
	dropThenThrottle
	dropThenRefuse
	huge
	emptyRead
	hold
)

// decide rolls the call's dice and says what to do with it. Every call
// counts as an attempt of its subject, hit or not, so that a call sent
// again gets a fresh roll.
func (p *Proxy) decide(action, region string, body []byte) (answer, faultdraw.Draw) {
	p.mu.Lock()
	defer p.mu.Unlock()
	subj := subject(action, body, p.renameLocked)
	p.stats.Calls[action]++
	key := action + "\x00" + region + "\x00" + subj
	attempt := p.attempts[key]
	p.attempts[key]++
	d := faultdraw.New(p.cfg.Seed, attempt, string(p.entry.Kind), action, region, subj)
	if action == "DescribeKeyPairs" && p.throttleLeft > 0 {
		if time.Now().Before(p.throttleUntil) {
			p.throttleLeft--
			return refuseThrottled, d
		}
		p.throttleLeft = 0
	}
	if !p.entry.actsOn(action) {
		return pass, d
	}
	hit := d.Float(rollHit) < p.entry.Rate
	switch p.entry.Kind {
	case EmptyBody:
		return choose(hit, emptyBody), d
	case NullResponse:
		return choose(hit, nullResponse), d
	case NoObject:
		return choose(hit, noObject), d
	case WrongContentType:
		return choose(hit, wrongContentType), d
	case DroppedAfterCommit, TagLag:
		return choose(hit, dropAfterCommit), d
	case CutAfterCommit:
		return choose(hit, cutAfterCommit), d
	case ThrottledRecovery:
		// One recovery at a time: a window in force is not stacked.
		return choose(hit && p.throttleLeft == 0, dropThenThrottle), d
	case RefusedRecovery:
		return choose(hit && !p.net.isDown(), dropThenRefuse), d
	case HugeBody:
		if hit && p.huge < p.cfg.MaxHuge {
			p.huge++
			return huge, d
		}
	case EmptyReads:
		if !p.armed {
			return pass, d
		}
		if p.streak > 0 {
			p.streak--
			p.streakDone = p.streak == 0
			return emptyRead, d
		}
		if hit && !p.streakDone {
			// 2 or 3 in a row: the provider's read, then its confirming
			// read of its own, and maybe one more.
			p.streak = 1
			if d.Float(rollStreak) < 0.5 {
				p.streak = 2
			}
			return emptyRead, d
		}
	case Interrupt:
		return choose(hit, hold), d
	}
	return pass, d
}

func choose(hit bool, a answer) answer {
	if hit {
		return a
	}
	return pass
}

// renameLocked names a key id after its key pair, when an answer showed
// it.
func (p *Proxy) renameLocked(id string) string {
	if name, ok := p.names[id]; ok {
		return "name:" + name
	}
	return id
}

// learnNames keeps the key names of the ids that an answer shows: those
// of CreateKeyPair and DescribeKeyPairs, and the id that ImportKeyPair
// gave the name it was asked.
func (p *Proxy) learnNames(action string, request, answer []byte) {
	var env struct {
		Response struct {
			KeyId      string
			KeyPair    *struct{ KeyId, KeyName string }
			KeyPairSet []struct{ KeyId, KeyName string }
		}
	}
	if json.Unmarshal(answer, &env) != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	r := env.Response
	switch {
	case action == "CreateKeyPair" && r.KeyPair != nil && r.KeyPair.KeyId != "":
		p.names[r.KeyPair.KeyId] = r.KeyPair.KeyName
	case action == "ImportKeyPair" && r.KeyId != "":
		var req struct{ KeyName string }
		if json.Unmarshal(request, &req) == nil && req.KeyName != "" {
			p.names[r.KeyId] = req.KeyName
		}
	case action == "DescribeKeyPairs":
		for _, kp := range r.KeyPairSet {
			if kp.KeyId != "" && kp.KeyName != "" {
				p.names[kp.KeyId] = kp.KeyName
			}
		}
	}
}

// applied counts a hostile answer given.
func (p *Proxy) applied(action string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats.Applied[action]++
}

var signaturePattern = regexp.MustCompile(`Signature=([0-9a-fA-F]{16,})`)

// ServeHTTP forwards one call to the emulator, or not, and answers it as
// the kind says.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		drop()
	}
	action, region := r.Header.Get("X-TC-Action"), r.Header.Get("X-TC-Region")
	if m := signaturePattern.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		p.mu.Lock()
		p.signatures[m[1]] = true
		p.mu.Unlock()
	}
	a, d := p.decide(action, region, body)
	if a == refuseThrottled {
		// Refused before the emulator sees it, as a throttled call is.
		p.applied(action)
		writeAPIError(w, "RequestLimitExceeded", "The request rate limit was exceeded (fault proxy).")
		p.pass(action)
		return
	}
	resp, respBody, err := p.forward(r, body)
	if err != nil {
		// The emulator could not be reached, or the caller gave up: no
		// answer either way.
		drop()
	}
	contentType := resp.Header.Get("Content-Type")
	if action == "CreateKeyPair" {
		p.noteGenerated(respBody)
	}
	p.learnNames(action, body, respBody)
	if a != pass {
		p.applied(action)
	}
	// From here the call reached the emulator and whatever it changed is
	// committed: the answers below lose or spoil what the caller hears.
	switch a {
	case emptyBody:
		writeBody(w, http.StatusOK, "application/json", []byte(`{}`))
	case nullResponse:
		writeBody(w, http.StatusOK, "application/json", []byte(`{"Response":null}`))
	case noObject:
		if stripped, ok := withoutObject(action, respBody); ok {
			writeBody(w, resp.StatusCode, contentType, stripped)
		} else {
			writeBody(w, resp.StatusCode, contentType, respBody)
		}
	case wrongContentType:
		writeBody(w, resp.StatusCode, "text/event-stream", respBody)
	case dropAfterCommit:
		drop()
	case cutAfterCommit:
		cut(w, contentType, respBody)
		return
	case dropThenThrottle:
		p.mu.Lock()
		p.throttleLeft, p.throttleUntil = p.cfg.ThrottleCalls, time.Now().Add(p.cfg.ThrottleFor)
		p.mu.Unlock()
		drop()
	case dropThenRefuse:
		if p.refuse() {
			p.mu.Lock()
			p.stats.Refusals++
			p.mu.Unlock()
		}
		drop()
	case huge:
		writeHuge(w, respBody, p.cfg.HugeSize)
	case emptyRead:
		writeBody(w, http.StatusOK, "application/json", emptyReadBody())
	case hold:
		wait := time.Duration(d.Float(rollHold) * float64(p.cfg.Hold))
		select {
		case <-time.After(wait):
		case <-r.Context().Done():
			return
		}
		writeBody(w, resp.StatusCode, contentType, respBody)
	default:
		writeBody(w, resp.StatusCode, contentType, respBody)
	}
	p.pass(action)
}

// forward sends the call to the emulator as it came, Host header
// included: the signature covers it.
func (p *Proxy) forward(r *http.Request, body []byte) (*http.Response, []byte, error) {
	u := *p.target
	u.Path, u.RawQuery = r.URL.Path, r.URL.RawQuery
	out, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	out.Header = r.Header.Clone()
	out.Header.Del("Connection")
	out.Host = r.Host
	resp, err := p.client.Do(out)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	if err != nil {
		return nil, nil, err
	}
	return resp, respBody, nil
}

// noteGenerated keeps the key pair of a CreateKeyPair answer.
func (p *Proxy) noteGenerated(body []byte) {
	var env struct {
		Response struct {
			KeyPair *struct {
				KeyName, PublicKey, PrivateKey string
			}
		}
	}
	if json.Unmarshal(body, &env) != nil || env.Response.KeyPair == nil || env.Response.KeyPair.PrivateKey == "" {
		return
	}
	kp := env.Response.KeyPair
	p.mu.Lock()
	defer p.mu.Unlock()
	p.generated = append(p.generated, Generated{Name: kp.KeyName, PublicKey: kp.PublicKey, PrivateKey: kp.PrivateKey})
}

// Close stops the proxy: its listener, its connections and its
// connections to the emulator. Calls in flight end without an answer.
func (p *Proxy) Close() error {
	err := p.net.close()
	p.client.CloseIdleConnections()
	return err
}

// Start listens on Config.Addr and serves.
func (p *Proxy) Start() error {
	return p.net.start(p.cfg.Addr, p, p.cfg.RefuseFor)
}

// URL is the proxy's base URL, such as http://127.0.0.1:PORT.
func (p *Proxy) URL() string {
	return "http://" + p.net.address()
}

// refuse closes the port for RefuseFor, then listens again on it.
func (p *Proxy) refuse() bool {
	return p.net.refuse()
}

// WaitListening waits until the port listens again after a refusal.
func (p *Proxy) WaitListening(ctx context.Context) error {
	return p.net.waitReopened(ctx)
}
