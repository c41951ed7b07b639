package runtime

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// fakeSource feeds crafted datagrams to a reader.
type fakeSource struct{ dgrams [][]byte }

func (f *fakeSource) recv(ctx context.Context, wait bool) ([]byte, error) {
	if len(f.dgrams) == 0 {
		if !wait {
			return nil, errNothingQueued
		}
		return nil, context.DeadlineExceeded // the kernel went quiet
	}
	b := f.dgrams[0]
	f.dgrams = f.dgrams[1:]
	return b, nil
}

// msg builds one netlink message.
func msg(typ, flags uint16, seq, pid uint32, body []byte) []byte {
	b := make([]byte, nlmsgHdrLen, nlmsgHdrLen+align4(len(body)))
	ne.PutUint32(b, uint32(nlmsgHdrLen+len(body)))
	ne.PutUint16(b[4:], typ)
	ne.PutUint16(b[6:], flags)
	ne.PutUint32(b[8:], seq)
	ne.PutUint32(b[12:], pid)
	b = append(b, body...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func errBody(errno int32, tlvs []byte) []byte {
	b := make([]byte, nlmsgerrLen)
	ne.PutUint32(b, uint32(errno))   // two's complement
	ne.PutUint32(b[4:], nlmsgHdrLen) // echoed header's length
	return append(b, tlvs...)
}

func doneBody(errno int32) []byte {
	b := make([]byte, 4)
	ne.PutUint32(b, uint32(errno)) // two's complement
	return b
}

const (
	tFamily = 30
	tSeq    = 7
	tPid    = 1234
)

var tOp = Op{Name: "thing-get", Cmd: 1, Attrs: &AttrSet{Name: "thing", Attrs: []AttrSpec{
	1: {Name: "id"},
	2: {Name: "header", Nested: &AttrSet{Name: "hdr", Attrs: []AttrSpec{1: {Name: "dev-index"}, 2: {Name: "dev-name"}}}},
	3: {Name: "queues", IndexedArray: true, Nested: &AttrSet{Name: "queue", Attrs: []AttrSpec{1: {Name: "qid"}}}},
	4: {Name: "policy", TypeValues: 2, Nested: &AttrSet{Name: "policy-attrs", Attrs: []AttrSpec{1: {Name: "type"}}}},
}}}

// run feeds datagrams to a reader and collects messages until done.
func run(sent []byte, dgrams ...[]byte) (cmds []uint8, err error) {
	cmds, _, err = runMode(false, sent, dgrams...)
	return cmds, err
}

// runMode is run for a request that an ACK (replyEnds false) or its reply
// (true) ends; left is what the reader did not consume.
func runMode(replyEnds bool, sent []byte, dgrams ...[]byte) (cmds []uint8, left int, err error) {
	src := &fakeSource{dgrams: dgrams}
	defer func() { left = len(src.dgrams) }()
	var r reader
	attrStart := nlmsgHdrLen + genlHdrLen
	if len(sent) < attrStart {
		attrStart = len(sent)
	}
	flags := uint16(unix.NLM_F_REQUEST | unix.NLM_F_ACK)
	if replyEnds {
		flags = unix.NLM_F_REQUEST
	}
	r.reset(src, nil, tFamily, tSeq, tPid, &tOp, sent, attrStart, flags)
	for range 100 {
		done, err := r.next(context.Background())
		m := r.msg
		if err != nil || done {
			return cmds, 0, err
		}
		cmds = append(cmds, m.Cmd)
	}
	return cmds, 0, errors.New("reader did not finish")
}

func genl(cmd uint8, attrs ...byte) []byte { return append([]byte{cmd, 1, 0, 0}, attrs...) }

func TestReaderReplyThenAck(t *testing.T) {
	cmds, err := run(nil,
		msg(tFamily, 0, tSeq, tPid, genl(5)),
		msg(unix.NLMSG_ERROR, unix.NLM_F_CAPPED, tSeq, tPid, errBody(0, nil)))
	if err != nil || len(cmds) != 1 || cmds[0] != 5 {
		t.Fatalf("cmds=%v err=%v", cmds, err)
	}
}

func TestReaderReplyEnds(t *testing.T) {
	// Sent without NLM_F_ACK: the reply ends the exchange, and a second
	// one (never expected) is left for the next request to skip.
	cmds, left, err := runMode(true, nil,
		msg(tFamily, 0, tSeq-1, tPid, genl(9)), // stale, skipped
		msg(tFamily, 0, tSeq, tPid, genl(5)),
		msg(tFamily, 0, tSeq, tPid, genl(6)))
	if err != nil || len(cmds) != 1 || cmds[0] != 5 || left != 1 {
		t.Fatalf("cmds=%v left=%d err=%v", cmds, left, err)
	}
	// Nothing queued once the send returned: success without a reply.
	cmds, _, err = runMode(true, nil, msg(tFamily, 0, tSeq-1, tPid, genl(9)))
	if err != nil || len(cmds) != 0 {
		t.Fatalf("no reply: cmds=%v err=%v", cmds, err)
	}
	// A failure still comes as an error message.
	_, _, err = runMode(true, nil, msg(unix.NLMSG_ERROR, unix.NLM_F_CAPPED, tSeq, tPid, errBody(-int32(unix.EINVAL), nil)))
	if !errors.Is(err, unix.EINVAL) {
		t.Fatalf("error reply: %v", err)
	}
	// Waiting requests must not take "nothing queued" for success.
	if _, _, err := runMode(false, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ACK mode with nothing queued: %v", err)
	}
}

func TestReaderMultiPartDump(t *testing.T) {
	dg1 := append(msg(tFamily, unix.NLM_F_MULTI, tSeq, tPid, genl(1)), msg(tFamily, unix.NLM_F_MULTI, tSeq, tPid, genl(2))...)
	dg2 := append(msg(tFamily, unix.NLM_F_MULTI, tSeq, tPid, genl(3)), msg(unix.NLMSG_DONE, unix.NLM_F_MULTI, tSeq, tPid, doneBody(0))...)
	cmds, err := run(nil, dg1, dg2)
	if err != nil || len(cmds) != 3 {
		t.Fatalf("cmds=%v err=%v", cmds, err)
	}
}

func TestReaderStaleAndForeign(t *testing.T) {
	// Replies to an earlier request and to another port are skipped.
	cmds, err := run(nil,
		msg(tFamily, 0, tSeq-1, tPid, genl(9)),
		msg(tFamily, 0, tSeq, tPid+1, genl(9)),
		msg(tFamily, 0, tSeq, tPid, genl(1)),
		msg(unix.NLMSG_ERROR, 0, tSeq, tPid, errBody(0, nil)))
	if err != nil || len(cmds) != 1 || cmds[0] != 1 {
		t.Fatalf("cmds=%v err=%v", cmds, err)
	}
	// A sequence number never sent is an error.
	if _, err := run(nil, msg(tFamily, 0, tSeq+5, tPid, genl(1))); !errors.Is(err, ErrMalformed) {
		t.Fatalf("future seq: err = %v", err)
	}
}

func TestReaderDumpInterrupted(t *testing.T) {
	cmds, err := run(nil,
		msg(tFamily, unix.NLM_F_MULTI|unix.NLM_F_DUMP_INTR, tSeq, tPid, genl(1)),
		msg(tFamily, unix.NLM_F_MULTI, tSeq, tPid, genl(2)),
		msg(unix.NLMSG_DONE, unix.NLM_F_MULTI, tSeq, tPid, doneBody(0)))
	if !errors.Is(err, ErrDumpInterrupted) || len(cmds) != 2 {
		t.Fatalf("cmds=%v err=%v", cmds, err)
	}
}

func TestReaderDoneWithError(t *testing.T) {
	var tlv Encoder
	tlv.buf = nil
	tlv.PutString(nlmsgerrAttrMsg, "dump went wrong")
	_, err := run(nil, msg(unix.NLMSG_DONE, unix.NLM_F_MULTI|unix.NLM_F_ACK_TLVS, tSeq, tPid, append(doneBody(-int32(unix.EBUSY)), tlv.Bytes()...)))
	var ke *Error
	if !errors.As(err, &ke) || ke.Errno != unix.EBUSY || ke.Message != "dump went wrong" {
		t.Fatalf("err = %v", err)
	}
}

func TestReaderMalformed(t *testing.T) {
	good := msg(tFamily, 0, tSeq, tPid, genl(1))
	tooLong := append([]byte(nil), good...)
	ne.PutUint32(tooLong, 4096)
	tooShort := append([]byte(nil), good...)
	ne.PutUint32(tooShort, 8)
	for name, dgrams := range map[string][][]byte{
		"short header":      {good[:10]},
		"length beyond":     {tooLong},
		"length below hdr":  {tooShort},
		"short genl header": {msg(tFamily, 0, tSeq, tPid, []byte{1, 2})},
		"short NLMSG_ERROR": {msg(unix.NLMSG_ERROR, 0, tSeq, tPid, []byte{0, 0, 0, 0})},
		"short NLMSG_DONE":  {msg(unix.NLMSG_DONE, 0, tSeq, tPid, []byte{0, 0})},
		"unexpected type":   {msg(77, 0, tSeq, tPid, genl(1))},
		"empty datagram":    {{}},
		"positive errno":    {msg(unix.NLMSG_ERROR, 0, tSeq, tPid, errBody(5, nil))},
		"overrun":           {msg(unix.NLMSG_OVERRUN, 0, tSeq, tPid, nil)},
		"no NLMSG_DONE":     {msg(tFamily, unix.NLM_F_MULTI, tSeq, tPid, genl(1))},
	} {
		_, err := run(nil, dgrams...)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		var ke *Error
		if errors.As(err, &ke) {
			t.Errorf("%s: got a kernel error %v", name, err)
		}
		if !strings.Contains(err.Error(), "thing-get") {
			t.Errorf("%s: error %q does not name the op", name, err)
		}
	}
}

// sentRequest encodes a request like generated code would.
func sentRequest() []byte {
	var e Encoder
	e.Begin(tFamily, unix.NLM_F_REQUEST|unix.NLM_F_ACK, 1, 1)
	e.PutU32(1, 42)
	n := e.BeginNest(2)
	e.PutU32(1, 3)
	e.PutString(2, "eth0")
	e.EndNest(n)
	arr := e.BeginNest(3)
	for i := range 3 {
		el := e.BeginNest(uint16(i))
		e.PutU32(1, uint32(i))
		e.EndNest(el)
	}
	e.EndNest(arr)
	w := e.BeginTypeValues(4)
	for _, k := range [][2]uint16{{1, 5}, {1, 7}, {2, 5}} {
		w.Entry(&e, k[0], k[1])
		e.PutU32(1, 9)
		w.EndEntry(&e)
	}
	w.End(&e)
	return e.finish(tSeq, tPid)
}

// offsetOf returns the offset of the attribute reached by following types.
func offsetOf(t *testing.T, sent []byte, types ...uint16) int {
	t.Helper()
	base, b := nlmsgHdrLen+genlHdrLen, sent[nlmsgHdrLen+genlHdrLen:]
	off := -1
	for _, typ := range types {
		it := Attrs(b)
		found := false
		for it.Next() {
			if it.Type() == typ {
				off = base + it.Offset()
				base, b = off+attrHdrLen, it.Data()
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("no attribute %v", types)
		}
	}
	return off
}

func extackTLVs(f func(e *Encoder)) []byte {
	var e Encoder
	f(&e)
	return e.Bytes()
}

func TestExtAckPathMapping(t *testing.T) {
	sent := sentRequest()
	for _, tc := range []struct {
		name string
		tlvs []byte
		path string
		miss string
		text string
	}{
		{
			name: "top level",
			tlvs: extackTLVs(func(e *Encoder) { e.PutU32(nlmsgerrAttrOffs, uint32(offsetOf(t, sent, 1))) }),
			path: "id",
		},
		{
			name: "nested",
			tlvs: extackTLVs(func(e *Encoder) {
				e.PutString(nlmsgerrAttrMsg, "bad index")
				e.PutU32(nlmsgerrAttrOffs, uint32(offsetOf(t, sent, 2, 1)))
			}),
			path: "header.dev-index",
			text: "genlgen: thing-get: attribute header.dev-index: bad index: invalid argument",
		},
		{
			name: "indexed array",
			tlvs: extackTLVs(func(e *Encoder) { e.PutU32(nlmsgerrAttrOffs, uint32(offsetOf(t, sent, 3, 2, 1))) }),
			path: "queues[2].qid",
		},
		{
			name: "nest-type-value entry",
			tlvs: extackTLVs(func(e *Encoder) { e.PutU32(nlmsgerrAttrOffs, uint32(offsetOf(t, sent, 4, 1, 7, 1))) }),
			path: "policy[1][7].type",
		},
		{
			name: "nest-type-value key",
			tlvs: extackTLVs(func(e *Encoder) { e.PutU32(nlmsgerrAttrOffs, uint32(offsetOf(t, sent, 4, 2))) }),
			path: "policy[2]",
		},
		{
			name: "inside payload",
			tlvs: extackTLVs(func(e *Encoder) { e.PutU32(nlmsgerrAttrOffs, uint32(offsetOf(t, sent, 2, 2)+5)) }),
			path: "header.dev-name",
		},
		{
			name: "missing top level",
			tlvs: extackTLVs(func(e *Encoder) { e.PutU32(nlmsgerrAttrMissType, 1) }),
			miss: "id",
		},
		{
			name: "missing in nest",
			tlvs: extackTLVs(func(e *Encoder) {
				e.PutU32(nlmsgerrAttrMissType, 1)
				e.PutU32(nlmsgerrAttrMissNest, uint32(offsetOf(t, sent, 3, 1)))
			}),
			miss: "queues[1].qid",
			text: "genlgen: thing-get: missing attribute queues[1].qid: invalid argument",
		},
		{
			name: "beyond request",
			tlvs: extackTLVs(func(e *Encoder) { e.PutU32(nlmsgerrAttrOffs, 5000) }),
			path: "at offset 5000",
		},
	} {
		_, err := run(sent, msg(unix.NLMSG_ERROR, unix.NLM_F_CAPPED|unix.NLM_F_ACK_TLVS, tSeq, tPid, errBody(-int32(unix.EINVAL), tc.tlvs)))
		var ke *Error
		if !errors.As(err, &ke) {
			t.Fatalf("%s: err = %v", tc.name, err)
		}
		if ke.AttrPath != tc.path || ke.MissingAttr != tc.miss {
			t.Errorf("%s: path %q missing %q, want %q %q", tc.name, ke.AttrPath, ke.MissingAttr, tc.path, tc.miss)
		}
		if tc.text != "" && err.Error() != tc.text {
			t.Errorf("%s: text %q, want %q", tc.name, err.Error(), tc.text)
		}
		if !errors.Is(err, unix.EINVAL) {
			t.Errorf("%s: not EINVAL", tc.name)
		}
	}
}

func TestExtAckUncapped(t *testing.T) {
	// Without NETLINK_CAP_ACK the request is echoed before the TLVs.
	sent := sentRequest()
	body := append(errBody(-int32(unix.EINVAL), nil)[:4], sent...)
	body = append(body, extackTLVs(func(e *Encoder) { e.PutU32(nlmsgerrAttrOffs, uint32(offsetOf(t, sent, 2))) })...)
	_, err := run(sent, msg(unix.NLMSG_ERROR, unix.NLM_F_ACK_TLVS, tSeq, tPid, body))
	var ke *Error
	if !errors.As(err, &ke) || ke.AttrPath != "header" {
		t.Fatalf("err = %v", err)
	}
}

func TestPolicyDecode(t *testing.T) {
	tlvs := extackTLVs(func(e *Encoder) {
		n := e.BeginNest(nlmsgerrAttrPolicy)
		e.PutU32(unix.NL_POLICY_TYPE_ATTR_TYPE, unix.NL_ATTR_TYPE_S32)
		e.PutS64(unix.NL_POLICY_TYPE_ATTR_MIN_VALUE_S, -3)
		e.PutS64(unix.NL_POLICY_TYPE_ATTR_MAX_VALUE_S, 9)
		e.PutU64(unix.NL_POLICY_TYPE_ATTR_MASK, 0xf0)
		e.EndNest(n)
	})
	ea := parseExtAck(tlvs)
	p := ea.policy
	if p == nil || p.Type != unix.NL_ATTR_TYPE_S32 || p.MinSigned != -3 || p.MaxSigned != 9 || p.Mask != 0xf0 {
		t.Fatalf("policy = %+v", p)
	}
	if got, want := p.String(), "s32 range [-3, 9] mask 0xf0"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestReaderScratch(t *testing.T) {
	// Every message carries the slot the reader was given, so that
	// decoders find what they kept there for earlier messages.
	var dg []byte
	for range 3 {
		dg = append(dg, msg(tFamily, unix.NLM_F_MULTI, tSeq, tPid, genl(1))...)
	}
	dg = append(dg, msg(unix.NLMSG_DONE, unix.NLM_F_MULTI, tSeq, tPid, doneBody(0))...)
	var slot any
	var r reader
	r.reset(&fakeSource{dgrams: [][]byte{dg}}, &slot, tFamily, tSeq, tPid, &tOp, nil, 0, unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	n := 0
	for {
		done, err := r.next(context.Background())
		m := r.msg
		if err != nil {
			t.Fatal(err)
		}
		if done {
			break
		}
		if m.Scratch != &slot {
			t.Fatalf("message %d: Scratch %p, want %p", n, m.Scratch, &slot)
		}
		n++
	}
	if n != 3 {
		t.Errorf("%d messages, want 3", n)
	}
}

// waitLog is a fakeSource that records how each receive was asked for.
type waitLog struct {
	fakeSource
	waits []bool
}

func (w *waitLog) recv(ctx context.Context, wait bool) ([]byte, error) {
	w.waits = append(w.waits, wait)
	return w.fakeSource.recv(ctx, wait)
}

// TestReaderWaitsOnlyWhenItMust: the answer to a request other than a dump
// is queued before the send returns, so the reader takes it without
// waiting, and waits only if it finds nothing where an ACK must come. A
// dump's datagrams are built as they are read: it always waits.
func TestReaderWaitsOnlyWhenItMust(t *testing.T) {
	reply := msg(tFamily, 0, tSeq, tPid, genl(5))
	ack := msg(unix.NLMSG_ERROR, unix.NLM_F_CAPPED, tSeq, tPid, errBody(0, nil))
	done := msg(unix.NLMSG_DONE, unix.NLM_F_MULTI, tSeq, tPid, doneBody(0))
	multi := msg(tFamily, unix.NLM_F_MULTI, tSeq, tPid, genl(5))
	for _, c := range []struct {
		name   string
		flags  uint16
		dgrams [][]byte
		waits  []bool
		err    error
	}{
		{"reply and ACK queued", unix.NLM_F_REQUEST | unix.NLM_F_ACK, [][]byte{reply, ack}, []bool{false, false}, nil},
		{"ACK late", unix.NLM_F_REQUEST | unix.NLM_F_ACK, nil, []bool{false, true}, context.DeadlineExceeded},
		{"reply ends it", unix.NLM_F_REQUEST, [][]byte{reply}, []bool{false}, nil},
		{"no reply", unix.NLM_F_REQUEST, nil, []bool{false}, nil},
		{"dump", unix.NLM_F_REQUEST | unix.NLM_F_DUMP, [][]byte{multi, done}, []bool{true, true}, nil},
	} {
		src := &waitLog{fakeSource: fakeSource{dgrams: c.dgrams}}
		var r reader
		r.reset(src, nil, tFamily, tSeq, tPid, &tOp, nil, 0, c.flags)
		var err error
		for range 10 {
			var finished bool
			if finished, err = r.next(context.Background()); finished || err != nil {
				break
			}
		}
		if !errors.Is(err, c.err) || (c.err == nil && err != nil) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.err)
		}
		if !slices.Equal(src.waits, c.waits) {
			t.Errorf("%s: receives waited %v, want %v", c.name, src.waits, c.waits)
		}
	}
}

// runFirst is runMode(true, ...) reading the first datagram the way
// sock.exchange does, through firstReply; only is what it reported.
func runFirst(dgrams ...[]byte) (cmds []uint8, left int, only bool, err error) {
	src := &fakeSource{dgrams: dgrams}
	defer func() { left = len(src.dgrams) }()
	var r reader
	r.reset(src, nil, tFamily, tSeq, tPid, &tOp, nil, 0, unix.NLM_F_REQUEST)
	only, done, err := r.firstReply(src.recv(context.Background(), false))
	if only {
		return []uint8{r.msg.Cmd}, 0, true, nil
	}
	for range 100 {
		if done || err != nil {
			return cmds, 0, false, err
		}
		done, err = r.next(context.Background())
		if !done && err == nil {
			cmds = append(cmds, r.msg.Cmd)
		}
	}
	return cmds, 0, false, errors.New("reader did not finish")
}

// TestFirstReplyAsNext: reading a request's answer with firstReply first
// (sock.exchange, for operations with a reply) gives the same messages,
// leaves the same datagrams and fails the same way as reading it with
// next alone, and takes the shortcut only for a lone reply.
func TestFirstReplyAsNext(t *testing.T) {
	reply := msg(tFamily, 0, tSeq, tPid, genl(5))
	cat := func(ms ...[]byte) []byte { return slices.Concat(ms...) }
	cases := []struct {
		name   string
		dgrams [][]byte
		only   bool
	}{
		{"lone reply", [][]byte{reply}, true},
		{"lone reply, more queued", [][]byte{reply, msg(tFamily, 0, tSeq, tPid, genl(6))}, true},
		{"two messages", [][]byte{cat(reply, msg(tFamily, 0, tSeq, tPid, genl(6)))}, false},
		{"stale, then reply", [][]byte{msg(tFamily, 0, tSeq-1, tPid, genl(9)), reply}, false},
		{"stale and reply in one datagram", [][]byte{cat(msg(tFamily, 0, tSeq-1, tPid, genl(9)), reply)}, false},
		{"foreign port", [][]byte{msg(tFamily, 0, tSeq, tPid+1, genl(9)), reply}, false},
		{"later sequence number", [][]byte{msg(tFamily, 0, tSeq+1, tPid, genl(9))}, false},
		{"error", [][]byte{msg(unix.NLMSG_ERROR, unix.NLM_F_CAPPED, tSeq, tPid, errBody(-int32(unix.EINVAL), nil))}, false},
		{"ack", [][]byte{msg(unix.NLMSG_ERROR, unix.NLM_F_CAPPED, tSeq, tPid, errBody(0, nil))}, false},
		{"done", [][]byte{msg(unix.NLMSG_DONE, 0, tSeq, tPid, doneBody(0))}, false},
		{"nothing queued", nil, false},
		{"interrupted", [][]byte{msg(tFamily, unix.NLM_F_DUMP_INTR, tSeq, tPid, genl(5))}, false},
		{"short genl header", [][]byte{msg(tFamily, 0, tSeq, tPid, []byte{5, 1})}, false},
		{"other type", [][]byte{msg(99, 0, tSeq, tPid, genl(5))}, false},
		{"empty datagram", [][]byte{{}}, false},
		{"bad length", [][]byte{func() []byte { b := slices.Clone(reply); ne.PutUint32(b, 200); return b }()}, false},
		{"trailing bytes", [][]byte{cat(reply, []byte{1, 2, 3, 4, 5, 6, 7, 8})}, false},
	}
	for _, c := range cases {
		wantCmds, wantLeft, wantErr := runMode(true, nil, slices.Clone(c.dgrams)...)
		cmds, left, only, err := runFirst(slices.Clone(c.dgrams)...)
		if !slices.Equal(cmds, wantCmds) || left != wantLeft || fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Errorf("%s: firstReply gave %v, %d left, %v; next alone %v, %d left, %v",
				c.name, cmds, left, err, wantCmds, wantLeft, wantErr)
		}
		if only != c.only {
			t.Errorf("%s: firstReply took the shortcut: %v, want %v", c.name, only, c.only)
		}
	}
}
