// SPDX-License-Identifier: GPL-2.0
/*
 * Handlers of the alltypes generic netlink family, for the e2e alltypes
 * suite (e2e/alltypes): every operation answers with what its request
 * carried, through the typed helpers genlgen generates into alltypes-nl.c
 * (make e2e-alltypes generates them into build/ at build time).
 *
 * genlgen wrote this file once from alltypes.yaml; it is ours to edit.
 * Regenerating never changes what is here: it only appends the stubs of
 * the handlers new operations need.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "alltypes-nl.h"

/* Entries of a dump whose request does not say (no count attribute). */
#define ALLTYPES_DUMP_DEFAULT	3

/*
 * ALLTYPES_CMD_DO_ALL (do). Request: ALLTYPES_A_ALL_U8, ALLTYPES_A_ALL_U32,
 * ALLTYPES_A_ALL_STR, ALLTYPES_A_ALL_NEST. Reply: ALLTYPES_A_ALL_U8,
 * ALLTYPES_A_ALL_U32, ALLTYPES_A_ALL_STR, ALLTYPES_A_ALL_NEST. Echoes them
 * and announces them (all-ntf).
 */
int alltypes_nl_do_all_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct alltypes_do_all_req req;
	struct alltypes_do_all_rsp rsp = {};
	int err;

	err = alltypes_nl_do_all_parse(info, &req);
	if (err)
		return err;
	rsp._hdr = req._hdr;
	if (req._present.u8) {
		rsp.u8 = req.u8;
		rsp._present.u8 = 1;
	}
	if (req._present.u32) {
		rsp.u32 = req.u32;
		rsp._present.u32 = 1;
	}
	if (req._present.str) {
		rsp.str = req.str;
		rsp.str_len = req.str_len;
		rsp._present.str = 1;
	}
	if (req._present.nest) {
		rsp.nest = req.nest;
		rsp._present.nest = 1;
	}
	/* Notifications are best effort: a full listener does not fail it. */
	alltypes_nl_all_ntf_notify(genl_info_net(info), &rsp, GFP_KERNEL);
	return alltypes_nl_do_all_reply(info, &rsp);
}

/*
 * ALLTYPES_CMD_DO_ALL (dump). Request: none. Reply: ALLTYPES_A_ALL_U8.
 * Three entries, u8 0, 1 and 2.
 */
int alltypes_nl_do_all_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct alltypes_do_all_dump_rsp rsp = {};
	unsigned long i;
	int err = 0;

	for (i = cb->args[0]; i < ALLTYPES_DUMP_DEFAULT; i++) {
		rsp.u8 = i;
		rsp._present.u8 = 1;
		err = alltypes_nl_do_all_entry(skb, cb, &rsp);
		if (err)
			break;
	}
	if (err && i == cb->args[0])
		return err;
	cb->args[0] = i;
	return skb->len;
}

/*
 * ALLTYPES_CMD_GET_SOME (do). Request: ALLTYPES_A_ALL_U32. Reply:
 * ALLTYPES_A_ALL_U32, ALLTYPES_A_ALL_STR. Echoes u32, with str "some".
 */
int alltypes_nl_get_some_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct alltypes_get_some_req req;
	struct alltypes_get_some_rsp rsp = {};
	int err;

	err = alltypes_nl_get_some_parse(info, &req);
	if (err)
		return err;
	rsp._hdr = req._hdr;
	if (req._present.u32) {
		rsp.u32 = req.u32;
		rsp._present.u32 = 1;
	}
	rsp.str = "some";
	rsp.str_len = strlen(rsp.str);
	rsp._present.str = 1;
	return alltypes_nl_get_some_reply(info, &rsp);
}

/*
 * The echo's request and reply, and the arrays of the reply, which the
 * request only counts and locates: the generated readers copy them into
 * memory allocated here. Too big for the stack together, so allocated per
 * request.
 */
struct alltypes_echo {
	struct alltypes_echo_req req;
	struct alltypes_echo_rsp rsp;
	u32 *multi_u32;
	struct alltypes_nl_inner *multi_nest;
	struct alltypes_nl_inner *idx_nest;
	u32 *idx_u32;
	struct alltypes_nl_all_tv *tv;
	struct alltypes_nl_leaf *multi_leaf;
	struct alltypes_nl_leaf *idx_leaf;
	s64 *multi_s64;
	struct alltypes_nl_str *multi_str;
	struct alltypes_nl_bin *multi_bin;
	s16 *idx_s16;
	u64 *idx_u64;
};

static void alltypes_echo_free(struct alltypes_echo *e)
{
	kfree(e->multi_u32);
	kfree(e->multi_nest);
	kfree(e->idx_nest);
	kfree(e->idx_u32);
	kfree(e->tv);
	kfree(e->multi_leaf);
	kfree(e->idx_leaf);
	kfree(e->multi_s64);
	kfree(e->multi_str);
	kfree(e->multi_bin);
	kfree(e->idx_s16);
	kfree(e->idx_u64);
	kfree(e);
}

/* Copies a present scalar, pointer or struct field of the request. */
#define ALLTYPES_COPY(e, f)					\
	do {							\
		if ((e)->req._present.f) {			\
			(e)->rsp.f = (e)->req.f;		\
			(e)->rsp._present.f = 1;		\
		}						\
	} while (0)

/* Copies a present string or binary field of the request, with its length. */
#define ALLTYPES_COPY_LEN(e, f)					\
	do {							\
		if ((e)->req._present.f) {			\
			(e)->rsp.f = (e)->req.f;		\
			(e)->rsp.f##_len = (e)->req.f##_len;	\
			(e)->rsp._present.f = 1;		\
		}						\
	} while (0)

/*
 * Reads a present array of the request with its generated reader into a
 * new array of e, and hands that to the reply. Evaluates to 0 or a negative
 * error.
 */
#define ALLTYPES_ARRAY(e, f, read, extack)				\
	({								\
		int __ret = 0;						\
									\
		if ((e)->req._present.f) {				\
			(e)->f = kcalloc((e)->req.n_##f,		\
					 sizeof(*(e)->f), GFP_KERNEL);	\
			__ret = (e)->f ? read(&(e)->req.f##_elems,	\
					      (e)->f, (e)->req.n_##f,	\
					      extack) : -ENOMEM;	\
		}							\
		if (__ret >= 0 && (e)->req._present.f) {		\
			(e)->rsp.f = (e)->f;				\
			(e)->rsp.n_##f = __ret;				\
			(e)->rsp._present.f = 1;			\
		}							\
		__ret < 0 ? __ret : 0;					\
	})

/*
 * Fills e->rsp with every attribute of e->req. The reply's pointers point
 * into the request and into e's arrays.
 */
static int alltypes_echo_fill(struct alltypes_echo *e,
			      struct netlink_ext_ack *extack)
{
	int err;

	e->rsp._hdr = e->req._hdr;
	ALLTYPES_COPY(e, u8);
	ALLTYPES_COPY(e, u16);
	ALLTYPES_COPY(e, u32);
	ALLTYPES_COPY(e, u64);
	ALLTYPES_COPY(e, s8);
	ALLTYPES_COPY(e, s16);
	ALLTYPES_COPY(e, s32);
	ALLTYPES_COPY(e, s64);
	ALLTYPES_COPY(e, uint);
	ALLTYPES_COPY(e, sint);
	ALLTYPES_COPY(e, be16);
	ALLTYPES_COPY(e, be32);
	ALLTYPES_COPY(e, be64);
	if (e->req._present.flag)
		e->rsp._present.flag = 1;
	ALLTYPES_COPY_LEN(e, str);
	ALLTYPES_COPY_LEN(e, loose_str);
	ALLTYPES_COPY_LEN(e, bin);
	ALLTYPES_COPY_LEN(e, u32_array);
	ALLTYPES_COPY_LEN(e, s16_array);
	ALLTYPES_COPY(e, stats);
	ALLTYPES_COPY(e, nest);
	ALLTYPES_COPY(e, bf);
	ALLTYPES_COPY(e, color);
	ALLTYPES_COPY(e, perms);
	ALLTYPES_COPY(e, color_mask);
	ALLTYPES_COPY(e, u8_range);
	ALLTYPES_COPY(e, u16_max);
	ALLTYPES_COPY(e, u32_range);
	ALLTYPES_COPY(e, u64_max);
	ALLTYPES_COPY(e, s8_range);
	ALLTYPES_COPY(e, s16_range);
	ALLTYPES_COPY(e, s32_range);
	ALLTYPES_COPY(e, s64_range);
	ALLTYPES_COPY(e, uint_max);
	ALLTYPES_COPY(e, sint_range);
	ALLTYPES_COPY(e, be32_max);
	ALLTYPES_COPY(e, u32_mask);
	ALLTYPES_COPY_LEN(e, str_max);
	ALLTYPES_COPY_LEN(e, str_range);
	ALLTYPES_COPY_LEN(e, bin_min);
	ALLTYPES_COPY_LEN(e, bin_max);
	ALLTYPES_COPY_LEN(e, bin_exact);
	ALLTYPES_COPY_LEN(e, bin_range);
	ALLTYPES_COPY(e, leaf);
	ALLTYPES_COPY(e, count);

	err = ALLTYPES_ARRAY(e, multi_u32, alltypes_nl_read_u32, extack);
	if (!err)
		err = ALLTYPES_ARRAY(e, multi_nest, alltypes_nl_inner_read,
				     extack);
	if (!err)
		err = ALLTYPES_ARRAY(e, idx_nest, alltypes_nl_inner_read, extack);
	if (!err)
		err = ALLTYPES_ARRAY(e, idx_u32, alltypes_nl_read_u32, extack);
	if (!err)
		err = ALLTYPES_ARRAY(e, tv, alltypes_nl_all_tv_read, extack);
	if (!err)
		err = ALLTYPES_ARRAY(e, multi_leaf, alltypes_nl_leaf_read,
				     extack);
	if (!err)
		err = ALLTYPES_ARRAY(e, idx_leaf, alltypes_nl_leaf_read, extack);
	if (!err)
		err = ALLTYPES_ARRAY(e, multi_s64, alltypes_nl_read_s64, extack);
	if (!err)
		err = ALLTYPES_ARRAY(e, multi_str, alltypes_nl_read_str, extack);
	if (!err)
		err = ALLTYPES_ARRAY(e, multi_bin, alltypes_nl_read_bin, extack);
	if (!err)
		err = ALLTYPES_ARRAY(e, idx_s16, alltypes_nl_read_s16, extack);
	if (!err)
		err = ALLTYPES_ARRAY(e, idx_u64, alltypes_nl_read_u64, extack);
	return err;
}

/*
 * ALLTYPES_CMD_ECHO (do). Request and reply: every attribute of the "all"
 * set the op lists. Replies with them and announces them (echo-ntf).
 */
int alltypes_nl_echo_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct alltypes_echo *e;
	int err;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	err = alltypes_nl_echo_parse(info, &e->req);
	if (!err)
		err = alltypes_echo_fill(e, info->extack);
	if (!err) {
		/* Best effort, as notifications are. */
		alltypes_nl_echo_ntf_notify(genl_info_net(info), &e->rsp,
					    GFP_KERNEL);
		err = alltypes_nl_echo_reply(info, &e->rsp);
	}
	alltypes_echo_free(e);
	return err;
}

/*
 * ALLTYPES_CMD_ECHO (dump). Request and reply: as the do. Replies with
 * count entries (ALLTYPES_DUMP_DEFAULT without it), each the request's
 * attributes with count set to the entry's index; cb->args[0] is the next
 * entry, for the next call when the message is full.
 */
int alltypes_nl_echo_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct alltypes_echo *e;
	unsigned long i, n;
	int err;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	err = alltypes_nl_echo_dump_parse(cb, &e->req);
	if (!err)
		err = alltypes_echo_fill(e, cb->extack);
	if (err)
		goto out;
	n = e->req._present.count ? e->req.count : ALLTYPES_DUMP_DEFAULT;
	e->rsp._present.count = 1;
	for (i = cb->args[0]; i < n; i++) {
		e->rsp.count = i;
		err = alltypes_nl_echo_entry(skb, cb, &e->rsp);
		if (err)
			break;
	}
	/* A full message ends this call; one entry must fit in an empty one. */
	if (err && i > cb->args[0])
		err = 0;
	if (!err) {
		cb->args[0] = i;
		err = skb->len;
	}
out:
	alltypes_echo_free(e);
	return err;
}

static int __init alltypes_init(void)
{
	return genl_register_family(&alltypes_nl_family);
}

static void __exit alltypes_exit(void)
{
	genl_unregister_family(&alltypes_nl_family);
}

module_init(alltypes_init);
module_exit(alltypes_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Every attribute type of the alltypes spec, echoed for the e2e suite");
