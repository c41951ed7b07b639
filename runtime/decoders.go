package runtime

// What generated clients keep with each socket (Message.Scratch) and in a
// caller's ReplyArena: their decoders, each holding one Chunk per struct
// type and a Bytes.

// ScratchOf returns the *T kept in a Message.Scratch slot, storing a new
// one there the first time (or if the slot holds something else); nil
// for a nil slot, that is for a message that no socket received.
// DecoderOf keeps generated clients' decoders, which hold their Chunks,
// there.
func ScratchOf[T any](slot *any) *T {
	if slot == nil {
		return nil
	}
	v, ok := (*slot).(*T)
	if !ok {
		v = new(T)
		*slot = v
	}
	return v
}

// DecoderOf returns the decoder of type D kept in a Message.Scratch slot
// (a new one the first time), for decoding one reply: with reuse, the one
// whose chunks are rewound before every reply (a dump run with
// ReuseReplies: the caller no longer uses the reply before); without, the
// one that hands every part out once (replies a caller may keep). Each
// socket keeps both, so the two kinds of dump can share a pooled socket.
// nil for a nil slot, that is for a message no socket received.
func DecoderOf[D any, P interface {
	*D
	Rewind()
}](slot *any, reuse bool) *D {
	ds := ScratchOf[decoders[D]](slot)
	switch {
	case ds == nil:
		return nil
	case reuse:
		P(&ds.reused).Rewind()
		return &ds.reused
	}
	return &ds.kept
}

// ReplyDecoderOf is DecoderOf for the reply of a "do" request: the
// reused decoder kept in arena if there is one (ReuseReply), else the
// kept decoder of the socket's Scratch slot.
func ReplyDecoderOf[D any, P interface {
	*D
	Rewind()
}](slot *any, arena *ReplyArena) *D {
	if arena != nil {
		return DecoderOf[D, P](&arena.slot, true)
	}
	return DecoderOf[D, P](slot, false)
}

// decoders is what DecoderOf keeps in a socket's Scratch slot.
type decoders[D any] struct {
	kept, reused D
}
