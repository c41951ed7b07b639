package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestUnifiedDiff(t *testing.T) {
	lines := func(from, to int) string {
		var b strings.Builder
		for i := from; i <= to; i++ {
			fmt.Fprintf(&b, "l%d\n", i)
		}
		return b.String()
	}
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"equal", "a\n", "a\n", ""},
		{"one line changed, context cut at 3",
			lines(1, 10), strings.Replace(lines(1, 10), "l5\n", "five\n", 1),
			"@@ -2,7 +2,7 @@\n l2\n l3\n l4\n-l5\n+five\n l6\n l7\n l8\n"},
		{"changes 6 kept lines apart share a hunk",
			lines(1, 20), strings.NewReplacer("l5\n", "x\n", "l12\n", "y\n").Replace(lines(1, 20)),
			"@@ -2,14 +2,14 @@\n l2\n l3\n l4\n-l5\n+x\n l6\n l7\n l8\n l9\n l10\n l11\n-l12\n+y\n l13\n l14\n l15\n"},
		{"changes 7 kept lines apart do not",
			lines(1, 20), strings.NewReplacer("l5\n", "x\n", "l13\n", "y\n").Replace(lines(1, 20)),
			"@@ -2,7 +2,7 @@\n l2\n l3\n l4\n-l5\n+x\n l6\n l7\n l8\n@@ -10,7 +10,7 @@\n l10\n l11\n l12\n-l13\n+y\n l14\n l15\n l16\n"},
		{"added at the top", "a\nb\n", "new\na\nb\n", "@@ -1,2 +1,3 @@\n+new\n a\n b\n"},
		{"removed at the end", "a\nb\nc\n", "a\nb\n", "@@ -1,3 +1,2 @@\n a\n b\n-c\n"},
		{"into an empty file", "", "a\n", "@@ -0,0 +1 @@\n+a\n"},
		{"no newline at the end", "a\nb", "a\nb\n",
			"@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"},
		{"binary", "a\x00", "b", "Binary files differ\n"},
	} {
		got := unifiedDiff("d/f.c", []byte(tc.old), []byte(tc.new))
		want := tc.want
		if want != "" {
			want = "--- d/f.c\n+++ d/f.c\n" + want
		}
		if got != want {
			t.Errorf("%s: got\n%s\nwant\n%s", tc.name, got, want)
		}
	}
}

// Random pairs of files: the diff applied to the old one gives the new
// one, and it removes and adds no more lines than a longest common
// subsequence leaves (a shortest script).
func TestUnifiedDiffAppliesAndIsShortest(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	file := func() string {
		var b strings.Builder
		for range r.IntN(60) {
			b.WriteString(string(rune('a'+r.IntN(4))) + "\n")
		}
		if r.IntN(4) == 0 {
			b.WriteString("end")
		}
		return b.String()
	}
	for i := range 2000 {
		old, new := file(), file()
		d := unifiedDiff("f", []byte(old), []byte(new))
		got, changed, err := applyDiff(old, d)
		if err != nil || got != new {
			t.Fatalf("case %d: %q -> %q: diff\n%s\napplies to %q, %v", i, old, new, d, got, err)
		}
		a, b := splitLines([]byte(old)), splitLines([]byte(new))
		if want := len(a) + len(b) - 2*lcs(a, b); changed != want {
			t.Fatalf("case %d: %q -> %q: %d lines changed, want %d:\n%s", i, old, new, changed, want, d)
		}
	}
}

// Files further apart than maxEdits still get a correct script, a
// shortest one as far as those edits reach, and the diff is cut after
// maxDiffLines lines with a count of the rest.
func TestUnifiedDiffLong(t *testing.T) {
	var old, new strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&old, "line %d\n", i)
		if i%2 == 0 {
			fmt.Fprintf(&new, "line %d\n", i)
		} else {
			fmt.Fprintf(&new, "changed %d\n", i)
		}
	}
	a, b := splitLines([]byte(old.String())), splitLines([]byte(new.String()))
	script := lineDiff(a, b)
	var got []string
	changed := 0
	for i, e := range script {
		switch {
		case e.kind == ' ' && a[e.a] != b[e.b]:
			t.Fatalf("edit %d keeps %q as %q", i, a[e.a], b[e.b])
		case e.kind == '-':
			changed++
			continue
		case e.kind == '+':
			changed++
			got = append(got, b[e.b])
			continue
		}
		got = append(got, a[e.a])
	}
	if strings.Join(got, "") != new.String() {
		t.Fatal("the script does not give the new file")
	}
	if changed <= maxEdits {
		t.Fatalf("%d changed lines: the case does not exceed maxEdits", changed)
	}
	// The part a reader sees is the shortest script: a line removed, one
	// added, one kept, over and over.
	for i, e := range script[:maxDiffLines] {
		if want := " -+"[i%3]; e.kind != want {
			t.Fatalf("edit %d is %q, want %q", i, e.kind, want)
		}
	}

	d := unifiedDiff("f", []byte(old.String()), []byte(new.String()))
	lines := strings.Split(strings.TrimSuffix(d, "\n"), "\n")
	if len(lines) != 2+maxDiffLines+1 {
		t.Fatalf("%d lines, want %d", len(lines), 2+maxDiffLines+1)
	}
	// One hunk: its header and a line per edit.
	if want := fmt.Sprintf("[%d more lines of diff left out]", 1+len(script)-maxDiffLines); lines[len(lines)-1] != want {
		t.Errorf("last line %q, want %q", lines[len(lines)-1], want)
	}
	if lines[2] != "@@ -1,3000 +1,3000 @@" {
		t.Errorf("hunk header %q", lines[2])
	}
}

// applyDiff applies the unified diff d (as unifiedDiff writes it) to old,
// checking each hunk's header and context, and counts the lines it
// removes and adds.
func applyDiff(old, d string) (string, int, error) {
	if d == "" {
		return old, 0, nil
	}
	a := splitLines([]byte(old))
	body, ok := strings.CutPrefix(d, "--- f\n+++ f\n")
	if !ok {
		return "", 0, fmt.Errorf("bad header")
	}
	var out []string
	pos, changed := 0, 0
	diff := splitLines([]byte(body))
	for i := 0; i < len(diff); {
		var as, an, bs, bn int
		if _, err := fmt.Sscanf(fullSpans(diff[i]), "@@ -%d,%d +%d,%d @@\n", &as, &an, &bs, &bn); err != nil {
			return "", 0, fmt.Errorf("line %q: %v", diff[i], err)
		}
		if an > 0 {
			as--
		}
		if as < pos {
			return "", 0, fmt.Errorf("hunk %q goes back", diff[i])
		}
		out = append(out, a[pos:as]...)
		pos = as
		i++
		var na, nb int
		for ; i < len(diff) && diff[i][0] != '@'; i++ {
			kind, line := diff[i][0], diff[i][1:]
			if i+1 < len(diff) && diff[i+1] == "\\ No newline at end of file\n" {
				line = strings.TrimSuffix(line, "\n")
				i++
			}
			if kind != '+' {
				if pos >= len(a) || a[pos] != line {
					return "", 0, fmt.Errorf("line %d is %q, not %q", pos, a[min(pos, len(a)-1)], line)
				}
				pos++
				na++
			}
			if kind != '-' {
				out = append(out, line)
				nb++
			}
			if kind != ' ' {
				changed++
			}
		}
		if na != an || nb != bn {
			return "", 0, fmt.Errorf("hunk counts %d,%d, header %d,%d", na, nb, an, bn)
		}
	}
	out = append(out, a[pos:]...)
	return strings.Join(out, ""), changed, nil
}

// fullSpans writes the counts "@@ -a +b @@" leaves out (1).
func fullSpans(h string) string {
	f := strings.Fields(h)
	for i := 1; i <= 2 && i < len(f); i++ {
		if !strings.Contains(f[i], ",") {
			f[i] += ",1"
		}
	}
	return strings.Join(f, " ") + "\n"
}

// lcs is the length of a longest common subsequence of a and b.
func lcs(a, b []string) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
