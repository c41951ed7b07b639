// SPDX-License-Identifier: GPL-2.0
/*
 * Handlers of the ctr generic netlink family, written by hand over the
 * stubs genlgen wrote from ctr.yaml.
 */

#include <linux/module.h>
#include <linux/spinlock.h>
#include <net/genetlink.h>

#include "ctr-nl.h"

static DEFINE_SPINLOCK(ctr_lock);
static u64 ctr_values[CTR_MAX_ID + 1];

/* Replies with the value of the counter the request names. */
int ctr_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	u32 id;
	u64 val;

	if (GENL_REQ_ATTR_CHECK(info, CTR_A_ID))
		return -EINVAL;
	id = nla_get_u32(info->attrs[CTR_A_ID]);
	spin_lock_bh(&ctr_lock);
	val = ctr_values[id];
	spin_unlock_bh(&ctr_lock);

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_iput(msg, info);
	if (!hdr)
		goto err_free;
	if (nla_put_u32(msg, CTR_A_ID, id) ||
	    nla_put_u64_64bit(msg, CTR_A_VALUE, val, CTR_A_PAD))
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* Adds the request's value to the counter it names. */
int ctr_nl_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	u32 id;

	if (GENL_REQ_ATTR_CHECK(info, CTR_A_ID) ||
	    GENL_REQ_ATTR_CHECK(info, CTR_A_VALUE))
		return -EINVAL;
	id = nla_get_u32(info->attrs[CTR_A_ID]);
	spin_lock_bh(&ctr_lock);
	ctr_values[id] += nla_get_u64(info->attrs[CTR_A_VALUE]);
	spin_unlock_bh(&ctr_lock);
	return 0;
}

static int __init ctr_init(void)
{
	return genl_register_family(&ctr_nl_family);
}

static void __exit ctr_exit(void)
{
	genl_unregister_family(&ctr_nl_family);
}

module_init(ctr_init);
module_exit(ctr_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Counters kept by the kernel");
