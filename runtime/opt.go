package runtime

import (
	"encoding/json"
	"fmt"
)

// Opt is an attribute value that may be absent. Generated structs use it
// for every optional scalar, string, bitfield and C-struct attribute: the
// value lives in the struct itself, so decoding one costs no allocation,
// and Present says whether the attribute is sent or was received.
//
// The zero Opt is absent. Build a present one with Some, or set the fields:
//
//	req := &nlctrl.CtrlAttrs{FamilyName: runtime.Some("nlctrl")}
//	if id, ok := rsp.FamilyID.Get(); ok { ... }
type Opt[T any] struct {
	// V is the value; it is meaningless when Present is false.
	V T
	// Present says whether the attribute is there.
	Present bool
}

// Some returns a present Opt holding v.
func Some[T any](v T) Opt[T] { return Opt[T]{V: v, Present: true} }

// Get returns the value and whether it is present.
func (o Opt[T]) Get() (T, bool) { return o.V, o.Present }

// Or returns the value if present, def otherwise.
func (o Opt[T]) Or(def T) T {
	if o.Present {
		return o.V
	}
	return def
}

// Set makes o present with value v.
func (o *Opt[T]) Set(v T) { *o = Opt[T]{V: v, Present: true} }

// Clear makes o absent.
func (o *Opt[T]) Clear() { *o = Opt[T]{} }

// IsZero reports whether o is absent, so that a struct field tagged
// `json:",omitzero"` is left out of JSON when absent.
func (o Opt[T]) IsZero() bool { return !o.Present }

// String formats the value, or "<absent>".
func (o Opt[T]) String() string {
	if !o.Present {
		return "<absent>"
	}
	return fmt.Sprint(o.V)
}

// MarshalJSON encodes the value, or null when absent.
func (o Opt[T]) MarshalJSON() ([]byte, error) {
	if !o.Present {
		return []byte("null"), nil
	}
	return json.Marshal(o.V)
}

// UnmarshalJSON reads a value, or null as absent.
func (o *Opt[T]) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		o.Clear()
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.Set(v)
	return nil
}
