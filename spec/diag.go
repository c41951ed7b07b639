package spec

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a spec file. Line and Col start at 1; a zero Line
// means the position is unknown (for example an implied default).
type Pos struct {
	File string
	Line int
	Col  int
}

// String renders the position as file:line:col.
func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Severity tells an error from a warning.
type Severity int

const (
	// SeverityError makes the spec unusable.
	SeverityError Severity = iota
	// SeverityWarning is legal but suspicious; the spec still loads.
	SeverityWarning
)

// Diagnostic is one problem found in a spec, with its position.
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Msg      string
}

// String renders the diagnostic as "file:line:col: msg" (warnings say so).
func (d Diagnostic) String() string {
	if d.Severity == SeverityWarning {
		return fmt.Sprintf("%s: warning: %s", d.Pos, d.Msg)
	}
	return fmt.Sprintf("%s: %s", d.Pos, d.Msg)
}

// ErrorList is the error returned by Load when a spec has errors: every
// error found, in file order.
type ErrorList []Diagnostic

// Error joins all diagnostics, one per line.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, d := range l {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// diagnostics collects errors and warnings while a spec is loaded. It
// keeps at most MaxErrors of each, the first in file order, and counts
// the rest: a hostile spec may hold hundreds of thousands of errors (one
// of 19 MB printed 383,618, 44 MB, using 1.38 GB), which nobody reads
// past the first screen. A diagnostic that would not be kept is not even
// formatted.
type diagnostics struct {
	file        string
	errs, warns capped
	nerrs       int
	// recovered counts the errors loading recovered from (a misspelt key
	// read as the key it resembles), after which the model is whole
	// enough to resolve, so that one run reports both phases' errors.
	recovered int
}

// capped holds the first MaxErrors diagnostics in file order of those
// added, in any order, and counts the others.
type capped struct {
	list []Diagnostic
	// seq numbers list's entries in the order they were added, which
	// breaks ties between equal positions as a stable sort would.
	seq  []int
	next int
	// worst is the index in list of the last diagnostic in file order,
	// the one a new, earlier one replaces once list is full.
	worst int
	// dropped counts the diagnostics not kept; firstDropped is the
	// position of the earliest of them.
	dropped      int
	firstDropped Pos
}

// posBefore orders positions in file order.
func posBefore(a, b Pos) bool {
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	return a.Col < b.Col
}

// add keeps the diagnostic at p (formatting its message only then) if
// it is among the first MaxErrors in file order so far.
func (c *capped) add(p Pos, sev Severity, format string, args []any) {
	seq := c.next
	c.next++
	if len(c.list) < MaxErrors {
		c.list = append(c.list, Diagnostic{Pos: p, Severity: sev, Msg: fmt.Sprintf(format, args...)})
		c.seq = append(c.seq, seq)
		if len(c.list) == MaxErrors {
			c.findWorst()
		}
		return
	}
	if !posBefore(p, c.list[c.worst].Pos) {
		c.drop(p)
		return
	}
	c.drop(c.list[c.worst].Pos)
	c.list[c.worst] = Diagnostic{Pos: p, Severity: sev, Msg: fmt.Sprintf(format, args...)}
	c.seq[c.worst] = seq
	c.findWorst()
}

func (c *capped) drop(p Pos) {
	if c.dropped == 0 || posBefore(p, c.firstDropped) {
		c.firstDropped = p
	}
	c.dropped++
}

func (c *capped) findWorst() {
	c.worst = 0
	for i := range c.list {
		if c.later(i, c.worst) {
			c.worst = i
		}
	}
}

// later reports whether entry i comes after entry j in file order.
func (c *capped) later(i, j int) bool {
	a, b := c.list[i].Pos, c.list[j].Pos
	if a.Line != b.Line || a.Col != b.Col {
		return posBefore(b, a)
	}
	return c.seq[i] > c.seq[j]
}

// sorted returns the kept diagnostics in file order, followed by one that
// counts the dropped ones, what ("errors" or "warnings") naming them.
func (c *capped) sorted(what string) []Diagnostic {
	idx := make([]int, len(c.list))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(x, y int) bool { return c.later(idx[y], idx[x]) })
	out := make([]Diagnostic, 0, len(idx)+1)
	for _, i := range idx {
		out = append(out, c.list[i])
	}
	if c.dropped > 0 {
		sev := out[0].Severity
		out = append(out, Diagnostic{Pos: c.firstDropped, Severity: sev,
			Msg: fmt.Sprintf("%d more %s from here on not shown (genlgen reports the first %d)", c.dropped, what, MaxErrors)})
	}
	return out
}

func (d *diagnostics) errorf(p Pos, format string, args ...any) {
	d.errs.add(p, SeverityError, format, args)
	d.nerrs++
}

func (d *diagnostics) warnf(p Pos, format string, args ...any) {
	d.warns.add(p, SeverityWarning, format, args)
}

// sorted returns the diagnostics in file order, errors and warnings apart.
func (d *diagnostics) sorted() (errs ErrorList, warns []Diagnostic) {
	if len(d.errs.list) > 0 {
		errs = d.errs.sorted("errors")
	}
	if len(d.warns.list) > 0 {
		warns = d.warns.sorted("warnings")
	}
	return errs, warns
}

// didYouMean returns a " (did you mean "x"?)" hint naming the candidate
// closest to got, or "" when none is close.
func didYouMean(got string, candidates []string) string {
	best := closest(got, candidates)
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// closest is the candidate nearest got by edit distance, if one is near
// enough to be a misspelling of it ("" if none).
func closest(got string, candidates []string) string {
	best, bestDist := "", len(got)/2+2
	for _, c := range candidates {
		if d := editDistance(got, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
