package gen

// definedFuncs returns the names of the functions C source src defines, in
// the order it defines them. It is a scanner, not a parser, and needs no
// preprocessing: comments, string and character literals and preprocessor
// directives are skipped; a definition is an identifier followed by "("
// at brace depth 0 whose matching ")" is followed by "{" (kernel
// annotations such as __acquires(x) may stand between the two), so
// prototypes, calls, macro invocations such as module_init(f) and names
// inside comments or strings do not count. The return type may stand on
// its own line. Both branches of an #if are scanned; a branch that leaves
// braces unbalanced can hide the definitions after it.
func definedFuncs(src []byte) []string {
	toks := cTokens(src)
	var names []string
	depth := 0
	for i := 0; i < len(toks); i++ {
		switch t := toks[i]; {
		case t == "{":
			depth++
		case t == "}":
			depth = max(depth-1, 0)
		case depth == 0 && isIdent(t) && !cKeywords[t] && i+1 < len(toks) && toks[i+1] == "(":
			end := matchParen(toks, i+1)
			if end < 0 {
				continue
			}
			next := skipAnnotations(toks, end+1)
			if next < len(toks) && toks[next] == "{" {
				names = append(names, t)
				i = next - 1 // the "{" opens the body
				continue
			}
			i = end
		}
	}
	return names
}

// cKeywords are the identifiers followed by "(" at file scope that never
// name a function.
var cKeywords = map[string]bool{
	"sizeof": true, "typeof": true, "__typeof__": true, "__typeof": true,
	"_Alignof": true, "_Alignas": true, "_Static_assert": true, "static_assert": true,
	"__attribute__": true, "__attribute": true, "asm": true, "__asm__": true, "_Generic": true,
	"if": true, "while": true, "for": true, "switch": true, "return": true,
}

// matchParen returns the index of the ")" matching the "(" at open, or -1.
// A ";" or brace before it ends the search: a parameter list holds none.
func matchParen(toks []string, open int) int {
	n := 0
	for j := open; j < len(toks); j++ {
		switch toks[j] {
		case "(":
			n++
		case ")":
			if n--; n == 0 {
				return j
			}
		case ";", "{", "}":
			return -1
		}
	}
	return -1
}

// skipAnnotations skips the identifiers starting with "__" (each with an
// optional parenthesised argument list) that kernel code puts between a
// function's parameters and its body: __acquires(x), __must_hold(x).
func skipAnnotations(toks []string, i int) int {
	for i < len(toks) && len(toks[i]) > 2 && toks[i][:2] == "__" && isIdent(toks[i]) {
		i++
		if i < len(toks) && toks[i] == "(" {
			end := matchParen(toks, i)
			if end < 0 {
				return len(toks)
			}
			i = end + 1
		}
	}
	return i
}

func isIdent(t string) bool {
	c := t[0]
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// cTokens splits src into identifiers, numbers and one-byte punctuators,
// dropping white space, comments, literals and preprocessor directives.
func cTokens(src []byte) []string {
	var toks []string
	lineStart := true // only white space and comments so far on this line
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			lineStart = true
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			i += 2 // a line splice outside a directive
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			i = skipBlockComment(src, i)
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			i = skipLine(src, i)
		case c == '#' && lineStart:
			i = skipDirective(src, i)
		case c == '"' || c == '\'':
			i = skipLiteral(src, i)
			lineStart = false
		case isIdentByte(c):
			j := i
			if c >= '0' && c <= '9' {
				// A pp-number: 0x1fULL, 1e+5, 1.5f.
				for j < len(src) && (isIdentByte(src[j]) || src[j] == '.' ||
					(src[j] == '+' || src[j] == '-') && j > i && (src[j-1]|0x20 == 'e' || src[j-1]|0x20 == 'p')) {
					j++
				}
			} else {
				for j < len(src) && isIdentByte(src[j]) {
					j++
				}
			}
			toks = append(toks, string(src[i:j]))
			i = j
			lineStart = false
		default:
			toks = append(toks, string(c))
			i++
			lineStart = false
		}
	}
	return toks
}

// skipBlockComment returns the index after the "*/" closing the comment
// at i (or len(src) if it never closes).
func skipBlockComment(src []byte, i int) int {
	for j := i + 2; j+1 < len(src); j++ {
		if src[j] == '*' && src[j+1] == '/' {
			return j + 2
		}
	}
	return len(src)
}

// skipLine returns the index of the newline ending the line comment at i;
// a backslash before the newline continues it.
func skipLine(src []byte, i int) int {
	for ; i < len(src); i++ {
		if src[i] == '\n' && (i == 0 || src[i-1] != '\\') {
			return i
		}
	}
	return i
}

// skipLiteral returns the index after the string or character literal at
// i. An unterminated one ends at the end of its line, as the compiler
// would complain.
func skipLiteral(src []byte, i int) int {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case q:
			return j + 1
		case '\n':
			return j
		}
	}
	return len(src)
}

// skipDirective returns the index of the newline ending the preprocessor
// directive at i: line splices continue it, comments and literals inside
// it are skipped whole (a block comment may run over several lines).
func skipDirective(src []byte, i int) int {
	for i < len(src) {
		switch c := src[i]; {
		case c == '\n':
			return i
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			i += 2
		case c == '\\' && i+2 < len(src) && src[i+1] == '\r' && src[i+2] == '\n':
			i += 3
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			i = skipBlockComment(src, i)
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			return skipLine(src, i)
		case c == '"' || c == '\'':
			i = skipLiteral(src, i)
		default:
			i++
		}
	}
	return i
}
