package vm

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Mode bits used in cpio headers (the classic Unix st_mode values).
const (
	modeDir     = 0o040000
	modeRegular = 0o100000
	modeSymlink = 0o120000
	modeCharDev = 0o020000
)

// entry is one member of an initramfs archive.
type entry struct {
	name         string // path inside the archive, without a leading slash
	mode         uint32 // file type and permission bits
	data         []byte // contents, or the target of a symlink
	major, minor uint32 // device numbers of a device node
}

// archive is an in-memory initramfs tree, written out in the cpio "newc"
// format the kernel unpacks.
type archive struct {
	entries map[string]*entry
}

func newArchive() *archive {
	return &archive{entries: make(map[string]*entry)}
}

// dir adds a directory and its parents.
func (a *archive) dir(name string) {
	name = strings.Trim(name, "/")
	for name != "" && name != "." {
		if _, ok := a.entries[name]; ok {
			return
		}
		a.entries[name] = &entry{name: name, mode: modeDir | 0o755}
		i := strings.LastIndexByte(name, '/')
		if i < 0 {
			return
		}
		name = name[:i]
	}
}

// parent adds the directories above name.
func (a *archive) parent(name string) {
	if i := strings.LastIndexByte(name, '/'); i > 0 {
		a.dir(name[:i])
	}
}

// file adds a regular file with the given permission bits.
func (a *archive) file(name string, perm uint32, data []byte) {
	name = strings.Trim(name, "/")
	a.parent(name)
	a.entries[name] = &entry{name: name, mode: modeRegular | perm&0o7777, data: data}
}

// charDev adds a character device node.
func (a *archive) charDev(name string, major, minor uint32) {
	name = strings.Trim(name, "/")
	a.parent(name)
	a.entries[name] = &entry{name: name, mode: modeCharDev | 0o600, major: major, minor: minor}
}

// has reports whether the archive already holds name.
func (a *archive) has(name string) bool {
	_, ok := a.entries[strings.Trim(name, "/")]
	return ok
}

// writeTo writes the archive in newc format. Entries come sorted by path, so
// a directory always precedes its contents and equal trees give equal bytes.
func (a *archive) writeTo(w io.Writer) error {
	names := make([]string, 0, len(a.entries))
	for n := range a.entries {
		names = append(names, n)
	}
	sort.Strings(names)
	cw := &countingWriter{w: w}
	for i, n := range names {
		if err := writeEntry(cw, uint32(i+1), a.entries[n]); err != nil {
			return err
		}
	}
	return writeEntry(cw, 0, &entry{name: "TRAILER!!!"})
}

func writeEntry(w *countingWriter, ino uint32, e *entry) error {
	nlink := uint32(1)
	if e.mode&0o170000 == modeDir {
		nlink = 2
	}
	// Thirteen 8-digit hex fields follow the magic: ino, mode, uid, gid,
	// nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor,
	// namesize (with its NUL) and a checksum that newc leaves at zero.
	hdr := fmt.Sprintf("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		ino, e.mode, 0, 0, nlink, 0, len(e.data), 0, 0, e.major, e.minor,
		len(e.name)+1, 0)
	if _, err := io.WriteString(w, hdr); err != nil {
		return err
	}
	if _, err := io.WriteString(w, e.name+"\x00"); err != nil {
		return err
	}
	if err := w.pad4(); err != nil {
		return err
	}
	if _, err := w.Write(e.data); err != nil {
		return err
	}
	return w.pad4()
}

// countingWriter tracks the offset so members can be aligned to 4 bytes.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (c *countingWriter) pad4() error {
	if r := c.n % 4; r != 0 {
		_, err := c.Write(make([]byte, 4-r))
		return err
	}
	return nil
}
