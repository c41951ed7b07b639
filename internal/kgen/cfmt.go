package kgen

import (
	"strings"
)

// maxCols is the line length the generated C keeps to (checkpatch warns
// above 100; kernel style prefers 80 where a line can be broken).
const (
	prefCols = 80
	maxCols  = 100
)

// cols is the display width of a C line, tabs counting to the next stop.
func cols(s string) int {
	n := 0
	for _, r := range s {
		if r == '\t' {
			n = (n/8 + 1) * 8
		} else {
			n++
		}
	}
	return n
}

// indentTo returns tabs then spaces reaching column n.
func indentTo(n int) string {
	return strings.Repeat("\t", n/8) + strings.Repeat(" ", n%8)
}

// proto renders a function head "ret name(a, b)" followed by tail (";" or
// ""), breaking after commas and aligning continuation lines with the open
// parenthesis when the line is longer than 80 columns.
func proto(ret, name string, params []string, tail string) string {
	out := protoAligned(ret, name, params, tail)
	if fits(out) {
		return out
	}
	// A long return type and name leave too little room: the return type
	// goes on its own line.
	return ret + "\n" + wrapParams(name+"(", params, tail)
}

// fits reports whether every line of s keeps to maxCols.
func fits(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		if cols(l) > maxCols {
			return false
		}
	}
	return true
}

// protoAligned is proto's usual layout.
func protoAligned(ret, name string, params []string, tail string) string {
	sep := " "
	if strings.HasSuffix(ret, "*") {
		sep = ""
	}
	head := ret + sep + name + "("
	one := head + strings.Join(params, ", ") + ")" + tail
	if cols(one) <= prefCols {
		return one
	}
	if strings.HasPrefix(ret, "static") && !strings.HasSuffix(ret, "*") {
		// Kernel style allows the return type on its own line.
		head = name + "("
		one = head + strings.Join(params, ", ") + ")" + tail
		if cols(one) <= prefCols {
			return ret + "\n" + one
		}
		return ret + "\n" + wrapParams(head, params, tail)
	}
	return wrapParams(head, params, tail)
}

func wrapParams(head string, params []string, tail string) string {
	pad := indentTo(cols(head))
	var b strings.Builder
	line := head
	for i, p := range params {
		sep := ", "
		end := ","
		if i == len(params)-1 {
			end = ")" + tail
		}
		switch {
		case i == 0:
			line += p + end
		case cols(line+" "+p+end) <= prefCols:
			line += sep[1:] + p + end
		default:
			b.WriteString(line + "\n")
			line = pad + p + end
		}
	}
	b.WriteString(line)
	return b.String()
}

// initLine renders "\t[NAME] = value," inside an initializer. Past 100
// columns a braced value ("{ .type = X, .len = Y, }") opens its brace on
// the key's line and puts a field a line, as kernel style wants (a "{"
// alone on the next line is checkpatch's OPEN_BRACE); any other value
// moves to the next line.
func initLine(indent, key, value string) string {
	one := indent + key + " = " + value + ","
	if cols(one) <= maxCols {
		return one
	}
	if inner, ok := strings.CutPrefix(value, "{ "); ok && strings.HasSuffix(inner, " }") {
		var b strings.Builder
		b.WriteString(indent + key + " = {\n")
		for _, f := range splitFields(strings.TrimSuffix(inner, " }")) {
			b.WriteString(indent + "\t" + f + ",\n")
		}
		b.WriteString(indent + "},")
		return b.String()
	}
	return indent + key + " =\n" + indent + "\t" + value + ","
}

// splitFields splits "a = x, b = f(y, z)," at the commas outside
// parentheses, dropping empty fields.
func splitFields(s string) []string {
	var out []string
	depth, start := 0, 0
	flush := func(end int) {
		if f := strings.TrimSpace(s[start:end]); f != "" {
			out = append(out, f)
		}
	}
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				flush(i)
				start = i + 1
			}
		}
	}
	flush(len(s))
	return out
}

// field is one member of a designated struct initializer.
type field struct{ Name, Value string }

// alignFields renders ".name<tabs>= value," lines with the values aligned
// on a tab stop, as the kernel writes its ops tables and family structs.
func alignFields(indent string, fields []field) []string {
	longest := 0
	for _, f := range fields {
		longest = max(longest, len(f.Name)+1)
	}
	stop := (longest/8 + 1) * 8
	var out []string
	for _, f := range fields {
		w := len(f.Name) + 1
		tabs := (stop - w + 7) / 8
		if w%8 == 0 {
			tabs = (stop - w) / 8
		}
		line := indent + "." + f.Name + strings.Repeat("\t", max(tabs, 1)) + "= " + f.Value + ","
		if cols(line) > maxCols {
			line = indent + "." + f.Name + " =\n" + indent + "\t" + f.Value + ","
		}
		out = append(out, line)
	}
	return out
}

// comment wraps text into C comment lines ("/* ... */" or a block) that
// fit width columns at the given indent.
func comment(indent, text string, width int) []string {
	words := docWords(text)
	if len(words) == 0 {
		return nil
	}
	one := indent + "/* " + strings.Join(words, " ") + " */"
	if cols(one) <= width {
		return []string{one}
	}
	lines := []string{indent + "/*"}
	lines = append(lines, fill(indent+" * ", words, width)...)
	return append(lines, indent+" */")
}

// fill lays words out on lines starting with prefix, at most width wide.
func fill(prefix string, words []string, width int) []string {
	return fill2(prefix, prefix, words, width)
}

// fill2 is fill with a different prefix for continuation lines.
func fill2(first, cont string, words []string, width int) []string {
	var out []string
	prefix := first
	line := prefix
	for _, w := range words {
		if line != prefix && cols(line+" "+w) > width {
			out = append(out, line)
			prefix = cont
			line = prefix
		}
		if line == prefix {
			line += w
		} else {
			line += " " + w
		}
	}
	if line != prefix {
		out = append(out, line)
	}
	return out
}

// docWords splits a spec doc into words safe inside a C comment.
func docWords(s string) []string {
	return strings.Fields(strings.ReplaceAll(s, "*/", "* /"))
}

// kdoc renders a kernel-doc block: the title line then "@name: text"
// entries, each wrapped to 80 columns.
func kdoc(title string, items [][2]string) []string {
	lines := []string{"/**"}
	lines = append(lines, fill2(" * ", " *   ", docWords(title), prefCols)...)
	for _, it := range items {
		lines = append(lines, fill2(" * @"+it[0]+": ", " *\t", docWords(it[1]), prefCols)...)
	}
	return append(lines, " */")
}
