package kgen

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/internal/gen"
	"github.com/genlgen/genlgen/spec"
)

func TestGenerateIsDeterministic(t *testing.T) {
	for _, c := range allCases(t) {
		name := c.name
		f := loadSpec(t, name)
		a, err := Generate(f, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, _ := Generate(loadSpec(t, name), Options{})
		for i := range a {
			if !bytes.Equal(a[i].Data, b[i].Data) {
				t.Errorf("%s: %s differs between two runs", name, a[i].Path)
			}
		}
	}
}

func TestFilesAndOwnership(t *testing.T) {
	files, err := Generate(loadSpec(t, "doc_exmpl"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"doc_exmpl.h": false, "doc_exmpl-nl.h": false, "doc_exmpl-nl.c": false,
		"doc_exmpl_main.c": true, "Kbuild": false, "Makefile": false,
	}
	for _, f := range files {
		user, ok := want[f.Path]
		if !ok {
			t.Errorf("unexpected file %s", f.Path)
			continue
		}
		if f.UserOwned != user {
			t.Errorf("%s: UserOwned = %v, want %v", f.Path, f.UserOwned, user)
		}
		delete(want, f.Path)
		first, _, _ := strings.Cut(string(f.Data), "\n")
		if !strings.Contains(first, "SPDX-License-Identifier") {
			t.Errorf("%s: first line %q is not an SPDX tag", f.Path, first)
		}
		if !user && !strings.Contains(string(f.Data), "DO NOT EDIT") {
			t.Errorf("%s: generated file lacks DO NOT EDIT", f.Path)
		}
	}
	for p := range want {
		t.Errorf("missing file %s", p)
	}
}

// TestRegenerateKeepsHandlers runs the generator twice over a directory
// whose handler file the user edited: the edit survives, generated files
// are restored.
func TestRegenerateKeepsHandlers(t *testing.T) {
	dir := t.TempDir()
	generateInto(t, "doc_exmpl", dir, Options{})
	main := filepath.Join(dir, "doc_exmpl_main.c")
	nlc := filepath.Join(dir, "doc_exmpl-nl.c")
	fresh, _ := os.ReadFile(main)
	edited := append(fresh, "\n/* the user's own code */\n"...)
	if err := os.WriteFile(main, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	orig, _ := os.ReadFile(nlc)
	if err := os.WriteFile(nlc, []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := generateInto(t, "doc_exmpl", dir, Options{})
	if got, _ := os.ReadFile(main); !bytes.Equal(got, edited) {
		t.Errorf("regeneration changed the user-owned %s:\n%s", main, got)
	}
	if got, _ := os.ReadFile(nlc); !bytes.Equal(got, orig) {
		t.Errorf("regeneration did not restore %s", nlc)
	}
	if problems, err := gen.Check(dir, files); err != nil || len(problems) != 0 {
		t.Errorf("check after regeneration: %v %v", problems, err)
	}
}

func TestOptions(t *testing.T) {
	files, err := Generate(loadSpec(t, "doc_exmpl"), Options{FamilyName: "doc_exmpl_t", NoNetns: true})
	if err != nil {
		t.Fatal(err)
	}
	var nlc, uapi string
	for _, f := range files {
		switch f.Path {
		case "doc_exmpl-nl.c":
			nlc = string(f.Data)
		case "doc_exmpl.h":
			uapi = string(f.Data)
		}
	}
	for _, want := range []string{`"doc_exmpl_t",`, "= false,", `MODULE_ALIAS_GENL_FAMILY("doc_exmpl_t");`} {
		if !strings.Contains(nlc, want) {
			t.Errorf("doc_exmpl-nl.c lacks %q", want)
		}
	}
	if !strings.Contains(uapi, `#define DOC_EXMPL_FAMILY_NAME	"DOC_EXMPL"`) {
		t.Errorf("the uAPI header must keep the spec's family name")
	}
	if _, err := Generate(loadSpec(t, "doc_exmpl"), Options{FamilyName: "a-name-longer-than-15"}); err == nil {
		t.Errorf("a family name over 15 bytes must be refused")
	}
	for _, bad := range []string{"a/b", "a b", "doc_exmpl_main"} {
		if _, err := Generate(loadSpec(t, "doc_exmpl"), Options{FamilyName: bad}); err == nil {
			t.Errorf("family name %q names no valid module and must be refused", bad)
		}
	}
}

// TestModuleName: the module is named after -family-name, so that it
// cannot clash with the kernel's module of the spec's name; the files and
// C identifiers keep the spec's name.
func TestModuleName(t *testing.T) {
	for _, c := range []struct {
		opts Options
		ko   string
	}{
		{Options{}, "fou"},
		{Options{FamilyName: "fou_gg"}, "fou_gg"},
	} {
		files, err := Generate(loadSpec(t, "fou"), c.opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			switch f.Path {
			case "Kbuild":
				want := "obj-m += " + c.ko + ".o\n" + c.ko + "-y := fou-nl.o fou_main.o\n"
				if !strings.HasSuffix(string(f.Data), want) {
					t.Errorf("%+v: Kbuild:\n%s\nwant it to end with\n%s", c.opts, f.Data, want)
				}
			case "fou_main.c":
				if !strings.Contains(string(f.Data), "module_init(fou_init);") {
					t.Errorf("%+v: fou_main.c must keep the spec's C names", c.opts)
				}
			}
		}
	}
}

// TestOpsLayout checks the ops table and family fields of each
// kernel-policy: small ops and one family-wide policy for global, full ops
// with a policy each for per-op, split ops with a policy each otherwise.
func TestOpsLayout(t *testing.T) {
	cases := map[string]struct{ want, not []string }{
		"fou": {
			want: []string{
				"static const struct genl_small_ops fou_nl_ops[] = {",
				"static const struct nla_policy fou_nl_policy[FOU_ATTR_IFINDEX + 1] = {",
				"\t.policy\t\t= fou_nl_policy,\n\t.maxattr\t= FOU_ATTR_IFINDEX,\n",
				"\t.small_ops\t= fou_nl_ops,\n\t.n_small_ops\t= ARRAY_SIZE(fou_nl_ops),\n",
				// The full dont-validate list; the kernel adds the caps.
				"\t\t.validate\t= GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP,\n\t\t.doit\t\t= fou_nl_get_doit,\n\t\t.dumpit\t\t= fou_nl_get_dumpit,\n\t},",
				".resv_start_op\t= FOU_CMD_GET + 1,",
			},
			not: []string{"genl_split_ops", "GENL_CMD_CAP_", "\t\t.policy"},
		},
		"team": {
			want: []string{
				"static const struct genl_small_ops team_nl_ops[] = {",
				"\t.maxattr\t= TEAM_ATTR_LIST_OPTION,\n",
				".resv_start_op\t= TEAM_CMD_PORT_LIST_GET + 1,",
			},
			not: []string{"genl_split_ops", "GENL_CMD_CAP_"},
		},
		"mptcp_pm": {
			want: []string{
				"static const struct genl_ops mptcp_pm_nl_ops[] = {",
				"\t\t.doit\t\t= mptcp_pm_nl_get_addr_doit,\n\t\t.dumpit\t\t= mptcp_pm_nl_get_addr_dumpit,\n\t\t.policy\t\t= mptcp_pm_get_addr_nl_policy,\n",
				"\t.ops\t\t= mptcp_pm_nl_ops,\n\t.n_ops\t\t= ARRAY_SIZE(mptcp_pm_nl_ops),\n",
			},
			not: []string{"genl_split_ops", "GENL_CMD_CAP_", "\t.policy\t\t= mptcp_pm_nl_policy"},
		},
		"netdev": {
			want: []string{"static const struct genl_split_ops netdev_nl_ops[] = {", "\t.split_ops\t\t= netdev_nl_ops,", "GENL_CMD_CAP_DUMP"},
			not:  []string{"genl_small_ops", "\n\t.maxattr"},
		},
	}
	for name, c := range cases {
		nlc := nlC(t, name, Options{})
		for _, w := range c.want {
			if !strings.Contains(nlc, w) {
				t.Errorf("%s-nl.c lacks %q", name, w)
			}
		}
		for _, w := range c.not {
			if strings.Contains(nlc, w) {
				t.Errorf("%s-nl.c has %q", name, w)
			}
		}
	}
}

// TestOpsLayoutHooks: struct genl_ops has no pre_doit or post_doit and
// struct genl_small_ops no hook at all, so such specs are refused.
func TestOpsLayoutHooks(t *testing.T) {
	for _, kp := range []spec.KernelPolicy{spec.PolicyPerOp, spec.PolicyGlobal} {
		f := loadSpec(t, "kgcover")
		f.KernelPolicy = kp
		_, err := Generate(f, Options{})
		if err == nil || !strings.Contains(err.Error(), "kernel-policy split") && !strings.Contains(err.Error(), "attribute set") {
			t.Errorf("kernel-policy %s with hooks: err = %v, want a refusal", kp, err)
		}
	}
}

func nlC(t *testing.T, name string, opts Options) string {
	t.Helper()
	files, err := Generate(loadSpec(t, name), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f.Path, "-nl.c") {
			return string(f.Data)
		}
	}
	t.Fatalf("%s: no -nl.c", name)
	return ""
}

// TestPolicyMapping spot-checks the C policy of each kind of check.
func TestPolicyMapping(t *testing.T) {
	cases := map[string][]string{
		"doc_exmpl":   {"[DOC_EXMPL_A_MSG] = { .type = NLA_NUL_STRING, .len = DOC_EXMPL_MSG_MAX_LEN, },", "GENL_ADMIN_PERM | GENL_CMD_CAP_DO"},
		"netdev":      {"NLA_POLICY_FULL_RANGE(NLA_UINT, &netdev_a_page_pool_id_range)", "NLA_POLICY_MASK(NLA_UINT, 0x1)", "NLA_POLICY_NESTED(netdev_queue_id_nl_policy)", "#ifdef CONFIG_PAGE_POOL", ".sock_priv_size"},
		"team":        {"{ .type = NLA_STRING, .len = TEAM_STRING_MAX_LEN, }", "GENL_DONT_VALIDATE_STRICT"},
		"fou":         {"[FOU_ATTR_PORT] = { .type = NLA_BE16, },", "[FOU_ATTR_LOCAL_V6] = NLA_POLICY_MIN_LEN(16),", "fou_nl_policy"},
		"mptcp_pm":    {".policy\t\t= mptcp_pm_add_addr_nl_policy,", ".maxattr\t= MPTCP_PM_ENDPOINT_ADDR,"},
		"devlink":     {"NLA_POLICY_BITFIELD32(", ".pre_doit", ".post_doit", ".resv_start_op"},
		"nlctrl":      {"CTRL_CMD_GETPOLICY + 1,"},
		"handshake":   {"NLA_POLICY_MAX(NLA_U32, 4095)"},
		"ovs_flow":    {".hdrsize", "NLA_POLICY_NESTED("},
		"tcp_metrics": {"[TCP_METRICS_ATTR_ADDR_IPV6] = NLA_POLICY_MIN_LEN(16),", "[TCP_METRICS_ATTR_ADDR_IPV4] = { .type = NLA_BE32, },"},
		"kgcover": {
			"NLA_POLICY_VALIDATE_FN(NLA_U32, &kgcover_a_main_sparse_validate)",
			"NLA_POLICY_FULL_RANGE_SIGNED(NLA_S64, &kgcover_a_main_wide_range)",
			"NLA_POLICY_MIN(NLA_BE16, 1)",
			"NLA_POLICY_VALIDATE_FN(NLA_U64, &kgcover_a_main_big_validate)",
			"NLA_POLICY_RANGE(NLA_BINARY, 4, 64)",
			"NLA_POLICY_FULL_RANGE(NLA_BINARY, &kgcover_a_main_bigblob_range)",
			"NLA_POLICY_EXACT_LEN(6)",
			"NLA_POLICY_NESTED_ARRAY(kgcover_inner_nl_policy)",
			"NLA_POLICY_MASK(NLA_U32, 0x7)",
			"NLA_POLICY_BITFIELD32(0x7)",
			"NLA_POLICY_FULL_RANGE(NLA_U16, &kgcover_a_main_huge_range)",
			"NLA_POLICY_VALIDATE_FN(NLA_NUL_STRING, &kgcover_a_inner_label_validate)",
			".validate\t= GENL_DONT_VALIDATE_STRICT,",
			".validate\t= GENL_DONT_VALIDATE_DUMP,",
			".start\t\t= kgcover_start,",
			"#ifdef CONFIG_NET",
			"GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO",
			"[KGCOVER_A_MAIN_LABEL_WITH_A_LONG_LIMIT] = {\n\t\t.type = NLA_NUL_STRING,\n\t\t.len = KGCOVER_THE_LONGEST_LABEL_THAT_A_LONG_ATTRIBUTE_MAY_HOLD_IN_THIS_FAMILY,\n\t},",
		},
	}
	for name, wants := range cases {
		files, err := Generate(loadSpec(t, name), Options{})
		if err != nil {
			t.Fatal(err)
		}
		var nlc string
		for _, f := range files {
			if strings.HasSuffix(f.Path, "-nl.c") {
				nlc = string(f.Data)
			}
		}
		for _, w := range wants {
			if !strings.Contains(nlc, w) {
				t.Errorf("%s-nl.c lacks %q", name, w)
			}
		}
	}
}

// TestInitLineWrapsBraces: a policy entry too long for one line keeps its
// opening brace on the key's line (checkpatch's OPEN_BRACE otherwise) and
// puts one field a line; a macro value moves to the next line whole.
func TestInitLineWrapsBraces(t *testing.T) {
	key := "[" + strings.Repeat("LONG_", 12) + "ATTR]"
	got := initLine("\t", key, "{ .type = NLA_NUL_STRING, .len = "+strings.Repeat("X", 30)+"_MAX_LEN - 1, }")
	want := "\t" + key + " = {\n\t\t.type = NLA_NUL_STRING,\n\t\t.len = " + strings.Repeat("X", 30) + "_MAX_LEN - 1,\n\t},"
	if got != want {
		t.Errorf("braced value:\n%s\nwant\n%s", got, want)
	}
	got = initLine("\t", key, "NLA_POLICY_RANGE(NLA_U32, 1, "+strings.Repeat("9", 40)+")")
	if !strings.HasPrefix(got, "\t"+key+" =\n\t\tNLA_POLICY_RANGE(NLA_U32, 1, ") {
		t.Errorf("macro value not moved to the next line:\n%s", got)
	}
	if short := initLine("\t", "[A]", "{ .type = NLA_U8, }"); short != "\t[A] = { .type = NLA_U8, }," {
		t.Errorf("short entry = %q", short)
	}
}

// TestLengthLimitsNamed: a length check the spec writes as a number gets
// a name in the -nl.h for handlers to size buffers by; one given by a
// const keeps the const's name.
func TestLengthLimitsNamed(t *testing.T) {
	files, err := Generate(loadSpec(t, "kgcover"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var nlh string
	for _, f := range files {
		if strings.HasSuffix(f.Path, "-nl.h") {
			nlh = string(f.Data)
		}
	}
	for _, want := range []string{"#define KGCOVER_A_MAIN_EXACT_LEN\t6\n", "#define KGCOVER_A_MAIN_BLOB_MAX_LEN\t64\n", "#define KGCOVER_A_INNER_LABEL_MIN_LEN\t2\n"} {
		if !strings.Contains(nlh, want) {
			t.Errorf("-nl.h lacks %q", want)
		}
	}
	if strings.Contains(nlh, "KGCOVER_A_INNER_LABEL_MAX_LEN") {
		t.Error("a max-len given by a const got a name of its own")
	}
}
