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

// diagnostics collects errors and warnings while a spec is loaded.
type diagnostics struct {
	file  string
	list  []Diagnostic
	nerrs int
}

func (d *diagnostics) errorf(p Pos, format string, args ...any) {
	d.list = append(d.list, Diagnostic{Pos: p, Severity: SeverityError, Msg: fmt.Sprintf(format, args...)})
	d.nerrs++
}

func (d *diagnostics) warnf(p Pos, format string, args ...any) {
	d.list = append(d.list, Diagnostic{Pos: p, Severity: SeverityWarning, Msg: fmt.Sprintf(format, args...)})
}

// sorted returns the diagnostics in file order, errors and warnings apart.
func (d *diagnostics) sorted() (errs ErrorList, warns []Diagnostic) {
	sort.SliceStable(d.list, func(i, j int) bool {
		a, b := d.list[i].Pos, d.list[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	for _, x := range d.list {
		if x.Severity == SeverityError {
			errs = append(errs, x)
		} else {
			warns = append(warns, x)
		}
	}
	return errs, warns
}

// didYouMean returns a " (did you mean "x"?)" hint naming the candidate
// closest to got, or "" when none is close.
func didYouMean(got string, candidates []string) string {
	best, bestDist := "", len(got)/2+2
	for _, c := range candidates {
		if d := editDistance(got, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
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
