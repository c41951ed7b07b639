package spec

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// What a spec may cost. genlgen runs in CI on specs from pull requests,
// so a spec is untrusted input: each limit turns an input that would take
// minutes and gigabytes into one positioned error.
const (
	// MaxSpecSize is the largest spec Load and Parse read, in bytes: 1
	// MiB, 13 times the largest kernel spec (tc.yaml, 80 KB). A MiB of
	// attributes takes about 2 s and 350 MB to generate, twice that when
	// aliases double it, the most they may (BenchmarkHostileSpec in
	// cmd/genlgen).
	MaxSpecSize = 1 << 20

	// MaxErrors is how many errors, and apart from them how many
	// warnings, a load reports: the first ones in file order, then one
	// line counting the rest.
	MaxErrors = 100

	// Aliases may add at most aliasRatio-1 times the nodes (and the
	// scalar bytes) the document holds, plus aliasSlackNodes nodes (and
	// aliasSlackBytes bytes) for small documents. The kernel's specs
	// add at most 21% (6.12's rt_route.yaml); a 104 KB spec whose one
	// 3,000-attribute list 40 sets reused added 3,800%, and generated 42
	// MB of Go in 11 s and 1.5 GB. gopkg.in/yaml.v3 has a similar limit
	// (decode.go, allowedAliasRatio), but only for decoding into Go
	// values: decoding into a yaml.Node, as Parse does, keeps the aliases
	// for the loader to follow, unlimited.
	aliasRatio      = 2
	aliasSlackNodes = 10_000
	aliasSlackBytes = 64 << 10
)

// sizeProblem is the error for a spec of n bytes over MaxSpecSize.
func sizeProblem(file string, n int64) Diagnostic {
	return Diagnostic{Pos: Pos{File: file, Line: 1, Col: 1}, Msg: fmt.Sprintf(
		"the spec is %d bytes; genlgen reads specs of at most %d bytes (1 MiB, 13 times the largest kernel spec)", n, MaxSpecSize)}
}

// treeSize is the size of a YAML tree: its nodes and the bytes of its
// scalars (keys and values).
type treeSize struct{ nodes, bytes int64 }

// add adds t to s, saturating at 1<<50 so that a chain of aliases that
// doubles the size 64 times cannot wrap the count around.
func (s *treeSize) add(t treeSize) {
	s.nodes = min(s.nodes+t.nodes, 1<<50)
	s.bytes = min(s.bytes+t.bytes, 1<<50)
}

// aliasProblem checks that the aliases of doc do not expand it beyond
// aliasRatio times its size (plus the slack), and that no anchor holds
// an alias to itself. It walks the tree once, in document order, keeping
// the size an alias expands to per anchored node, so it costs the size
// of the document, not of its expansion; the error is at the first
// alias that takes the expansion over the limit.
func aliasProblem(file string, doc *yaml.Node) *Diagnostic {
	a := &aliases{expanded: map[*yaml.Node]treeSize{}, visiting: map[*yaml.Node]bool{}}
	a.real = realSize(doc)
	a.limit = treeSize{nodes: aliasRatio*a.real.nodes + aliasSlackNodes, bytes: aliasRatio*a.real.bytes + aliasSlackBytes}
	a.walk(doc)
	if a.bad == nil {
		return nil
	}
	a.bad.Pos.File = file
	return a.bad
}

type aliases struct {
	real, limit, total treeSize
	// expanded holds the expanded size of each node an alias named.
	expanded map[*yaml.Node]treeSize
	visiting map[*yaml.Node]bool
	bad      *Diagnostic
}

func realSize(n *yaml.Node) treeSize {
	s := treeSize{nodes: 1, bytes: int64(len(n.Value))}
	for _, c := range n.Content {
		s.add(realSize(c))
	}
	return s
}

// walk adds n's expanded size to the running total, stopping at the
// first problem.
func (a *aliases) walk(n *yaml.Node) {
	if a.bad != nil {
		return
	}
	if n.Kind != yaml.AliasNode || n.Alias == nil {
		a.total.add(treeSize{nodes: 1, bytes: int64(len(n.Value))})
		a.visiting[n] = true
		for _, c := range n.Content {
			a.walk(c)
		}
		delete(a.visiting, n)
		return
	}
	pos := Pos{Line: n.Line, Col: n.Column}
	s, ok := a.expandedSize(n.Alias)
	if !ok || a.visiting[n.Alias] {
		a.bad = &Diagnostic{Pos: pos, Msg: fmt.Sprintf("alias *%s refers to a node that contains it: its expansion has no end", n.Value)}
		return
	}
	a.total.add(s)
	if a.total.nodes > a.limit.nodes || a.total.bytes > a.limit.bytes {
		a.bad = &Diagnostic{Pos: pos, Msg: fmt.Sprintf(
			"alias *%s expands the spec past %d times its size: the spec holds %d YAML nodes and %d bytes of text, its aliases may add at most as much again plus %d nodes and %d bytes",
			n.Value, aliasRatio, a.real.nodes, a.real.bytes, aliasSlackNodes, aliasSlackBytes)}
	}
}

// expandedSize is the size of n with every alias under it expanded, or
// false if an alias under it refers back to n or to a node around it.
func (a *aliases) expandedSize(n *yaml.Node) (treeSize, bool) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return a.expandedSize(n.Alias)
	}
	if s, ok := a.expanded[n]; ok {
		return s, true
	}
	if a.visiting[n] {
		return treeSize{}, false
	}
	a.visiting[n] = true
	defer delete(a.visiting, n)
	s := treeSize{nodes: 1, bytes: int64(len(n.Value))}
	for _, c := range n.Content {
		cs, ok := a.expandedSize(c)
		if !ok {
			return treeSize{}, false
		}
		s.add(cs)
	}
	a.expanded[n] = s
	return s, true
}
