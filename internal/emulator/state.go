package emulator

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// state is everything the emulator remembers about the account. It is what
// the state file holds.
type state struct {
	// NextID feeds key id generation; it survives restarts and resets so
	// that an id is never handed out twice.
	NextID    uint64               `json:"next_id"`
	KeyPairs  []*keyPair           `json:"key_pairs"` // in creation order
	Instances map[string]*instance `json:"instances"`
	Images    map[string]*image    `json:"images"`
	// Tags is the account's tag list as the Tag API keeps it: every tag
	// created with CreateTag or ever attached to a key pair, until
	// DeleteTag deletes it, sorted by key and value (see
	// Server.accountTags).
	Tags []tag `json:"tags,omitempty"`
	// Secrets are the SSH key pair secrets of Secrets Manager, in
	// creation order. Their private keys are sealed (see secret).
	Secrets []*secret `json:"secrets,omitempty"`
}

type keyPair struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Region      string    `json:"region"`
	ProjectID   int64     `json:"project_id"`
	Description string    `json:"description"`
	PublicKey   string    `json:"public_key"`
	Material    string    `json:"material"` // the key in SSH wire format, for duplicate checks
	Created     time.Time `json:"created"`
	Tags        []tag     `json:"tags"`
	// Deleted, when set, is when DeleteKeyPairs deleted the key pair:
	// it stays listed, and keeps its name, public key and place in the
	// quota, until the visibility lag is over.
	Deleted time.Time `json:"deleted,omitzero"`
	// Shown says that the visibility lag of a new key pair was ended
	// before its time (POST /_emulator/lags/end), or was over when the
	// lags were held: DescribeKeyPairs shows it whatever the clock says.
	Shown bool `json:"shown,omitempty"`
	// TagChanges are the tag changes that DescribeKeyPairs does not show
	// yet, oldest first (see Server.shownTags).
	TagChanges []tagChange `json:"tag_changes,omitempty"`
}

// tagChange is a change of a key pair's tags at a time, with the tags
// from before it.
type tagChange struct {
	At     time.Time `json:"at"`
	Before []tag     `json:"before"`
}

type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type instance struct {
	ID     string   `json:"id"`
	Region string   `json:"region"`
	State  string   `json:"state"`
	OsType string   `json:"os_type"`
	KeyIDs []string `json:"key_ids"`
	// Terminated, when set, is when the instance was terminated: its key
	// pairs stay bound to it until the terminate lag is over, and then it
	// is forgotten.
	Terminated time.Time `json:"terminated,omitzero"`
}

// image is a custom image that holds key pairs, which therefore cannot be
// deleted. Images are regional.
type image struct {
	ID     string   `json:"id"`
	Region string   `json:"region"`
	KeyIDs []string `json:"key_ids"`
}

const stateFileVersion = 1

type stateFile struct {
	Version int `json:"version"`
	state
}

func newState() state {
	// A random start keeps ids from different emulator runs apart.
	var b [8]byte
	_, _ = rand.Read(b[:])
	return emptyState(binary.LittleEndian.Uint64(b[:]) % keyIDSpace)
}

func emptyState(nextID uint64) state {
	return state{NextID: nextID, KeyPairs: []*keyPair{}, Instances: map[string]*instance{}, Images: map[string]*image{}}
}

// keyIDSpace is the number of 8-character base-36 suffixes.
const keyIDSpace = 36 * 36 * 36 * 36 * 36 * 36 * 36 * 36

// newKeyID returns the next key id. Multiplying by a number coprime to 36
// permutes the id space, so ids look random like the real ones but never
// repeat.
func (st *state) newKeyID() string {
	n := (st.NextID*1597334677 + 40503) % keyIDSpace
	st.NextID = (st.NextID + 1) % keyIDSpace
	s := strconv.FormatUint(n, 36)
	return "skey-" + strings.Repeat("0", 8-len(s)) + s
}

// keyNumber is the number that a key id's suffix stands for in base 36.
func keyNumber(id string) uint64 {
	n, _ := strconv.ParseUint(strings.TrimPrefix(id, "skey-"), 36, 64)
	return n
}

// snapshot encodes the state for the state file.
func (s *Server) snapshot() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := json.MarshalIndent(stateFile{Version: stateFileVersion, state: s.st}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode state: %w", err)
	}
	return b, nil
}

func loadState(path string) (state, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return newState(), nil
	}
	if err != nil {
		return state{}, fmt.Errorf("read state file: %w", err)
	}
	var f stateFile
	if err := json.Unmarshal(b, &f); err != nil {
		return state{}, fmt.Errorf("parse state file %s: %w", path, err)
	}
	if f.Version != stateFileVersion {
		return state{}, fmt.Errorf("state file %s: version %d, want %d", path, f.Version, stateFileVersion)
	}
	if f.Instances == nil {
		f.Instances = map[string]*instance{}
	}
	if f.Images == nil {
		f.Images = map[string]*image{}
	}
	return f.state, nil
}

// persister writes the state file in the background. Changes only kick it,
// so a burst of calls costs one write; close writes whatever is left.
type persister struct {
	path     string
	snapshot func() ([]byte, error)
	kicks    chan struct{}
	stop     chan struct{}
	done     chan struct{}

	mu  sync.Mutex
	err error // the last write error, reported by close
}

func newPersister(path string, snapshot func() ([]byte, error)) *persister {
	p := &persister{
		path:     path,
		snapshot: snapshot,
		kicks:    make(chan struct{}, 1),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	go p.run()
	return p
}

func (p *persister) kick() {
	select {
	case p.kicks <- struct{}{}:
	default: // A write is already due and will include this change.
	}
}

func (p *persister) run() {
	defer close(p.done)
	for {
		select {
		case <-p.kicks:
			p.write()
		case <-p.stop:
			p.write()
			return
		}
	}
}

func (p *persister) close() error {
	close(p.stop)
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func (p *persister) write() {
	err := p.writeOnce()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.err = err
}

// writeOnce replaces the file atomically: a reader sees the old state or the
// new one, never half of one.
func (p *persister) writeOnce() error {
	b, err := p.snapshot()
	if err != nil {
		return err
	}
	dir := filepath.Dir(p.path)
	tmp, err := os.CreateTemp(dir, filepath.Base(p.path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write state file: %w", err)
	}
	defer os.Remove(tmp.Name()) // Fails harmlessly once renamed.
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write state file %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync state file %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close state file %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), p.path); err != nil {
		return fmt.Errorf("replace state file: %w", err)
	}
	return nil
}
