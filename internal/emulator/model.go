package emulator

import (
	"slices"
	"time"
)

// This file holds the rules that the scope and the lags add to the state:
// which key pairs a call in a region sees, which it finds by id, what
// holds a key pair, and what DescribeKeyPairs shows at a time. Every
// method runs with s.mu held.

// lockState locks s.mu and brings the state up to the clock: deleted key
// pairs whose visibility lag is over and terminated instances whose
// terminate lag is over are forgotten. It returns the time it used, which
// the caller uses for the rest of its work.
func (s *Server) lockState() time.Time {
	s.mu.Lock()
	now := s.now()
	s.expireLocked(now)
	return now
}

func (s *Server) expireLocked(now time.Time) {
	n := len(s.st.KeyPairs)
	s.st.KeyPairs = slices.DeleteFunc(s.st.KeyPairs, func(kp *keyPair) bool {
		return !kp.Deleted.IsZero() && s.lagOver(kp.Deleted, s.set.visibilityLag, now)
	})
	changed := len(s.st.KeyPairs) != n
	if s.expireSecretsLocked(now) {
		changed = true
	}
	for id, in := range s.st.Instances {
		if !in.Terminated.IsZero() && s.lagOver(in.Terminated, s.set.terminateLag, now) {
			delete(s.st.Instances, id)
			changed = true
		}
	}
	if changed {
		s.changed()
	}
}

// lagOver reports whether a lag of length lag that began at start is over
// at now. A lag of 0 is no lag. While the lags are held (Config.HoldLags),
// no lag is over by the clock: only endLagsLocked ends them.
func (s *Server) lagOver(start time.Time, lag time.Duration, now time.Time) bool {
	return lag == 0 || !s.lagsHeld && !now.Before(start.Add(lag))
}

// LagCounts counts lags per kind: Visibility the new key pairs that
// DescribeKeyPairs does not show yet and the deleted ones it still shows,
// Tag the key pairs whose tags it does not show yet, Terminate the
// terminated instances that still hold their key pairs.
type LagCounts struct {
	Visibility int `json:"visibility"`
	Tag        int `json:"tag"`
	Terminate  int `json:"terminate"`
}

// pendingLagsLocked counts the lags that are not over at now. The caller
// has brought the state up to now with lockState.
func (s *Server) pendingLagsLocked(now time.Time) LagCounts {
	var n LagCounts
	for _, kp := range s.st.KeyPairs {
		if !kp.Deleted.IsZero() || !s.visible(kp, now) {
			n.Visibility++
		}
		if !slices.Equal(s.shownTags(kp, now), kp.Tags) {
			n.Tag++
		}
	}
	for _, in := range s.st.Instances {
		if !in.Terminated.IsZero() {
			n.Terminate++
		}
	}
	return n
}

// endLagsLocked ends every lag that is not over at now, as if its time
// had come: new key pairs show, deleted ones and terminated instances are
// forgotten, tag changes show. It returns what it ended. The caller has
// brought the state up to now with lockState.
func (s *Server) endLagsLocked(now time.Time) LagCounts {
	ended := s.pendingLagsLocked(now)
	s.st.KeyPairs = slices.DeleteFunc(s.st.KeyPairs, func(kp *keyPair) bool { return !kp.Deleted.IsZero() })
	for _, kp := range s.st.KeyPairs {
		if !s.visible(kp, now) {
			kp.Shown = true
		}
		kp.TagChanges = nil
	}
	for id, in := range s.st.Instances {
		if !in.Terminated.IsZero() {
			delete(s.st.Instances, id)
		}
	}
	if ended != (LagCounts{}) {
		s.changed()
	}
	return ended
}

// holdLagsLocked holds the lags (Config.HoldLags) or lets the clock end
// them again. Lags whose time has come by the clock are settled first, so
// that holding the lags brings back none that was over: new key pairs
// that show are marked shown, and tag changes that show are forgotten.
// The caller has brought the state up to now with lockState (or
// expireLocked), which forgot the deleted key pairs and terminated
// instances whose time had come.
func (s *Server) holdLagsLocked(held bool, now time.Time) {
	if held && !s.lagsHeld {
		changed := false
		for _, kp := range s.st.KeyPairs {
			if s.set.visibilityLag > 0 && kp.Deleted.IsZero() && !kp.Shown && s.visible(kp, now) {
				kp.Shown, changed = true, true
			}
			n := len(kp.TagChanges)
			if s.shownTags(kp, now); len(kp.TagChanges) != n {
				changed = true
			}
		}
		if changed {
			s.changed()
		}
	}
	s.lagsHeld = held
}

// inScope reports whether a key pair counts for a call in region: for
// the quota, name and public key uniqueness, and the listings of
// DescribeKeyPairs. In account scope every key pair does, in region scope
// those of the region. Deleted key pairs still in their visibility lag
// count too.
func (s *Server) inScope(kp *keyPair, region string) bool {
	return s.set.accountScope || kp.Region == region
}

// findKeyPair finds a key pair by id for an action other than
// DescribeKeyPairs: in account scope in any region, in region scope in
// region only. It finds a new key pair at once, and a deleted one never.
func (s *Server) findKeyPair(region, id string) *keyPair {
	for _, kp := range s.st.KeyPairs {
		if kp.ID == id && kp.Deleted.IsZero() && s.inScope(kp, region) {
			return kp
		}
	}
	return nil
}

// associated lists the instances that hold a key pair, sorted, terminated
// ones in their terminate lag included. Instances are regional, but a key
// id names one key pair in the whole state, so in account scope an
// instance of any region may hold it.
func (s *Server) associated(kp *keyPair) []string {
	ids := []string{}
	for _, in := range s.st.Instances {
		if (s.set.accountScope || in.Region == kp.Region) && slices.Contains(in.KeyIDs, kp.ID) {
			ids = append(ids, in.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// imagesOf lists the images that hold a key pair, sorted.
func (s *Server) imagesOf(kp *keyPair) []string {
	ids := []string{}
	for _, im := range s.st.Images {
		if (s.set.accountScope || im.Region == kp.Region) && slices.Contains(im.KeyIDs, kp.ID) {
			ids = append(ids, im.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// visible reports whether DescribeKeyPairs shows a key pair at now: a new
// one once its visibility lag is over (or was ended), a deleted one until
// then.
func (s *Server) visible(kp *keyPair, now time.Time) bool {
	if !kp.Deleted.IsZero() {
		return true // expireLocked forgets it when its lag is over.
	}
	return kp.Shown || s.lagOver(kp.Created, s.set.visibilityLag, now)
}

// shownTags are the tags that DescribeKeyPairs shows at now: the tags
// from before the oldest change whose tag lag is not over, or the current
// tags when every change shows. Changes that show are forgotten.
func (s *Server) shownTags(kp *keyPair, now time.Time) []tag {
	if s.set.tagLag == 0 {
		return kp.Tags
	}
	i := slices.IndexFunc(kp.TagChanges, func(c tagChange) bool { return !s.lagOver(c.At, s.set.tagLag, now) })
	if i < 0 {
		kp.TagChanges = nil
		return kp.Tags
	}
	kp.TagChanges = kp.TagChanges[i:]
	return kp.TagChanges[0].Before
}

// setTags changes a key pair's tags at now, remembering the tags from
// before while the tag lag hides the change. The tags join the account's
// tag list at once (see rememberTags).
func (s *Server) setTags(kp *keyPair, tags []tag, now time.Time) {
	if s.set.tagLag > 0 {
		kp.TagChanges = append(kp.TagChanges, tagChange{At: now, Before: kp.Tags})
	}
	kp.Tags = tags
	s.rememberTags(tags)
}
