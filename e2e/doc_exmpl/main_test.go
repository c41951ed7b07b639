//go:build e2e_guest

package docexmpl

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/e2e/guest"
	"github.com/genlgen/genlgen/examples/doc_exmpl/docexmpl"
	"github.com/genlgen/genlgen/runtime"
)

var (
	koPath     = flag.String("ko", "/e2e/modules/doc_exmpl.ko", "the module file, for the reload tests' insmod")
	moduleName = flag.String("module", "doc_exmpl", "the module's name, for rmmod and /sys/module")
)

func TestMain(m *testing.M) {
	flag.Parse()
	guest.Main(m, "doc_exmpl", runHelper)
}

// dial connects a new client, closed when the test ends.
func dial(t *testing.T, ctx context.Context, opts ...runtime.Option) *docexmpl.Client {
	t.Helper()
	c, err := docexmpl.Dial(ctx, opts...)
	if err != nil {
		t.Fatalf("dial %s: %v", docexmpl.FamilyName, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// checkReply reports what is wrong with an echo reply to msg, or nil.
func checkReply(msg string, rsp *docexmpl.DocExmpl) error {
	switch {
	case rsp == nil:
		return errors.New("no reply message")
	case !rsp.Msg.Present:
		return errors.New("reply without msg")
	case rsp.Msg.V != msg:
		return fmt.Errorf("reply msg %q (%d bytes), want %q (%d bytes)", short(rsp.Msg.V), len(rsp.Msg.V), short(msg), len(msg))
	case !rsp.Seq.Present:
		return errors.New("reply without seq")
	case !rsp.Timestamp.Present:
		return errors.New("reply without timestamp")
	case len(rsp.Unknown) != 0:
		return fmt.Errorf("reply with %d attributes the spec does not know", len(rsp.Unknown))
	}
	return nil
}

// echo sends msg and checks that the reply carries it back.
func echo(t *testing.T, ctx context.Context, c *docexmpl.Client, msg string) *docexmpl.DocExmpl {
	t.Helper()
	rsp, err := c.Echo(ctx, &docexmpl.DocExmpl{Msg: runtime.Some(msg)})
	if err != nil {
		t.Fatalf("echo %q: %v", short(msg), err)
	}
	if err := checkReply(msg, rsp); err != nil {
		t.Fatalf("echo %q: %v", short(msg), err)
	}
	return rsp
}

// clearHistory empties the kernel's history (the tests run as root).
func clearHistory(t *testing.T, ctx context.Context, c *docexmpl.Client) {
	t.Helper()
	if err := c.Clear(ctx); err != nil {
		t.Fatalf("clear: %v", err)
	}
}

// history dumps the kernel's history.
func history(t *testing.T, ctx context.Context, c *docexmpl.Client) []*docexmpl.DocExmpl {
	t.Helper()
	var out []*docexmpl.DocExmpl
	for e, err := range c.HistoryDump(ctx) {
		if err != nil {
			t.Fatalf("history dump after %d entries: %v", len(out), err)
		}
		out = append(out, e)
	}
	return out
}

// short abbreviates long messages in failure output.
func short(s string) string {
	if len(s) <= 40 {
		return s
	}
	return fmt.Sprintf("%s...%s", s[:16], s[len(s)-16:])
}

// kernelErr returns the kernel's error inside err, failing the test if
// there is none.
func kernelErr(t *testing.T, what string, err error) *runtime.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: succeeded, want a kernel error", what)
	}
	var ke *runtime.Error
	if !errors.As(err, &ke) {
		t.Fatalf("%s: %v (%T), want a *runtime.Error from the kernel", what, err, err)
	}
	return ke
}

// msgOfLen returns a printable message of n bytes whose content depends on
// tag, so that messages of equal length still differ.
func msgOfLen(tag string, n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(tag)
		b.WriteByte('.')
	}
	return b.String()[:n]
}
