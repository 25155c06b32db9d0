package emulator

import (
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// long is far longer than any lag, and short enough that the fake clock,
// moved by it a few times, stays within the five minutes that the
// signatures, made with the real time, may be off.
const long = time.Minute

// strictLags are the lags of --strict, which the tests below end or hold.
var strictLags = Config{VisibilityLag: StrictVisibilityLag, TagLag: StrictTagLag, TerminateLag: StrictTerminateLag}

// withLags is strictLags with the clock and the holding given.
func withLags(now func() time.Time, hold bool) Config {
	cfg := strictLags
	cfg.Now, cfg.HoldLags = now, hold
	return cfg
}

// lagFixture is one lag of each kind, pending at once: "fresh" is new and
// tagged env=dev (visibility and tag lags), "bound" is new and bound to
// ins-00000001, which is terminated (visibility and terminate lags), and
// "gone" shows (its lag ended) and is deleted (visibility lag).
type lagFixture struct {
	fresh, bound string
}

func (e *testEnv) lagFixture() lagFixture {
	e.t.Helper()
	gone := e.create(testRegion, "gone")
	e.endLags()
	if got := ids(e.describe(testRegion, *gone.KeyId)); len(got) != 1 {
		e.t.Fatalf("before the fixture's lags: %s is not listed", *gone.KeyId)
	}
	fresh := e.create(testRegion, "fresh", "env", "dev")
	bound := e.create(testRegion, "bound")
	e.addInstance("ins-00000001", testRegion, "STOPPED", "LINUX")
	if err := e.bind(testRegion, true, false, []string{"ins-00000001"}, *bound.KeyId); err != nil {
		e.t.Fatal(err)
	}
	if err := (ControlClient{URL: e.url}).Terminate(context.Background(), "ins-00000001", testRegion); err != nil {
		e.t.Fatal(err)
	}
	if err := e.deleteKeys(testRegion, *gone.KeyId); err != nil {
		e.t.Fatal(err)
	}
	return lagFixture{fresh: *fresh.KeyId, bound: *bound.KeyId}
}

// pending checks that the fixture's lags are all pending: DescribeKeyPairs
// lists only the deleted key pair, untagged, and the bound key pair
// cannot be deleted.
func (e *testEnv) pending(f lagFixture, when string) {
	e.t.Helper()
	if got := e.describeFilter(testRegion, "key-name", "gone"); len(got) != 1 {
		e.t.Errorf("%s: the deleted key pair is not listed: %v", when, got)
	}
	if got := ids(e.describe(testRegion, f.fresh, f.bound)); len(got) != 0 {
		e.t.Errorf("%s: new key pairs listed: %v", when, got)
	}
	wantCode(e.t, e.deleteKeys(testRegion, f.bound), "InvalidParameterValue.KeyPairNotSupported")
}

// over checks that the fixture's lags are all over: the new key pairs are
// listed with their tags and nothing bound, the deleted one is not, and
// its name is free.
func (e *testEnv) over(f lagFixture, when string) {
	e.t.Helper()
	got := e.describe(testRegion, f.fresh, f.bound)
	if len(got) != 2 {
		e.t.Fatalf("%s: listed %v, want %s and %s", when, ids(got), f.fresh, f.bound)
	}
	for _, kp := range got {
		want := map[string]string{f.fresh: "env=dev", f.bound: ""}[*kp.KeyId]
		if tags := tagList(kp.Tags); tags != want || len(kp.AssociatedInstanceIds) != 0 {
			e.t.Errorf("%s: %s shows tags %q and instances %v, want tags %q and no instance", when, *kp.KeyId, tags, derefs(kp.AssociatedInstanceIds), want)
		}
	}
	if got := e.describeFilter(testRegion, "key-name", "gone"); len(got) != 0 {
		e.t.Errorf("%s: the deleted key pair is still listed: %v", when, got)
	}
}

func (e *testEnv) lags() Lags {
	e.t.Helper()
	l, err := (ControlClient{URL: e.url}).Lags(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

func (e *testEnv) endLags() LagCounts {
	e.t.Helper()
	n, err := (ControlClient{URL: e.url}).EndLags(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestLags_end checks that POST /_emulator/lags/end ends every pending lag
// at once, on a clock that does not move, and only those: a lag that
// begins afterwards runs its time.
func TestLags_end(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, withLags(clock.Now, false))
	f := e.lagFixture()
	e.pending(f, "before the end")
	want := LagCounts{Visibility: 3, Tag: 1, Terminate: 1}
	if got := e.lags(); got.Held || got.Pending != want {
		t.Errorf("GET lags = %+v, want not held, pending %+v", got, want)
	}
	if got := e.endLags(); got != want {
		t.Errorf("ended %+v, want %+v", got, want)
	}
	e.over(f, "after the end")
	if got := e.lags(); got.Pending != (LagCounts{}) {
		t.Errorf("pending after the end: %+v, want none", got.Pending)
	}
	if got := e.endLags(); got != (LagCounts{}) {
		t.Errorf("a second end ended %+v, want nothing", got)
	}
	e.create(testRegion, "gone") // the name is free
	if err := e.deleteKeys(testRegion, f.bound); err != nil {
		t.Errorf("delete of the key pair of the terminated instance: %v", err)
	}

	later := e.create(testRegion, "later")
	clock.Advance(StrictVisibilityLag - time.Millisecond)
	if got := ids(e.describe(testRegion, *later.KeyId)); len(got) != 0 {
		t.Errorf("a key pair made after the end shows before its lag: %v", got)
	}
	clock.Advance(time.Millisecond)
	if got := ids(e.describe(testRegion, *later.KeyId)); len(got) != 1 {
		t.Error("a key pair made after the end does not show after its lag")
	}
}

// TestLags_hold checks that held lags outlast any time on the clock until
// they are ended, that the lags made after an end are held too, that
// letting the lags go hands them back to the clock, that holding them
// again brings back none that was over, and that a reset holds them again
// as the Config says.
func TestLags_hold(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnv(t, withLags(clock.Now, true))
	ctl := ControlClient{URL: e.url}
	ctx := context.Background()

	first := e.create(testRegion, "first")
	clock.Advance(long)
	if got := ids(e.describe(testRegion)); len(got) != 0 {
		t.Fatalf("held: listed %v a minute after the create", got)
	}
	// Ended, even while held.
	if got := e.endLags(); got != (LagCounts{Visibility: 1}) {
		t.Errorf("ended %+v, want one visibility lag", got)
	}
	if got := ids(e.describe(testRegion)); !slices.Equal(got, []string{*first.KeyId}) {
		t.Errorf("after the end: listed %v, want %s", got, *first.KeyId)
	}

	f := e.lagFixture()
	clock.Advance(long)
	e.pending(f, "held a minute")
	if got := e.lags(); !got.Held || got.Pending != (LagCounts{Visibility: 3, Tag: 1, Terminate: 1}) {
		t.Errorf("GET lags = %+v, want held, one lag of each kind and three visibility lags", got)
	}

	// Let go, the lags whose time has come are over.
	if err := ctl.HoldLags(ctx, false); err != nil {
		t.Fatal(err)
	}
	e.over(f, "let go a minute later")

	// Held again, a lag that the clock ended stays over, one that runs
	// stays pending.
	shown := e.create(testRegion, "shown", "env", "dev")
	clock.Advance(StrictTagLag)
	waiting := e.create(testRegion, "waiting")
	if err := ctl.HoldLags(ctx, true); err != nil {
		t.Fatal(err)
	}
	clock.Advance(long)
	got := e.describe(testRegion, *shown.KeyId, *waiting.KeyId)
	if len(got) != 1 || *got[0].KeyId != *shown.KeyId || tagList(got[0].Tags) != "env=dev" {
		t.Errorf("held again: listed %v, want only %s with its tags", ids(got), *shown.KeyId)
	}

	// A reset holds the lags as the Config says.
	if err := ctl.HoldLags(ctx, false); err != nil {
		t.Fatal(err)
	}
	if err := ctl.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.lags(); !got.Held {
		t.Error("after a reset the lags are not held, as the Config says they are")
	}

	e.expectControlStatuses([]controlCase{
		{http.MethodPut, "/_emulator/lags", `{}`, http.StatusBadRequest},
		{http.MethodPut, "/_emulator/lags", `{"held":"yes"}`, http.StatusBadRequest},
		{http.MethodPut, "/_emulator/lags", `{"held":true,"for":"1h"}`, http.StatusBadRequest},
		{http.MethodPost, "/_emulator/lags", `{"held":true}`, http.StatusMethodNotAllowed},
		{http.MethodGet, "/_emulator/lags/end", ``, http.StatusMethodNotAllowed},
	})
}

// TestLags_holdWithoutLags checks that holding adds no lag: a lag of 0 is
// none, held or not.
func TestLags_holdWithoutLags(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Config{HoldLags: true})
	kp := e.create(testRegion, "at_once", "env", "dev")
	e.addInstance("ins-00000001", testRegion, "STOPPED", "LINUX")
	if err := e.bind(testRegion, true, false, []string{"ins-00000001"}, *kp.KeyId); err != nil {
		t.Fatal(err)
	}
	if err := (ControlClient{URL: e.url}).Terminate(context.Background(), "ins-00000001", testRegion); err != nil {
		t.Fatal(err)
	}
	got := e.describe(testRegion, *kp.KeyId)
	if len(got) != 1 || tagList(got[0].Tags) != "env=dev" || len(got[0].AssociatedInstanceIds) != 0 {
		t.Fatalf("listed %v, want %s at once, tagged and unbound", ids(got), *kp.KeyId)
	}
	if err := e.deleteKeys(testRegion, *kp.KeyId); err != nil {
		t.Fatal(err)
	}
	if got := e.describe(testRegion); len(got) != 0 {
		t.Errorf("after the delete: listed %v", ids(got))
	}
	if got := e.lags(); !got.Held || got.Pending != (LagCounts{}) {
		t.Errorf("GET lags = %+v, want held and nothing pending", got)
	}
}

// TestLags_restart checks the lags across restarts from the state file
// with the lags held from the start: a key pair whose lag the clock ended
// before still shows, one whose lag was running stays held, however long
// the clock runs, until it is ended, and stays ended after another
// restart.
func TestLags_restart(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	cfg := withLags(clock.Now, false)
	cfg.KeyBits, cfg.StateFile = 1024, filepath.Join(t.TempDir(), "state.json")
	start := func() *testEnv {
		t.Helper()
		srv, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = srv.Close() })
		return newEnvFor(t, srv)
	}
	stop := func(e *testEnv) {
		t.Helper()
		if err := e.srv.Close(); err != nil {
			t.Fatal(err)
		}
	}

	e := start()
	byClock := e.create(testRegion, "by_clock")
	clock.Advance(StrictVisibilityLag)
	running := e.create(testRegion, "running")
	stop(e)

	cfg.HoldLags = true
	e = start()
	clock.Advance(long)
	if got := ids(e.describe(testRegion)); !slices.Equal(got, []string{*byClock.KeyId}) {
		t.Errorf("restarted with the lags held: listed %v, want only %s", got, *byClock.KeyId)
	}
	e.endLags()
	stop(e)

	e = start()
	if got := ids(e.describe(testRegion)); !slices.Equal(got, []string{*byClock.KeyId, *running.KeyId}) {
		t.Errorf("restarted after the end: listed %v, want %s and %s", got, *byClock.KeyId, *running.KeyId)
	}
}
