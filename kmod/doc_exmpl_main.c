// SPDX-License-Identifier: GPL-2.0
/*
 * Handlers of the DOC_EXMPL generic netlink family.
 *
 * genlgen wrote this file once from doc_exmpl.yaml as stubs; the handlers
 * below are hand-written and regenerating never overwrites them. Policies,
 * the ops table and the family live in doc_exmpl-nl.c, which is
 * regenerated.
 *
 * Every echo gets the next sequence number and the CLOCK_REALTIME time it
 * arrived, is answered with the same message, announced to the "events"
 * group and recorded in a bounded history (the oldest entries make room).
 * The history dump resumes by sequence number, so it is correct across any
 * number of dumpit calls; clear empties the history.
 */

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>

#include "doc_exmpl-nl.h"

#define DOC_EXMPL_HISTORY_DEFAULT	16384
#define DOC_EXMPL_HISTORY_LIMIT		1048576U

static unsigned int history_size = DOC_EXMPL_HISTORY_DEFAULT;
module_param(history_size, uint, 0444);
MODULE_PARM_DESC(history_size,
		 "Echoed messages the history keeps (default 16384, at most 1048576)");

/* One recorded echo. */
struct doc_exmpl_entry {
	u64 seq;
	u64 timestamp;
	size_t len;
	char msg[];
};

/*
 * The history is a ring of history_size entries: ring[head] is the oldest,
 * count entries follow it. Their sequence numbers are consecutive, so an
 * entry is found from its number alone. gen changes whenever entries
 * leave the history, which a running dump reports as NLM_F_DUMP_INTR.
 */
static struct {
	spinlock_t lock;	/* protects every field below */
	struct doc_exmpl_entry **ring;
	unsigned int head;
	unsigned int count;
	u64 last_seq;
	unsigned int gen;
} history = {
	.lock = __SPIN_LOCK_UNLOCKED(history.lock),
	/* Not 0: nl_dump_check_consistent() ignores a change from seq 0. */
	.gen = 1,
};

/* Where a history dump resumes: the next sequence number to send. */
struct doc_exmpl_dump_ctx {
	u64 next_seq;
};

/*
 * Numbers, stamps and records e, evicting the oldest entry when the
 * history is full; returns the evicted entry for the caller to free and
 * e's number and time in seq and timestamp.
 * Once recorded, e belongs to the history: a parallel echo or clear may
 * free it at any time, so the caller must not touch it again.
 */
static struct doc_exmpl_entry *doc_exmpl_record(struct doc_exmpl_entry *e,
						u64 *seq, u64 *timestamp)
{
	struct doc_exmpl_entry *old = NULL;

	spin_lock(&history.lock);
	e->seq = ++history.last_seq;
	e->timestamp = ktime_get_real_ns();
	*seq = e->seq;
	*timestamp = e->timestamp;
	if (history.count == history_size) {
		old = history.ring[history.head];
		history.head = (history.head + 1) % history_size;
		history.count--;
		history.gen++;
	}
	history.ring[(history.head + history.count) % history_size] = e;
	history.count++;
	spin_unlock(&history.lock);
	return old;
}

/*
 * DOC_EXMPL_C_ECHO (do). Request: DOC_EXMPL_A_MSG. Reply: DOC_EXMPL_A_MSG,
 * DOC_EXMPL_A_SEQ, DOC_EXMPL_A_TIMESTAMP.
 */
int doc_exmpl_nl_echo_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct doc_exmpl_echo_rsp rsp = {
		._present = { .msg = 1, .seq = 1, .timestamp = 1 },
	};
	struct doc_exmpl_echo_req req;
	struct doc_exmpl_entry *e;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, DOC_EXMPL_A_MSG))
		return -EINVAL;
	err = doc_exmpl_nl_echo_parse(info, &req);
	if (err)
		return err;

	e = kmalloc(struct_size(e, msg, req.msg_len + 1), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->len = req.msg_len;
	/* The policy (NLA_NUL_STRING) guarantees the terminating NUL. */
	memcpy(e->msg, req.msg, req.msg_len + 1);
	kfree(doc_exmpl_record(e, &rsp.seq, &rsp.timestamp));

	/* e may be gone already: the reply and event quote the request. */
	rsp.msg = req.msg;
	doc_exmpl_nl_echo_ntf_notify(genl_info_net(info), &rsp, GFP_KERNEL);
	return doc_exmpl_nl_echo_reply(info, &rsp);
}

/*
 * DOC_EXMPL_C_HISTORY (dump). Request: none. Reply: DOC_EXMPL_A_MSG,
 * DOC_EXMPL_A_SEQ, DOC_EXMPL_A_TIMESTAMP.
 */
int doc_exmpl_nl_history_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct doc_exmpl_dump_ctx *ctx = (void *)cb->ctx;
	unsigned int i = 0, sent = 0;
	bool more;
	u64 first;

	NL_ASSERT_DUMP_CTX_FITS(struct doc_exmpl_dump_ctx);

	spin_lock(&history.lock);
	cb->seq = history.gen;
	if (!history.count)
		goto out;
	first = history.ring[history.head]->seq;
	if (ctx->next_seq > first)
		i = min_t(u64, ctx->next_seq - first, history.count);
	for (; i < history.count; i++) {
		const struct doc_exmpl_entry *e =
			history.ring[(history.head + i) % history_size];
		struct doc_exmpl_history_rsp rsp = {
			._present = { .msg = 1, .seq = 1, .timestamp = 1 },
			.msg = e->msg,
			.seq = e->seq,
			.timestamp = e->timestamp,
		};

		/* Nothing is allocated: the entry goes into skb. */
		if (doc_exmpl_nl_history_entry(skb, cb, &rsp))
			break;
		ctx->next_seq = e->seq + 1;
		sent++;
	}
out:
	more = i < history.count;
	spin_unlock(&history.lock);
	if (sent)
		return skb->len;
	/* An empty batch ends the dump, unless an entry did not fit at all. */
	return more ? -EMSGSIZE : 0;
}

/* DOC_EXMPL_C_CLEAR (do). Request: none. Reply: none. */
int doc_exmpl_nl_clear_doit(struct sk_buff *skb, struct genl_info *info)
{
	unsigned int i;

	spin_lock(&history.lock);
	for (i = 0; i < history.count; i++)
		kfree(history.ring[(history.head + i) % history_size]);
	history.head = 0;
	history.count = 0;
	history.gen++;
	spin_unlock(&history.lock);
	return 0;
}

static int __init doc_exmpl_init(void)
{
	int err;

	if (!history_size || history_size > DOC_EXMPL_HISTORY_LIMIT) {
		pr_err("doc_exmpl: history_size must be 1..%u\n",
		       DOC_EXMPL_HISTORY_LIMIT);
		return -EINVAL;
	}
	history.ring = kvcalloc(history_size, sizeof(*history.ring), GFP_KERNEL);
	if (!history.ring)
		return -ENOMEM;
	err = genl_register_family(&doc_exmpl_nl_family);
	if (err)
		kvfree(history.ring);
	return err;
}

static void __exit doc_exmpl_exit(void)
{
	unsigned int i;

	/* No handler runs once the family is gone. */
	genl_unregister_family(&doc_exmpl_nl_family);
	for (i = 0; i < history.count; i++)
		kfree(history.ring[(history.head + i) % history_size]);
	kvfree(history.ring);
}

module_init(doc_exmpl_init);
module_exit(doc_exmpl_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Generic netlink family DOC_EXMPL: echo, history, events");
