//go:build e2e_guest

package storm

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/e2e/guest"
	"github.com/genlgen/genlgen/examples/doc_exmpl/docexmpl"
	"github.com/genlgen/genlgen/runtime"
)

// The probes a helper runs, named "family.op": the gg_perm operations
// (testdata/perm.yaml), gg_local's one operation (testdata/local.yaml,
// built with -netnsok=false) and doc_exmpl's echo (built with the default,
// netnsok).
var probes = []struct {
	name, family string
	op           runtime.Op
}{
	{"gg-perm.open", "gg-perm", runtime.Op{Name: "open", Cmd: 1}},
	{"gg-perm.admin", "gg-perm", runtime.Op{Name: "admin", Cmd: 2}},
	{"gg-perm.uns-admin", "gg-perm", runtime.Op{Name: "uns-admin", Cmd: 3}},
	{"gg-local.ping", "gg-local", runtime.Op{Name: "ping", Cmd: 1}},
	{"doc-exmpl.echo", docexmpl.FamilyName, runtime.Op{}},
}

// probe runs one probe and names its outcome: "ok", the errno's name, or
// "no family" when the family cannot be resolved from here.
func probe(ctx context.Context, family string, op runtime.Op) string {
	var err error
	if family == docexmpl.FamilyName {
		var c *docexmpl.Client
		if c, err = docexmpl.Dial(ctx); err == nil {
			msg := "probe"
			var rsp *docexmpl.DocExmpl
			rsp, err = c.Echo(ctx, &docexmpl.DocExmpl{Msg: runtime.Some(msg)})
			if err == nil && (rsp == nil || !rsp.Msg.Present || rsp.Msg.V != msg) {
				err = fmt.Errorf("wrong echo %s", describe(rsp))
			}
			c.Close()
		}
	} else {
		var c *runtime.Conn
		if c, err = runtime.Dial(ctx, family); err == nil {
			err = c.Do(ctx, &op, nil, nil)
			c.Close()
		}
	}
	var errno unix.Errno
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, runtime.ErrFamilyNotFound):
		return "no family"
	case errors.As(err, &errno):
		return errnoName(errno)
	}
	return "error: " + strings.ReplaceAll(err.Error(), "\n", " ")
}

// probeHelper is the "probe" helper: it runs every probe in the
// credentials and namespaces it was started in and prints "name: outcome"
// lines.
func probeHelper() int {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, p := range probes {
		fmt.Printf("%s: %s\n", p.name, probe(ctx, p.family, p.op))
	}
	return 0
}

// runProbes re-executes the test binary as a helper with attr and returns
// its outcomes by probe name.
func runProbes(t *testing.T, attr *syscall.SysProcAttr) map[string]string {
	t.Helper()
	out, stderr, err := guest.Reexec(guest.Ctx(t, time.Minute), "probe", attr)
	if err != nil {
		t.Fatalf("helper: %v\nstdout: %s\nstderr: %s", err, out, stderr)
	}
	got := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if name, outcome, ok := strings.Cut(sc.Text(), ": "); ok {
			got[name] = outcome
		}
	}
	return got
}

// rootMap maps the new user namespace's root to the real root, so the
// helper has every capability there, and only there.
var rootMap = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}}

// TestPermissionsAndNamespaces probes the test families as root, as
// nobody, and as root of a new user namespace with and without a new
// network namespace:
//
//   - admin-perm needs CAP_NET_ADMIN in the initial user namespace, so
//     only real root gets through;
//   - uns-admin-perm needs CAP_NET_ADMIN in the user namespace owning the
//     network namespace: real root, or root of a new user namespace in a
//     network namespace that namespace owns, but not nobody, nor new-user-
//     namespace root in the initial network namespace;
//   - families built with netnsok (the default: gg_perm, doc_exmpl)
//     answer from a new network namespace; gg_local, built with
//     -netnsok=false, cannot be found there.
func TestPermissionsAndNamespaces(t *testing.T) {
	const ok, eperm, gone = "ok", "EPERM", "no family"
	cases := []struct {
		name string
		attr *syscall.SysProcAttr
		want map[string]string
	}{
		{"root", nil, map[string]string{
			"gg-perm.open": ok, "gg-perm.admin": ok, "gg-perm.uns-admin": ok,
			"gg-local.ping": ok, "doc-exmpl.echo": ok}},
		{"nobody", &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}, map[string]string{
			"gg-perm.open": ok, "gg-perm.admin": eperm, "gg-perm.uns-admin": eperm,
			"gg-local.ping": ok, "doc-exmpl.echo": ok}},
		{"new userns", &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWUSER,
			UidMappings: rootMap, GidMappings: rootMap}, map[string]string{
			"gg-perm.open": ok, "gg-perm.admin": eperm, "gg-perm.uns-admin": eperm,
			"gg-local.ping": ok, "doc-exmpl.echo": ok}},
		{"new netns", &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWNET}, map[string]string{
			"gg-perm.open": ok, "gg-perm.admin": ok, "gg-perm.uns-admin": ok,
			"gg-local.ping": gone, "doc-exmpl.echo": ok}},
		{"new userns and netns", &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWUSER | unix.CLONE_NEWNET,
			UidMappings: rootMap, GidMappings: rootMap}, map[string]string{
			"gg-perm.open": ok, "gg-perm.admin": eperm, "gg-perm.uns-admin": ok,
			"gg-local.ping": gone, "doc-exmpl.echo": ok}},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			got := runProbes(t, c.attr)
			for _, p := range probes {
				if got[p.name] != c.want[p.name] {
					t.Errorf("%s as %s: got %q, want %q", p.name, c.name, got[p.name], c.want[p.name])
				} else {
					t.Logf("%s as %s: %s", p.name, c.name, got[p.name])
				}
			}
		})
	}
}
