package vm

import (
	"bytes"
	"strconv"
	"testing"
)

// readNewc parses a newc archive back into name -> (mode, data).
func readNewc(t *testing.T, b []byte) map[string]*entry {
	t.Helper()
	out := make(map[string]*entry)
	for off := 0; ; {
		if string(b[off:off+6]) != "070701" {
			t.Fatalf("bad magic at %d", off)
		}
		field := func(i int) int {
			v, err := strconv.ParseUint(string(b[off+6+8*i:off+14+8*i]), 16, 32)
			if err != nil {
				t.Fatal(err)
			}
			return int(v)
		}
		mode, size, namesize := field(1), field(6), field(11)
		major, minor := field(9), field(10)
		nameStart := off + 110
		name := string(b[nameStart : nameStart+namesize-1])
		dataStart := (nameStart + namesize + 3) &^ 3
		data := b[dataStart : dataStart+size]
		off = (dataStart + size + 3) &^ 3
		if name == "TRAILER!!!" {
			if off != len(b) {
				t.Fatalf("%d bytes after the trailer", len(b)-off)
			}
			return out
		}
		out[name] = &entry{name: name, mode: uint32(mode), data: data, major: uint32(major), minor: uint32(minor)}
	}
}

func TestArchive(t *testing.T) {
	a := newArchive()
	a.file("/e2e/bin/x.test", 0o755, []byte("hello"))
	a.charDev("dev/console", 5, 1)
	a.dir("tmp")
	var buf bytes.Buffer
	if err := a.writeTo(&buf); err != nil {
		t.Fatal(err)
	}
	got := readNewc(t, buf.Bytes())
	for name, mode := range map[string]uint32{
		"e2e":            modeDir | 0o755,
		"e2e/bin":        modeDir | 0o755,
		"e2e/bin/x.test": modeRegular | 0o755,
		"dev/console":    modeCharDev | 0o600,
		"tmp":            modeDir | 0o755,
	} {
		e, ok := got[name]
		if !ok {
			t.Errorf("missing %s", name)
			continue
		}
		if e.mode != mode {
			t.Errorf("%s: mode %o, want %o", name, e.mode, mode)
		}
	}
	if string(got["e2e/bin/x.test"].data) != "hello" {
		t.Errorf("data = %q", got["e2e/bin/x.test"].data)
	}
	if c := got["dev/console"]; c.major != 5 || c.minor != 1 {
		t.Errorf("console is %d:%d", c.major, c.minor)
	}
	var again bytes.Buffer
	if err := a.writeTo(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("archive output is not deterministic")
	}
}
