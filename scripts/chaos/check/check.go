// Package check holds the invariants that make chaos checks after every
// terraform run, as functions of what the run left behind (the emulator's
// key pairs, the state, the files, terraform's output and log), so that
// each check can be shown to fire on a state that breaks it.
package check

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Invariant names one invariant of make chaos.
type Invariant string

// The invariants.
const (
	// Accounting: no orphan and no lost key. Every key pair in the
	// emulator but the unmanaged ones is in the state, and every key pair
	// in the state is in the emulator.
	Accounting Invariant = "a"
	// PGP: with pgp_key, no plaintext private key of that key pair in the
	// state, its backup, a plan file or a log.
	PGP Invariant = "b"
	// Crash: no panic, no crashed or unresponsive plugin, no run that
	// never ends.
	Crash Invariant = "c"
	// Foreign: key pairs that no workspace of the run made are never
	// adopted, changed or deleted.
	Foreign Invariant = "d"
	// Secret: no secret key, private key or request signature in
	// terraform's output or log.
	Secret Invariant = "e"
)

// Invariants are all of them, in order.
var Invariants = []Invariant{Accounting, PGP, Crash, Foreign, Secret}

// Violation is one breach of an invariant. Its detail names files and
// key pairs, never a secret.
type Violation struct {
	Invariant Invariant
	Detail    string
}

// KeyPair is a key pair as the emulator shows it.
type KeyPair struct {
	ID, Name, PublicKey, Description string
	ProjectID                        int64
	Tags                             map[string]string
}

// Resource is one tencentcloud_key_pair instance of a state.
type Resource struct {
	Address    string
	Attributes map[string]any
}

// ID is the key pair id the state holds for the resource.
func (r Resource) ID() string {
	id, _ := r.Attributes["id"].(string)
	return id
}

// ParseState reads the tencentcloud_key_pair instances of a state file
// (format version 4); no data is an empty state.
func ParseState(data []byte) ([]Resource, error) {
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, nil
	}
	var st struct {
		Resources []struct {
			Mode, Type, Name string
			Module           string
			Instances        []struct {
				IndexKey   any            `json:"index_key"`
				Attributes map[string]any `json:"attributes"`
			}
		}
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	var out []Resource
	for _, r := range st.Resources {
		if r.Mode != "managed" || r.Type != "tencentcloud_key_pair" {
			continue
		}
		for _, in := range r.Instances {
			addr := r.Type + "." + r.Name
			if r.Module != "" {
				addr = r.Module + "." + addr
			}
			if in.IndexKey != nil {
				addr += fmt.Sprintf("[%v]", in.IndexKey)
			}
			out = append(out, Resource{Address: addr, Attributes: in.Attributes})
		}
	}
	return out, nil
}

// CheckAccounting is invariant (a): every key pair of the emulator is in
// the state, but those of unmanaged (ids of key pairs made outside the
// workspace, which it has not imported); every key pair of the state is in
// the emulator; no key pair is in the state twice.
func CheckAccounting(cloud []KeyPair, state []Resource, unmanaged map[string]bool) []Violation {
	var out []Violation
	inState := map[string][]string{}
	for _, r := range state {
		if r.ID() == "" {
			out = append(out, Violation{Accounting, fmt.Sprintf("%s is in the state without an id", r.Address)})
			continue
		}
		inState[r.ID()] = append(inState[r.ID()], r.Address)
	}
	inCloud := map[string]bool{}
	for _, kp := range cloud {
		inCloud[kp.ID] = true
		if len(inState[kp.ID]) == 0 && !unmanaged[kp.ID] {
			out = append(out, Violation{Accounting, fmt.Sprintf("orphan: key pair %s (%s) is in the emulator and in no state", kp.ID, kp.Name)})
		}
	}
	for _, id := range slices.Sorted(maps.Keys(inState)) {
		addrs := inState[id]
		if !inCloud[id] {
			out = append(out, Violation{Accounting, fmt.Sprintf("lost: %s holds key pair %s, which the emulator does not have", strings.Join(addrs, ", "), id)})
		}
		if len(addrs) > 1 {
			out = append(out, Violation{Accounting, fmt.Sprintf("key pair %s is in the state %d times: %s", id, len(addrs), strings.Join(addrs, ", "))})
		}
	}
	return out
}

// CheckForeign is invariant (d): each foreign key pair, as made before the
// run, is still in the emulator as it was, and in no state.
func CheckForeign(foreign, cloud []KeyPair, state []Resource) []Violation {
	var out []Violation
	now := map[string]KeyPair{}
	for _, kp := range cloud {
		now[kp.ID] = kp
	}
	for _, f := range foreign {
		kp, ok := now[f.ID]
		switch {
		case !ok:
			out = append(out, Violation{Foreign, fmt.Sprintf("foreign key pair %s (%s) was deleted", f.ID, f.Name)})
		case !sameKeyPair(f, kp):
			out = append(out, Violation{Foreign, fmt.Sprintf("foreign key pair %s (%s) was changed: %s", f.ID, f.Name, describeChange(f, kp))})
		}
		for _, r := range state {
			if r.ID() == f.ID {
				out = append(out, Violation{Foreign, fmt.Sprintf("foreign key pair %s (%s) was adopted by %s", f.ID, f.Name, r.Address)})
			}
		}
	}
	return out
}

func sameKeyPair(a, b KeyPair) bool {
	return a.Name == b.Name && a.PublicKey == b.PublicKey && a.Description == b.Description && a.ProjectID == b.ProjectID && maps.Equal(a.Tags, b.Tags)
}

func describeChange(was, now KeyPair) string {
	var parts []string
	if was.Name != now.Name {
		parts = append(parts, fmt.Sprintf("name %q -> %q", was.Name, now.Name))
	}
	if was.PublicKey != now.PublicKey {
		parts = append(parts, "public key")
	}
	if was.Description != now.Description {
		parts = append(parts, fmt.Sprintf("description %q -> %q", was.Description, now.Description))
	}
	if was.ProjectID != now.ProjectID {
		parts = append(parts, fmt.Sprintf("project %d -> %d", was.ProjectID, now.ProjectID))
	}
	if !maps.Equal(was.Tags, now.Tags) {
		parts = append(parts, fmt.Sprintf("tags %v -> %v", was.Tags, now.Tags))
	}
	return strings.Join(parts, ", ")
}

// crashPatterns are what terraform prints, and the plugin logs, when a
// provider panics or stops answering.
var crashPatterns = []*regexp.Regexp{
	regexp.MustCompile(`panic: `),
	regexp.MustCompile(`(?i)plugin crashed`),
	regexp.MustCompile(`(?i)plugin did not respond`),
}

// CheckCrash is invariant (c) on one run's output and log, by file name.
// A crash shows several ways in both (the panic, "plugin crashed", "did
// not respond"): it is one violation, which names the panic and where in
// the provider it happened when the output says, and the files.
func CheckCrash(outputs map[string][]byte) []Violation {
	var detail string
	var files []string
	for _, name := range slices.Sorted(maps.Keys(outputs)) {
		data := outputs[name]
		at := -1
		for _, p := range crashPatterns {
			if loc := p.FindIndex(data); loc != nil && (at < 0 || loc[0] < at) {
				at = loc[0]
			}
		}
		if at < 0 {
			continue
		}
		files = append(files, name)
		// A panic from its message on (a log line starts with a time
		// stamp); anything else with its whole line.
		d := restOfLine(data, at)
		if where := panicLocation(data[at:]); where != "" {
			d += " at " + where
		} else if !strings.HasPrefix(d, "panic: ") {
			d = restOfLine(data, strings.LastIndexByte(string(data[:at]), '\n')+1)
		}
		if detail == "" || (strings.Contains(d, " at ") && !strings.Contains(detail, " at ")) {
			detail = d
		}
	}
	if len(files) == 0 {
		return nil
	}
	return []Violation{{Crash, fmt.Sprintf("%s (%s)", detail, strings.Join(files, ", "))}}
}

// restOfLine is data from offset i to the end of its line, shortened.
func restOfLine(data []byte, i int) string {
	end := len(data)
	if j := strings.IndexByte(string(data[i:min(len(data), i+4096)]), '\n'); j >= 0 {
		end = i + j
	}
	line := strings.TrimSpace(string(data[i:end]))
	if len(line) > 200 {
		line = line[:200] + "..."
	}
	return line
}

// panicLocation is the provider's innermost frame in the stack trace that
// follows a panic, such as "internal/client/keypairs.go:357
// (client.(*Client).describe.func1)"; "" when there is none.
func panicLocation(after []byte) string {
	if !strings.HasPrefix(string(after), "panic: ") {
		return ""
	}
	lines := strings.Split(string(after[:min(len(after), 16<<10)]), "\n")
	for i := 0; i+1 < len(lines); i++ {
		fn, file := lines[i], strings.TrimSpace(lines[i+1])
		j, k := strings.Index(fn, "/internal/"), strings.Index(file, "/internal/")
		if j < 0 || k < 0 {
			continue
		}
		fn = fn[j+len("/internal/"):]
		if args := strings.LastIndexByte(fn, '('); args > 0 {
			fn = fn[:args]
		}
		file, _, _ = strings.Cut(file[k+1:], " ")
		return fmt.Sprintf("%s (%s)", file, fn)
	}
	return ""
}

// NamedKey is a private key in PEM with the name of its key pair.
type NamedKey struct {
	Name, PublicKey, PrivateKey string
}

// CheckPGP is invariant (b): pgpAddress is the resource with pgp_key,
// pgpKeys the key pairs that the API generated for it (every create of its
// name, retries included). Neither the state's attributes of the resource
// nor any of files (the state, its backup, plan files, logs) may hold one
// of their private keys, whole (in PEM or OpenSSH form) or in part.
func CheckPGP(pgpAddress string, pgpKeys []NamedKey, state map[string][]Resource, files map[string][]byte) []Violation {
	var out []Violation
	for _, name := range slices.Sorted(maps.Keys(state)) {
		for _, r := range state[name] {
			if r.Address != pgpAddress {
				continue
			}
			for _, attr := range []string{"private_key", "private_key_openssh"} {
				if v, _ := r.Attributes[attr].(string); v != "" {
					out = append(out, Violation{PGP, fmt.Sprintf("%s: %s has pgp_key and a plaintext %s", name, pgpAddress, attr)})
				}
			}
		}
	}
	if len(pgpKeys) == 0 {
		return out
	}
	publics := map[string]string{}
	for _, k := range pgpKeys {
		if pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(k.PublicKey)); err == nil {
			publics[string(pub.Marshal())] = k.Name
		}
	}
	idx := newKeyIndex(pgpKeys)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		data := files[name]
		whole := false
		for _, pub := range privateKeysIn(data) {
			if keyName, ok := publics[string(pub)]; ok {
				whole = true
				out = append(out, Violation{PGP, fmt.Sprintf("%s holds the plaintext private key of %s (key pair %s, which has pgp_key)", name, pgpAddress, keyName)})
			}
		}
		if keyName, ok := idx.find(data); ok && !whole {
			out = append(out, Violation{PGP, fmt.Sprintf("%s holds a piece of the plaintext private key of %s (key pair %s, which has pgp_key)", name, pgpAddress, keyName)})
		}
	}
	return out
}

// PlanFile returns the files inside a plan file by name ("tfplan/tfstate"
// for its prior state): a plan file is a zip archive whose members are
// compressed, so its bytes as they are hide any key. Data that is not a
// zip archive is returned as it is.
func PlanFile(name string, data []byte) map[string][]byte {
	out := map[string][]byte{}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		out[name] = data
		return out
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			continue
		}
		content, err := io.ReadAll(io.LimitReader(rc, 64<<20))
		_ = rc.Close()
		if err == nil {
			out[name+"/"+f.Name] = content
		}
	}
	return out
}

// Secrets are what must never show in an output or a log.
type Secrets struct {
	SecretKey string
	// PrivateKeys are every private key of the run: those the API
	// generated (the proxy saw them all) and the foreign ones.
	PrivateKeys []NamedKey
	// Signatures are the Authorization signatures of the run's calls.
	Signatures []string
}

// privateKeyHeader is the first line of a PEM or OpenSSH private key.
var privateKeyHeader = regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)

// signatureLength is that of a TC3-HMAC-SHA256 signature in hex.
const signatureLength = 64

// CheckSecrets is invariant (e) on terraform's output and log, by file
// name.
func CheckSecrets(outputs map[string][]byte, s Secrets) []Violation {
	var out []Violation
	idx := newKeyIndex(s.PrivateKeys)
	sigs := map[string]bool{}
	for _, sig := range s.Signatures {
		sigs[strings.ToLower(sig)] = true
	}
	for _, name := range slices.Sorted(maps.Keys(outputs)) {
		data := outputs[name]
		if s.SecretKey != "" && strings.Contains(string(data), s.SecretKey) {
			out = append(out, Violation{Secret, name + " holds the secret key"})
		}
		if loc := privateKeyHeader.FindIndex(data); loc != nil {
			out = append(out, Violation{Secret, fmt.Sprintf("%s holds a private key header (%s)", name, data[loc[0]:loc[1]])})
		}
		if keyName, ok := idx.find(data); ok {
			out = append(out, Violation{Secret, fmt.Sprintf("%s holds a piece of the private key of key pair %s", name, keyName)})
		}
		if hexRuns(data, func(run []byte) bool {
			for i := 0; i+signatureLength <= len(run); i++ {
				if sigs[strings.ToLower(string(run[i:i+signatureLength]))] {
					return true
				}
			}
			return false
		}) {
			out = append(out, Violation{Secret, name + " holds a request signature"})
		}
	}
	return out
}

// privateKeysIn finds the PEM and OpenSSH private keys in data, also where
// a JSON or quoted log string escapes their line breaks, and returns their
// public keys in the SSH wire format.
func privateKeysIn(data []byte) [][]byte {
	text := strings.ReplaceAll(string(data), `\n`, "\n")
	var out [][]byte
	for {
		i := strings.Index(text, "-----BEGIN")
		if i < 0 {
			return out
		}
		block, rest := pem.Decode([]byte(text[i:]))
		if block == nil {
			text = text[i+len("-----BEGIN"):]
			continue
		}
		text = string(rest)
		if !strings.Contains(block.Type, "PRIVATE KEY") {
			continue
		}
		key, err := ssh.ParseRawPrivateKey(pem.EncodeToMemory(block))
		if err != nil {
			continue
		}
		signer, err := ssh.NewSignerFromKey(key)
		if err != nil {
			continue
		}
		out = append(out, signer.PublicKey().Marshal())
	}
}

// window is the length of the pieces of private keys searched for, in
// base64 characters (18 bytes): long enough never to occur by chance.
const window = 24

// keyIndex maps every window of the private keys' base64 bodies to the
// name of the key pair, so that a text is searched in one pass however
// many keys there are.
type keyIndex map[string]string

func newKeyIndex(keys []NamedKey) keyIndex {
	idx := keyIndex{}
	for _, k := range keys {
		var body strings.Builder
		for _, line := range strings.Split(k.PrivateKey, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "-----") || strings.Contains(line, ":") {
				continue
			}
			body.WriteString(line)
		}
		b := body.String()
		public := publicWindows(k.PrivateKey)
		// The first characters encode the DER header that every RSA key
		// of a size shares: another key pair's key, legitimately in the
		// state, starts the same way.
		for i := window; i+window <= len(b); i++ {
			if w := b[i : i+window]; !public[w] {
				idx[w] = k.Name
			}
		}
	}
	return idx
}

// publicWindows are the windows of the base64 encodings of a private
// key's public key, in the SSH wire format, at each of the three byte
// alignments. A private key holds its public modulus: where the PEM body
// encodes it at the same alignment as the public key line does (so it is
// for 1024-bit RSA keys in PKCS#1), a window of the modulus would match
// the public key, which logs and states hold legitimately.
func publicWindows(privateKey string) map[string]bool {
	out := map[string]bool{}
	key, err := ssh.ParseRawPrivateKey([]byte(privateKey))
	if err != nil {
		return out
	}
	signer, err := ssh.NewSignerFromKey(key)
	if err != nil {
		return out
	}
	blob := signer.PublicKey().Marshal()
	for shift := range 3 {
		enc := base64.StdEncoding.EncodeToString(blob[shift:])
		for i := 0; i+window <= len(enc); i++ {
			out[enc[i:i+window]] = true
		}
	}
	return out
}

// find reports whether data holds a window of one of the keys, and whose.
func (idx keyIndex) find(data []byte) (string, bool) {
	if len(idx) == 0 {
		return "", false
	}
	var found string
	base64Runs(data, func(run []byte) bool {
		for i := 0; i+window <= len(run); i++ {
			if name, ok := idx[string(run[i:i+window])]; ok {
				found = name
				return true
			}
		}
		return false
	})
	return found, found != ""
}

// base64Runs calls f with each maximal run of base64 characters of data
// that is at least a window long, until f returns true.
func base64Runs(data []byte, f func([]byte) bool) bool {
	return runs(data, window, func(c byte) bool {
		return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
	}, f)
}

// hexRuns calls f with each maximal run of hex digits of data that is at
// least a signature long, until f returns true.
func hexRuns(data []byte, f func([]byte) bool) bool {
	return runs(data, signatureLength, func(c byte) bool {
		return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
	}, f)
}

func runs(data []byte, minLen int, in func(byte) bool, f func([]byte) bool) bool {
	start := -1
	for i := 0; i <= len(data); i++ {
		if i < len(data) && in(data[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= minLen && f(data[start:i]) {
			return true
		}
		start = -1
	}
	return false
}

// Count returns the violations per invariant.
func Count(vs []Violation) map[Invariant]int {
	out := map[Invariant]int{}
	for _, v := range vs {
		out[v.Invariant]++
	}
	return out
}

// Sort orders violations by invariant, then detail.
func Sort(vs []Violation) {
	sort.SliceStable(vs, func(i, j int) bool {
		if vs[i].Invariant != vs[j].Invariant {
			return vs[i].Invariant < vs[j].Invariant
		}
		return vs[i].Detail < vs[j].Detail
	})
}
