package runtime

import (
	"errors"
	"fmt"
)

// ErrNotInRequest is wrapped by the error of a request that sets a field
// its operation does not send: the spec lists the attributes each
// operation's request carries, and a value outside that list would be
// lost without a word. Nothing is sent. To send an attribute the spec
// does not list for the operation anyway, put it in the request's
// Unknown attributes, which are always sent.
var ErrNotInRequest = errors.New("not in the operation's request")

// Unsent fails the encoding: field (the Go field, attribute attr of the
// spec) holds a value the operation's request does not carry.
func (e *Encoder) Unsent(field, attr string) {
	e.fail(fmt.Errorf("%s (attribute %q) is set: %w", field, attr, ErrNotInRequest))
}

// fail records err as the encoding's error unless it already has one.
func (e *Encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}
