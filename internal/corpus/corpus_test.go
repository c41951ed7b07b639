package corpus

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDirFindsSpecs(t *testing.T) {
	d := Require(t)
	if _, err := os.Stat(filepath.Join(d, "nlctrl.yaml")); err != nil {
		t.Errorf("%s has no nlctrl.yaml: %v", d, err)
	}
}

func TestEnvironmentOverrides(t *testing.T) {
	t.Setenv("GENLGEN_CORPUS", "/elsewhere")
	if d, err := Dir(); err != nil || d != "/elsewhere" {
		t.Errorf("Dir() = %q, %v; want /elsewhere", d, err)
	}
}
