//go:build e2e_guest

package docexmpl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/e2e/guest"
	"github.com/genlgen/genlgen/examples/doc_exmpl/docexmpl"
	"github.com/genlgen/genlgen/runtime"
)

// The unprivileged helper mode and the uid/gid it runs as (nobody).
const (
	helperUnprivileged = "unprivileged"
	nobody             = 65534
)

// TestClearPermission runs the admin-only clear as root (it succeeds) and,
// in a re-executed copy of this binary, as uid 65534 without capabilities:
// there echo and the history dump work and clear fails with EPERM, leaving
// the history as it was.
func TestClearPermission(t *testing.T) {
	ctx := guest.Ctx(t, 60*time.Second)
	c := dial(t, ctx)
	echo(t, ctx, c, "before clear")
	clearHistory(t, ctx, c)
	if h := history(t, ctx, c); len(h) != 0 {
		t.Fatalf("history has %d entries after clear as root", len(h))
	}
	echo(t, ctx, c, "kept: clear by nobody must fail")

	stdout, stderr, err := guest.Reexec(ctx, helperUnprivileged, &syscall.SysProcAttr{
		Credential: &syscall.Credential{Uid: nobody, Gid: nobody, Groups: []uint32{}},
	})
	out := append(stdout, stderr...)
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		t.Logf("helper: %s", line)
	}
	if err != nil {
		t.Fatalf("unprivileged helper: %v", err)
	}
	if !strings.Contains(string(out), "clear: EPERM") {
		t.Fatalf("unprivileged helper did not report clear failing with EPERM")
	}

	h := history(t, ctx, c)
	msgs := make([]string, 0, len(h))
	for _, e := range h {
		if e.Msg.Present {
			msgs = append(msgs, e.Msg.V)
		}
	}
	want := []string{"kept: clear by nobody must fail", "echo by nobody"}
	if strings.Join(msgs, "|") != strings.Join(want, "|") {
		t.Errorf("history after the unprivileged clear: %q, want %q", msgs, want)
	}
}

// runHelper runs a helper mode of the re-executed test binary and returns
// its exit status.
func runHelper(mode string) int {
	var err error
	switch mode {
	case helperUnprivileged:
		err = unprivileged()
	default:
		err = fmt.Errorf("unknown helper mode %q", mode)
	}
	if err != nil {
		fmt.Println("FAIL:", err)
		return 1
	}
	return 0
}

// unprivileged is the helper that runs as nobody.
func unprivileged() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if uid, euid := os.Getuid(), os.Geteuid(); uid != nobody || euid != nobody {
		return fmt.Errorf("running as uid %d euid %d, want %d", uid, euid, nobody)
	}
	capEff, err := statusField("CapEff")
	if err != nil {
		return err
	}
	if strings.Trim(capEff, "0") != "" {
		return fmt.Errorf("effective capabilities %s, want none", capEff)
	}
	fmt.Printf("uid %d, CapEff %s\n", os.Getuid(), capEff)

	c, err := docexmpl.Dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	msg := "echo by nobody"
	rsp, err := c.Echo(ctx, &docexmpl.DocExmpl{Msg: runtime.Some(msg)})
	if err != nil {
		return fmt.Errorf("echo (needs no privilege): %w", err)
	}
	if err := checkReply(msg, rsp); err != nil {
		return fmt.Errorf("echo: %w", err)
	}
	n := 0
	for _, err := range c.HistoryDump(ctx) {
		if err != nil {
			return fmt.Errorf("history dump (needs no privilege): %w", err)
		}
		n++
	}
	fmt.Printf("history: %d entries\n", n)

	err = c.Clear(ctx)
	switch {
	case err == nil:
		return errors.New("clear succeeded without CAP_NET_ADMIN")
	case !errors.Is(err, unix.EPERM):
		return fmt.Errorf("clear: %w, want EPERM", err)
	}
	fmt.Printf("clear: EPERM (%v)\n", err)
	return nil
}

// statusField returns a field of /proc/self/status.
func statusField(name string) (string, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && k == name {
			return strings.TrimSpace(v), nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("/proc/self/status has no %s", name)
}
