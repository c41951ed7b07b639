package runtime

import (
	"context"
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

// TestStreamErrorKinds pins, for each way a reply stream can go wrong,
// which error the caller gets, so that each is testable with errors.Is
// and none passes for another (or for a kernel *Error).
func TestStreamErrorKinds(t *testing.T) {
	good := msg(tFamily, unix.NLM_F_MULTI, tSeq, tPid, genl(1))
	beyond := append([]byte(nil), good...)
	ne.PutUint32(beyond, uint32(len(good)+4))
	done := msg(unix.NLMSG_DONE, unix.NLM_F_MULTI, tSeq, tPid, doneBody(0))
	intrDone := msg(unix.NLMSG_DONE, unix.NLM_F_MULTI|unix.NLM_F_DUMP_INTR, tSeq, tPid, doneBody(0))
	for _, c := range []struct {
		name   string
		dgrams [][]byte
		want   error
		cmds   int // messages delivered before the error
	}{
		{"short header", [][]byte{good[:nlmsgHdrLen-1]}, ErrMalformed, 0},
		{"length beyond the datagram after a good message", [][]byte{append(append([]byte(nil), good...), beyond...)}, ErrMalformed, 1},
		{"short NLMSG_ERROR", [][]byte{msg(unix.NLMSG_ERROR, 0, tSeq, tPid, []byte{0xea, 0xff, 0xff, 0xff})}, ErrMalformed, 0},
		{"dump without NLMSG_DONE", [][]byte{good, good}, context.DeadlineExceeded, 2},
		{"foreign sequence number", [][]byte{good, msg(tFamily, unix.NLM_F_MULTI, tSeq+1, tPid, genl(2))}, ErrMalformed, 1},
		{"DUMP_INTR on a message", [][]byte{msg(tFamily, unix.NLM_F_MULTI|unix.NLM_F_DUMP_INTR, tSeq, tPid, genl(1)), good, done}, ErrDumpInterrupted, 2},
		{"DUMP_INTR on NLMSG_DONE only", [][]byte{good, intrDone}, ErrDumpInterrupted, 1},
		{"overrun", [][]byte{good, msg(unix.NLMSG_OVERRUN, 0, tSeq, tPid, nil)}, ErrOverrun, 1},
	} {
		cmds, err := run(nil, c.dgrams...)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
			continue
		}
		if len(cmds) != c.cmds {
			t.Errorf("%s: %d messages delivered, want %d", c.name, len(cmds), c.cmds)
		}
		var ke *Error
		if errors.As(err, &ke) {
			t.Errorf("%s: %v passes for a kernel error", c.name, err)
		}
		for _, other := range []error{ErrMalformed, ErrDumpInterrupted, ErrOverrun, ErrTruncated, context.DeadlineExceeded} {
			if other != c.want && errors.Is(err, other) {
				t.Errorf("%s: %v also matches %v", c.name, err, other)
			}
		}
	}
}

// TestStreamKernelErrorAfterIntr checks that a dump the kernel ends with
// an error reports that error even if it was also interrupted: the data
// is incomplete either way, and the errno says why.
func TestStreamKernelErrorAfterIntr(t *testing.T) {
	_, err := run(nil,
		msg(tFamily, unix.NLM_F_MULTI|unix.NLM_F_DUMP_INTR, tSeq, tPid, genl(1)),
		msg(unix.NLMSG_DONE, unix.NLM_F_MULTI, tSeq, tPid, doneBody(-int32(unix.EBUSY))))
	var ke *Error
	if !errors.As(err, &ke) || ke.Errno != unix.EBUSY {
		t.Fatalf("err = %v, want the kernel's EBUSY", err)
	}
}
