package emulator

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// secret is an SSH key pair secret of Secrets Manager: a CVM key pair that
// it made, with the private key that it keeps. It is regional: its name
// is unique in its region.
type secret struct {
	Name        string `json:"name"`
	Region      string `json:"region"`
	Description string `json:"description"`
	KmsKeyID    string `json:"kms_key_id"`
	// CustomerKey says that the caller chose KmsKeyID (KmsKeyType
	// CUSTOMER); else it is the service's default key (DEFAULT).
	CustomerKey bool      `json:"customer_key,omitempty"`
	Status      string    `json:"status"`
	Created     time.Time `json:"created"`
	// DeleteAt, for a PendingDelete secret, is when it goes for good.
	DeleteAt time.Time `json:"delete_at,omitzero"`
	// CleanKey says that the CVM key pair goes with the secret when
	// DeleteAt comes (DeleteSecret's CleanSSHKey).
	CleanKey bool  `json:"clean_key,omitempty"`
	Tags     []tag `json:"tags"`

	// The key pair as it was made. The CVM key pair may be renamed or
	// deleted since; the answers show its current name and description
	// while it exists, these values after.
	KeyID     string `json:"key_id"`
	KeyName   string `json:"key_name"`
	ProjectID int64  `json:"project_id"`
	PublicKey string `json:"public_key"`
	// SealedPrivateKey is the private key (PEM), sealed with AES-256-GCM
	// under the emulator's sealing key, which is never in the state file:
	// base64 of the nonce and the sealed text.
	SealedPrivateKey string `json:"sealed_private_key"`
}

// resourceID is the secret's id in Tag API resource names,
// creatorUin/<uin>/<name> (observed: the official provider's
// resource_tc_ssm_ssh_key_pair_secret.go tags
// qcs::ssm:<region>:uin/:secret/creatorUin/<uin>/<name>, and reads the
// rows of that ResourceId).
func (sec *secret) resourceID() string {
	return "creatorUin/" + DemoUin + "/" + sec.Name
}

// sealKeySize is the size of the sealing key: AES-256.
const sealKeySize = 32

// sealKeyFile is where the sealing key of a state file is kept: beside
// it, never in it, readable by its owner only.
func sealKeyFile(stateFile string) string { return stateFile + ".key" }

// loadSealKey reads the sealing key kept beside a state file, or nil
// when there is none yet: the first secret makes it (see sealKeyLocked),
// so that an emulator that never serves SSM writes no key file.
func loadSealKey(stateFile string) ([]byte, error) {
	if stateFile == "" {
		return nil, nil
	}
	path := sealKeyFile(stateFile)
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read sealing key: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != sealKeySize {
		return nil, fmt.Errorf("sealing key %s: want %d bytes in hex", path, sealKeySize)
	}
	return key, nil
}

// sealKeyLocked is the sealing key, made on first use: in memory only
// without a state file (the secrets live there too), else written beside
// it, readable by its owner only.
func (s *Server) sealKeyLocked() ([]byte, error) {
	if s.sealKey != nil {
		return s.sealKey, nil
	}
	key := make([]byte, sealKeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("make sealing key: %w", err)
	}
	if s.stateFile != "" {
		// O_EXCL: a key file that appeared meanwhile is not overwritten.
		path := sealKeyFile(s.stateFile)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("write sealing key: %w", err)
		}
		_, werr := f.WriteString(hex.EncodeToString(key) + "\n")
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return nil, fmt.Errorf("write sealing key %s: %w", path, werr)
		}
	}
	s.sealKey = key
	return key, nil
}

func sealer(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// seal encrypts a private key; the key id is bound in as additional
// data, so that a sealed key moved to another secret does not open.
func seal(key []byte, keyID, plain string) (string, error) {
	aead, err := sealer(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(plain), []byte(keyID))), nil
}

// unseal opens what seal sealed.
func unseal(key []byte, keyID, sealed string) (string, error) {
	aead, err := sealer(key)
	if err != nil {
		return "", err
	}
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(b) < aead.NonceSize() {
		return "", errors.New("sealed private key is malformed")
	}
	plain, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], []byte(keyID))
	if err != nil {
		return "", err
	}
	return string(plain), nil
}

// findSecret finds a secret by name in a region, in any status.
func (s *Server) findSecret(region, name string) *secret {
	for _, sec := range s.st.Secrets {
		if sec.Region == region && sec.Name == name {
			return sec
		}
	}
	return nil
}

// expireSecretsLocked forgets the PendingDelete secrets whose time has
// come, with their key pairs when CleanSSHKey asked for it and nothing
// holds them (guessed: a key pair that an instance holds then stays, as
// DeleteKeyPairs would refuse it). It reports whether anything changed.
func (s *Server) expireSecretsLocked(now time.Time) bool {
	var gone []*secret
	for _, sec := range s.st.Secrets {
		if sec.Status == apicontract.SecretPendingDelete && !now.Before(sec.DeleteAt) {
			gone = append(gone, sec)
		}
	}
	if len(gone) == 0 {
		return false
	}
	var doomed []*keyPair
	for _, sec := range gone {
		if kp := s.findKeyPair(sec.Region, sec.KeyID); sec.CleanKey && kp != nil && s.inUse(kp) == nil {
			doomed = append(doomed, kp)
		}
	}
	s.st.Secrets = slices.DeleteFunc(s.st.Secrets, func(sec *secret) bool { return slices.Contains(gone, sec) })
	if len(doomed) > 0 {
		s.removeKeyPairsLocked(doomed, now)
	}
	return true
}
