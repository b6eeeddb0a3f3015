// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * quic-handshaked: the userspace TLS handshake agent for QUIC sockets of
 * kernel services (SMB, NFS, the sample module), over the kernel's
 * net/handshake up-call (Linux >= 6.4), like tlshd from ktls-utils.
 *
 * This file is the netlink side and the process handling: it joins the
 * "tlshd" multicast group of the "handshake" generic netlink family; on
 * each HANDSHAKE_CMD_READY it sends HANDSHAKE_CMD_ACCEPT until the kernel
 * has no request left, forks one child per request (the reply installs the
 * socket as a file descriptor in this process), and the child runs the
 * handshake (tls.c) and answers HANDSHAKE_CMD_DONE. Every accepted request
 * gets a DONE: from the child, or from this process when the child could
 * not be started or died without answering.
 *
 *   quic-handshaked [-f] [-v] [-c FILE]      see quic-handshaked(8)
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "qhd.h"
#include "handshake_uapi.h"

#define QHD_CHILDREN_MAX	128	/* handshakes in progress at once */
#define QHD_NL_TIMEOUT_S	5	/* a netlink reply never takes longer */
#define QHD_STOP_WAIT_MS	5000	/* for the children after SIGTERM */

struct child {
	pid_t pid;		/* 0: free slot */
	int fd;			/* our copy of the request's socket */
	unsigned long n;
	const char *role, *mode;
};

static struct qhd_config cfg;
static struct nl_sock *nl_req;	/* ACCEPT and DONE of this process */
static struct nl_sock *nl_mc;	/* READY notifications */
static int family_id;
static int sig_fd = -1;
static unsigned long requests;
static struct child children[QHD_CHILDREN_MAX];
static unsigned int nchildren;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s [-f] [-v] [-c FILE]\n"
		"  TLS handshake agent for in-kernel QUIC sockets (net/handshake up-call)\n"
		"  -c FILE  configuration file (default %s)\n"
		"  -f       stay in the foreground and log to stderr (default: daemon, syslog)\n"
		"  -v       log debug messages\n"
		"  -h       this help\n", QHD_NAME, QHD_DEFAULT_CONF);
}

/* The option getopt() stopped at: "-x", or a "--long" one as given. */
static const char *bad_option(int argc, char **argv, int c)
{
	static char buf[3];
	int i;

	if (c == '-')
		for (i = 1; i < argc; i++)
			if (!strncmp(argv[i], "--", 2) && argv[i][2])
				return argv[i];
	snprintf(buf, sizeof(buf), "-%c", c);
	return buf;
}

/* ---------------------------------------------------------------- netlink */

/* One request/reply exchange. libnl's own sequence check is off: it never
 * recovers from a lost ACK; messages of other sequence numbers (left over
 * from an exchange that timed out) are skipped here instead.
 */
struct nl_reply {
	uint32_t seq;		/* of the request */
	bool done;		/* ACK or error seen */
	int err;		/* -errno of the error message, 0 */
	struct qhd_request *req;	/* ACCEPT: filled from the reply */
	bool got_fd;
};

static int on_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct nl_reply *r = arg;

	if (nlmsg_hdr(msg)->nlmsg_seq != r->seq)
		return NL_SKIP;
	r->done = true;
	return NL_STOP;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nl_reply *r = arg;

	(void)nla;
	if (e->msg.nlmsg_seq != r->seq)
		return NL_SKIP;
	r->err = e->error;
	r->done = true;
	return NL_STOP;
}

static void bad_attr(struct qhd_request *req, const char *what, int type)
{
	if (!req->bad[0])
		snprintf(req->bad, sizeof(req->bad), "malformed ACCEPT reply: %s attribute %d",
			 what, type);
}

static bool attr_u32(struct qhd_request *req, struct nlattr *a, uint32_t *v)
{
	if (nla_len(a) < (int)sizeof(uint32_t)) {
		bad_attr(req, "short", nla_type(a));
		return false;
	}
	*v = nla_get_u32(a);
	return true;
}

/* The ACCEPT reply: the socket and the parameters of the request. Unknown
 * attributes (added by later kernels) are ignored.
 */
static int on_accept_reply(struct nl_msg *msg, void *arg)
{
	struct nl_reply *r = arg;
	struct qhd_request *req = r->req;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gnlh = nlmsg_data(nlh);
	struct nlattr *a, *n;
	int rem, nrem, len;
	uint32_t v;

	if (nlh->nlmsg_seq != r->seq || !genlmsg_valid_hdr(nlh, 0) ||
	    gnlh->cmd != HANDSHAKE_CMD_ACCEPT)
		return NL_SKIP;
	nla_for_each_attr(a, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), rem) {
		switch (nla_type(a)) {
		case HANDSHAKE_A_ACCEPT_SOCKFD:
			if (attr_u32(req, a, &v) && !r->got_fd) {
				req->fd = (int32_t)v;
				r->got_fd = req->fd >= 0;
			}
			break;
		case HANDSHAKE_A_ACCEPT_MESSAGE_TYPE:
			attr_u32(req, a, &req->msg_type);
			break;
		case HANDSHAKE_A_ACCEPT_TIMEOUT:
			attr_u32(req, a, &req->timeout_ms);
			break;
		case HANDSHAKE_A_ACCEPT_AUTH_MODE:
			attr_u32(req, a, &req->auth_mode);
			break;
		case HANDSHAKE_A_ACCEPT_PEER_IDENTITY:
			if (attr_u32(req, a, &v) && req->npeerids < QHD_PEERIDS_MAX)
				req->peerids[req->npeerids++] = (int32_t)v;
			break;
		case HANDSHAKE_A_ACCEPT_CERTIFICATE:
			nla_for_each_nested(n, a, nrem) {
				if (nla_type(n) == HANDSHAKE_A_X509_CERT && attr_u32(req, n, &v))
					req->cert_serial = (int32_t)v;
				else if (nla_type(n) == HANDSHAKE_A_X509_PRIVKEY &&
					 attr_u32(req, n, &v))
					req->privkey_serial = (int32_t)v;
			}
			break;
		case HANDSHAKE_A_ACCEPT_PEERNAME:
			len = nla_len(a);
			if (len >= (int)sizeof(req->peername)) {
				if (!req->bad[0])
					snprintf(req->bad, sizeof(req->bad),
						 "peer name of %d bytes is too long", len);
				break;
			}
			memcpy(req->peername, nla_data(a), (size_t)len);
			req->peername[len] = '\0';
			break;
		case HANDSHAKE_A_ACCEPT_HANDLER_CLASS:
			break;
		default:
			qhd_debug("ACCEPT reply: ignoring attribute %d", nla_type(a));
			break;
		}
	}
	return NL_OK;
}

/* Send @msg (freed) on @sk and read until its ACK or error; @valid parses
 * a reply. Returns 0 or -errno.
 */
static int nl_transact(struct nl_sock *sk, struct nl_msg *msg,
		       nl_recvmsg_msg_cb_t valid, struct nl_reply *r)
{
	struct nl_cb *cb;
	int ret;

	ret = nl_send_auto(sk, msg);
	r->seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (ret < 0) {
		qhd_err("netlink send: %s", nl_geterror(ret));
		return -EIO;
	}
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq_check, NULL);
	if (valid)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, r);
	ret = 0;
	while (!r->done) {
		ret = nl_recvmsgs_report(sk, cb);
		if (r->done)
			break;
		if (ret == -NLE_AGAIN) {	/* SO_RCVTIMEO */
			qhd_err("netlink: no reply from the kernel in %d s", QHD_NL_TIMEOUT_S);
			ret = -ETIMEDOUT;
			break;
		}
		if (ret < 0 && ret != -NLE_INTR) {
			qhd_err("netlink receive: %s", nl_geterror(ret));
			ret = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return r->done ? r->err : ret;
}

static struct nl_msg *nl_new(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family_id, 0, 0, cmd,
				HANDSHAKE_FAMILY_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* HANDSHAKE_CMD_ACCEPT: 1 with a request in *req (its socket installed in
 * this process), 0 when the kernel has none waiting, or -errno.
 */
static int nl_accept(struct qhd_request *req)
{
	struct nl_reply r = { .req = req };
	struct nl_msg *msg = nl_new(HANDSHAKE_CMD_ACCEPT);
	int ret;

	memset(req, 0, sizeof(*req));
	req->fd = -1;
	if (!msg || nla_put_u32(msg, HANDSHAKE_A_ACCEPT_HANDLER_CLASS,
				HANDSHAKE_HANDLER_CLASS_TLSHD)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = nl_transact(nl_req, msg, on_accept_reply, &r);
	if (r.got_fd)
		return 1;	/* even if the ACK went missing: we own the socket */
	if (ret == -EAGAIN || ret == -ENOENT || !ret)
		return 0;
	return ret;
}

/* HANDSHAKE_CMD_DONE on @sk: 0 or -errno (-EBUSY: the kernel no longer
 * waits for this socket, the consumer cancelled).
 */
static int nl_done(struct nl_sock *sk, int fd, int status, int32_t remote_auth)
{
	struct nl_reply r = { 0 };
	struct nl_msg *msg = nl_new(HANDSHAKE_CMD_DONE);

	if (!msg || nla_put_u32(msg, HANDSHAKE_A_DONE_STATUS, (uint32_t)status) ||
	    nla_put_u32(msg, HANDSHAKE_A_DONE_SOCKFD, (uint32_t)fd) ||
	    (!status && nla_put_u32(msg, HANDSHAKE_A_DONE_REMOTE_AUTH, (uint32_t)remote_auth))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return nl_transact(sk, msg, NULL, &r);
}

static struct nl_sock *nl_open(void)
{
	struct timeval tv = { .tv_sec = QHD_NL_TIMEOUT_S };
	struct nl_sock *sk = nl_socket_alloc();
	int ret;

	if (!sk) {
		qhd_err("cannot allocate a netlink socket");
		return NULL;
	}
	ret = genl_connect(sk);
	if (ret) {
		qhd_err("cannot open a generic netlink socket: %s", nl_geterror(ret));
		nl_socket_free(sk);
		return NULL;
	}
	setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return sk;
}

/* --------------------------------------------------------------- requests */

static const char *done_error(int err)
{
	return err == -EBUSY ? " (the kernel no longer waits for this socket)" : "";
}

/* One line per request: what it was and how it ended. */
static void report(const struct qhd_request *req, const struct qhd_result *res, int done_err)
{
	char tail[160] = "";

	if (done_err)
		snprintf(tail, sizeof(tail), "; DONE failed: %s%s", qhd_errno_name(-done_err),
			 done_error(done_err));
	if (!res->status)
		qhd_log(done_err ? LOG_ERR : LOG_NOTICE, "request %lu: %s %s -> ok%s", req->n,
			qhd_role_name(req), qhd_mode_name(req), tail);
	else
		qhd_err("request %lu: %s %s -> error %s (%s)%s", req->n, qhd_role_name(req),
			qhd_mode_name(req), qhd_errno_name(res->status), res->reason, tail);
}

/* Answer a request here, in the parent, without a handshake. */
static void answer_now(struct qhd_request *req, int status, const char *reason)
{
	struct qhd_result res = { .status = status };
	int ret;

	snprintf(res.reason, sizeof(res.reason), "%s", reason);
	ret = nl_done(nl_req, req->fd, status, 0);
	report(req, &res, ret);
	close(req->fd);
}

static void on_stop(int sig)
{
	(void)sig;
	qhd_stop = 1;
}

static void child_main(struct qhd_request *req)
{
	struct qhd_result res;
	struct sigaction sa;
	struct nl_sock *sk;
	unsigned int i;
	int ret;

	/* SIGTERM and SIGINT stay blocked: tls.c lets them in only while it
	 * waits in ppoll(), then answers ECANCELED
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	close(sig_fd);
	for (i = 0; i < QHD_CHILDREN_MAX; i++)
		if (children[i].pid)
			close(children[i].fd);
	nl_socket_free(nl_mc);
	nl_socket_free(nl_req);

	qhd_debug("request %lu: %s %s, timeout %u ms, peer name '%s', certificate key %d, private key %d (not used: %s)",
		  req->n, qhd_role_name(req), qhd_mode_name(req), req->timeout_ms,
		  req->peername, req->cert_serial, req->privkey_serial, cfg.path);
	for (i = 0; i < req->npeerids; i++)
		qhd_debug("request %lu: PEER_IDENTITY key %d, description '%s' (the key material comes from the PSK file)",
			  req->n, req->peerids[i], req->peerid_desc[i]);
	qhd_handshake(&cfg, req, &res);

	sk = nl_open();
	ret = sk ? nl_done(sk, req->fd, res.status, res.remote_auth) : -EIO;
	report(req, &res, ret);
	close(req->fd);
	/* 0: DONE delivered (or refused by the kernel); 1: the parent retries */
	_exit(ret && ret != -EBUSY ? 1 : 0);
}

static void spawn(struct qhd_request *req)
{
	unsigned int i;
	pid_t pid;

	req->n = ++requests;
	if (nchildren == QHD_CHILDREN_MAX) {
		answer_now(req, EAGAIN, "too many handshakes in progress");
		return;
	}
	for (i = 0; children[i].pid; i++)
		;
	pid = fork();
	if (pid < 0) {
		answer_now(req, errno, "cannot fork a handshake process");
		return;
	}
	if (!pid)
		child_main(req);
	children[i] = (struct child){ .pid = pid, .fd = req->fd, .n = req->n,
				      .role = qhd_role_name(req), .mode = qhd_mode_name(req) };
	nchildren++;
}

/* Collect children; a request whose child died without a DONE gets one
 * here (EIO, or ECANCELED while stopping).
 */
static void reap(bool stopping)
{
	int st;
	pid_t pid;
	unsigned int i;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < QHD_CHILDREN_MAX && children[i].pid != pid; i++)
			;
		if (i == QHD_CHILDREN_MAX)
			continue;
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			int status = stopping ? ECANCELED : EIO;
			int ret = nl_done(nl_req, children[i].fd, status, 0);

			if (WIFSIGNALED(st))
				qhd_err("request %lu: %s %s -> error %s (handshake process killed by signal %d)%s%s",
					children[i].n, children[i].role, children[i].mode,
					qhd_errno_name(status), WTERMSIG(st),
					ret ? "; DONE failed: " : "",
					ret ? qhd_errno_name(-ret) : "");
			else if (ret && ret != -EBUSY)
				qhd_err("request %lu: DONE failed again: %s", children[i].n,
					qhd_errno_name(-ret));
		}
		close(children[i].fd);
		children[i].pid = 0;
		nchildren--;
	}
}

/* ACCEPT until the kernel has no request left; one child per request. */
static void sweep(void)
{
	struct qhd_request req;
	unsigned int errors = 0;
	int ret;

	for (;;) {
		ret = nl_accept(&req);
		if (ret == 0)
			return;
		if (ret < 0) {
			qhd_err("HANDSHAKE_CMD_ACCEPT failed: %s (%s)", qhd_errno_name(-ret),
				strerror(-ret));
			if (ret == -EPERM || ret == -EINVAL || ret == -EOPNOTSUPP ||
			    ++errors >= 16)
				return;
			continue;
		}
		if (req.auth_mode == HANDSHAKE_AUTH_PSK)
			qhd_describe_peerids(&req);
		spawn(&req);
	}
}

/* READY notifications: whatever they say, the sweep that follows asks the
 * kernel for every waiting request, so coalesced or lost notifications
 * (ENOBUFS) are no problem.
 */
static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gnlh = nlmsg_data(nlh);

	(void)arg;
	if (genlmsg_valid_hdr(nlh, 0) && gnlh->cmd == HANDSHAKE_CMD_READY)
		qhd_debug("READY notification");
	return NL_OK;
}

static void drain_events(void)
{
	int ret;

	for (;;) {
		ret = nl_recvmsgs_default(nl_mc);
		if (ret == -NLE_AGAIN || ret == -NLE_INTR)
			return;
		if (ret < 0) {
			qhd_debug("notification socket: %s", nl_geterror(ret));
			return;
		}
	}
}

/* ------------------------------------------------------------------ setup */

static int has_net_admin(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return 1;	/* cannot tell: let the kernel decide */
	return !!(data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective & CAP_TO_MASK(CAP_NET_ADMIN));
}

static void netlink_setup(void)
{
	int grp, ret;

	nl_req = nl_open();
	if (!nl_req)
		exit(QHD_EXIT_RUNTIME);
	family_id = genl_ctrl_resolve(nl_req, HANDSHAKE_FAMILY_NAME);
	if (family_id == -NLE_OBJ_NOTFOUND) {
		qhd_err("the kernel has no net/handshake (CONFIG_NET_HANDSHAKE): family '%s' not found",
			HANDSHAKE_FAMILY_NAME);
		exit(QHD_EXIT_RUNTIME);
	}
	if (family_id < 0) {
		qhd_err("cannot resolve the generic netlink family '%s': %s",
			HANDSHAKE_FAMILY_NAME, nl_geterror(family_id));
		exit(QHD_EXIT_RUNTIME);
	}
	grp = genl_ctrl_resolve_grp(nl_req, HANDSHAKE_FAMILY_NAME, HANDSHAKE_MCGRP_TLSHD);
	if (grp < 0) {
		qhd_err("the family '%s' has no multicast group '%s': %s",
			HANDSHAKE_FAMILY_NAME, HANDSHAKE_MCGRP_TLSHD, nl_geterror(grp));
		exit(QHD_EXIT_RUNTIME);
	}
	if (!has_net_admin()) {
		qhd_err("HANDSHAKE_CMD_ACCEPT needs CAP_NET_ADMIN: run %s as root", QHD_NAME);
		exit(QHD_EXIT_RUNTIME);
	}
	nl_mc = nl_open();
	if (!nl_mc)
		exit(QHD_EXIT_RUNTIME);
	nl_socket_disable_seq_check(nl_mc);
	nl_socket_modify_cb(nl_mc, NL_CB_VALID, NL_CB_CUSTOM, on_event, NULL);
	ret = nl_socket_add_membership(nl_mc, grp);
	if (ret) {
		qhd_err("cannot join the multicast group '%s': %s", HANDSHAKE_MCGRP_TLSHD,
			nl_geterror(ret));
		exit(QHD_EXIT_RUNTIME);
	}
	nl_socket_set_nonblocking(nl_mc);
	qhd_debug("family '%s' id %d, multicast group '%s' id %d", HANDSHAKE_FAMILY_NAME,
		  family_id, HANDSHAKE_MCGRP_TLSHD, grp);
}

static void daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0) {
		qhd_err("fork: %s", strerror(errno));
		exit(QHD_EXIT_RUNTIME);
	}
	if (pid)
		_exit(0);
	setsid();
	if (chdir("/"))
		qhd_debug("chdir /: %s", strerror(errno));
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
}

static void signals_setup(void)
{
	sigset_t mask;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sig_fd < 0) {
		qhd_err("signalfd: %s", strerror(errno));
		exit(QHD_EXIT_RUNTIME);
	}
}

/* After SIGTERM: children end their handshakes with ECANCELED and DONE;
 * the ones still there after QHD_STOP_WAIT_MS are killed and answered here.
 */
static void stop_children(void)
{
	struct pollfd pfd = { .fd = sig_fd, .events = POLLIN };
	struct signalfd_siginfo si;
	unsigned int i, waited = 0;

	for (i = 0; i < QHD_CHILDREN_MAX; i++)
		if (children[i].pid)
			kill(children[i].pid, SIGTERM);
	while (nchildren && waited < QHD_STOP_WAIT_MS) {
		if (poll(&pfd, 1, 100) > 0)
			while (read(sig_fd, &si, sizeof(si)) == sizeof(si))
				;
		waited += 100;
		reap(true);
	}
	for (i = 0; i < QHD_CHILDREN_MAX; i++)
		if (children[i].pid)
			kill(children[i].pid, SIGKILL);
	while (nchildren) {
		unsigned int before = nchildren;

		reap(true);
		if (nchildren == before)
			usleep(10000);
	}
}

int main(int argc, char **argv)
{
	const char *conf = QHD_DEFAULT_CONF;
	bool foreground = false, verbose = false;
	struct pollfd pfd[2];
	int opt, status = 0;

	opterr = 0;
	while ((opt = getopt(argc, argv, ":c:fvh")) != -1) {
		switch (opt) {
		case 'c':
			conf = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "%s: option -%c needs a value (see -h)\n", QHD_NAME, optopt);
			return QHD_EXIT_USAGE;
		default:
			fprintf(stderr, "%s: unknown option %s (see -h)\n", QHD_NAME,
				bad_option(argc, argv, optopt));
			return QHD_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s' (see -h)\n", QHD_NAME, argv[optind]);
		return QHD_EXIT_USAGE;
	}

	qhd_log_init(true, verbose ? LOG_DEBUG : LOG_NOTICE);
	if (qhd_config_load(conf, &cfg))
		return QHD_EXIT_USAGE;
	if (!verbose)
		qhd_log_set_level(cfg.log_level);
	qhd_tls_init();
	qhd_debug("configuration %s: %zu PSK identities, %s, %s, alpn '%s'%s", conf,
		  cfg.psks.count, cfg.have_cert ? "a certificate" : "no certificate",
		  cfg.ca_file ? "ca_file" : cfg.have_trust ? "system trust" : "no trust",
		  cfg.alpn, cfg.require_client_cert ? ", client certificates required" : "");

	netlink_setup();
	signals_setup();
	if (!foreground) {
		daemonize();
		qhd_log_init(false, qhd_log_get_level());
	}
	qhd_notice("ready: waiting for handshake requests (configuration %s)", conf);

	sweep();	/* requests queued before we joined the group */
	pfd[0] = (struct pollfd){ .fd = nl_socket_get_fd(nl_mc), .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
	for (;;) {
		struct signalfd_siginfo si;
		bool stop = false;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			qhd_err("poll: %s", strerror(errno));
			status = QHD_EXIT_FAILURE;
			break;
		}
		while (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
				stop = true;
			else if (si.ssi_signo == SIGHUP)
				qhd_notice("SIGHUP ignored: restart to read the configuration again");
		}
		reap(false);
		if (stop) {
			qhd_notice("stopping");
			break;
		}
		if (pfd[0].revents) {
			drain_events();
			sweep();
		}
	}
	stop_children();
	nl_socket_free(nl_mc);
	nl_socket_free(nl_req);
	close(sig_fd);
	qhd_config_free(&cfg);
	return status;
}
