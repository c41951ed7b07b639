//go:build e2e_guest

package docexmpl

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/e2e/guest"
	"github.com/genlgen/genlgen/examples/doc_exmpl/docexmpl"
	"github.com/genlgen/genlgen/runtime"
)

// Extended ACK messages of lib/nlattr.c in 6.12.
const (
	msgPolicy  = "Attribute failed policy validation"
	msgUnknown = "Unknown attribute type"
)

// Attribute types of the doc-exmpl set, as the kernel's uAPI numbers them.
const (
	attrUnspec = 0
	attrMsg    = 1
	attrSeq    = 2
)

// Command numbers, including ones that are not requests.
const (
	cmdUnspec  = 0
	cmdEcho    = 1
	cmdHistory = 2
	cmdClear   = 3
	cmdEchoNtf = 4
)

// rawEcho sends an echo whose attributes are exactly attrs, bypassing the
// typed fields: the generated Encode writes Unknown attributes as they are.
// The request still goes through the generated operation, so the kernel's
// extended ACK is mapped to names by the generated attribute table.
func rawEcho(ctx context.Context, c *docexmpl.Client, attrs ...runtime.RawAttr) error {
	_, err := c.Echo(ctx, &docexmpl.DocExmpl{Unknown: attrs})
	return err
}

// rawDo sends a request for command cmd, with no attributes, as a do.
func rawDo(ctx context.Context, c *docexmpl.Client, cmd uint8) error {
	op := runtime.Op{Name: "raw-do", Cmd: cmd}
	return c.Conn().Do(ctx, &op, nil, func(runtime.Message) error { return nil })
}

// rawDump sends a request for command cmd as a dump and returns the error
// that ended it.
func rawDump(ctx context.Context, c *docexmpl.Client, cmd uint8) error {
	op := runtime.Op{Name: "raw-dump", Cmd: cmd}
	for _, err := range c.Conn().Dump(ctx, &op, nil) {
		if err != nil {
			return err
		}
	}
	return nil
}

// badInput is one malformed request and how the kernel must reject it.
type badInput struct {
	name    string
	send    func(context.Context, *docexmpl.Client) error
	errno   unix.Errno
	path    string // Error.AttrPath
	missing string // Error.MissingAttr
	message string // Error.Message, if set
	// policy, if set, checks the policy the extended ACK reported.
	policy func(*runtime.PolicyInfo) bool
}

// nulStringPolicy reports whether p is msg's policy: a NUL-terminated
// string of at most MsgMaxLen bytes.
func nulStringPolicy(p *runtime.PolicyInfo) bool {
	return p != nil && p.Type == unix.NL_ATTR_TYPE_NUL_STRING && p.HasLength && p.MaxLength == docexmpl.MsgMaxLen
}

// The echo request policy (kmod/doc_exmpl-nl.c) is
//
//	[DOC_EXMPL_A_MSG] = { .type = NLA_NUL_STRING, .len = DOC_EXMPL_MSG_MAX_LEN }
//
// with maxattr DOC_EXMPL_A_MSG, and split ops validate strictly. What
// lib/nlattr.c makes of that:
//
//   - Any type other than msg (0, seq, timestamp, 77) is beyond maxattr or
//     zero, so it is an "Unknown attribute type" (EINVAL), whatever its
//     length: a 2-byte seq never reaches a length check. The socket's
//     NETLINK_GET_STRICT_CHK does not matter; genetlink validates by the op.
//   - msg is the one attribute whose length is checked. NLA_NUL_STRING looks
//     for a NUL in the first min(len, max-len+1) bytes and fails with EINVAL
//     if there is none: that catches a 0-length msg, a msg without its NUL,
//     and a msg one byte over the maximum (its NUL is byte 258). Only a msg
//     with a NUL early enough but more bytes after it than max-len allows
//     reaches the NLA_STRING length check, which fails with ERANGE.
//   - Policy failures name the attribute and carry its policy; unknown
//     types name it without one.
//   - history and clear have no request policy, and on receive genetlink
//     does not parse the attributes of a split op without one: they are
//     ignored, not rejected (nlctrl nevertheless reports such ops as having
//     a reject-all policy). So there is no other length check to provoke.
func badInputs() []badInput {
	over := msgOfLen("over", docexmpl.MsgMaxLen+1)
	return []badInput{
		{
			name: "missing msg",
			send: func(ctx context.Context, c *docexmpl.Client) error {
				_, err := c.Echo(ctx, &docexmpl.DocExmpl{})
				return err
			},
			errno:   unix.EINVAL,
			missing: "msg",
		},
		{
			name: "msg one byte over the maximum",
			send: func(ctx context.Context, c *docexmpl.Client) error {
				_, err := c.Echo(ctx, &docexmpl.DocExmpl{Msg: runtime.Some(over)})
				return err
			},
			errno:   unix.EINVAL,
			path:    "msg",
			message: msgPolicy,
			policy:  nulStringPolicy,
		},
		{
			name: "msg with bytes after its NUL past the maximum",
			send: func(ctx context.Context, c *docexmpl.Client) error {
				b := []byte(msgOfLen("nul", docexmpl.MsgMaxLen) + "\x00extra\x00")
				return rawEcho(ctx, c, runtime.RawAttr{Type: attrMsg, Data: b})
			},
			errno:   unix.ERANGE,
			path:    "msg",
			message: msgPolicy,
			policy:  nulStringPolicy,
		},
		{
			name: "msg not NUL-terminated",
			send: func(ctx context.Context, c *docexmpl.Client) error {
				return rawEcho(ctx, c, runtime.RawAttr{Type: attrMsg, Data: []byte("no terminator")})
			},
			errno:   unix.EINVAL,
			path:    "msg",
			message: msgPolicy,
			policy:  nulStringPolicy,
		},
		{
			name: "msg of the maximum length not NUL-terminated",
			send: func(ctx context.Context, c *docexmpl.Client) error {
				b := []byte(msgOfLen("max", docexmpl.MsgMaxLen))
				return rawEcho(ctx, c, runtime.RawAttr{Type: attrMsg, Data: b})
			},
			errno:   unix.EINVAL,
			path:    "msg",
			message: msgPolicy,
			policy:  nulStringPolicy,
		},
		{
			name: "msg of length 0",
			send: func(ctx context.Context, c *docexmpl.Client) error {
				return rawEcho(ctx, c, runtime.RawAttr{Type: attrMsg})
			},
			errno:   unix.EINVAL,
			path:    "msg",
			message: msgPolicy,
			policy:  nulStringPolicy,
		},
		{
			name: "u64 seq of 2 bytes in echo",
			send: func(ctx context.Context, c *docexmpl.Client) error {
				return rawEcho(ctx, c,
					runtime.RawAttr{Type: attrMsg, Data: []byte("ok\x00")},
					runtime.RawAttr{Type: attrSeq, Data: []byte{1, 0}})
			},
			errno:   unix.EINVAL,
			path:    "seq",
			message: msgUnknown,
		},
		{
			// The typed Echo never sends seq (echo's request lists only
			// msg; see TestTypedRequestSendsOnlyItsAttributes), so the
			// well-formed u64 goes raw.
			name: "well-formed seq in echo",
			send: func(ctx context.Context, c *docexmpl.Client) error {
				return rawEcho(ctx, c,
					runtime.RawAttr{Type: attrMsg, Data: []byte("ok\x00")},
					runtime.RawAttr{Type: attrSeq, Data: []byte{7, 0, 0, 0, 0, 0, 0, 0}})
			},
			errno:   unix.EINVAL,
			path:    "seq",
			message: msgUnknown,
		},
		{
			name: "unknown attribute type 77",
			send: func(ctx context.Context, c *docexmpl.Client) error {
				return rawEcho(ctx, c,
					runtime.RawAttr{Type: attrMsg, Data: []byte("ok\x00")},
					runtime.RawAttr{Type: 77, Data: []byte{1, 2, 3, 4}})
			},
			errno:   unix.EINVAL,
			path:    "77",
			message: msgUnknown,
		},
		{
			name: "attribute type 0",
			send: func(ctx context.Context, c *docexmpl.Client) error {
				return rawEcho(ctx, c,
					runtime.RawAttr{Type: attrUnspec, Data: []byte{0, 0, 0, 0}},
					runtime.RawAttr{Type: attrMsg, Data: []byte("ok\x00")})
			},
			errno:   unix.EINVAL,
			path:    "unspec",
			message: msgUnknown,
		},
		{
			name: "unknown attribute without NETLINK_GET_STRICT_CHK",
			send: func(ctx context.Context, _ *docexmpl.Client) error {
				c, err := docexmpl.Dial(ctx, runtime.WithStrictChecking(false))
				if err != nil {
					return err
				}
				defer c.Close()
				return rawEcho(ctx, c,
					runtime.RawAttr{Type: attrMsg, Data: []byte("ok\x00")},
					runtime.RawAttr{Type: 77, Data: []byte{1, 2, 3, 4}})
			},
			errno:   unix.EINVAL,
			path:    "77",
			message: msgUnknown,
		},
		{
			name:  "unknown command 99",
			send:  func(ctx context.Context, c *docexmpl.Client) error { return rawDo(ctx, c, 99) },
			errno: unix.EOPNOTSUPP,
		},
		{
			name:  "command 0",
			send:  func(ctx context.Context, c *docexmpl.Client) error { return rawDo(ctx, c, cmdUnspec) },
			errno: unix.EOPNOTSUPP,
		},
		{
			name:  "notification command as a request",
			send:  func(ctx context.Context, c *docexmpl.Client) error { return rawDo(ctx, c, cmdEchoNtf) },
			errno: unix.EOPNOTSUPP,
		},
		{
			name:  "history as a do",
			send:  func(ctx context.Context, c *docexmpl.Client) error { return rawDo(ctx, c, cmdHistory) },
			errno: unix.EOPNOTSUPP,
		},
		{
			name:  "echo as a dump",
			send:  func(ctx context.Context, c *docexmpl.Client) error { return rawDump(ctx, c, cmdEcho) },
			errno: unix.EOPNOTSUPP,
		},
		{
			name:  "clear as a dump",
			send:  func(ctx context.Context, c *docexmpl.Client) error { return rawDump(ctx, c, cmdClear) },
			errno: unix.EOPNOTSUPP,
		},
		{
			name:  "unknown command 99 as a dump",
			send:  func(ctx context.Context, c *docexmpl.Client) error { return rawDump(ctx, c, 99) },
			errno: unix.EOPNOTSUPP,
		},
	}
}

// TestBadInput sends malformed requests, checks each is rejected with the
// right errno and extended ACK (mapped to spec names), and that the module
// still answers afterwards.
func TestBadInput(t *testing.T) {
	ctx := guest.Ctx(t, 60*time.Second)
	c := dial(t, ctx)
	for _, tc := range badInputs() {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			err := tc.send(ctx, c)
			ke := kernelErr(t, tc.name, err)
			t.Logf("%v", err)
			if ke.Errno != tc.errno {
				t.Errorf("errno %d (%v), want %d (%v)", ke.Errno, ke.Errno, tc.errno, tc.errno)
			}
			if ke.AttrPath != tc.path {
				t.Errorf("attribute %q, want %q", ke.AttrPath, tc.path)
			}
			if ke.MissingAttr != tc.missing {
				t.Errorf("missing attribute %q, want %q", ke.MissingAttr, tc.missing)
			}
			if tc.message != "" && ke.Message != tc.message {
				t.Errorf("extack message %q, want %q", ke.Message, tc.message)
			}
			if tc.path != "" && !strings.Contains(err.Error(), "attribute "+tc.path) {
				t.Errorf("error text %q does not name attribute %q", err, tc.path)
			}
			if tc.missing != "" && !strings.Contains(err.Error(), "missing attribute "+tc.missing) {
				t.Errorf("error text %q does not name missing attribute %q", err, tc.missing)
			}
			if tc.policy != nil && !tc.policy(ke.Policy) {
				t.Errorf("extack policy %+v, want a nul-string of at most %d bytes", ke.Policy, docexmpl.MsgMaxLen)
			}
			if tc.policy == nil && ke.Policy != nil {
				t.Errorf("extack policy %+v, want none", ke.Policy)
			}
			echo(t, ctx, c, "still answering after: "+tc.name)
		})
	}
}

// TestTypedRequestLosesNothing: a reply struct filled in (msg, seq,
// timestamp) passed back to Echo fails before anything is sent, naming
// seq, which echo's request does not carry (it would be lost); with only
// msg copied over, the echo goes through, and its sequence number shows
// that the refused one never reached the kernel.
func TestTypedRequestLosesNothing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := docexmpl.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msg := "again"
	first, err := c.Echo(ctx, &docexmpl.DocExmpl{Msg: runtime.Some(msg)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Echo(ctx, first)
	if !errors.Is(err, runtime.ErrNotInRequest) || !strings.Contains(err.Error(), "Seq") {
		t.Fatalf("echo of a reply struct (seq and timestamp set): %v, want runtime.ErrNotInRequest naming Seq", err)
	}
	second, err := c.Echo(ctx, &docexmpl.DocExmpl{Msg: first.Msg})
	if err != nil {
		t.Fatal(err)
	}
	if second.Msg.V != msg || second.Seq.V != first.Seq.V+1 {
		t.Errorf("second echo = %q seq %d, want %q seq %d (the refused one unsent)", second.Msg.V, second.Seq.V, msg, first.Seq.V+1)
	}
}
