/*
 * ynlbench: the C baselines of BENCHMARKS.md, measured against the running
 * kernel and printed in Go benchmark format so benchstat reads them next to
 * the Go benchmarks of bench/.
 *
 *   GetFamily/raw-c        CTRL_CMD_GETFAMILY "nlctrl", prebuilt request
 *                          without NLM_F_ACK: one send(), one recv()
 *   GetFamily/raw-c-uring  the same send and recv linked in one
 *                          io_uring_enter (liburing), as genlgen's runtime
 *                          makes them where the kernel has io_uring
 *   GetFamily/libynl       the kernel's libynl: nlctrl_getfamily()
 *   GetFamily/libynl-fixed the same, with upstream's array-counting fix
 *   DumpFamilies/raw-c     CTRL_CMD_GETFAMILY dump, recv() until NLMSG_DONE
 *   DumpFamilies/raw-c-uring  the send and first recv in one io_uring_enter
 *   DumpFamilies/libynl    nlctrl_getfamily_dump()
 *   DumpFamilies/libynl-fixed  the same, with upstream's array-counting fix
 *   DumpDevices/raw-c      netdev dev-get dump, recv() until NLMSG_DONE
 *   DumpDevices/raw-c-uring   the send and first recv in one io_uring_enter
 *   DumpDevices/libynl     netdev_dev_get_dump()
 *
 * The names are those of the Go benchmarks in bench/ that measure the same
 * thing (BenchmarkGetFamily/raw-go and so on), so that one benchstat table
 * and bench/cmd/benchtable put them side by side.
 *
 * The raw loops decode nothing; they count the messages of the family and
 * stop at the end of the answer, as bench/raw_test.go does. libynl asks
 * for an ACK, checks sequence numbers and decodes every reply into structs.
 *
 * But 6.12's nlctrl client never decodes a family's ops and mcast-groups:
 * its generator counts them into dst->n_ops and then allocates and parses
 * only if a local count, never incremented, is non-zero (fixed upstream
 * in b4ada0618eed, "tools: ynl-gen: fix nested array counting"). The
 * libynl-fixed variants run the same generated code with that fix
 * applied (nlctrlfix_*, see bench/c/Makefile), so they decode what the
 * Go clients decode; they check that they did.
 *
 * Each variant runs a warm-up of N/10 operations, then COUNT rounds of N
 * operations. Rounds of the variants are interleaved, so a change in the
 * machine's load hits all of them alike. Each round prints one line:
 * wall ns/op, CPU ns/op (getrusage(RUSAGE_SELF): user + system time of the
 * process, which the time spent waiting for a CPU does not inflate) and,
 * for dumps, both per entry (ns/family, cpu-ns/family, or per device).
 *
 * usage: ynlbench [-n N] [-count COUNT] [-run SUBSTRING]
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netdev.h>
#include <linux/netlink.h>
#include <liburing.h>

#include "ynl.h"
#include "nlctrl-user.h"
#include "nlctrlfix-user.h"
#include "netdev-user.h"

#define BUF_SIZE (32 << 10) /* the Go raw loops' receive buffer */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "ynlbench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* ---- raw netlink ---- */

static int raw_fd;
static unsigned char raw_buf[BUF_SIZE];

static int raw_open(void)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd < 0 || connect(fd, (struct sockaddr *)&kernel, sizeof(kernel)))
		die("netlink socket: %s", strerror(errno));
	return fd;
}

/* A request: headers and at most one string attribute, built once. */
struct raw_req {
	union {
		struct {
			struct nlmsghdr nlh;
			struct genlmsghdr genl;
		};
		unsigned char bytes[256];
	};
};

static void raw_build(struct raw_req *r, __u16 type, __u16 flags, __u8 cmd,
		      __u8 version, __u16 attr, const char *str)
{
	memset(r, 0, sizeof(*r));
	r->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nlh.nlmsg_type = type;
	r->nlh.nlmsg_flags = flags;
	r->nlh.nlmsg_seq = 1;
	r->genl.cmd = cmd;
	r->genl.version = version;
	if (str) {
		struct nlattr *a = (struct nlattr *)(r->bytes + r->nlh.nlmsg_len);
		size_t n = strlen(str) + 1;

		if (r->nlh.nlmsg_len + NLA_HDRLEN + NLA_ALIGN(n) > sizeof(r->bytes))
			die("request too long");
		a->nla_type = attr;
		a->nla_len = NLA_HDRLEN + n;
		memcpy((char *)a + NLA_HDRLEN, str, n);
		r->nlh.nlmsg_len += NLA_ALIGN(a->nla_len);
	}
}

static void raw_send(const struct raw_req *r)
{
	if (send(raw_fd, r, r->nlh.nlmsg_len, 0) != (ssize_t)r->nlh.nlmsg_len)
		die("send: %s", strerror(errno));
}

static size_t raw_recv(void)
{
	ssize_t n = recv(raw_fd, raw_buf, sizeof(raw_buf), 0);

	if (n < 0)
		die("recv: %s", strerror(errno));
	return n;
}

static void raw_check_error(const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nlh);

		die("kernel error %d (%s)", e->error, strerror(-e->error));
	}
}

/*
 * Counts the messages of type family among the len bytes in raw_buf; sets
 * *done at NLMSG_DONE.
 */
static long raw_walk(size_t len, __u16 family, int *done)
{
	const struct nlmsghdr *nlh;
	long msgs = 0;
	size_t off;

	for (off = 0; off + NLMSG_HDRLEN <= len; off += NLMSG_ALIGN(nlh->nlmsg_len)) {
		nlh = (const struct nlmsghdr *)(raw_buf + off);
		if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len - off)
			die("malformed message in a dump");
		if (nlh->nlmsg_type == family)
			msgs++;
		else if (nlh->nlmsg_type == NLMSG_DONE) {
			*done = 1;
			return msgs;
		}
		raw_check_error(nlh);
	}
	return msgs;
}

/*
 * Sends a prebuilt dump request and receives until NLMSG_DONE; returns
 * the number of messages of type family.
 */
static long raw_dump(const struct raw_req *r, __u16 family)
{
	long msgs = 0;
	int done = 0;

	raw_send(r);
	while (!done)
		msgs += raw_walk(raw_recv(), family, &done);
	return msgs;
}

/* ---- raw netlink through io_uring ---- */

static struct io_uring ring;
static int have_ring;

/*
 * Sends r and receives the first datagram of the answer into raw_buf in
 * one io_uring_enter: a send linked to a recv. Returns its length.
 */
static size_t uring_send_recv(const struct raw_req *r)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct io_uring_cqe *cqe;
	int sent = 0, got = 0;

	io_uring_prep_send(sqe, raw_fd, r, r->nlh.nlmsg_len, 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_recv(sqe, raw_fd, raw_buf, sizeof(raw_buf), 0);
	sqe->user_data = 2;
	if (io_uring_submit_and_wait(&ring, 2) < 0)
		die("io_uring_submit_and_wait: %s", strerror(errno));
	for (int i = 0; i < 2; i++) {
		if (io_uring_peek_cqe(&ring, &cqe))
			die("io_uring: a completion is missing");
		if (cqe->user_data == 1)
			sent = cqe->res;
		else
			got = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	if (sent != (int)r->nlh.nlmsg_len)
		die("io_uring send: %s", sent < 0 ? strerror(-sent) : "short write");
	if (got < 0)
		die("io_uring recv: %s", strerror(-got));
	return got;
}

static long uring_dump(const struct raw_req *r, __u16 family)
{
	int done = 0;
	long msgs = raw_walk(uring_send_recv(r), family, &done);

	while (!done)
		msgs += raw_walk(raw_recv(), family, &done);
	return msgs;
}

/* Asks nlctrl for a family's id; 0 when the kernel has no such family. */
static __u16 raw_family_id(const char *name)
{
	struct raw_req r;
	struct nlmsghdr *nlh = (struct nlmsghdr *)raw_buf;
	struct nlattr *a;
	int len;

	raw_build(&r, GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETFAMILY, 2,
		  CTRL_ATTR_FAMILY_NAME, name);
	raw_send(&r);
	raw_recv();
	if (nlh->nlmsg_type == NLMSG_ERROR &&
	    ((struct nlmsgerr *)NLMSG_DATA(nlh))->error == -ENOENT)
		return 0;
	raw_check_error(nlh);
	len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	for (a = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	     len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(__u16 *)((char *)a + NLA_HDRLEN);
	die("no family id in the reply about %s", name);
}

static struct raw_req getfamily_req, families_req, devices_req;
static __u16 netdev_id;

/* Checks that raw_buf's len bytes are nlctrl's reply to a getfamily. */
static long getfamily_check(size_t len)
{
	const struct nlmsghdr *nlh = (struct nlmsghdr *)raw_buf;

	if (len < NLMSG_HDRLEN)
		die("short reply");
	raw_check_error(nlh);
	if (nlh->nlmsg_type != GENL_ID_CTRL)
		die("reply of type %u, want %u", nlh->nlmsg_type, GENL_ID_CTRL);
	return 0;
}

static long getfamily_raw(void)
{
	raw_send(&getfamily_req);
	return getfamily_check(raw_recv());
}

static long getfamily_uring(void)
{
	return getfamily_check(uring_send_recv(&getfamily_req));
}

static long dumpfamilies_raw(void)
{
	return raw_dump(&families_req, GENL_ID_CTRL);
}

static long dumpfamilies_uring(void)
{
	return uring_dump(&families_req, GENL_ID_CTRL);
}

static long devdump_raw(void)
{
	return raw_dump(&devices_req, netdev_id);
}

static long devdump_uring(void)
{
	return uring_dump(&devices_req, netdev_id);
}

/* ---- libynl ---- */

static struct ynl_sock *ys_nlctrl, *ys_nlctrlfix, *ys_netdev;
static struct nlctrl_getfamily_req *ynl_req;
static struct nlctrlfix_getfamily_req *ynlfix_req;

static struct ynl_sock *ynl_open(const struct ynl_family *f)
{
	struct ynl_error err;
	struct ynl_sock *ys = ynl_sock_create(f, &err);

	if (!ys)
		die("ynl_sock_create: %s", err.msg);
	return ys;
}

static void ynl_die(struct ynl_sock *ys, const char *what)
{
	die("%s: %s (code %d)", what, ys->err.msg, ys->err.code);
}

static long getfamily_ynl(void)
{
	struct nlctrl_getfamily_rsp *rsp = nlctrl_getfamily(ys_nlctrl, ynl_req);

	if (!rsp)
		ynl_die(ys_nlctrl, "nlctrl_getfamily");
	if (!rsp->_present.family_id || rsp->family_id != GENL_ID_CTRL)
		die("nlctrl_getfamily: wrong reply");
	nlctrl_getfamily_rsp_free(rsp);
	return 0;
}

/* libynl-fixed's reply about nlctrl must hold its decoded ops. */
static long getfamily_ynlfix(void)
{
	struct nlctrlfix_getfamily_rsp *rsp = nlctrlfix_getfamily(ys_nlctrlfix, ynlfix_req);

	if (!rsp)
		ynl_die(ys_nlctrlfix, "nlctrlfix_getfamily");
	if (!rsp->_present.family_id || rsp->family_id != GENL_ID_CTRL ||
	    !rsp->n_ops || !rsp->ops)
		die("nlctrlfix_getfamily: wrong reply");
	nlctrlfix_getfamily_rsp_free(rsp);
	return 0;
}

static long dumpfamilies_ynl(void)
{
	struct nlctrl_getfamily_list *l = nlctrl_getfamily_dump(ys_nlctrl);
	long n = 0;

	if (!l)
		ynl_die(ys_nlctrl, "nlctrl_getfamily_dump");
	ynl_dump_foreach(l, f)
		n++;
	nlctrl_getfamily_list_free(l);
	return n;
}

static long dumpfamilies_ynlfix(void)
{
	struct nlctrlfix_getfamily_list *l = nlctrlfix_getfamily_dump(ys_nlctrlfix);
	long n = 0;

	if (!l)
		ynl_die(ys_nlctrlfix, "nlctrlfix_getfamily_dump");
	ynl_dump_foreach(l, f) {
		if ((f->n_ops && !f->ops) || (f->n_mcast_groups && !f->mcast_groups))
			die("nlctrlfix_getfamily_dump: %s: arrays not decoded", f->family_name);
		n++;
	}
	nlctrlfix_getfamily_list_free(l);
	return n;
}

static long devdump_ynl(void)
{
	struct netdev_dev_get_list *l = netdev_dev_get_dump(ys_netdev);
	long n = 0;

	if (!l)
		ynl_die(ys_netdev, "netdev_dev_get_dump");
	ynl_dump_foreach(l, d)
		n++;
	netdev_dev_get_list_free(l);
	return n;
}

/* ---- the benchmark loop ---- */

struct variant {
	const char *name;
	const char *unit; /* what a dump's entries are; NULL for a "do" */
	long (*op)(void); /* one operation; returns the entries it handled */
	int needs_netdev;
	int needs_ring;
	int on;
};

static struct variant variants[] = {
	/* name, entry unit, op, needs netdev, needs io_uring, on */
	{ "GetFamily/raw-c", NULL, getfamily_raw, 0, 0, 0 },
	{ "GetFamily/raw-c-uring", NULL, getfamily_uring, 0, 1, 0 },
	{ "GetFamily/libynl", NULL, getfamily_ynl, 0, 0, 0 },
	{ "GetFamily/libynl-fixed", NULL, getfamily_ynlfix, 0, 0, 0 },
	{ "DumpFamilies/raw-c", "family", dumpfamilies_raw, 0, 0, 0 },
	{ "DumpFamilies/raw-c-uring", "family", dumpfamilies_uring, 0, 1, 0 },
	{ "DumpFamilies/libynl", "family", dumpfamilies_ynl, 0, 0, 0 },
	{ "DumpFamilies/libynl-fixed", "family", dumpfamilies_ynlfix, 0, 0, 0 },
	{ "DumpDevices/raw-c", "device", devdump_raw, 1, 0, 0 },
	{ "DumpDevices/raw-c-uring", "device", devdump_uring, 1, 1, 0 },
	{ "DumpDevices/libynl", "device", devdump_ynl, 1, 0, 0 },
};
#define NVARIANTS (sizeof(variants) / sizeof(variants[0]))

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
}

static void measure(const struct variant *v, long n)
{
	double wall0, cpu0, wall, cpu;
	long entries = 0;

	wall0 = now_ns();
	cpu0 = cpu_ns();
	for (long i = 0; i < n; i++)
		entries += v->op();
	cpu = cpu_ns() - cpu0;
	wall = now_ns() - wall0;

	printf("Benchmark%s \t%8ld\t%10.0f ns/op\t%10.0f cpu-ns/op", v->name, n,
	       wall / n, cpu / n);
	if (v->unit) {
		if (entries == 0)
			die("%s: empty dump", v->name);
		printf("\t%10.1f ns/%s\t%10.1f cpu-ns/%s", wall / entries,
		       v->unit, cpu / entries, v->unit);
	}
	printf("\n");
	fflush(stdout);
}

/* The "key: value" lines benchstat keeps as the run's configuration. */
static void print_config(void)
{
	struct utsname u;
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	printf("goos: linux\ngoarch: amd64\npkg: github.com/genlgen/genlgen/bench\n");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
			printf("cpu: %s", strchr(line, ':') + 2);
			break;
		}
	if (f)
		fclose(f);
	if (!uname(&u))
		printf("kernel: %s\n", u.release);
}

int main(int argc, char **argv)
{
	long n = 20000, count = 1;
	const char *run = "";
	unsigned int i;

	for (int a = 1; a < argc; a++) {
		if (a + 1 < argc && !strcmp(argv[a], "-n"))
			n = atol(argv[++a]);
		else if (a + 1 < argc && !strcmp(argv[a], "-count"))
			count = atol(argv[++a]);
		else if (a + 1 < argc && !strcmp(argv[a], "-run"))
			run = argv[++a];
		else
			die("usage: ynlbench [-n N] [-count COUNT] [-run SUBSTRING]");
	}
	if (n < 1 || count < 1)
		die("-n and -count must be positive");

	raw_fd = raw_open();
	raw_build(&getfamily_req, GENL_ID_CTRL, NLM_F_REQUEST,
		  CTRL_CMD_GETFAMILY, 2, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	raw_build(&families_req, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_DUMP,
		  CTRL_CMD_GETFAMILY, 2, 0, NULL);
	ys_nlctrl = ynl_open(&ynl_nlctrl_family);
	ynl_req = nlctrl_getfamily_req_alloc();
	nlctrl_getfamily_req_set_family_name(ynl_req, "nlctrl");
	ys_nlctrlfix = ynl_open(&ynl_nlctrlfix_family);
	ynlfix_req = nlctrlfix_getfamily_req_alloc();
	nlctrlfix_getfamily_req_set_family_name(ynlfix_req, "nlctrl");

	have_ring = io_uring_queue_init(4, &ring, 0) == 0;
	netdev_id = raw_family_id("netdev");
	if (netdev_id) {
		raw_build(&devices_req, netdev_id, NLM_F_REQUEST | NLM_F_DUMP,
			  NETDEV_CMD_DEV_GET, NETDEV_FAMILY_VERSION, 0, NULL);
		ys_netdev = ynl_open(&ynl_netdev_family);
	}

	print_config();
	for (i = 0; i < NVARIANTS; i++) {
		struct variant *v = &variants[i];

		if (!strstr(v->name, run))
			continue;
		if (v->needs_ring && !have_ring) {
			fprintf(stderr, "ynlbench: skipping %s: no io_uring here\n", v->name);
			continue;
		}
		if (v->needs_netdev && !netdev_id) {
			fprintf(stderr, "ynlbench: skipping %s: the kernel has no netdev family\n", v->name);
			continue;
		}
		v->on = 1;
		for (long w = 0; w < n / 10 + 1; w++)
			v->op();
	}
	for (long r = 0; r < count; r++)
		for (i = 0; i < NVARIANTS; i++)
			if (variants[i].on)
				measure(&variants[i], n);

	nlctrl_getfamily_req_free(ynl_req);
	nlctrlfix_getfamily_req_free(ynlfix_req);
	ynl_sock_destroy(ys_nlctrl);
	ynl_sock_destroy(ys_nlctrlfix);
	if (ys_netdev)
		ynl_sock_destroy(ys_netdev);
	if (have_ring)
		io_uring_queue_exit(&ring);
	close(raw_fd);
	return 0;
}
