package runtime

// DumpOption tunes one dump of a generated client (its XxxDump methods),
// or one reading of its notifications (Notifications.All): a stream of
// replies. Options are plain values, so that passing them allocates
// nothing.
type DumpOption struct {
	reuse bool
}

// ReusesReplies reports whether opts hold ReuseReplies; generated dump
// methods ask it once per dump, Notifications.All once per loop.
func ReusesReplies(opts []DumpOption) bool {
	for _, o := range opts {
		if o.reuse {
			return true
		}
	}
	return false
}

// ReuseReplies makes a dump (or Notifications.All) decode each reply
// (notification) into the memory of the one before: the reply a loop
// iteration receives, with the structs and slices of structs it holds,
// is valid only until that iteration ends. Its strings and byte slices
// are fresh copies and stay valid. Use it when
// the loop does not keep replies (it reads, prints or copies what it
// needs): a dump then allocates no new memory per reply, so there is none
// to zero, to miss in the caches, or for the garbage collector to reclaim.
// On the benchmark machine that made an nlctrl family dump about a fifth
// faster (BENCHMARKS.md, goal 2).
//
// Without it, every reply is carved from fresh chunk memory (see Chunk)
// and stays valid for as long as the caller keeps it.
func ReuseReplies() DumpOption { return DumpOption{reuse: true} }

// DoOption tunes one "do" request of a generated client (its methods
// whose operation has a reply). Like DumpOption, a plain value.
type DoOption struct {
	arena *ReplyArena
}

// ReplyArenaOf returns the arena of the last ReuseReply in opts, nil if
// there is none; generated request methods ask it once per request.
func ReplyArenaOf(opts []DoOption) *ReplyArena {
	var a *ReplyArena
	for _, o := range opts {
		if o.arena != nil {
			a = o.arena
		}
	}
	return a
}

// ReplyArena is memory a caller owns for the replies of "do" requests
// run with ReuseReply. Its zero value is ready to use. It must not be
// used by two requests at the same time.
type ReplyArena struct {
	slot any // what DecoderOf keeps, as in a socket's Message.Scratch
}

// ReuseReply makes a "do" request decode its reply into a, reusing the
// memory of the reply decoded into a before: that earlier reply, with the
// structs and slices of structs it holds, is no longer valid. Strings and
// byte slices are fresh copies and stay valid. Use it for requests made
// again and again whose replies are read and dropped: the reply then
// costs no fresh memory, so there is none to zero, to miss in the caches,
// or for the garbage collector to reclaim (BENCHMARKS.md, goal 1). A nil
// a changes nothing.
func ReuseReply(a *ReplyArena) DoOption { return DoOption{arena: a} }
