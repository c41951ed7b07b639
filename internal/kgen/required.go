package kgen

import (
	"bytes"
	"fmt"
	"regexp"

	"github.com/genlgen/genlgen/internal/gen"
)

// required lists the functions the user-owned handler file must define,
// in the order a fresh file defines them, each with its stub rendered by
// the "stub" template main.c.tmpl uses, so that an appended stub and a
// fresh file's are the same bytes.
func required(v *view) ([]gen.Func, error) {
	type fn struct {
		h   *handler
		use string
	}
	var fns []fn
	for _, h := range v.Hooks {
		fns = append(fns, fn{h, "the ops table references"})
	}
	for _, h := range v.Handlers {
		fns = append(fns, fn{h, "the ops table references"})
	}
	if sp := v.SockPriv; sp != nil {
		fns = append(fns, fn{sp.Init, "the family's sock_priv_init calls"}, fn{sp.Destroy, "the family's sock_priv_destroy calls"})
	}
	var out []gen.Func
	for _, f := range fns {
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, "stub", f.h); err != nil {
			return nil, fmt.Errorf("genlgen: kmod: render the stub of %s: %w", f.h.Name, err)
		}
		out = append(out, gen.Func{Name: f.h.Name, Stub: buf.Bytes(), Use: f.use})
	}
	return out, nil
}

// staleRE matches the names genlgen gives the family's handlers
// (<cname>_nl_<op>_doit, _dumpit), the hooks named in its own style
// (<cname>_nl_..._pre_doit, _start, _done, ...) and the sock-priv
// functions: a function of the handler file so named that no op uses any
// more is reported as stale.
func staleRE(v *view) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(v.F.CName) + `_nl_(\w+_(doit|dumpit|start|done)|sock_priv_(init|destroy))$`)
}
