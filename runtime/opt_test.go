package runtime

import (
	"encoding/json"
	"testing"
)

func TestOpt(t *testing.T) {
	var o Opt[uint32]
	if _, ok := o.Get(); ok || o.Present || !o.IsZero() || o.Or(7) != 7 || o.String() != "<absent>" {
		t.Fatalf("zero Opt: %+v", o)
	}
	o.Set(0) // present zero differs from absent
	if v, ok := o.Get(); !ok || v != 0 || o.IsZero() || o.Or(7) != 0 || o.String() != "0" {
		t.Fatalf("Set(0): %+v", o)
	}
	o.Clear()
	if o.Present {
		t.Fatalf("Clear: %+v", o)
	}
	if s := Some("x"); s.V != "x" || !s.Present {
		t.Fatalf("Some: %+v", s)
	}
}

func TestOptJSON(t *testing.T) {
	type msg struct {
		A Opt[uint16] `json:"a,omitzero"`
		B Opt[string] `json:"b,omitzero"`
		C Opt[int64]  `json:"c"`
	}
	in := msg{A: Some[uint16](0), B: Opt[string]{}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"a":0,"c":null}` {
		t.Fatalf("marshal: %s", b)
	}
	var out msg
	if err := json.Unmarshal([]byte(`{"a":5,"b":"hi","c":null}`), &out); err != nil {
		t.Fatal(err)
	}
	if out.A != Some[uint16](5) || out.B != Some("hi") || out.C.Present {
		t.Fatalf("unmarshal: %+v", out)
	}
	if err := json.Unmarshal([]byte(`{"a":"no"}`), &out); err == nil {
		t.Fatal("a string into Opt[uint16] was accepted")
	}
}
