package client

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/emulator"
)

// newLogFile is a file for a tflogtest logger, which the goroutines of a
// test write at once (a file takes concurrent writes).
func newLogFile(t *testing.T) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "provider.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// infoLines returns the messages logged at INFO to f that start with
// prefix, sorted.
func infoLines(t *testing.T, f *os.File, prefix string) []string {
	t.Helper()
	data, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	entries, err := tflogtest.MultilineJSONDecode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range entries {
		msg, _ := e["@message"].(string)
		if e["@level"] == "info" && strings.HasPrefix(msg, prefix) {
			lines = append(lines, msg)
		}
	}
	slices.Sort(lines)
	return lines
}

// A wait is told at INFO when it and the sleep ahead make a second or
// more, once, and its end only when it was told.
func TestConsistencyWait_threshold(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		sleeps    [][2]time.Duration // waited, sleep
		wantStart string
	}{
		{name: "short", sleeps: [][2]time.Duration{{0, 200 * time.Millisecond}, {300 * time.Millisecond, 699 * time.Millisecond}}},
		{name: "reaches a second", sleeps: [][2]time.Duration{{0, 200 * time.Millisecond}, {500 * time.Millisecond, 500 * time.Millisecond}, {time.Second, 2 * time.Second}},
			wantStart: "Tencent Cloud API: waiting for key pair skey-3glfot13 to show in DescribeKeyPairs (the API is eventually consistent): not yet after 500ms, reading again in 500ms"},
		{name: "a first read a second ahead", sleeps: [][2]time.Duration{{0, 1200 * time.Millisecond}},
			wantStart: "Tencent Cloud API: waiting 1.2s for key pair skey-3glfot13 to show in DescribeKeyPairs (the API is eventually consistent: the time recent writes took to show)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			logs := newLogFile(t)
			ctx := tflogtest.RootLogger(context.Background(), logs)
			w := &consistencyWait{ctx: ctx, what: "key pair skey-3glfot13 to show in DescribeKeyPairs", start: time.Now()}
			for _, s := range tt.sleeps {
				w.sleeping(s[0], s[1])
			}
			w.ended(nil)
			lines := infoLines(t, logs, "Tencent Cloud API:")
			if tt.wantStart == "" {
				if len(lines) != 0 {
					t.Errorf("told %q, want nothing", lines)
				}
				return
			}
			if len(lines) != 2 || !slices.Contains(lines, tt.wantStart) || !strings.HasPrefix(lines[0], "Tencent Cloud API: done waiting for key pair skey-3glfot13 to show in DescribeKeyPairs, after ") {
				t.Errorf("told %q, want %q and the end", lines, tt.wantStart)
			}
		})
	}
}

// Creates that queue for the CreateKeyPair rate limit say so at INFO, with
// how long each waits, when that is a second or more: at 1 call per
// second, of three creates at once, the second waits 1 s and the third
// 2 s. At 10 calls per second nobody waits long enough to be told.
func TestProgress_rateLimitWaits(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		rate float64
		want []string
	}{
		{1, []string{
			"Tencent Cloud API: waiting 1s for the CreateKeyPair rate limit (1 calls/s, shared by this provider's CreateKeyPair calls)",
			"Tencent Cloud API: waiting 2s for the CreateKeyPair rate limit (1 calls/s, shared by this provider's CreateKeyPair calls)",
		}},
		{10, nil},
	} {
		t.Run(fmt.Sprint(tt.rate), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				c, _ := newBubbleClient(t, emulator.Config{VisibilityLag: -1}, tt.rate)
				logs := newLogFile(t)
				ctx := tflogtest.RootLogger(context.Background(), logs)
				var wg sync.WaitGroup
				for i := range 3 {
					wg.Go(func() {
						if _, err := c.CreateKeyPair(ctx, fmt.Sprintf("queued_%d", i), 0, nil); err != nil {
							t.Error(err)
						}
					})
				}
				wg.Wait()
				got := infoLines(t, logs, "Tencent Cloud API: waiting")
				got = slices.DeleteFunc(got, func(l string) bool { return !strings.Contains(l, "CreateKeyPair") })
				if !slices.Equal(got, tt.want) {
					t.Errorf("told\n%q\nwant\n%q", got, tt.want)
				}
			})
		})
	}
}

// A create and a delete whose key pair takes seconds to show in, and to
// leave, DescribeKeyPairs say so at INFO, and how long it took; without
// the lag, they say nothing.
func TestProgress_consistencyWaits(t *testing.T) {
	t.Parallel()
	for _, lag := range []time.Duration{-1, 3 * time.Second} {
		t.Run(lag.String(), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				c, _ := newBubbleClient(t, emulator.Config{VisibilityLag: lag}, 1000)
				c.settle = 10 * time.Second
				logs := newLogFile(t)
				ctx := tflogtest.RootLogger(context.Background(), logs)
				kp, err := c.CreateKeyPair(ctx, "lagging", 0, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := c.DeleteKeyPair(ctx, kp.ID); err != nil {
					t.Fatal(err)
				}
				got := infoLines(t, logs, "Tencent Cloud API:")
				if lag < 0 {
					if len(got) != 0 {
						t.Errorf("told %q without a lag", got)
					}
					return
				}
				for _, want := range []string{
					"Tencent Cloud API: waiting for key pair " + kp.ID + " to show in DescribeKeyPairs (the API is eventually consistent): not yet after ",
					"Tencent Cloud API: done waiting for key pair " + kp.ID + " to show in DescribeKeyPairs, after ",
					"Tencent Cloud API: waiting for key pair " + kp.ID + " to leave DescribeKeyPairs (the API is eventually consistent): not yet after ",
					"Tencent Cloud API: done waiting for key pair " + kp.ID + " to leave DescribeKeyPairs, after ",
				} {
					i := slices.IndexFunc(got, func(l string) bool { return strings.HasPrefix(l, want) })
					if i < 0 {
						t.Errorf("no line %q... in\n%s", want, strings.Join(got, "\n"))
						continue
					}
					// The end tells the whole wait: the lag, and the
					// backoff's overshoot.
					if took, ok := strings.CutPrefix(got[i], want); ok && strings.Contains(want, "done") {
						if d, err := time.ParseDuration(took); err != nil || d < lag {
							t.Errorf("%q: the wait took %q, want at least the lag of %v", got[i], took, lag)
						}
					}
				}
				if len(got) != 4 {
					t.Errorf("told %d lines, want 4:\n%s", len(got), strings.Join(got, "\n"))
				}
			})
		})
	}
}
