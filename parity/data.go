package parity

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/internal/families/ethtool"
	"github.com/genlgen/genlgen/internal/families/netdev"
	"github.com/genlgen/genlgen/internal/families/nlctrl"
	"github.com/genlgen/genlgen/parity/clients/mptcppm"
	"github.com/genlgen/genlgen/parity/clients/tcpmetrics"
	"github.com/genlgen/genlgen/runtime"
)

// DataCase is one read-only op that both cli.py and a genlgen client run
// against the host kernel.
type DataCase struct {
	// Spec is the family's spec name; Op the op's spec name.
	Spec, Op string
	// Dump runs the op as a dump (cli.py --dump), else as a do.
	Dump bool
	// Request is the request as JSON, for cli.py --json and decoded into
	// the genlgen client's request struct ("" for none).
	Request string
	// Volatile lists top-level reply attributes that change between two
	// runs (a timestamp's age); they are left out of the comparison.
	Volatile []string
	// run runs the op with genlgen's client and returns the replies (a
	// dump) or the reply (a do) for encoding/json.
	run func(ctx context.Context, req []byte) (any, error)
}

// Name identifies the case in PARITY.md.
func (c DataCase) Name() string {
	mode := "do"
	if c.Dump {
		mode = "dump"
	}
	s := fmt.Sprintf("%s %s %s", c.Spec, c.Op, mode)
	if c.Request != "" {
		s += " " + c.Request
	}
	return s
}

// dumpAll collects a dump's replies.
func dumpAll[T any](seq func(yield func(T, error) bool)) ([]T, error) {
	out := []T{}
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// request decodes a case's JSON request into a new T.
func request[T any](b []byte) (*T, error) {
	v := new(T)
	if len(b) == 0 {
		return v, nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return nil, fmt.Errorf("request %s: %w", b, err)
	}
	return v, nil
}

// with runs f with a client of its own, dialled by dial and closed after.
func with[C io.Closer](dial func(context.Context, ...runtime.Option) (C, error), f func(C, context.Context, []byte) (any, error)) func(context.Context, []byte) (any, error) {
	return func(ctx context.Context, b []byte) (any, error) {
		c, err := dial(ctx)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		return f(c, ctx, b)
	}
}

// do runs a do op of client C on the case's request, decoded into a T.
func do[C io.Closer, T any](dial func(context.Context, ...runtime.Option) (C, error), op func(C, context.Context, *T, ...runtime.DoOption) (*T, error)) func(context.Context, []byte) (any, error) {
	return with(dial, func(c C, ctx context.Context, b []byte) (any, error) {
		req, err := request[T](b)
		if err != nil {
			return nil, err
		}
		return op(c, ctx, req)
	})
}

// DataCases are the comparisons `make parity` runs on the host.
var DataCases = []DataCase{
	{Spec: "nlctrl", Op: "getfamily", Dump: true, run: with(nlctrl.Dial, func(c *nlctrl.Client, ctx context.Context, _ []byte) (any, error) {
		return dumpAll(c.GetfamilyDump(ctx))
	})},
	{Spec: "nlctrl", Op: "getpolicy", Dump: true, Request: `{"family-name": "netdev"}`, run: with(nlctrl.Dial, func(c *nlctrl.Client, ctx context.Context, b []byte) (any, error) {
		req, err := request[nlctrl.CtrlAttrs](b)
		if err != nil {
			return nil, err
		}
		return dumpAll(c.GetpolicyDump(ctx, req))
	})},
	{Spec: "netdev", Op: "dev-get", Dump: true, run: with(netdev.Dial, func(c *netdev.Client, ctx context.Context, _ []byte) (any, error) {
		return dumpAll(c.DevGetDump(ctx))
	})},
	{Spec: "netdev", Op: "queue-get", Dump: true, run: with(netdev.Dial, func(c *netdev.Client, ctx context.Context, _ []byte) (any, error) {
		return dumpAll(c.QueueGetDump(ctx, &netdev.Queue{}))
	})},
	{Spec: "netdev", Op: "napi-get", Dump: true, run: with(netdev.Dial, func(c *netdev.Client, ctx context.Context, _ []byte) (any, error) {
		return dumpAll(c.NAPIGetDump(ctx, &netdev.NAPI{}))
	})},
	{Spec: "nlctrl", Op: "getfamily", Request: `{"family-name": "netdev"}`, run: do(nlctrl.Dial, (*nlctrl.Client).Getfamily)},
	{Spec: "ethtool", Op: "linkinfo-get", Request: `{"header": {"dev-name": "lo"}}`, run: do(ethtool.Dial, (*ethtool.Client).LinkinfoGet)},
	{Spec: "ethtool", Op: "linkinfo-get", Request: `{"header": {"dev-name": "eth0"}}`, run: do(ethtool.Dial, (*ethtool.Client).LinkinfoGet)},
	{Spec: "ethtool", Op: "linkmodes-get", Request: `{"header": {"dev-name": "lo"}}`, run: do(ethtool.Dial, (*ethtool.Client).LinkmodesGet)},
	{Spec: "ethtool", Op: "linkmodes-get", Request: `{"header": {"dev-name": "eth0"}}`, run: do(ethtool.Dial, (*ethtool.Client).LinkmodesGet)},
	{Spec: "ethtool", Op: "strset-get", Request: `{"header": {"dev-name": "lo"}}`, run: do(ethtool.Dial, (*ethtool.Client).StrsetGet)},
	{Spec: "ethtool", Op: "strset-get", Request: `{"header": {"dev-name": "eth0"}}`, run: do(ethtool.Dial, (*ethtool.Client).StrsetGet)},
	{Spec: "ethtool", Op: "features-get", Request: `{"header": {"dev-name": "lo"}}`, run: do(ethtool.Dial, (*ethtool.Client).FeaturesGet)},
	{Spec: "ethtool", Op: "rings-get", Request: `{"header": {"dev-name": "eth0"}}`, run: do(ethtool.Dial, (*ethtool.Client).RingsGet)},
	{Spec: "tcp_metrics", Op: "get", Dump: true, Volatile: []string{"age"}, run: with(tcpmetrics.Dial, func(c *tcpmetrics.Client, ctx context.Context, _ []byte) (any, error) {
		return dumpAll(c.GetDump(ctx))
	})},
	{Spec: "mptcp_pm", Op: "get-addr", Dump: true, run: with(mptcppm.Dial, func(c *mptcppm.Client, ctx context.Context, _ []byte) (any, error) {
		return dumpAll(c.GetAddrDump(ctx))
	})},
	{Spec: "mptcp_pm", Op: "get-limits", run: do(mptcppm.Dial, (*mptcppm.Client).GetLimits)},
}

// Outcome is what one client did for a case: a normalised reply, or an
// error (Errno set when the kernel refused the request).
type Outcome struct {
	Reply any
	Errno int
	Err   string
}

func (o Outcome) String() string {
	switch {
	case o.Errno != 0:
		return fmt.Sprintf("kernel error %d (%s)", o.Errno, unix.Errno(o.Errno).Error())
	case o.Err != "":
		return "failure: " + o.Err
	}
	return "reply"
}

// errnoOf finds the errno whose text (Python's os.strerror, which is
// libc's, as Go's) a cli.py error line holds; the longest match wins
// ("no such device" within "no such device or address").
func errnoOf(line string) int {
	line = strings.ToLower(line)
	best, bestLen := 0, 0
	for n := 1; n < 256; n++ {
		text := strings.ToLower(unix.Errno(n).Error())
		if strings.HasPrefix(text, "errno ") {
			continue
		}
		if strings.Contains(line, text) && len(text) > bestLen {
			best, bestLen = n, len(text)
		}
	}
	return best
}

// RunPython runs the case with the kernel's client cli (pyynl/cli.py of
// 7.3) and the spec in specs.
func RunPython(ctx context.Context, c DataCase, cli, specs string) Outcome {
	args := []string{cli, "--spec", filepath.Join(specs, c.Spec+".yaml"), "--output-json"}
	if c.Dump {
		args = append(args, "--dump", c.Op)
	} else {
		args = append(args, "--do", c.Op)
	}
	if c.Request != "" {
		args = append(args, "--json", c.Request)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "python3", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	// cli.py prints a kernel error (NlError) on stdout and exits 1:
	// "Netlink error: [extack message: ]strerror[ {extack}]".
	if out := stdout.String(); strings.HasPrefix(out, "Netlink error") {
		if n := errnoOf(out); n != 0 {
			return Outcome{Errno: n}
		}
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if lines := strings.Split(msg, "\n"); len(lines) > 0 {
			msg = lines[len(lines)-1]
		}
		return Outcome{Err: fmt.Sprintf("cli.py: %v: %s", err, msg)}
	}
	v, err := decodeJSON(stdout.Bytes())
	if err != nil {
		return Outcome{Err: fmt.Sprintf("cli.py output: %v", err)}
	}
	return Outcome{Reply: dropKeys(v, c.Volatile)}
}

// RunGo runs the case with genlgen's client. Its JSON is compared with
// cli.py's as it is: both are decoded into maps, so that only the order
// of an object's members is left aside.
func RunGo(ctx context.Context, c DataCase) Outcome {
	v, err := c.run(ctx, []byte(c.Request))
	var errno unix.Errno
	if errors.As(err, &errno) {
		return Outcome{Errno: int(errno)}
	}
	if err != nil {
		return Outcome{Err: err.Error()}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return Outcome{Err: fmt.Sprintf("encoding/json: %v", err)}
	}
	r, err := decodeJSON(b)
	if err != nil {
		return Outcome{Err: err.Error()}
	}
	return Outcome{Reply: dropKeys(r, c.Volatile)}
}

func decodeJSON(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// dropKeys removes keys from a reply object or from each object of a list.
func dropKeys(v any, keys []string) any {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range keys {
			delete(x, k)
		}
	case []any:
		for _, e := range x {
			dropKeys(e, keys)
		}
	}
	return v
}

// CompareOutcomes lists the differences between cli.py's and genlgen's
// outcomes of one case.
func CompareOutcomes(py, gg Outcome) []string {
	if py.Errno != 0 || gg.Errno != 0 || py.Err != "" || gg.Err != "" {
		if py.Errno != 0 && py.Errno == gg.Errno {
			return nil
		}
		return []string{fmt.Sprintf("(outcome): cli.py %s, genlgen %s", py, gg)}
	}
	return JSONDiff(py.Reply, gg.Reply)
}
