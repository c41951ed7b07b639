//go:build e2e_guest

package storm

import (
	"encoding/binary"
	"math/rand/v2"

	"golang.org/x/sys/unix"
)

// Wire sizes and the doc_exmpl numbers the generator starts from (the
// all-types module's are in atgen_test.go).
const (
	nlmsgHdrLen = 16
	genlHdrLen  = 4
	attrHdrLen  = 4

	cmdEcho    = 1
	cmdHistory = 2
	cmdClear   = 3
	attrMsg    = 1
	msgMaxLen  = 256 // the spec's msg-max-len

	maxDatagram = 8 << 10
)

var ne = binary.NativeEndian

// gen builds the storm's datagrams for one family id. Every message it
// builds carries that id as its type, and the datagrams are framed so
// that no byte the kernel could read as another message's header escapes
// its mutations: the storm must hit the stormed family, not whatever
// family a flipped bit would reach.
type gen struct {
	r      *rand.Rand
	family uint16
	s      *shape
	// tag, if not 0, is the fixed header's id in the all-types
	// module's valid requests, so their notifications name their sender.
	tag uint32
	// validOnly makes every datagram one valid request: a flood.
	validOnly bool
	// noDump clears NLM_F_DUMP in every message: requests that start
	// no dump.
	noDump bool
}

// shape is what the generator knows of the stormed family.
type shape struct {
	cmds      int // random commands are mostly below this
	attrTypes int // random attribute types at the top level are below this
	nestTypes int // and inside nests
	maxDepth  int // random nests go this deep
	hdrLen    int // the family's fixed header
	// bigDatagrams makes one datagram in 200 hold whole messages past
	// maxDatagram, up to 64 KiB.
	bigDatagrams bool
	// valid returns a well-formed request.
	valid func(g *gen) []byte
	// special, if set, returns one message of the family's own hostile
	// kinds; one message in ten is one.
	special func(g *gen) []byte
}

// docExmplShape is doc_exmpl's: six commands and attribute types, no
// fixed header.
var docExmplShape = &shape{cmds: 6, attrTypes: 6, nestTypes: 6, maxDepth: 4, valid: (*gen).validDocExmpl}

// datagram returns one datagram (see messages), NLM_F_DUMP cleared in
// each of its messages if noDump.
func (g *gen) datagram() []byte {
	b := g.messages()
	if g.noDump {
		for m := b; len(m) >= 8; {
			ne.PutUint16(m[6:], ne.Uint16(m[6:])&^unix.NLM_F_DUMP)
			l := int(ne.Uint32(m))
			if l < nlmsgHdrLen || l > len(m) {
				break
			}
			m = m[min(align4(l), len(m)):]
		}
	}
	return b
}

// messages returns a datagram's messages: one valid request in a flood,
// else usually one message, sometimes several, now and then (if the
// shape says so) more than 8 KiB of them.
func (g *gen) messages() []byte {
	if g.validOnly {
		return g.valid()
	}
	if g.s.bigDatagrams && g.r.IntN(200) == 0 {
		return g.bigDatagram()
	}
	if g.r.IntN(10) == 0 {
		var b []byte
		for n := 2 + g.r.IntN(3); n > 0; n-- {
			m := g.message()
			if len(b)+len(m) > maxDatagram || !whole(m) {
				break
			}
			b = append(b, m...)
		}
		if len(b) > 0 {
			return b
		}
	}
	return g.message()
}

// bigDatagram returns whole messages past maxDatagram, up to 64 KiB.
func (g *gen) bigDatagram() []byte {
	limit := maxDatagram + 1 + g.r.IntN(56<<10)
	var b []byte
	for len(b) <= maxDatagram {
		if m := g.message(); whole(m) && len(b)+len(m) <= limit {
			b = append(b, m...)
		}
	}
	return b
}

// whole reports whether m is one message whose length field covers it
// exactly (padded), so another may follow it in a datagram.
func whole(m []byte) bool {
	return len(m) >= nlmsgHdrLen && align4(int(ne.Uint32(m))) == len(m)
}

func align4(n int) int { return (n + 3) &^ 3 }

// message returns one message of a random kind.
func (g *gen) message() []byte {
	if g.s.special != nil && g.r.IntN(10) == 0 {
		return g.s.special(g)
	}
	switch k := g.r.IntN(100); {
	case k < 20: // well-formed requests, to keep the module busy for real
		return g.valid()
	case k < 50: // a valid request with a few mutations
		return g.mutate(g.valid())
	case k < 85: // random command, flags and attribute tree
		return g.random()
	default: // headers cut short
		return g.truncated()
	}
}

// flags returns request flags: mostly with an ACK so the kernel reports
// every outcome, sometimes a dump, sometimes anything at all.
func (g *gen) flags() uint16 {
	f := uint16(unix.NLM_F_REQUEST)
	if g.r.IntN(10) < 7 {
		f |= unix.NLM_F_ACK
	}
	if g.r.IntN(4) == 0 {
		f |= unix.NLM_F_DUMP
	}
	if g.r.IntN(10) == 0 {
		f = uint16(g.r.Uint32())
	}
	return f
}

// header builds a netlink and genl header; the length is set by finish.
func (g *gen) header(flags uint16, cmd, version uint8) []byte {
	b := make([]byte, nlmsgHdrLen+genlHdrLen, 256)
	ne.PutUint16(b[4:], g.family)
	ne.PutUint16(b[6:], flags)
	ne.PutUint32(b[8:], g.r.Uint32()) // sequence numbers do not matter here
	b[16], b[17] = cmd, version
	return b
}

func finish(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	ne.PutUint32(b, uint32(len(b)))
	return b
}

func putAttr(b []byte, typ uint16, payload []byte) []byte {
	var h [attrHdrLen]byte
	ne.PutUint16(h[:], uint16(attrHdrLen+len(payload)))
	ne.PutUint16(h[2:], typ)
	b = append(b, h[:]...)
	b = append(b, payload...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// text returns n printable bytes, NUL-terminated unless told otherwise.
func (g *gen) text(n int, nul bool) []byte {
	p := make([]byte, n, n+1)
	for i := range p {
		p[i] = byte('a' + g.r.IntN(26))
	}
	if nul {
		p = append(p, 0)
	}
	return p
}

// valid returns a well-formed request of the stormed family.
func (g *gen) valid() []byte { return g.s.valid(g) }

// validDocExmpl returns an echo (with a message of up to msgMaxLen bytes,
// or just over), a history dump or a clear.
func (g *gen) validDocExmpl() []byte {
	switch g.r.IntN(10) {
	case 0:
		return finish(g.header(unix.NLM_F_REQUEST|unix.NLM_F_ACK|unix.NLM_F_DUMP, cmdHistory, 1))
	case 1:
		return finish(g.header(unix.NLM_F_REQUEST|unix.NLM_F_ACK, cmdClear, 1))
	}
	n := g.r.IntN(64)
	if g.r.IntN(8) == 0 {
		n = msgMaxLen - 2 + g.r.IntN(4) // around the limit
	}
	b := g.header(unix.NLM_F_REQUEST|unix.NLM_F_ACK, cmdEcho, 1)
	return finish(putAttr(b, attrMsg, g.text(n, true)))
}

// mutate damages m past its netlink type: bit flips, byte overwrites,
// truncation with or without a matching length field, garbage appended,
// or a length field that lies.
func (g *gen) mutate(m []byte) []byte {
	for n := 1 + g.r.IntN(4); n > 0; n-- {
		switch g.r.IntN(6) {
		case 0, 1: // flip a bit after the type
			if len(m) > 6 {
				i := 6 + g.r.IntN(len(m)-6)
				m[i] ^= 1 << g.r.IntN(8)
			}
		case 2: // overwrite a byte after the length and type
			if len(m) > 6 {
				m[6+g.r.IntN(len(m)-6)] = byte(g.r.Uint32())
			}
		case 3: // cut, keeping the header's length consistent
			if len(m) > nlmsgHdrLen {
				m = m[:nlmsgHdrLen+g.r.IntN(len(m)-nlmsgHdrLen)]
				ne.PutUint32(m, uint32(len(m)))
			}
		case 4: // garbage appended, inside the message
			m = append(m, g.bytes(g.r.IntN(32))...)
			ne.PutUint32(m, uint32(len(m)))
		case 5: // a length the kernel must not trust: never one that
			// would make it read a second header out of the payload
			switch g.r.IntN(3) {
			case 0:
				ne.PutUint32(m, uint32(g.r.IntN(nlmsgHdrLen)))
			case 1:
				ne.PutUint32(m, uint32(len(m)+1+g.r.IntN(4096)))
			default:
				ne.PutUint32(m, ^uint32(0))
			}
		}
	}
	return m
}

func (g *gen) bytes(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(g.r.Uint32())
	}
	return p
}

// random returns a message with a random command (mostly near the
// family's), version and flags, a random fixed header if the family has
// one, and a random attribute tree.
func (g *gen) random() []byte {
	cmd := uint8(g.r.IntN(g.s.cmds))
	if g.r.IntN(5) == 0 {
		cmd = uint8(g.r.Uint32())
	}
	b := g.header(g.flags(), cmd, uint8(g.r.IntN(3)))
	if g.r.IntN(8) == 0 {
		b[19] = byte(g.r.Uint32()) // reserved
	}
	if g.s.hdrLen > 0 {
		b = append(b, g.bytes(g.s.hdrLen)...)
	}
	b = g.attrs(b, 0)
	if len(b) > maxDatagram {
		b = b[:maxDatagram]
	}
	return finish(b)
}

// attrs appends up to six attributes with random types, lengths (some of
// them lies) and payloads, nesting up to the shape's depth.
func (g *gen) attrs(b []byte, depth int) []byte {
	types := g.s.attrTypes
	if depth > 0 {
		types = g.s.nestTypes
	}
	for n := g.r.IntN(7); n > 0; n-- {
		typ := uint16(g.r.IntN(types))
		switch g.r.IntN(8) {
		case 0:
			typ = uint16(g.r.Uint32()) // any type, flags included
		case 1:
			typ |= unix.NLA_F_NESTED
		}
		var payload []byte
		switch g.r.IntN(6) {
		case 0:
			payload = g.text(g.r.IntN(300), g.r.IntN(4) != 0)
		case 1:
			payload = g.bytes(8) // a u64
		case 2:
			if depth < g.s.maxDepth {
				payload = g.attrs(nil, depth+1)
				typ |= unix.NLA_F_NESTED
			}
		default:
			payload = g.bytes(g.r.IntN(20))
		}
		start := len(b)
		b = putAttr(b, typ, payload)
		if g.r.IntN(12) == 0 { // lie about the length
			ne.PutUint16(b[start:], uint16(g.r.IntN(1<<16)))
		}
	}
	return b
}

// truncated returns a message cut inside its netlink or genl header,
// with a length field that is honest or not.
func (g *gen) truncated() []byte {
	full := g.valid()
	n := g.r.IntN(nlmsgHdrLen + genlHdrLen)
	m := full[:n]
	if n >= 4 && g.r.IntN(2) == 0 {
		ne.PutUint32(m, uint32(n))
	}
	return m
}
