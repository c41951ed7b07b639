//go:build e2e_guest

package smoke

import (
	"bufio"
	"encoding/binary"
	"flag"
	"os"
	"sort"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

var (
	wantModules  = flag.String("want-modules", "hello", "comma-separated modules that /proc/modules must list")
	wantFamilies = flag.String("want-families", "nlctrl,netdev", "comma-separated generic netlink families that must exist")
)

func TestMain(m *testing.M) {
	flag.Parse()
	if os.Getenv("GENLGEN_E2E") != "1" {
		// Guest-only: on a developer's machine these checks would
		// judge the wrong kernel.
		println("smoke: not inside the e2e VM (GENLGEN_E2E unset); run it through vmrun")
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func TestModulesLoaded(t *testing.T) {
	f, err := os.Open("/proc/modules")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	loaded := make(map[string]bool)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, _, ok := strings.Cut(sc.Text(), " "); ok {
			loaded[name] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, m := range split(*wantModules) {
		if !loaded[strings.ReplaceAll(m, "-", "_")] {
			t.Errorf("/proc/modules does not list %s", m)
		}
	}
}

func TestGenlFamilies(t *testing.T) {
	fams := dumpFamilies(t)
	names := make([]string, 0, len(fams))
	for n := range fams {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("genl family %-20s id %d", n, fams[n])
	}
	t.Logf("GENL-FAMILIES %s", strings.Join(names, ","))
	for _, want := range split(*wantFamilies) {
		if _, ok := fams[want]; !ok {
			t.Errorf("nlctrl does not list family %q", want)
		}
	}
}

// dumpFamilies asks nlctrl for every generic netlink family and returns
// their names and ids.
func dumpFamilies(t *testing.T) map[string]uint16 {
	t.Helper()
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_GENERIC)
	if err != nil {
		t.Fatalf("open generic netlink socket: %v", err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		t.Fatalf("bind: %v", err)
	}

	const seq = 1
	req := make([]byte, unix.NLMSG_HDRLEN+unix.GENL_HDRLEN)
	ne := binary.NativeEndian
	ne.PutUint32(req[0:], uint32(len(req)))
	ne.PutUint16(req[4:], unix.GENL_ID_CTRL)
	ne.PutUint16(req[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(req[8:], seq)
	req[unix.NLMSG_HDRLEN] = unix.CTRL_CMD_GETFAMILY
	req[unix.NLMSG_HDRLEN+1] = 1 // version
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		t.Fatalf("send getfamily dump: %v", err)
	}

	fams := make(map[string]uint16)
	buf := make([]byte, 64<<10)
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			t.Fatalf("receive: %v", err)
		}
		for b := buf[:n]; len(b) >= unix.NLMSG_HDRLEN; {
			l := int(ne.Uint32(b[0:]))
			typ := ne.Uint16(b[4:])
			if l < unix.NLMSG_HDRLEN || l > len(b) {
				t.Fatalf("bad netlink message length %d", l)
			}
			msg := b[:l]
			b = b[min(nlAlign(l), len(b)):]
			switch typ {
			case unix.NLMSG_DONE:
				return fams
			case unix.NLMSG_ERROR:
				errno := int32(ne.Uint32(msg[unix.NLMSG_HDRLEN:]))
				t.Fatalf("getfamily dump: %v", unix.Errno(-errno))
			case unix.GENL_ID_CTRL:
			default:
				continue
			}
			var (
				name string
				id   uint16
			)
			for a := msg[unix.NLMSG_HDRLEN+unix.GENL_HDRLEN:]; len(a) >= unix.NLA_HDRLEN; {
				al := int(ne.Uint16(a[0:]))
				if al < unix.NLA_HDRLEN || al > len(a) {
					t.Fatalf("bad attribute length %d", al)
				}
				val := a[unix.NLA_HDRLEN:al]
				switch ne.Uint16(a[2:]) &^ (unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER) {
				case unix.CTRL_ATTR_FAMILY_NAME:
					name = strings.TrimRight(string(val), "\x00")
				case unix.CTRL_ATTR_FAMILY_ID:
					id = ne.Uint16(val)
				}
				a = a[min(nlAlign(al), len(a)):]
			}
			fams[name] = id
		}
	}
}

func nlAlign(n int) int { return (n + unix.NLMSG_ALIGNTO - 1) &^ (unix.NLMSG_ALIGNTO - 1) }
