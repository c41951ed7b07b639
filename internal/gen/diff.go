package gen

import (
	"bytes"
	"fmt"
	"strings"
)

// The unified diff -check prints for a stale file: what regenerating
// would change, in the format of `diff -u` (3 lines of context, paths as
// the user named them, so `patch -p0` applies it). A diff of a few
// hundred lines is already more than a reader takes in at a terminal, so
// longer ones are cut, saying how much was left out; regenerating and
// running git diff shows all of it.

const (
	diffContext  = 3
	maxDiffLines = 200
	// maxEdits bounds the edits the line diff searches for: its time is
	// lines x edits and its memory edits², about 8 MB here. A file
	// further from what would be generated gets a shortest script up to
	// the furthest point those edits reach, far more than the cut above
	// shows, and the rest removed and rewritten.
	maxEdits = 1000
)

// edit is one line of a diff script: kind ' ' (kept), '-' (removed from
// old) or '+' (added from new); a and b are the positions in old and new
// before it.
type edit struct {
	kind byte
	a, b int
}

// unifiedDiff is the unified diff turning old, the file at path, into
// new; "" when they are equal.
func unifiedDiff(path string, old, new []byte) string {
	if bytes.Equal(old, new) {
		return ""
	}
	head := "--- " + path + "\n+++ " + path + "\n"
	if bytes.IndexByte(old, 0) >= 0 || bytes.IndexByte(new, 0) >= 0 {
		return head + "Binary files differ\n"
	}
	a, b := splitLines(old), splitLines(new)
	var lines []string
	for _, h := range hunks(lineDiff(a, b)) {
		lines = append(lines, h.header())
		for _, e := range h.edits {
			var line string
			if e.kind == '+' {
				line = b[e.b]
			} else {
				line = a[e.a]
			}
			if !strings.HasSuffix(line, "\n") {
				line += "\n\\ No newline at end of file\n"
			}
			lines = append(lines, string(e.kind)+line)
		}
	}
	var out strings.Builder
	out.WriteString(head)
	for i, l := range lines {
		if i == maxDiffLines {
			fmt.Fprintf(&out, "[%d more lines of diff left out]\n", len(lines)-i)
			break
		}
		out.WriteString(l)
	}
	return out.String()
}

// splitLines splits s after each newline; the last line lacks one when s
// does not end in one.
func splitLines(s []byte) []string {
	lines := strings.SplitAfter(string(s), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// lineDiff is an edit script from a to b: the common head and tail, and
// between them Myers' O(ND) greedy search ("An O(ND) Difference
// Algorithm and Its Variations", 1986), a shortest script when it needs
// at most maxEdits edits.
func lineDiff(a, b []string) []edit {
	var script []edit
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		script = append(script, edit{' ', pre, pre})
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	// Lines as numbers, so that the search compares ints.
	ids := map[string]int{}
	number := func(lines []string) []int {
		out := make([]int, len(lines))
		for i, l := range lines {
			id, ok := ids[l]
			if !ok {
				id = len(ids)
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	x, y := number(a[pre:len(a)-suf]), number(b[pre:len(b)-suf])
	for _, e := range myers(x, y) {
		script = append(script, edit{e.kind, pre + e.a, pre + e.b})
	}
	for i := range suf {
		script = append(script, edit{' ', len(a) - suf + i, len(b) - suf + i})
	}
	return script
}

// myers finds a shortest edit script from a to b when one has at most
// maxEdits edits; otherwise the shortest script to the furthest point
// maxEdits edits reach, then the rest of a removed and of b added. v[k]
// is the furthest x reached on diagonal k = x - y; trace keeps v as it
// was before each round, to walk back.
func myers(a, b []int) []edit {
	n, m := len(a), len(b)
	limit := min(n+m, maxEdits)
	off := limit + 1
	v := make([]int, 2*limit+3)
	var trace [][]int
	for d := 0; d <= limit; d++ {
		trace = append(trace, append([]int(nil), v[off-d:off+d+1]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, n, m)
			}
		}
	}
	// Out of edits: from the furthest point inside the grid, the rest
	// replaced whole.
	bx, by := 0, 0
	for k := -limit; k <= limit; k += 2 {
		if x, y := v[off+k], v[off+k]-k; x <= n && y >= 0 && y <= m && x+y > bx+by {
			bx, by = x, y
		}
	}
	script := backtrack(trace, bx, by)
	for i := bx; i < n; i++ {
		script = append(script, edit{'-', i, by})
	}
	for j := by; j < m; j++ {
		script = append(script, edit{'+', n, j})
	}
	return script
}

// backtrack walks trace back from (n, m) to (0, 0), returning the edits
// in order.
func backtrack(trace [][]int, x, y int) []edit {
	var rev []edit
	for d := len(trace) - 1; d >= 0; d-- {
		prevX, prevY := 0, 0
		if d > 0 {
			v := trace[d] // v[k+d] is diagonal k after round d-1
			k := x - y
			prevK := k - 1
			if k == -d || (k != d && v[k-1+d] < v[k+1+d]) {
				prevK = k + 1
			}
			prevX = v[prevK+d]
			prevY = prevX - prevK
		}
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, edit{' ', x, y})
		}
		if d == 0 {
			break
		}
		if x == prevX {
			y--
			rev = append(rev, edit{'+', x, y})
		} else {
			x--
			rev = append(rev, edit{'-', x, y})
		}
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// hunk is a run of script: changes with up to diffContext kept lines
// around them, two changes sharing a hunk when at most 2*diffContext
// kept lines part them.
type hunk struct{ edits []edit }

func hunks(script []edit) []hunk {
	var out []hunk
	for i := 0; i < len(script); {
		if script[i].kind == ' ' {
			i++
			continue
		}
		start := max(0, i-diffContext)
		end := i // one past the last change
		for j := i; j < len(script) && j-end <= 2*diffContext; j++ {
			if script[j].kind != ' ' {
				end = j + 1
			}
		}
		stop := min(len(script), end+diffContext)
		out = append(out, hunk{script[start:stop]})
		i = stop
	}
	return out
}

// header is the hunk's "@@ -a,n +b,m @@" line: the first line (from 1)
// and the line count on each side; an empty side names the line before
// it, and a count of 1 is left out, as diff -u does.
func (h hunk) header() string {
	first := h.edits[0]
	var na, nb int
	for _, e := range h.edits {
		if e.kind != '+' {
			na++
		}
		if e.kind != '-' {
			nb++
		}
	}
	return "@@ -" + span(first.a, na) + " +" + span(first.b, nb) + " @@\n"
}

func span(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprint(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
