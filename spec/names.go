package spec

import (
	"go/token"
	"strconv"
	"strings"
	"unicode"
)

// cUpper turns a spec name into a C macro-style name (the kernel
// generator's c_upper): upper case, dashes as underscores.
func cUpper(s string) string { return strings.ReplaceAll(strings.ToUpper(s), "-", "_") }

// cLower turns a spec name into a C identifier (c_lower).
func cLower(s string) string { return strings.ReplaceAll(strings.ToLower(s), "-", "_") }

// goInitialisms are words kept in one case in Go names, as Go style does
// for ID, URL and such; the value is the spelling to use.
var goInitialisms = map[string]string{
	"acl": "ACL", "api": "API", "cpu": "CPU", "crc": "CRC", "dma": "DMA", "dns": "DNS", "dpll": "DPLL",
	"eee": "EEE", "fd": "FD", "fec": "FEC", "gid": "GID", "gro": "GRO", "gso": "GSO", "hw": "HW",
	"id": "ID", "ids": "IDs", "ip": "IP", "ipv4": "IPv4", "ipv6": "IPv6", "irq": "IRQ", "json": "JSON",
	"lro": "LRO", "mac": "MAC", "mdi": "MDI", "mtu": "MTU", "napi": "NAPI", "nat": "NAT", "numa": "NUMA",
	"oui": "OUI", "pci": "PCI", "phy": "PHY", "pid": "PID", "pse": "PSE", "qos": "QoS", "rss": "RSS",
	"sctp": "SCTP", "tcp": "TCP", "tls": "TLS", "tos": "TOS", "tso": "TSO", "ttl": "TTL", "udp": "UDP",
	"uid": "UID", "url": "URL", "uuid": "UUID", "vlan": "VLAN", "xdp": "XDP", "xsk": "XSK",
}

// goName turns a spec name ("dev-index", "rx_packets") into an exported Go
// identifier ("DevIndex", "RxPackets"), keeping initialisms conventional.
func goName(s string) string {
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	var b strings.Builder
	for _, w := range words {
		if up, ok := goInitialisms[strings.ToLower(w)]; ok {
			b.WriteString(up)
			continue
		}
		if strings.ToUpper(w) == w && len(w) > 1 {
			w = strings.ToLower(w)
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	out := b.String()
	if out == "" {
		return "X"
	}
	if unicode.IsDigit(rune(out[0])) {
		out = "X" + out
	}
	return out
}

// goPackageName is a lower-case Go package name for a family: its
// letters and digits, with "family" in front when that is not a Go
// identifier or is a keyword (a family called "type" or "go").
func goPackageName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if out == "" || unicode.IsDigit(rune(out[0])) || token.IsKeyword(out) {
		out = "family" + out
	}
	return out
}

// namespace hands out Go identifiers that do not collide: a taken name gets
// the first free suffix from the list, then a number.
type namespace struct {
	taken map[string]bool
}

// newNamespace is an empty scope of identifiers, the reserved ones taken.
func newNamespace(reserved ...string) *namespace {
	ns := &namespace{taken: map[string]bool{}}
	for _, r := range reserved {
		ns.taken[r] = true
	}
	return ns
}

// claim takes name in the scope and returns it, or, when it is taken
// (by a reserved identifier or an earlier spec name, which keeps its
// name: spec order decides), the first of name+suffix that is free, then
// name2, name3, ... The model claims every Go identifier once, here, so
// generators never rename.
func (ns *namespace) claim(name string, suffixes ...string) string {
	if !ns.taken[name] {
		ns.taken[name] = true
		return name
	}
	for _, s := range suffixes {
		if !ns.taken[name+s] {
			ns.taken[name+s] = true
			return name + s
		}
	}
	for i := 2; ; i++ {
		n := name + strconv.Itoa(i)
		if !ns.taken[n] {
			ns.taken[n] = true
			return n
		}
	}
}

// GoReserved are the identifiers a Go renderer declares itself, which
// spec names must not take (goNames gives colliding names a suffix). The
// model knows none of its own: the renderer that declares them supplies
// them (internal/gogen does, in its init, and tests them against what its
// templates declare), since only it knows what its templates write.
type GoReserved struct {
	// Types are package-level identifiers of every generated package.
	Types []string
	// Methods are methods of the generated Client.
	Methods []string
	// Fields are fields and methods of every attribute set's struct.
	Fields []string
}

// GoReservedNames is what the Go renderer reserves; set it before loading
// specs.
var GoReservedNames GoReserved
