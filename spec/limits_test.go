package spec

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The cap keeps the first MaxErrors errors in file order whatever order
// they were found in (the resolver's passes do not go in file order), and
// counts the rest from the first one dropped.
func TestErrorCapKeepsFirstInFileOrder(t *testing.T) {
	d := &diagnostics{file: "f.yaml"}
	n := 3 * MaxErrors
	for i := n; i >= 1; i-- { // last line first
		d.errorf(Pos{File: "f.yaml", Line: i, Col: 1}, "error on line %d", i)
	}
	d.errorf(Pos{File: "f.yaml", Line: 1, Col: 1}, "second error on line 1")
	errs, _ := d.sorted()
	if len(errs) != MaxErrors+1 {
		t.Fatalf("%d diagnostics, want %d and the count", len(errs), MaxErrors)
	}
	if errs[0].Msg != "error on line 1" || errs[1].Msg != "second error on line 1" || errs[2].Pos.Line != 2 {
		t.Errorf("first three: %v", errs[:3])
	}
	last := errs[MaxErrors]
	want := fmt.Sprintf("%d more errors from here on not shown", n+1-MaxErrors)
	if last.Pos.Line != MaxErrors || !strings.Contains(last.Msg, want) {
		t.Errorf("count = %v, want line %d and %q", last, MaxErrors, want)
	}
	if d.nerrs != n+1 {
		t.Errorf("nerrs = %d", d.nerrs)
	}
}

// Aliases that double the size 64 times must not wrap the count around,
// and the check costs the document, not its expansion.
func TestAliasChainSaturates(t *testing.T) {
	var b strings.Builder
	b.WriteString("name: x\nprotocol: genetlink\ndoc: &a0 d\n")
	for i := 1; i <= 70; i++ {
		fmt.Fprintf(&b, "k%d: &a%d [*a%d, *a%d]\n", i, i, i-1, i-1)
	}
	start := time.Now()
	_, err := Parse("chain.yaml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "expands the spec past 2 times its size") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}
