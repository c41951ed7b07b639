package spec

import (
	"strings"
	"testing"
)

const memberStructSpec = `
name: ms
protocol: genetlink-legacy
doc: d
definitions:
  - name: outer
    type: struct
    members:
      - { name: x, type: u8 }
      - { name: in, type: binary, struct: inner }
      - { name: y, type: u64 }
  - name: inner
    type: struct
    members:
      - { name: a, type: u32 }
      - { name: b, type: u16 }
attribute-sets:
  - name: s
    attributes:
      - { name: o, type: binary, struct: outer }
operations:
  list:
    - { name: get, doc: d, attribute-set: s, do: { request: { attributes: [ o ] } } }
`

// TestMemberStruct lays out a struct member holding a struct defined
// after it, as C does: the inner struct's size and alignment.
func TestMemberStruct(t *testing.T) {
	f, err := Parse("ms.yaml", []byte(memberStructSpec))
	if err != nil {
		t.Fatal(err)
	}
	outer, inner := f.Definition("outer"), f.Definition("inner")
	if inner.Size != 8 || outer.Size != 24 {
		t.Errorf("sizes: inner %d, outer %d; want 8 and 24", inner.Size, outer.Size)
	}
	in := outer.Members[1]
	if in.Struct != inner || in.Offset != 4 || in.Size != 8 || outer.Members[2].Offset != 16 {
		t.Errorf("member in: struct %v offset %d size %d; y at %d", in.Struct, in.Offset, in.Size, outer.Members[2].Offset)
	}
}

func TestMemberStructErrors(t *testing.T) {
	for _, c := range []struct{ from, to, want string }{
		{"struct: inner }", "struct: nosuch }", `struct "nosuch" is not a struct definition`},
		{"{ name: a, type: u32 }", "{ name: a, type: binary, struct: outer }", `struct "outer" contains itself`},
		{"struct: inner }", "struct: inner, len: 8 }", "takes its length from struct"},
		{"{ name: x, type: u8 }", "{ name: x, type: u8, struct: inner }", `"struct" applies to a binary member`},
	} {
		_, err := Parse("ms.yaml", []byte(strings.Replace(memberStructSpec, c.from, c.to, 1)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.to, err, c.want)
		}
	}
}
