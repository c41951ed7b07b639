package main

import (
	"reflect"
	"testing"
)

func TestAttribute(t *testing.T) {
	const kmod = "/b/kmod"
	log := `In file included from /b/kmod/yk-netdev/netdev_yk.c:9:
/b/kmod/yk-netdev/netdev-nl.h:14:10: fatal error: net/netdev_netlink.h: No such file or directory
compilation terminated.
make[4]: *** [/k/scripts/Makefile.build:229: /b/kmod/yk-netdev/netdev_yk.o] Error 1
In file included from /b/kmod/yk-ethtool/ethtool_yk.c:9:
/k/include/linux/ethtool.h:3:1: error: something in a kernel header
/b/kmod/fou-nl.c:1:1: error: a 6.12 module's error
ERROR: modpost: "psp_device_unlock" [/b/kmod/yk-psp/psp_yk.ko] undefined!
make[2]: Target '/b/kmod/' not remade because of errors.
`
	got := attribute([]byte(log), kmod, "/k", []string{"yk-netdev", "yk-ethtool", "yk-psp", "g7-fou"})
	want := map[string]string{
		"yk-netdev":  "netdev-nl.h:14:10: fatal error: net/netdev_netlink.h: No such file or directory",
		"yk-ethtool": "include/linux/ethtool.h:3:1: error: something in a kernel header",
		"yk-psp":     `ERROR: modpost: "psp_device_unlock" [psp_yk.ko] undefined!`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("attribute =\n%q\nwant\n%q", got, want)
	}
}

func TestDefinitionHeaders(t *testing.T) {
	spec := []byte(`
name: x
definitions:
  - name: a
    type: enum
    header: linux/ethtool.h
  - name: b
    type: enum
  - name: c
    type: flags
    header: linux/ethtool.h
  - name: d
    type: struct
    header: linux/if.h
`)
	if got, want := definitionHeaders(spec), []string{"linux/ethtool.h", "linux/if.h"}; !reflect.DeepEqual(got, want) {
		t.Errorf("definitionHeaders = %v, want %v", got, want)
	}
}
