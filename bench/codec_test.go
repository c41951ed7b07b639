package bench

import (
	"context"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/genlgen/genlgen/examples/doc_exmpl/docexmpl"
	"github.com/genlgen/genlgen/internal/families/netdev"
	"github.com/genlgen/genlgen/internal/families/nlctrl"
	"github.com/genlgen/genlgen/runtime"
)

// Goal 3: encoding and decoding one message's attributes, generated code
// against the hand-written mdlayher/netlink code in mdlayher_test.go. The
// messages are the kernel's own replies where the kernel can give them
// (nlctrl's getfamily reply about nlctrl, netdev's dev-get reply about lo)
// and a DOC_EXMPL echo reply built here (the family lives in our kernel
// module, which the host does not load).

// payload asks the kernel for one reply and returns its attributes.
func payload(b *testing.B, family string, cmd uint8, put func(*runtime.Encoder)) []byte {
	c, err := runtime.Dial(context.Background(), family, runtime.WithVersion(1))
	if err != nil {
		b.Skipf("no %s family: %v", family, err)
	}
	defer c.Close()
	var out []byte
	op := runtime.Op{Name: "bench", Cmd: cmd}
	err = c.Do(context.Background(), &op, put, func(m runtime.Message) error {
		out = append([]byte(nil), m.Payload...)
		return nil
	})
	if err != nil || out == nil {
		b.Fatalf("%s: %v", family, err)
	}
	return out
}

func nlctrlPayload(b *testing.B) []byte {
	return payload(b, "nlctrl", unix.CTRL_CMD_GETFAMILY, func(e *runtime.Encoder) {
		e.PutString(unix.CTRL_ATTR_FAMILY_NAME, "nlctrl")
	})
}

func netdevPayload(b *testing.B) []byte {
	return payload(b, "netdev", cmdDevGet, func(e *runtime.Encoder) {
		e.PutU32(netdevADevIfindex, 1) // lo
	})
}

func docexmplPayload(b *testing.B) []byte {
	msg, seq, ts := "hello, generic netlink", uint64(42), uint64(time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC).UnixNano())
	p, err := runtime.MarshalAttrs((&docexmpl.DocExmpl{Msg: runtime.Some(msg), Seq: runtime.Some(seq), Timestamp: runtime.Some(ts)}).Encode)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// codec is one message type's generated and hand-written codecs.
type codec struct {
	name       string
	payload    func(*testing.B) []byte
	genDecode  func([]byte) (encodable, error)
	mdDecode   func([]byte) (mdEncodable, error)
	genDecodeN func(b *testing.B, p []byte) // decodes p b.N times
	mdDecodeN  func(b *testing.B, p []byte)
}

type encodable interface{ Encode(*runtime.Encoder) }
type mdEncodable interface{ encode() ([]byte, error) }

var codecs = []codec{
	{
		name:    "nlctrl-family",
		payload: nlctrlPayload,
		genDecode: func(p []byte) (encodable, error) {
			v := new(nlctrl.CtrlAttrs)
			return v, v.Decode(p)
		},
		mdDecode: func(p []byte) (mdEncodable, error) {
			v := new(mdFamily)
			return v, v.decode(p)
		},
		genDecodeN: func(b *testing.B, p []byte) {
			for b.Loop() {
				var v nlctrl.CtrlAttrs
				if err := v.Decode(p); err != nil || !v.FamilyID.Present {
					b.Fatal(err)
				}
			}
		},
		mdDecodeN: func(b *testing.B, p []byte) {
			for b.Loop() {
				var v mdFamily
				if err := v.decode(p); err != nil || v.ID == 0 {
					b.Fatal(err)
				}
			}
		},
	},
	{
		name:    "netdev-dev",
		payload: netdevPayload,
		genDecode: func(p []byte) (encodable, error) {
			v := new(netdev.Dev)
			return v, v.Decode(p)
		},
		mdDecode: func(p []byte) (mdEncodable, error) {
			v := new(mdDev)
			return v, v.decode(p)
		},
		genDecodeN: func(b *testing.B, p []byte) {
			for b.Loop() {
				var v netdev.Dev
				if err := v.Decode(p); err != nil || !v.Ifindex.Present {
					b.Fatal(err)
				}
			}
		},
		mdDecodeN: func(b *testing.B, p []byte) {
			for b.Loop() {
				var v mdDev
				if err := v.decode(p); err != nil || v.Ifindex == 0 {
					b.Fatal(err)
				}
			}
		},
	},
	{
		name:    "docexmpl-echo",
		payload: docexmplPayload,
		genDecode: func(p []byte) (encodable, error) {
			v := new(docexmpl.DocExmpl)
			return v, v.Decode(p)
		},
		mdDecode: func(p []byte) (mdEncodable, error) {
			v := new(mdEcho)
			return v, v.decode(p)
		},
		genDecodeN: func(b *testing.B, p []byte) {
			for b.Loop() {
				var v docexmpl.DocExmpl
				if err := v.Decode(p); err != nil || !v.Msg.Present {
					b.Fatal(err)
				}
			}
		},
		mdDecodeN: func(b *testing.B, p []byte) {
			for b.Loop() {
				var v mdEcho
				if err := v.decode(p); err != nil || v.Msg == "" {
					b.Fatal(err)
				}
			}
		},
	},
}

// BenchmarkDecode decodes one message's attributes into a zero struct.
func BenchmarkDecode(b *testing.B) {
	for _, c := range codecs {
		b.Run(c.name, func(b *testing.B) {
			p := c.payload(b)
			b.Run("genlgen", func(b *testing.B) {
				b.ReportAllocs()
				c.genDecodeN(b, p)
			})
			b.Run("mdlayher", func(b *testing.B) {
				b.ReportAllocs()
				c.mdDecodeN(b, p)
			})
		})
	}
}

// BenchmarkEncode encodes one message's attributes: the generated Encode
// into an Encoder reused between messages (as the runtime reuses each
// socket's), the mdlayher code into the buffer AttributeEncoder.Encode
// returns.
func BenchmarkEncode(b *testing.B) {
	for _, c := range codecs {
		b.Run(c.name, func(b *testing.B) {
			p := c.payload(b)
			gv, err := c.genDecode(p)
			if err != nil {
				b.Fatal(err)
			}
			mv, err := c.mdDecode(p)
			if err != nil {
				b.Fatal(err)
			}
			b.Run("genlgen", func(b *testing.B) {
				var e runtime.Encoder
				b.ReportAllocs()
				for b.Loop() {
					e.Begin(0, 0, 0, 0)
					gv.Encode(&e)
					if e.Err() != nil {
						b.Fatal(e.Err())
					}
				}
			})
			b.Run("mdlayher", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := mv.encode(); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
