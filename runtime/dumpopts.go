package runtime

// DumpOption tunes one dump of a generated client (its XxxDump methods).
// Options are plain values, so that passing them allocates nothing.
type DumpOption struct {
	reuse bool
}

// DumpConfig is what a dump's DumpOptions set; generated code reads it
// with DumpOptions.
type DumpConfig struct {
	// Reuse is set by ReuseReplies.
	Reuse bool
}

// DumpOptions combines opts.
func DumpOptions(opts []DumpOption) DumpConfig {
	var c DumpConfig
	for _, o := range opts {
		c.Reuse = c.Reuse || o.reuse
	}
	return c
}

// ReuseReplies makes a dump decode each reply into the memory of the one
// before: the reply a loop iteration receives, with the structs and
// slices of structs it holds, is valid only until that iteration ends.
// Its strings and byte slices are fresh copies and stay valid. Use it when
// the loop does not keep replies (it reads, prints or copies what it
// needs): a dump then allocates no new memory per reply, so there is none
// to zero, to miss in the caches, or for the garbage collector to reclaim.
// On the benchmark machine that made an nlctrl family dump about a fifth
// faster (BENCHMARKS.md, goal 2).
//
// Without it, every reply is carved from fresh chunk memory (see Chunk)
// and stays valid for as long as the caller keeps it.
func ReuseReplies() DumpOption { return DumpOption{reuse: true} }
