// Command doc-exmpl exercises the DOC_EXMPL generic netlink family through
// its generated Go client: it echoes a message, lists the kernel's history
// of echoes and prints the echo notifications that arrive meanwhile.
//
// Usage:
//
//	doc-exmpl [-msg TEXT] [-wait DURATION] [-clear]
//
// The family comes from the doc_exmpl kernel module; without it the program
// says so and exits with status 1.
package main

//go:generate go run ../../../../cmd/genlgen -go ../../docexmpl ../../../../spec/doc_exmpl.yaml

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/genlgen/genlgen/examples/doc_exmpl/docexmpl"
	"github.com/genlgen/genlgen/runtime"
)

func main() {
	msg := flag.String("msg", "hello from Go", "message to echo")
	wait := flag.Duration("wait", time.Second, "how long to wait for notifications")
	clear := flag.Bool("clear", false, "clear the history first (needs CAP_NET_ADMIN)")
	flag.Parse()
	if err := run(*msg, *wait, *clear); err != nil {
		fmt.Fprintln(os.Stderr, "doc-exmpl:", err)
		os.Exit(1)
	}
}

func run(msg string, wait time.Duration, clear bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), wait+5*time.Second)
	defer cancel()

	c, err := docexmpl.Dial(ctx)
	if errors.Is(err, runtime.ErrFamilyNotFound) {
		return fmt.Errorf("%w\n(the %s family comes from the doc_exmpl kernel module, which this kernel has not loaded)", err, docexmpl.FamilyName)
	}
	if err != nil {
		return err
	}
	defer c.Close()

	// Subscribe before echoing so our own echo's notification is queued.
	ntfCtx, stop := context.WithTimeout(ctx, wait)
	defer stop()
	sub, err := c.Subscribe(ntfCtx, docexmpl.GroupEvents)
	if err != nil {
		return err
	}
	defer sub.Close()

	if clear {
		if err := c.Clear(ctx); err != nil {
			return err
		}
		fmt.Println("history cleared")
	}

	rsp, err := c.Echo(ctx, &docexmpl.DocExmpl{Msg: runtime.Some(msg)})
	if err != nil {
		return err
	}
	fmt.Printf("echo: %s\n", describe(rsp))

	// Each entry is printed and dropped, so the dump may decode every
	// entry into the memory of the one before.
	fmt.Println("history:")
	for m, err := range c.HistoryDump(ctx, runtime.ReuseReplies()) {
		if err != nil {
			return err
		}
		fmt.Printf("  %s\n", describe(m))
	}

	// Notifications are printed and dropped too.
	fmt.Printf("notifications (for %s):\n", wait)
	for n, err := range sub.All(runtime.ReuseReplies()) {
		if err != nil {
			fmt.Fprintln(os.Stderr, "doc-exmpl: notification:", err)
			continue
		}
		switch n := n.(type) {
		case docexmpl.EchoNtf:
			fmt.Printf("  %s: %s\n", n.Op(), describe(n.DocExmpl))
		default:
			fmt.Printf("  %s: not described by the spec\n", n.Op())
		}
	}
	return nil
}

// describe prints a message's attributes.
func describe(m *docexmpl.DocExmpl) string {
	s := "seq"
	if m.Seq.Present {
		s = fmt.Sprintf("#%d", m.Seq.V)
	}
	if m.Msg.Present {
		s += fmt.Sprintf(" %q", m.Msg.V)
	}
	if m.Timestamp.Present {
		s += " at " + time.Unix(0, int64(m.Timestamp.V)).UTC().Format(time.RFC3339Nano)
	}
	return s
}
