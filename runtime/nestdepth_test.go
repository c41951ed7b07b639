package runtime_test

import (
	"strings"
	"testing"

	"github.com/genlgen/genlgen/internal/gogen/alltypes"
	"github.com/genlgen/genlgen/runtime"
)

// A value that contains itself, legal in a set that nests itself (the
// all-types family's inner.child), died encoding with "fatal error: stack
// overflow". Encoding it now stops at runtime.MaxNestDepth nests with an
// error, and the buffer holds no more than those nests.
func TestEncodeCycleFails(t *testing.T) {
	v := &alltypes.Inner{}
	v.Child = v
	var e runtime.Encoder
	e.Begin(0x10, 0, 1, 1)
	v.Encode(&e)
	err := e.Err()
	if err == nil || !strings.Contains(err.Error(), "nests deep") {
		t.Fatalf("Err() = %v, want the nest depth error", err)
	}
	if n := e.Len(); n > 20+4*runtime.MaxNestDepth {
		t.Errorf("encoded %d bytes, want at most the %d nests", n, runtime.MaxNestDepth)
	}
	// The encoder is fine for the next message.
	e.Begin(0x10, 0, 1, 1)
	(&alltypes.Inner{}).Encode(&e)
	if err := e.Err(); err != nil {
		t.Errorf("next message: %v", err)
	}
}

// A chain of MaxNestDepth values of a set that nests itself (the outer
// one and MaxNestDepth-1 nests) encodes; one more does not.
func TestEncodeNestDepthLimit(t *testing.T) {
	chain := func(n int) *alltypes.Inner {
		v := &alltypes.Inner{}
		for range n {
			v = &alltypes.Inner{Child: v}
		}
		return v
	}
	var e runtime.Encoder
	e.Begin(0x10, 0, 1, 1)
	chain(runtime.MaxNestDepth - 1).Encode(&e)
	if err := e.Err(); err != nil {
		t.Errorf("%d values: %v", runtime.MaxNestDepth, err)
	}
	e.Begin(0x10, 0, 1, 1)
	chain(runtime.MaxNestDepth).Encode(&e)
	if e.Err() == nil {
		t.Errorf("%d values: no error", runtime.MaxNestDepth+1)
	}
}
