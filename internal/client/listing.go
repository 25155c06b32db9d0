package client

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// listingTTL is how long a listing of the region answers reads. A plan
// refreshes every key pair of a configuration within moments, so one
// listing serves all of them; anything older is asked again.
const listingTTL = 5 * time.Second

// listing is a short-lived copy of every key pair in the region. It lets a
// plan of a whole region cost one DescribeKeyPairs call (up to 100 key
// pairs a page) instead of one per key pair. Any write to the region makes
// it stale: after a write, reads go to the API by id until the region has
// been quiet for listingTTL.
type listing struct {
	mu        sync.Mutex
	byID      map[string]*KeyPair
	fetchedAt time.Time
	lastWrite time.Time
	writes    uint64
	flight    singleflight.Group
}

// wrote records a write to the region (made, or maybe made).
func (l *listing) wrote() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	l.lastWrite = time.Now()
	l.byID = nil
}

// lookup answers a read from the listing, fetching one when there is none.
// usable is false when the listing cannot answer (a recent write): the
// caller then asks the API by id. A failed fetch is the caller's error: it
// failed after its retries, and asking again by id would only double the
// wait on an API that is down.
func (l *listing) lookup(ctx context.Context, fetch func(context.Context) ([]*KeyPair, error), id string) (kp *KeyPair, found, usable bool, err error) {
	l.mu.Lock()
	if time.Since(l.lastWrite) < listingTTL {
		l.mu.Unlock()
		return nil, false, false, nil
	}
	if l.byID != nil && time.Since(l.fetchedAt) < listingTTL {
		kp, found = l.byID[id]
		l.mu.Unlock()
		return kp, found, true, nil
	}
	writes := l.writes
	l.mu.Unlock()

	v, err, _ := l.flight.Do("list", func() (any, error) {
		all, err := fetch(ctx)
		if err != nil {
			return nil, err
		}
		byID := make(map[string]*KeyPair, len(all))
		for _, kp := range all {
			byID[kp.ID] = kp
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		// A write during the fetch may not show in it: keep it only if
		// none happened.
		if l.writes == writes {
			l.byID = byID
			l.fetchedAt = time.Now()
		}
		return byID, nil
	})
	if err != nil {
		return nil, false, false, err
	}
	byID, _ := v.(map[string]*KeyPair)
	kp, found = byID[id]
	return kp, found, true, nil
}

// fresh returns the key pairs of the listing when one at hand can still
// answer reads, and never fetches: ok is false when there is none, it is
// older than listingTTL, or a write came since.
func (l *listing) fresh() (byID map[string]*KeyPair, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byID == nil || time.Since(l.fetchedAt) >= listingTTL || time.Since(l.lastWrite) < listingTTL {
		return nil, false
	}
	return l.byID, true
}
