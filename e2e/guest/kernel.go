//go:build e2e_guest

package guest

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Slabinfo reads /proc/slabinfo: the bytes of every cache's active
// objects (active_objs * objsize) added up, and each cache's active
// objects.
func Slabinfo(t *testing.T) (bytes int, active map[string]int) {
	t.Helper()
	f, err := os.Open("/proc/slabinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	active = map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || strings.HasPrefix(fields[0], "#") || fields[0] == "slabinfo" {
			continue
		}
		n, err1 := strconv.Atoi(fields[1])
		size, err2 := strconv.Atoi(fields[3])
		if err1 != nil || err2 != nil {
			t.Fatalf("slabinfo: bad line %q", sc.Text())
		}
		bytes += n * size
		active[fields[0]] += n
	}
	return bytes, active
}

// Run runs a command of the guest's busybox, failing the test with its
// output when it fails.
func Run(t *testing.T, ctx context.Context, name string, args ...string) {
	t.Helper()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// ModuleLoaded reports whether the module is loaded.
func ModuleLoaded(module string) bool {
	_, err := os.Stat(filepath.Join("/sys/module", module))
	return err == nil
}
