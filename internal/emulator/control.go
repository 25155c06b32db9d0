package emulator

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"golang.org/x/time/rate"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// The control API is plain JSON without signatures. It exists only here:
// tests use it to read counters, inject faults and stand in for the
// instance API that the emulator does not have.
const controlPrefix = "/_emulator/"

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	if !s.admitControl(w, r) {
		return
	}
	switch strings.TrimPrefix(r.URL.Path, controlPrefix) {
	case "stats":
		if r.Method != http.MethodGet {
			controlError(w, http.StatusMethodNotAllowed, "use GET")
			return
		}
		s.mu.Lock()
		b, err := json.Marshal(s.stats)
		s.mu.Unlock()
		controlReply(w, b, err)
	case "reset":
		if r.Method != http.MethodPost {
			controlError(w, http.StatusMethodNotAllowed, "use POST")
			return
		}
		s.reset()
		controlReply(w, []byte(`{}`), nil)
	case "instances":
		switch r.Method {
		case http.MethodGet:
			b, err := json.Marshal(s.instances())
			controlReply(w, b, err)
		case http.MethodPost:
			s.putInstance(w, r)
		default:
			controlError(w, http.StatusMethodNotAllowed, "use GET or POST")
		}
	case "images":
		switch r.Method {
		case http.MethodGet:
			b, err := json.Marshal(s.images())
			controlReply(w, b, err)
		case http.MethodPost:
			s.putImage(w, r)
		default:
			controlError(w, http.StatusMethodNotAllowed, "use GET or POST")
		}
	case "roles":
		s.serveRoles(w, r)
	case "keypool":
		// How many generated keys wait in the pool: a benchmark waits
		// for a full pool, so that it does not time key generation.
		if r.Method != http.MethodGet {
			controlError(w, http.StatusMethodNotAllowed, "use GET")
			return
		}
		b, err := json.Marshal(KeyPool{Ready: len(s.pool.keys), Size: cap(s.pool.keys)})
		controlReply(w, b, err)
	case "lags":
		switch r.Method {
		case http.MethodGet:
			s.serveLags(w, nil)
		case http.MethodPut:
			var in struct {
				Held *bool `json:"held"`
			}
			if err := decodeControl(r, &in); err != nil {
				controlError(w, http.StatusBadRequest, err.Error())
				return
			}
			if in.Held == nil {
				controlError(w, http.StatusBadRequest, `the body must give "held": true or false`)
				return
			}
			s.serveLags(w, in.Held)
		default:
			controlError(w, http.StatusMethodNotAllowed, "use GET or PUT")
		}
	case "lags/end":
		if r.Method != http.MethodPost {
			controlError(w, http.StatusMethodNotAllowed, "use POST")
			return
		}
		b, err := json.Marshal(s.EndLags())
		controlReply(w, b, err)
	case "faults":
		switch r.Method {
		case http.MethodGet:
			s.mu.Lock()
			b, err := json.Marshal(s.faults.cfg)
			s.mu.Unlock()
			controlReply(w, b, err)
		case http.MethodPut:
			s.putFaults(w, r)
		default:
			controlError(w, http.StatusMethodNotAllowed, "use GET or PUT")
		}
	default:
		if id, ok := strings.CutPrefix(r.URL.Path, controlPrefix+"images/"); ok {
			if r.Method != http.MethodDelete {
				controlError(w, http.StatusMethodNotAllowed, "use DELETE")
				return
			}
			s.deleteImage(w, id)
			return
		}
		controlError(w, http.StatusNotFound, "no such control endpoint: "+r.URL.Path)
	}
}

// EndLags ends every pending lag now, as POST /_emulator/lags/end does,
// and returns how many of each kind it ended: for tests that serve the
// emulator themselves and end the lags from inside a call, at a point of
// its handling that they choose.
func (s *Server) EndLags() LagCounts {
	now := s.lockState()
	defer s.mu.Unlock()
	return s.endLagsLocked(now)
}

// serveLags answers whether the lags are held and how many are pending,
// after holding them or letting them go when held is not nil.
func (s *Server) serveLags(w http.ResponseWriter, held *bool) {
	now := s.lockState()
	if held != nil {
		s.holdLagsLocked(*held, now)
	}
	lags := Lags{Held: s.lagsHeld, Pending: s.pendingLagsLocked(now)}
	s.mu.Unlock()
	b, err := json.Marshal(lags)
	controlReply(w, b, err)
}

// reset forgets key pairs, instances, images, roles, counters, faults and
// rate buckets, and holds the lags or not as Config.HoldLags says. The
// key id counter is kept so that ids from before the reset are not
// reused, and credentials stay accepted.
func (s *Server) reset() {
	s.credMu.Lock()
	s.roles = map[string]Role{}
	s.credMu.Unlock()
	s.mu.Lock()
	next := s.st.NextID
	s.st = emptyState(next)
	s.stats = newStats()
	s.faults = newFaultSet(Faults{})
	s.limiters = map[string]*rate.Limiter{}
	s.lagsHeld = s.holdLags
	s.mu.Unlock()
	s.changed()
}

func (s *Server) instances() []Instance {
	s.lockState()
	defer s.mu.Unlock()
	out := []Instance{}
	for _, in := range s.st.Instances {
		out = append(out, viewInstance(in))
	}
	slices.SortFunc(out, func(a, b Instance) int { return strings.Compare(a.InstanceID, b.InstanceID) })
	return out
}

func viewInstance(in *instance) Instance {
	return Instance{InstanceID: in.ID, Region: in.Region, State: in.State, OsType: in.OsType, KeyIDs: slices.Clone(in.KeyIDs)}
}

// putInstance adds an instance or changes the State and OsType of one.
// Omitted State and OsType keep their value, or default to RUNNING and
// LINUX for a new instance. State TERMINATED terminates an existing
// instance: it stays (as TERMINATED) for the terminate lag, bound to its
// key pairs but not found by the API, and then it is forgotten; a
// terminated instance cannot change any more.
//
// KeyIds binds key pairs to a new instance, as RunInstances' LoginSettings
// does when an instance is made with them (the SDK's LoginSettings.KeyIds:
// Windows does not take key pairs). Each must exist where the instance's
// region sees it. An existing instance keeps the key pairs bound to it:
// KeyIds may only repeat them, in any order, since after creation only the
// API (AssociateInstancesKeyPairs and DisassociateInstancesKeyPairs)
// binds and unbinds key pairs.
func (s *Server) putInstance(w http.ResponseWriter, r *http.Request) {
	var in struct {
		InstanceId, Region, State, OsType string
		KeyIds                            []string
	}
	if err := decodeControl(r, &in); err != nil {
		controlError(w, http.StatusBadRequest, err.Error())
		return
	}
	keyIDs, msg := controlKeyIDs(in.KeyIds)
	if msg != "" {
		controlError(w, http.StatusBadRequest, msg)
		return
	}
	switch {
	case !apicontract.InstanceIDPattern.MatchString(in.InstanceId):
		controlError(w, http.StatusBadRequest, "InstanceId must be ins- and 8 lowercase letters or digits")
		return
	case !regions[in.Region]:
		controlError(w, http.StatusBadRequest, fmt.Sprintf("Region %q is not a supported region", in.Region))
		return
	case in.State != "" && in.State != stateRunning && in.State != stateStopped && in.State != stateTerminated:
		controlError(w, http.StatusBadRequest, "State must be RUNNING, STOPPED or TERMINATED")
		return
	case in.OsType != "" && in.OsType != osLinux && in.OsType != osWindows:
		controlError(w, http.StatusBadRequest, "OsType must be LINUX or WINDOWS")
		return
	}
	now := s.lockState()
	cur, ok := s.st.Instances[in.InstanceId]
	var conflict string
	switch {
	case ok && cur.Region != in.Region:
		conflict = fmt.Sprintf("instance %s is in %s, not %s", cur.ID, cur.Region, in.Region)
	case ok && !cur.Terminated.IsZero() && (in.State != "" && in.State != stateTerminated || in.OsType != "" && in.OsType != cur.OsType):
		conflict = fmt.Sprintf("instance %s is terminated", cur.ID)
	}
	if conflict != "" {
		s.mu.Unlock()
		controlError(w, http.StatusConflict, conflict)
		return
	}
	if !ok && in.State == stateTerminated {
		s.mu.Unlock()
		controlError(w, http.StatusNotFound, fmt.Sprintf("instance %s does not exist", in.InstanceId))
		return
	}
	if in.KeyIds != nil {
		var status int
		switch {
		case ok && !sameMembers(cur.KeyIDs, keyIDs):
			status, msg = http.StatusConflict, fmt.Sprintf("instance %s exists: KeyIds binds key pairs only to a new instance; bind and unbind with AssociateInstancesKeyPairs and DisassociateInstancesKeyPairs", cur.ID)
		case !ok && in.OsType == osWindows && len(keyIDs) > 0:
			status, msg = http.StatusBadRequest, "a WINDOWS instance cannot be made with key pairs"
		case !ok:
			for _, id := range keyIDs {
				if s.findKeyPair(in.Region, id) == nil {
					status, msg = http.StatusNotFound, fmt.Sprintf("key pair %s does not exist in %s", id, s.scopeName(in.Region))
					break
				}
			}
		}
		if msg != "" {
			s.mu.Unlock()
			controlError(w, status, msg)
			return
		}
	}
	if !ok {
		cur = &instance{ID: in.InstanceId, Region: in.Region, State: stateRunning, OsType: osLinux, KeyIDs: keyIDs}
		s.st.Instances[cur.ID] = cur
	}
	if in.State == stateTerminated && cur.Terminated.IsZero() {
		cur.Terminated = now.UTC()
	}
	if in.State != "" {
		cur.State = in.State
	}
	if in.OsType != "" {
		cur.OsType = in.OsType
	}
	view := viewInstance(cur)
	// Without a terminate lag, a terminated instance goes at once.
	s.expireLocked(now)
	s.mu.Unlock()
	s.changed()
	b, err := json.Marshal(view)
	controlReply(w, b, err)
}

// controlKeyIDs checks the KeyIds of a control call: at most 100
// (MaxIDsPerCall, as in the API's calls), each a key pair id; duplicates
// are dropped. It returns the ids, never nil, or what is wrong.
func controlKeyIDs(raw []string) ([]string, string) {
	if len(raw) > apicontract.MaxIDsPerCall {
		return nil, fmt.Sprintf("KeyIds: at most %d key pair ids, not %d", apicontract.MaxIDsPerCall, len(raw))
	}
	ids := []string{}
	for _, id := range raw {
		if !apicontract.KeyPairIDPattern.MatchString(id) {
			return nil, fmt.Sprintf("KeyIds: %q is not a key pair id", id)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, ""
}

// sameMembers tells whether a and b hold the same ids, in any order.
func sameMembers(a, b []string) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(id string) bool { return !slices.Contains(b, id) })
}

func (s *Server) putFaults(w http.ResponseWriter, r *http.Request) {
	var cfg Faults
	if err := decodeControl(r, &cfg); err != nil {
		controlError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := cfg.validate(); err != nil {
		controlError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	s.faults = newFaultSet(cfg)
	b, err := json.Marshal(s.faults.cfg)
	s.mu.Unlock()
	controlReply(w, b, err)
}

func decodeControl(r *http.Request, dst any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("decode request body: %w", err)
	}
	return nil
}

func controlReply(w http.ResponseWriter, body []byte, err error) {
	if err != nil {
		controlError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func controlError(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(map[string]string{"error": msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *Server) images() []Image {
	s.lockState()
	defer s.mu.Unlock()
	out := []Image{}
	for _, im := range s.st.Images {
		out = append(out, Image{ImageID: im.ID, Region: im.Region, KeyIDs: slices.Clone(im.KeyIDs)})
	}
	slices.SortFunc(out, func(a, b Image) int { return strings.Compare(a.ImageID, b.ImageID) })
	return out
}

// putImage adds an image, or replaces the key pairs of one. Every key pair
// must exist where the image's region can see it (anywhere in account
// scope), and not be deleted.
func (s *Server) putImage(w http.ResponseWriter, r *http.Request) {
	var in Image
	if err := decodeControl(r, &in); err != nil {
		controlError(w, http.StatusBadRequest, err.Error())
		return
	}
	switch {
	case !apicontract.ImageIDPattern.MatchString(in.ImageID):
		controlError(w, http.StatusBadRequest, "ImageId must be img- and 8 lowercase letters or digits")
		return
	case !regions[in.Region]:
		controlError(w, http.StatusBadRequest, fmt.Sprintf("Region %q is not a supported region", in.Region))
		return
	}
	keyIDs := []string{}
	for _, id := range in.KeyIDs {
		if !apicontract.KeyPairIDPattern.MatchString(id) {
			controlError(w, http.StatusBadRequest, fmt.Sprintf("KeyIds: %q is not a key pair id", id))
			return
		}
		if !slices.Contains(keyIDs, id) {
			keyIDs = append(keyIDs, id)
		}
	}
	s.lockState()
	if cur, ok := s.st.Images[in.ImageID]; ok && cur.Region != in.Region {
		s.mu.Unlock()
		controlError(w, http.StatusConflict, fmt.Sprintf("image %s is in %s, not %s", cur.ID, cur.Region, in.Region))
		return
	}
	for _, id := range keyIDs {
		if s.findKeyPair(in.Region, id) == nil {
			s.mu.Unlock()
			controlError(w, http.StatusNotFound, fmt.Sprintf("key pair %s does not exist in %s", id, s.scopeName(in.Region)))
			return
		}
	}
	s.st.Images[in.ImageID] = &image{ID: in.ImageID, Region: in.Region, KeyIDs: keyIDs}
	s.mu.Unlock()
	s.changed()
	b, err := json.Marshal(Image{ImageID: in.ImageID, Region: in.Region, KeyIDs: keyIDs})
	controlReply(w, b, err)
}

func (s *Server) deleteImage(w http.ResponseWriter, id string) {
	s.lockState()
	_, ok := s.st.Images[id]
	delete(s.st.Images, id)
	s.mu.Unlock()
	if !ok {
		controlError(w, http.StatusNotFound, fmt.Sprintf("image %s does not exist", id))
		return
	}
	s.changed()
	controlReply(w, []byte(`{}`), nil)
}

// admitControl answers, and returns false for, a control call that may not
// go on. In order:
//
//   - 403 when the Host header names neither a loopback address
//     (localhost, 127.0.0.0/8, ::1, with any port), nor the IP address the
//     connection arrived at, nor the host of Config.ListenAddr, nor a name
//     of Config.AllowHosts (see hostAllowed, which the signed API asks
//     too). A web page that rebinds its own name to 127.0.0.1 still sends
//     its name as the Host, so this keeps it out; every name accepted is
//     either an IP address or one the operator chose.
//   - 401 when Config.ControlToken is set and the call does not send it as
//     "Authorization: Bearer TOKEN". The comparison takes the same time
//     whatever the token sent.
//   - 415 when a call other than GET or HEAD does not declare its body
//     application/json, body or not. A web page can send a cross-origin
//     POST without asking first (a CORS "simple" request) only with a
//     text/plain, form or multipart body, or none; a JSON one makes the
//     browser ask first, and the emulator never allows it. GET and HEAD
//     carry no body and change nothing, and a page of another origin
//     cannot read their answer, so they need no content type.
func (s *Server) admitControl(w http.ResponseWriter, r *http.Request) bool {
	if !s.hostAllowed(r) {
		controlError(w, http.StatusForbidden, fmt.Sprintf("Host %q is not a loopback address, the address the emulator listens on or a name of --allow-host", r.Host))
		return false
	}
	if s.controlToken != "" && !bearerMatches(r.Header.Get("Authorization"), s.controlToken) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="tencentcloud-emulator control API"`)
		controlError(w, http.StatusUnauthorized, "the control API needs the header Authorization: Bearer TOKEN, with the emulator's control token")
		return false
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			controlError(w, http.StatusUnsupportedMediaType, fmt.Sprintf("%s needs Content-Type: application/json, not %q", r.Method, r.Header.Get("Content-Type")))
			return false
		}
	}
	return true
}

// bearerMatches tells whether an Authorization header carries token as a
// bearer token. It compares digests, so that the time taken depends on
// neither the token's length nor where the two differ.
func bearerMatches(header, token string) bool {
	scheme, got, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	a := sha256.Sum256([]byte(strings.TrimSpace(got)))
	b := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}
