package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// docExmpl is the example spec every -compat test edits.
func docExmpl(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../spec/doc_exmpl.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// writeSpec writes src to dir/name and returns its path.
func writeSpec(t *testing.T, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// replaceOnce replaces from, which must occur in s, once.
func replaceOnce(t *testing.T, s, from, to string) string {
	t.Helper()
	if !strings.Contains(s, from) {
		t.Fatalf("no %q to replace", from)
	}
	return strings.Replace(s, from, to, 1)
}

// insertFlush is the example: an operation inserted before the
// notification, which renumbers it.
func insertFlush(t *testing.T, src string) string {
	return replaceOnce(t, src, "    -\n      name: echo-ntf\n",
		"    -\n      name: flush\n      doc: Flush.\n      attribute-set: doc-exmpl\n      do:\n        request:\n          attributes: []\n    -\n      name: echo-ntf\n")
}

// versions writes doc_exmpl.yaml as oldName and, with insertFlush, as
// newName into a fresh directory: the two specs and the directory.
func versions(t *testing.T, oldName, newName string) (old, new, dir string) {
	t.Helper()
	dir = t.TempDir()
	src := docExmpl(t)
	return writeSpec(t, dir, oldName, src), writeSpec(t, dir, newName, insertFlush(t, src)), dir
}

func TestCompatExitCodes(t *testing.T) {
	dir := t.TempDir()
	src := docExmpl(t)
	old := writeSpec(t, dir, "old.yaml", src)
	same := writeSpec(t, dir, "same.yaml", src)
	breaking := writeSpec(t, dir, "breaking.yaml", insertFlush(t, src))
	added := writeSpec(t, dir, "added.yaml", src+"    -\n      name: extra\n")
	bad := writeSpec(t, dir, "bad.yaml", "name: x\nprotocol: genetlink\ndoc: d\nattribute-sets: []\noperations:\n  list:\n    - {name: a, doc: d, attribute-set: nope, do: {}}\n")

	code, out, errOut := runCLI("-compat", old, same)
	if code != 0 || out != "" || !strings.Contains(errOut, "0 breaking, 0 source-breaking, 0 compatible, 0 doc-only") {
		t.Errorf("same spec: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, _ = runCLI("-compat", old, breaking)
	wantLine := breaking + ":89:7: breaking (user space and kernel side): notification \"echo-ntf\": command 4 is now 5 (old " + old + ":82:7)"
	if code != 1 || strings.Split(out, "\n")[0] != wantLine {
		t.Errorf("renumbered notification: exit %d, stdout:\n%s\nwant first line:\n%s", code, out, wantLine)
	}
	code, out, _ = runCLI("-compat", old, added)
	if code != 0 || !strings.Contains(out, `compatible: multicast group "extra": added`) || strings.Count(out, "\n") != 1 {
		t.Errorf("group added: exit %d, stdout %q", code, out)
	}
	for _, args := range [][]string{
		{"-compat", old},
		{"-compat", old, same, breaking},
		{"-compat", "-go", dir, old, same},
		{"-compat", "-compat-strict", old, same},
		{"-json", old, same},
		{"-compat", old, filepath.Join(dir, "missing.yaml")},
	} {
		if code, _, errOut := runCLI(args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q, want 2 and a message", args, code, errOut)
		}
	}
	code, _, errOut = runCLI("-compat", bad, old)
	if code != 2 || !strings.Contains(errOut, bad+":7:40:") || !strings.Contains(errOut, "cannot compare: "+bad+" does not load") {
		t.Errorf("spec error: exit %d, stderr %q", code, errOut)
	}
}

func TestCompatJSON(t *testing.T) {
	old, new, _ := versions(t, "old.yaml", "new.yaml")
	code, out, _ := runCLI("-compat", "-json", old, new)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	var report struct {
		Old, New string
		Breaking bool
		Counts   map[string]int
		Findings []struct {
			Class, Breaks, Code, Message, Old, New string
		}
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("%v in:\n%s", err, out)
	}
	if report.Old != old || report.New != new || !report.Breaking || report.Counts["breaking"] != 1 || len(report.Findings) == 0 {
		t.Fatalf("report: %+v", report)
	}
	f := report.Findings[0]
	if f.Class != "breaking" || f.Breaks != "both" || f.Code != "op-value" || f.Old != old+":82:7" || f.New != new+":89:7" || !strings.Contains(f.Message, "command 4 is now 5") {
		t.Errorf("first finding: %+v", f)
	}
	// No findings is an empty list, not null.
	if _, out, _ := runCLI("-compat", "-json", old, old); !strings.Contains(out, `"findings": []`) {
		t.Errorf("no findings: %s", out)
	}
}

// git runs git in dir, failing the test on error.
func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=genlgen", "-c", "user.email=genlgen@example.org", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func TestCompatGitRevision(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	repo := t.TempDir()
	git(t, repo, "init", "-q")
	src := docExmpl(t)
	writeSpec(t, repo, "x.yaml", src)
	git(t, repo, "add", "x.yaml")
	git(t, repo, "commit", "-q", "-m", "v1")
	writeSpec(t, repo, "x.yaml", insertFlush(t, src))
	t.Chdir(repo)

	code, out, errOut := runCLI("-compat", "HEAD:x.yaml", "x.yaml")
	if code != 1 || !strings.HasPrefix(out, "x.yaml:89:7: breaking") || !strings.Contains(out, "(old HEAD:x.yaml:82:7)") {
		t.Errorf("HEAD:x.yaml: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	git(t, repo, "commit", "-q", "-am", "v2")
	if code, out, errOut := runCLI("-compat", "HEAD~1:x.yaml", "HEAD:x.yaml"); code != 1 || !strings.HasPrefix(out, "HEAD:x.yaml:89:7: breaking") {
		t.Errorf("HEAD~1 to HEAD: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = runCLI("-compat", "HEAD~5:x.yaml", "x.yaml")
	if code != 2 || !strings.Contains(errOut, "git show HEAD~5:x.yaml") {
		t.Errorf("unknown revision: exit %d, stderr %q", code, errOut)
	}
}

func TestRenumberGuard(t *testing.T) {
	v1, v2, dir := versions(t, "doc_exmpl.yaml", "v2.yaml")
	goDir, kmodDir := filepath.Join(dir, "go"), filepath.Join(dir, "kmod")
	if code, _, errOut := runCLI("-q", "-go", goDir, "-kmod", kmodDir, v1); code != 0 || errOut != "" {
		t.Fatalf("first generation: exit %d, stderr %q", code, errOut)
	}
	header := filepath.Join(kmodDir, "doc_exmpl.h")
	before, _ := os.ReadFile(header)

	code, _, errOut := runCLI("-q", "-compat-strict", "-go", goDir, "-kmod", kmodDir, v2)
	after, _ := os.ReadFile(header)
	if code != 1 || string(after) != string(before) {
		t.Errorf("-compat-strict: exit %d (want 1), header rewritten: %v", code, string(after) != string(before))
	}
	for _, want := range []string{
		header + `: DOC_EXMPL_C_ECHO_NTF: error: renumbered: 4 in the files there, 5 now`,
		filepath.Join(goDir, "client.go") + `: notification "echo-ntf": error: renumbered: 4 in the files there, 5 now`,
		"genlgen: " + kmodDir + ": not written (-compat-strict): 1 number moved",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("-compat-strict: stderr lacks %q:\n%s", want, errOut)
		}
	}

	// Without -compat-strict it warns, even with -q, and writes.
	code, _, errOut = runCLI("-q", "-go", goDir, "-kmod", kmodDir, v2)
	after, _ = os.ReadFile(header)
	if code != 0 || !strings.Contains(errOut, header+`: DOC_EXMPL_C_ECHO_NTF: warning: renumbered: 4 in the files there, 5 now`) || string(after) == string(before) {
		t.Errorf("warning: exit %d, stderr %q", code, errOut)
	}
	// Regenerating the same spec again moves nothing.
	if code, _, errOut := runCLI("-q", "-go", goDir, "-kmod", kmodDir, v2); code != 0 || strings.Contains(errOut, "renumbered") {
		t.Errorf("same spec again: exit %d, stderr %q", code, errOut)
	}
}
