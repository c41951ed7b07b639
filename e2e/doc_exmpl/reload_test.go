//go:build e2e_guest

package docexmpl

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/e2e/guest"
	"github.com/genlgen/genlgen/examples/doc_exmpl/docexmpl"
	"github.com/genlgen/genlgen/runtime"
)

// moduleParams returns the loaded module's parameters as insmod arguments
// (name=value), so that a reload keeps them.
func moduleParams(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("/sys/module", *moduleName, "parameters", "*"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, filepath.Base(f)+"="+strings.TrimSpace(string(b)))
	}
	return out
}

// historyCapacity returns how many entries the module's history keeps,
// from its module parameter.
func historyCapacity(t *testing.T) int {
	t.Helper()
	params := moduleParams(t)
	for _, p := range params {
		name, val, _ := strings.Cut(p, "=")
		if strings.Contains(name, "hist") {
			n, err := strconv.Atoi(val)
			if err != nil {
				t.Fatalf("module parameter %s: %v", p, err)
			}
			return n
		}
	}
	t.Fatalf("the module has no history size parameter among %q", params)
	return 0
}

func rmmod(t *testing.T, ctx context.Context) {
	t.Helper()
	guest.Run(t, ctx, "rmmod", *moduleName)
	if guest.ModuleLoaded(*moduleName) {
		t.Fatalf("rmmod %s returned but /sys/module still lists it", *moduleName)
	}
}

func insmod(t *testing.T, ctx context.Context, params []string) {
	t.Helper()
	guest.Run(t, ctx, "insmod", append([]string{*koPath}, params...)...)
	if !guest.ModuleLoaded(*moduleName) {
		t.Fatalf("insmod %s returned but /sys/module does not list %s", *koPath, *moduleName)
	}
}

// goneErr checks that err is how a request to the unloaded family fails:
// promptly, with ENOENT from genetlink, and not by running out of time.
func goneErr(t *testing.T, what string, err error) {
	t.Helper()
	switch {
	case err == nil:
		t.Errorf("%s after rmmod: succeeded", what)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		t.Errorf("%s after rmmod: hung until %v", what, err)
	case !errors.Is(err, unix.ENOENT):
		t.Errorf("%s after rmmod: %v, want ENOENT", what, err)
	default:
		t.Logf("%s after rmmod: %v", what, err)
	}
}

// TestReload unloads the module under a client that holds sockets and a
// subscription, checks they fail cleanly instead of hanging (the
// subscription ends with ErrFamilyRemoved), loads the
// module again and checks that new clients start from a fresh family.
// It runs last (files run in name order) and leaves the module loaded.
func TestReload(t *testing.T) {
	ctx := guest.Ctx(t, 120*time.Second)
	params := moduleParams(t)
	t.Logf("module parameters: %q", params)
	t.Cleanup(func() {
		if !guest.ModuleLoaded(*moduleName) {
			insmod(t, context.Background(), params)
		}
	})

	old := dial(t, ctx)
	idle := dial(t, ctx)
	echo(t, ctx, idle, "idle client's socket is pooled")
	subCtx, stopSub := context.WithTimeout(ctx, 60*time.Second)
	defer stopSub()
	sub, err := old.Subscribe(subCtx, docexmpl.GroupEvents)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	arrived := make(chan string, 16)
	ended := make(chan error, 1)
	go func() {
		var last error
		for n, err := range sub.All() {
			if err != nil {
				last = err
				continue
			}
			if v, ok := n.(docexmpl.EchoNtf); ok && v.Msg.Present {
				arrived <- v.Msg.V
			}
		}
		ended <- last
	}()
	echo(t, ctx, old, "before rmmod")
	select {
	case m := <-arrived:
		if m != "before rmmod" {
			t.Fatalf("notification %q, want %q", m, "before rmmod")
		}
	case <-ctx.Done():
		t.Fatal("no notification for the echo before rmmod")
	}

	rmmod(t, ctx)

	// Each request gets 10s: an answer or an error, not a hang.
	reqCtx := func() context.Context {
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		t.Cleanup(cancel)
		return rctx
	}
	msg := "after rmmod"
	_, err = old.Echo(reqCtx(), &docexmpl.DocExmpl{Msg: runtime.Some(msg)})
	goneErr(t, "echo on the subscribed client", err)
	_, err = idle.Echo(reqCtx(), &docexmpl.DocExmpl{Msg: runtime.Some(msg)})
	goneErr(t, "echo on a pooled socket", err)
	goneErr(t, "clear", idle.Clear(reqCtx()))
	for _, err := range idle.HistoryDump(reqCtx()) {
		goneErr(t, "history dump", err)
	}
	if _, err := docexmpl.Dial(reqCtx()); !errors.Is(err, runtime.ErrFamilyNotFound) {
		t.Errorf("dial after rmmod: %v, want ErrFamilyNotFound", err)
	}

	// nlctrl announced the family's removal to the subscription's socket:
	// the iteration ends by itself, saying so.
	select {
	case err := <-ended:
		if !errors.Is(err, runtime.ErrFamilyRemoved) {
			t.Errorf("subscription ended with %v, want ErrFamilyRemoved", err)
		} else {
			t.Logf("subscription ended: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("subscription iteration still running 5s after rmmod")
	}
	sub.Close()
	select {
	case m := <-arrived:
		t.Errorf("notification %q arrived after rmmod", m)
	default:
	}

	for cycle := range 3 {
		insmod(t, ctx, params)
		c := dial(t, ctx)
		s, err := c.Subscribe(ctx, docexmpl.GroupEvents)
		if err != nil {
			t.Fatalf("cycle %d: subscribe: %v", cycle, err)
		}
		rsp := echo(t, ctx, c, "after insmod")
		if rsp.Seq.V != 1 {
			t.Errorf("cycle %d: first echo after insmod has seq %d, want 1", cycle, rsp.Seq.V)
		}
		if h := history(t, ctx, c); len(h) != 1 || !h[0].Msg.Present || h[0].Msg.V != "after insmod" {
			t.Errorf("cycle %d: history after insmod and one echo has %d entries", cycle, len(h))
		}
		for n, err := range s.All() {
			if err != nil {
				t.Fatalf("cycle %d: subscription: %v", cycle, err)
			}
			if v, ok := n.(docexmpl.EchoNtf); !ok || !v.Msg.Present || v.Msg.V != "after insmod" {
				t.Errorf("cycle %d: notification %+v", cycle, n)
			}
			break
		}
		s.Close()
		if cycle == 0 {
			// A fresh module: nothing was ever cleared or evicted.
			checkClearInterruptsDump(t, ctx, c)
		}
		// A client from before the reload must not hang, whether or
		// not the family got its old id back.
		_, err = old.Echo(reqCtx(), &docexmpl.DocExmpl{Msg: runtime.Some(msg)})
		if errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("cycle %d: echo on the client from before rmmod hung", cycle)
		}
		if cycle < 2 {
			rmmod(t, ctx)
		}
	}
}
