package runtime

import "testing"

func TestDumpOptions(t *testing.T) {
	if ReusesReplies(nil) {
		t.Error("no options: reuse set")
	}
	if !ReusesReplies([]DumpOption{ReuseReplies()}) {
		t.Error("ReuseReplies: reuse not set")
	}
}

func TestDoOptions(t *testing.T) {
	var a, b ReplyArena
	if got := ReplyArenaOf(nil); got != nil {
		t.Errorf("no options: arena %p", got)
	}
	if got := ReplyArenaOf([]DoOption{ReuseReply(&a), ReuseReply(&b)}); got != &b {
		t.Errorf("two arenas: got %p, want the last, %p", got, &b)
	}
	if got := ReplyArenaOf([]DoOption{ReuseReply(&a), ReuseReply(nil)}); got != &a {
		t.Errorf("ReuseReply(nil) after an arena: got %p, want %p", got, &a)
	}
}
