package runtime_test

import (
	"context"
	"fmt"

	"github.com/genlgen/genlgen/runtime"
)

// What generated code for netdev's dev-get looks like, by hand.
var (
	attrsDev = runtime.AttrSet{Name: "dev", Attrs: []runtime.AttrSpec{
		1: {Name: "ifindex"},
	}}
	opDevGet = runtime.Op{Name: "dev-get", Cmd: 1, Attrs: &attrsDev}
)

func Example() {
	ctx := context.Background()
	c, err := runtime.Dial(ctx, "netdev", runtime.WithVersion(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	var ifindex uint32
	err = c.Do(ctx, &opDevGet,
		func(e *runtime.Encoder) { e.PutU32(1, 1) },
		func(m runtime.Message) error {
			it := runtime.Attrs(m.Payload)
			for it.Next() {
				if it.Type() == 1 {
					var err error
					if ifindex, err = runtime.ReadU32("ifindex", it.Data()); err != nil {
						return err
					}
				}
			}
			return it.Err()
		})
	fmt.Println(ifindex, err)
}
