package gen

import (
	"slices"
	"testing"
)

func TestDefinedFuncs(t *testing.T) {
	for _, c := range []struct {
		name string
		src  string
		want []string
	}{
		{"definition", "int f(void)\n{\n\treturn 0;\n}\n", []string{"f"}},
		{"prototype and call", "int f(void);\nint g(void) { return f(); }\n", []string{"g"}},
		{"K&R line breaks", "static int\nf(struct sk_buff *skb,\n  struct genl_info *info)\n{\n}\n", []string{"f"}},
		{"return type and name split", "int\n\nf\n(\nvoid\n)\n\n{ }\n", []string{"f"}},
		{"nested braces", "int f(void)\n{\n\tif (1) {\n\t\t{ g(); }\n\t}\n\treturn h(1);\n}\nint k(int a) { while (a) { a--; } return a; }\n", []string{"f", "k"}},
		{"calls inside bodies", "void f(void) { int x = g(1); if (x) { h(); } }\n", []string{"f"}},
		{"line comment", "// int f(void) {\nint g(void) { }\n", []string{"g"}},
		{"block comment", "/* int f(void)\n{ */ int g(void) /* { */ { }\n/* unbalanced { */\nint h(void) { }\n", []string{"g", "h"}},
		{"line comment continued", "// a \\\nint f(void) { }\nint g(void) { }\n", []string{"g"}},
		{"string", "static const char *s = \"int f(void) { \\\" }\";\nint g(void) { return s[0] == '}'; }\nint h(void) { return '{' + '\\''; }\n", []string{"g", "h"}},
		{"macro invocations", "module_init(f_init);\nMODULE_LICENSE(\"GPL\");\nstatic DEFINE_SPINLOCK(lock);\nint f(void) { }\n", []string{"f"}},
		{"directives", "#define F(x) int x(void) { }\n#define G(x) \\\n\tint x(void) { }\n#if defined(X) /* {\n */\n#endif\nint h(void) { }\n", []string{"h"}},
		{"initialisers", "static const struct s t[] = {\n\t{ .f = f, .n = sizeof(int) },\n};\nint g(void) { }\n", []string{"g"}},
		{"annotations", "static int __init f(void) { }\nvoid g(void) __acquires(x) __releases(y)\n{ }\nint __attribute__((unused)) h(void) { }\n", []string{"f", "g", "h"}},
		{"function pointers", "int (*fp)(int);\nvoid (*tbl[2])(void) = { a, b };\nint g(void) { }\n", []string{"g"}},
		{"numbers", "static u64 x = 0x1fULL + 1e+5;\nint g(void) { }\n", []string{"g"}},
		{"unbalanced parenthesis", "int f(;\nint g(void) { }\n", []string{"g"}},
		{"empty", "", nil},
	} {
		if got := definedFuncs([]byte(c.src)); !slices.Equal(got, c.want) {
			t.Errorf("%s: definedFuncs(%q) = %q, want %q", c.name, c.src, got, c.want)
		}
	}
}
