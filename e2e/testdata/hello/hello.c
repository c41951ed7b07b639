// SPDX-License-Identifier: GPL-2.0
/*
 * Smallest possible out-of-tree module: proves that genlgen's e2e harness
 * builds, loads and unloads a module in the QEMU guest.
 */

#include <linux/init.h>
#include <linux/module.h>

static int __init hello_init(void)
{
	pr_info("genlgen e2e hello: loaded\n");
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("genlgen e2e hello: unloaded\n");
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_DESCRIPTION("genlgen e2e harness smoke module");
MODULE_LICENSE("GPL");
