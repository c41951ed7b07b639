package parity

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/genlgen/genlgen/internal/corpus"
)

func TestK73NameFitsGenlNamsiz(t *testing.T) {
	seen := map[string]string{}
	for _, p := range corpus.K73.Specs(t) {
		name := strings.TrimSuffix(filepath.Base(p), ".yaml")
		for _, suffix := range []string{SuffixYNL, SuffixGenlgen} {
			n := K73Name(name, suffix)
			if len(n) > 15 {
				t.Errorf("%s: %q is longer than 15 bytes", name, n)
			}
			if strings.ContainsRune(n, '-') {
				t.Errorf("%s: %q has a '-' (module names)", name, n)
			}
			if other, ok := seen[n]; ok {
				t.Errorf("%s and %s share the name %q", name, other, n)
			}
			seen[n] = name
		}
	}
	if got := K73Name("dev-energymodel", SuffixYNL); got != "dev_energymo_yk" {
		t.Errorf("K73Name(dev-energymodel) = %q", got)
	}
}

const fakeSpec = `
name: demo
protocol: genetlink-legacy
operations:
  fixed-header: demo-header
`

const fakeHeader = `#include <uapi/linux/demo.h>

int demo_nl_get_doit(struct sk_buff *skb, struct genl_info *info);
int demo_nl_get_dumpit(struct sk_buff *skb,
		       struct netlink_callback *cb);
int demo_nl_pre_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
		     struct genl_info *info);
void
demo_nl_post_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
		  struct genl_info *info);

/* Ops table for demo */
extern const struct genl_split_ops demo_nl_ops[2];
`

const fakeSource = `#include "demo-nl.h"

#include <uapi/linux/demo.h>

static const struct nla_policy demo_get_nl_policy[DEMO_A_X + 1] = {
	[DEMO_A_X] = NLA_POLICY_VALIDATE_FN(NLA_U8, &demo_a_x_validate),
};

const struct genl_split_ops demo_nl_ops[2] = {
	{
		.cmd		= DEMO_CMD_GET,
		.pre_doit	= demo_nl_pre_doit,
		.doit		= demo_nl_get_doit,
		.post_doit	= demo_nl_post_doit,
	},
	{
		.cmd		= DEMO_CMD_GET,
		.dumpit		= demo_nl_get_dumpit,
	},
};

static const struct genl_multicast_group demo_nl_mcgrps[] = {
	[DEMO_NLGRP_MON] = { "mon", },
};
`

// fakeNested: set's policy has the function-validated attribute, deep's
// reaches it through a nest, get's does not.
const fakeNested = `static const struct nla_policy demo_inner_nl_policy[DEMO_A_X + 1] = {
	[DEMO_A_X] =
		NLA_POLICY_VALIDATE_FN(NLA_U8, &demo_a_x_validate),
};

static const struct nla_policy
demo_deep_nl_policy[DEMO_A_NEST + 1] = {
	[DEMO_A_NEST] = NLA_POLICY_NESTED(demo_inner_nl_policy),
};

static const struct nla_policy demo_get_nl_policy[DEMO_A_Y + 1] = {
	[DEMO_A_Y] = { .type = NLA_U32, },
};

static const struct genl_split_ops demo_nl_ops[] = {
	{
		.cmd		= DEMO_CMD_GET,
		.doit		= demo_nl_get_doit,
		.policy		= demo_get_nl_policy,
	},
	{
		.cmd		= DEMO_CMD_SET,
		.doit		= demo_nl_set_doit,
		.policy		= demo_inner_nl_policy,
	},
	{
		.cmd		= DEMO_CMD_SET_DEEP,
		.doit		= demo_nl_set_deep_doit,
		.policy		= demo_deep_nl_policy,
	},
};
`

const fakeUAPI = `#define DEMO_FAMILY_NAME	"demo"
#define DEMO_FAMILY_VERSION	1
`

func TestBuildYNLModule(t *testing.T) {
	in := YNLInput{Spec: []byte(fakeSpec), Source: []byte(fakeSource), Header: []byte(fakeHeader), UAPI: []byte(fakeUAPI), Base: "demo-nl", Name: "demo_yk"}
	m, err := BuildYNLModule(in)
	if err != nil {
		t.Fatal(err)
	}
	if m.UAPIPath != "uapi/linux/demo.h" {
		t.Errorf("UAPIPath = %q", m.UAPIPath)
	}
	if !strings.Contains(string(m.UAPI), "#define DEMO_FAMILY_NAME\t\"demo_yk\"") {
		t.Errorf("family name not renamed:\n%s", m.UAPI)
	}
	want := []string{"demo_nl_get_doit", "demo_nl_get_dumpit", "demo_nl_post_doit", "demo_nl_pre_doit"}
	if !slices.Equal(m.Stubs, want) {
		t.Errorf("Stubs = %v, want %v", m.Stubs, want)
	}
	main := string(m.Main)
	for _, s := range []string{
		`#include "demo-nl.c"`,
		"void demo_nl_post_doit(const struct genl_split_ops *ops, struct sk_buff *skb,\n\t\t  struct genl_info *info)\n{\n}",
		"int demo_nl_get_doit(struct sk_buff *skb, struct genl_info *info)\n{\n\treturn -EOPNOTSUPP;\n}",
		".name\t\t= DEMO_FAMILY_NAME,",
		".version\t= DEMO_FAMILY_VERSION,",
		".hdrsize\t= sizeof(struct demo_header),",
		".split_ops\t= parity_yk_ops,",
		".mcgrps\t\t= demo_nl_mcgrps,",
		"parity_yk_sort_ops();",
		"parity_yk_resv_start_op();",
		"genl_register_family(&parity_yk_family)",
		`pr_err("` + YNLRegisterMarker + `demo_yk %d\n", err);`,
	} {
		if !strings.Contains(main, s) {
			t.Errorf("module lacks %q:\n%s", s, main)
		}
	}
	if got := FunctionValidatedInts([]byte(fakeSource)); !slices.Equal(got, []string{"DEMO_A_X"}) {
		t.Errorf("FunctionValidatedInts = %v", got)
	}

	if got := OpsReaching([]byte(fakeNested), []string{"DEMO_A_X"}); !slices.Equal(got, []string{"DEMO_CMD_SET", "DEMO_CMD_SET_DEEP"}) {
		t.Errorf("OpsReaching = %v", got)
	}

	// An ops table naming a function -nl.h does not declare is refused.
	in.Header = []byte(strings.Replace(fakeHeader, "int demo_nl_get_doit(struct sk_buff *skb, struct genl_info *info);\n", "", 1))
	if _, err := BuildYNLModule(in); err == nil || !strings.Contains(err.Error(), "demo_nl_get_doit") {
		t.Errorf("missing declaration: err = %v", err)
	}
}

// TestBuildYNLModuleGenerated runs the kernel's generator on two 7.3 specs
// (a genetlink one, whose family struct it writes, and a legacy one with a
// global policy) and checks the module around its output.
func TestBuildYNLModuleGenerated(t *testing.T) {
	dir := corpus.K73.Require(t)
	gen := filepath.Join(dir, "..", "pyynl", "ynl_gen_c.py")
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	for _, tc := range []struct {
		spec string
		want []string
	}{
		{"handshake", []string{"genl_register_family(&handshake_nl_family)", "int handshake_nl_accept_doit("}},
		{"fou", []string{".small_ops\t= fou_nl_ops,", ".policy\t\t= fou_nl_policy,", ".maxattr\t= ARRAY_SIZE(fou_nl_policy) - 1,"}},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			out := t.TempDir()
			spec, err := filepath.Abs(filepath.Join(dir, tc.spec+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			run := func(mode, what, file string) []byte {
				p := filepath.Join(out, file)
				if b, err := exec.Command("python3", gen, "--mode", mode, what, "--spec", spec, "-o", p).CombinedOutput(); err != nil {
					t.Fatalf("ynl_gen_c.py --mode %s %s: %v\n%s", mode, what, err, b)
				}
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			text, err := os.ReadFile(spec)
			if err != nil {
				t.Fatal(err)
			}
			in := YNLInput{
				Spec:   text,
				Source: run("kernel", "--source", tc.spec+"-nl.c"),
				Header: run("kernel", "--header", tc.spec+"-nl.h"),
				UAPI:   run("uapi", "--header", "uapi.h"),
				Base:   tc.spec + "-nl",
				Name:   K73Name(tc.spec, SuffixYNL),
			}
			m, err := BuildYNLModule(in)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(m.UAPI), `"`+in.Name+`"`) {
				t.Errorf("uAPI header does not name %s", in.Name)
			}
			for _, s := range tc.want {
				if !strings.Contains(string(m.Main), s) {
					t.Errorf("module lacks %q:\n%s", s, m.Main)
				}
			}
		})
	}
}
