package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
)

// keyPool keeps RSA keys generated ahead of time, so that CreateKeyPair
// does not pay for key generation during a run of many creates.
type keyPool struct {
	bits int
	keys chan *rsa.PrivateKey
	stop chan struct{}
	done chan struct{}
}

func newKeyPool(bits, size int) *keyPool {
	p := &keyPool{
		bits: bits,
		keys: make(chan *rsa.PrivateKey, size),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	go p.fill()
	return p
}

func (p *keyPool) fill() {
	defer close(p.done)
	for {
		select {
		case <-p.stop:
			return
		default:
		}
		key, err := rsa.GenerateKey(rand.Reader, p.bits)
		if err != nil {
			// get generates on demand and reports the error to the caller.
			return
		}
		select {
		case p.keys <- key:
		case <-p.stop:
			return
		}
	}
}

// get takes a key from the pool, or generates one when the pool has run dry
// so that callers never wait for the single background worker.
func (p *keyPool) get() (*rsa.PrivateKey, error) {
	select {
	case key := <-p.keys:
		return key, nil
	default:
	}
	key, err := rsa.GenerateKey(rand.Reader, p.bits)
	if err != nil {
		return nil, fmt.Errorf("generate %d-bit RSA key: %w", p.bits, err)
	}
	return key, nil
}

// close stops the background worker and waits for it, which may take one
// key generation.
func (p *keyPool) close() {
	close(p.stop)
	<-p.done
}
