package families_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/genlgen/genlgen/internal/families/nlctrl"
	"github.com/genlgen/genlgen/runtime"
)

// TestKeptRepliesStayIntact: replies are carved from chunks kept with each
// socket, and sockets pass between goroutines through the Conn's pool.
// Replies that goroutines keep while others go on decoding into the same
// chunks must not change, also while other dumps and requests on the same
// sockets decode into reused memory (runtime.ReuseReplies,
// runtime.ReuseReply), which must never be a kept reply's. Run with
// -race, it also checks that no chunk is shared between goroutines while
// in use.
func TestKeptRepliesStayIntact(t *testing.T) {
	ctx := needNetlink(t)
	c, want := dialWithFamilies(t, ctx, runtime.WithPoolSize(2))
	snapshot := func(v any) string { return snapshotJSON(t, v) }
	type kept struct {
		name string
		v    *nlctrl.CtrlAttrs
	}
	const workers, rounds = 4, 40
	results := make([][]kept, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var arena runtime.ReplyArena
			for i := range rounds {
				if i%4 == 3 {
					// Reused memory: checked while valid, never kept.
					for f, err := range c.GetfamilyDump(ctx, runtime.ReuseReplies()) {
						if err != nil {
							t.Error(err)
							return
						}
						if got, err := json.Marshal(f); err != nil || string(got) != want[f.FamilyName.V] {
							t.Errorf("reused reply about %q:\n got  %s (%v)\n want %s", f.FamilyName.V, got, err, want[f.FamilyName.V])
							return
						}
					}
					f, err := c.Getfamily(ctx, &nlctrl.CtrlAttrs{FamilyName: runtime.Some("nlctrl")}, runtime.ReuseReply(&arena))
					if err != nil {
						t.Error(err)
						return
					}
					if got, err := json.Marshal(f); err != nil || string(got) != want["nlctrl"] {
						t.Errorf("reply in an arena:\n got  %s (%v)\n want %s", got, err, want["nlctrl"])
						return
					}
					continue
				}
				if i%2 == 0 {
					f, err := c.Getfamily(ctx, &nlctrl.CtrlAttrs{FamilyName: runtime.Some("nlctrl")})
					if err != nil {
						t.Error(err)
						return
					}
					results[w] = append(results[w], kept{"nlctrl", f})
					continue
				}
				for f, err := range c.GetfamilyDump(ctx) {
					if err != nil {
						t.Error(err)
						return
					}
					results[w] = append(results[w], kept{f.FamilyName.V, f})
				}
			}
		}()
	}
	wg.Wait()
	n := 0
	for _, rs := range results {
		for _, r := range rs {
			if got := snapshot(r.v); got != want[r.name] {
				t.Fatalf("kept reply about %q changed:\n got  %s\n want %s", r.name, got, want[r.name])
			}
			n++
		}
	}
	if n < workers*rounds/4*len(want) {
		t.Errorf("only %d replies kept", n)
	}
}

// TestReuseRepliesMatchesKept: a dump run with runtime.ReuseReplies decodes
// every reply into the memory of the one before, and yet each reply, while
// its iteration lasts, equals the kept reply of a plain dump: nothing is
// left over from the reply before (families differ in which attributes
// they have), and the strings it yielded stay intact afterwards.
func TestReuseRepliesMatchesKept(t *testing.T) {
	ctx := needNetlink(t)
	c, want := dialWithFamilies(t, ctx)
	snapshot := func(v any) string { return snapshotJSON(t, v) }
	for round := range 3 {
		var names []string
		var first *nlctrl.CtrlAttrs
		for f, err := range c.GetfamilyDump(ctx, runtime.ReuseReplies()) {
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = f
			} else if f != first {
				t.Fatalf("round %d: reply %d not decoded into the memory of the one before", round, len(names))
			}
			if got := snapshot(f); got != want[f.FamilyName.V] {
				t.Fatalf("round %d: reused reply about %q:\n got  %s\n want %s", round, f.FamilyName.V, got, want[f.FamilyName.V])
			}
			names = append(names, f.FamilyName.V)
		}
		if len(names) != len(want) {
			t.Fatalf("round %d: %d replies, want %d", round, len(names), len(want))
		}
		for _, name := range names {
			if _, ok := want[name]; !ok {
				t.Fatalf("round %d: a kept family name changed to %q", round, name)
			}
		}
	}
}

// snapshotJSON is v as JSON, to compare decoded values by content.
func snapshotJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dialWithFamilies dials nlctrl with opts, closing it when the test
// ends, and dumps the kernel's families: it returns the client and each
// family's snapshotJSON by name.
func dialWithFamilies(t *testing.T, ctx context.Context, opts ...runtime.Option) (*nlctrl.Client, map[string]string) {
	t.Helper()
	c, err := nlctrl.Dial(ctx, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	want := map[string]string{}
	for f, err := range c.GetfamilyDump(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		want[f.FamilyName.V] = snapshotJSON(t, f)
	}
	return c, want
}

// TestReuseReplyArena: "do" requests run with runtime.ReuseReply decode
// into the caller's arena: the second reply takes the memory of the
// first, equals a plain request's reply whatever the first held, and the
// first reply's strings stay intact.
func TestReuseReplyArena(t *testing.T) {
	ctx := needNetlink(t)
	c, want := dialWithFamilies(t, ctx)
	if len(want) < 2 {
		t.Skipf("%d families: need two", len(want))
	}
	var arena runtime.ReplyArena
	var first *nlctrl.CtrlAttrs
	var names [][2]string // asked, and the string the reply held
	for round := range 3 {
		for name := range want {
			f, err := c.Getfamily(ctx, &nlctrl.CtrlAttrs{FamilyName: runtime.Some(name)}, runtime.ReuseReply(&arena))
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = f
			} else if f != first {
				t.Fatalf("round %d: reply about %q not decoded into the arena's memory", round, name)
			}
			if got := snapshotJSON(t, f); got != want[name] {
				t.Fatalf("round %d: reply about %q from the arena:\n got  %s\n want %s", round, name, got, want[name])
			}
			names = append(names, [2]string{name, f.FamilyName.V})
		}
	}
	for _, n := range names {
		if n[0] != n[1] {
			t.Fatalf("the name of a reply about %q from the arena changed to %q", n[0], n[1])
		}
	}
	// Without the option, replies are kept as before: not in the arena.
	kept, err := c.Getfamily(ctx, &nlctrl.CtrlAttrs{FamilyName: runtime.Some("nlctrl")})
	if err != nil {
		t.Fatal(err)
	}
	if kept == first {
		t.Error("a reply without ReuseReply was decoded into the arena")
	}
}
