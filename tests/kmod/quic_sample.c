// SPDX-License-Identifier: GPL-2.0-or-later
/* quic_sample: a kernel consumer of in-kernel QUIC, the way SMB or NFS use
 * it. Its sockets are made with sock_create_kern(); the TLS handshake is
 * asked of the userspace agent through net/handshake; then it speaks the
 * echo protocol of tools/examples on one bidirectional stream: the client
 * sends @msg and a FIN, the server sends every byte back on the same stream
 * and a FIN, the client checks the echo and closes.
 *
 *   insmod quic_sample.ko role=client|server|pair [addr=127.0.0.1] [port=P]
 *          [auth=psk|x509] [peername=localhost] [alpn=echo]
 *          [msg="hello from the kernel"] [timeout_ms=10000] [psk_key=SERIAL]
 *
 * role=server listens on addr:port (port 0: a free port, then shown in the
 * bound_port parameter) and serves one connection; role=client connects to
 * addr:port; role=pair runs both, its client connecting to its server. The
 * work runs in kernel threads, so insmod returns at once. The outcome is in
 * /sys/module/quic_sample/parameters/result: "running", then
 * "ok ROLE: echoed N bytes" or "error ROLE: STEP ERRNO" (ERRNO negative,
 * STEP prefixed with the side for role=pair), and in the kernel log with
 * the prefix "quic_sample:". rmmod stops what still runs: a pending
 * handshake is cancelled, the sockets are released.
 *
 * What this relies on in net/handshake (the same in 6.12 and 7.3):
 * - the agent gets the socket as a file descriptor, so the socket needs a
 *   file: sock_alloc_file(sock, O_NONBLOCK, NULL), as sunrpc does (on
 *   failure it releases the socket itself). From then on the file owns the
 *   socket: it is put, not sock_release()d. O_NONBLOCK only concerns the
 *   agent's descriptor; kernel_sendmsg()/kernel_recvmsg() here block with
 *   the socket's timeouts.
 * - tls_client_hello_psk() fails with -EINVAL unless ta_num_peerids is
 *   1..5, but it does not look at the serials: it passes them to the agent.
 *   So one serial is sent, psk_key, 0 (TLS_NO_PEERID) by default:
 *   quic-handshaked takes the key material from its psk_file, with the
 *   identity named by the description of the key psk_key names, else the
 *   first one; upstream tlshd would need the serial of a key it can read.
 *   tls_server_hello_psk() sends ta_my_peerids[0] whatever ta_num_peerids
 *   says.
 * - x509: ta_my_cert and ta_my_privkey may be 0 (TLS_NO_CERT,
 *   TLS_NO_PRIVKEY: the agent uses its configured ones); ta_peername is the
 *   name the client verifies.
 * - ta_done(data, status, peerid) gets 0 or a negative errno, and is not
 *   called when tls_handshake_cancel() returns true. Without an agent in
 *   the "tlshd" multicast group the request fails at once with -ESRCH.
 */

#define pr_fmt(fmt) "quic_sample: " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/file.h>
#include <linux/inet.h>
#include <linux/jiffies.h>
#include <linux/key.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/handshake.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>

/* by path: a kernel of its own with a net/quic.h must not shadow ours */
#include "../../src/kernel/include/net/quic.h"

#define QS_SLICE		(HZ / 10)	/* blocking calls look for rmmod this often */
#define QS_HANDSHAKE_GRACE_MS	2000		/* for the agent to report its own timeout */
#define QS_CHUNK		4096		/* server receive buffer */
#define QS_MSG_MAX		4096
#define QS_ALPN_MAX		255

static char *role = "client";
module_param(role, charp, 0444);
MODULE_PARM_DESC(role, "client, server, or pair (a kernel server and a kernel client of it)");

static char *addr = "127.0.0.1";
module_param(addr, charp, 0444);
MODULE_PARM_DESC(addr, "IPv4 address the server listens on and the client connects to");

static uint port;
module_param(port, uint, 0444);
MODULE_PARM_DESC(port, "UDP port the client connects to and the server listens on (server: 0 picks one)");

static char *auth = "psk";
module_param(auth, charp, 0444);
MODULE_PARM_DESC(auth, "psk or x509: the credentials the agent uses");

static char *peername = "localhost";
module_param(peername, charp, 0444);
MODULE_PARM_DESC(peername, "x509 client: the name the server's certificate must carry");

static char *alpn = "echo";
module_param(alpn, charp, 0444);
MODULE_PARM_DESC(alpn, "ALPN list (comma-separated) set on the sockets before the handshake");

static char *msg = "hello from the kernel";
module_param(msg, charp, 0444);
MODULE_PARM_DESC(msg, "client: the bytes sent and expected back");

static uint timeout_ms = 10000;
module_param(timeout_ms, uint, 0444);
MODULE_PARM_DESC(timeout_ms, "limit of each step: accept, handshake, echo (milliseconds)");

static int psk_key;
module_param(psk_key, int, 0444);
MODULE_PARM_DESC(psk_key, "PSK client: key serial passed to the agent (0: none, the agent's own key)");

/* read-only parameters: the outcome and the server's port */
static DEFINE_SPINLOCK(qs_result_lock);
static char qs_result[160] = "running";
static int qs_bound_port;

static int qs_param_set_ro(const char *val, const struct kernel_param *kp)
{
	return -EPERM;
}

static int qs_result_get(char *buf, const struct kernel_param *kp)
{
	int n;

	spin_lock(&qs_result_lock);
	n = scnprintf(buf, PAGE_SIZE, "%s\n", qs_result);
	spin_unlock(&qs_result_lock);
	return n;
}

static int qs_bound_port_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%d\n", READ_ONCE(qs_bound_port));
}

static const struct kernel_param_ops qs_result_ops = {
	.set	= qs_param_set_ro,
	.get	= qs_result_get,
};
module_param_cb(result, &qs_result_ops, NULL, 0444);
MODULE_PARM_DESC(result, "read-only: running, \"ok ROLE: echoed N bytes\" or \"error ROLE: STEP ERRNO\"");

static const struct kernel_param_ops qs_bound_port_ops = {
	.set	= qs_param_set_ro,
	.get	= qs_bound_port_get,
};
module_param_cb(bound_port, &qs_bound_port_ops, NULL, 0444);
MODULE_PARM_DESC(bound_port, "read-only: the port the server listens on (0 until it does)");

/* one end of the connection, run by its own kernel thread */
struct qs_side {
	const char *name;		/* "client" or "server" */
	struct task_struct *task;
	struct completion hs_done;	/* ta_done was called */
	int hs_status;			/* and said this */
	const char *step;		/* what it is doing, or where it failed */
	int err;
	size_t echoed;
};

static struct qs_side qs_client = { .name = "client" };
static struct qs_side qs_server = { .name = "server" };
static DECLARE_COMPLETION(qs_listening);	/* the server has its port */
static bool qs_abort;				/* the other side failed, or rmmod */
static bool qs_pair, qs_x509;
static __be32 qs_addr;

static DEFINE_MUTEX(qs_lock);			/* the two below */
static int qs_running;				/* sides not finished */
static struct qs_side *qs_failed;		/* the first side that failed */

static bool qs_should_stop(void)
{
	return kthread_should_stop() || READ_ONCE(qs_abort);
}

static __printf(2, 3) void qs_set_result(bool ok, const char *fmt, ...)
{
	va_list ap;

	spin_lock(&qs_result_lock);
	va_start(ap, fmt);
	vscnprintf(qs_result, sizeof(qs_result), fmt, ap);
	va_end(ap);
	spin_unlock(&qs_result_lock);
	if (ok)
		pr_info("%s\n", qs_result);
	else
		pr_err("%s\n", qs_result);
}

static void qs_sockaddr(struct sockaddr_in *sin, unsigned int p)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = qs_addr;
	sin->sin_port = htons(p);
}

/* A socket with a file (it was handed to the agent) goes with the file's
 * last reference. __fput_sync(): this is a kernel thread, where fput()
 * would leave the close to a work item; the result is only reported once
 * the sockets are closed.
 */
static void qs_release(struct socket **sockp)
{
	struct socket *sock = *sockp;

	if (!sock)
		return;
	*sockp = NULL;
	if (sock->file)
		__fput_sync(sock->file);
	else
		sock_release(sock);
}

static int qs_socket(struct qs_side *s, struct socket **sockp)
{
	int err;

	s->step = "socket";
	err = sock_create_kern(&init_net, AF_INET, SOCK_DGRAM, IPPROTO_QUIC,
			       sockp);
	if (err)
		return err;
	WRITE_ONCE((*sockp)->sk->sk_rcvtimeo, QS_SLICE);
	/* the agent offers or selects what the socket says */
	s->step = "alpn";
	return quic_kernel_setsockopt((*sockp)->sk, QUIC_SOCKOPT_ALPN, alpn,
				      strlen(alpn));
}

static void qs_handshake_done(void *data, int status, key_serial_t peerid)
{
	struct qs_side *s = data;

	s->hs_status = status;
	complete(&s->hs_done);
}

/* Ask the agent for the handshake on *@sockp and wait for its answer. */
static int qs_handshake(struct qs_side *s, struct socket **sockp)
{
	struct tls_handshake_args args = {
		.ta_sock	= *sockp,
		.ta_done	= qs_handshake_done,
		.ta_data	= s,
		.ta_timeout_ms	= timeout_ms,
		.ta_keyring	= TLS_NO_KEYRING,
		.ta_my_cert	= TLS_NO_CERT,
		.ta_my_privkey	= TLS_NO_PRIVKEY,
	};
	bool server = s == &qs_server;
	struct file *file;
	unsigned long end;
	int err;

	s->step = "file";
	file = sock_alloc_file(*sockp, O_NONBLOCK, NULL);
	if (IS_ERR(file)) {
		*sockp = NULL;	/* released by sock_alloc_file() */
		return PTR_ERR(file);
	}

	s->step = "handshake";
	reinit_completion(&s->hs_done);
	if (qs_x509) {
		if (server) {
			err = tls_server_hello_x509(&args, GFP_KERNEL);
		} else {
			args.ta_peername = peername;
			err = tls_client_hello_x509(&args, GFP_KERNEL);
		}
	} else {
		args.ta_num_peerids = 1;
		args.ta_my_peerids[0] = psk_key;
		if (server)
			err = tls_server_hello_psk(&args, GFP_KERNEL);
		else
			err = tls_client_hello_psk(&args, GFP_KERNEL);
	}
	if (err)
		return err;

	end = jiffies + msecs_to_jiffies(timeout_ms + QS_HANDSHAKE_GRACE_MS);
	while (!wait_for_completion_timeout(&s->hs_done, QS_SLICE)) {
		if (!qs_should_stop() && time_before(jiffies, end))
			continue;
		if (tls_handshake_cancel((*sockp)->sk))
			return qs_should_stop() ? -ECANCELED : -ETIMEDOUT;
		/* too late to cancel: ta_done runs or has run */
		wait_for_completion(&s->hs_done);
		break;
	}
	return s->hs_status;
}

/* after the handshake, the ALPN the socket reports */
static void qs_log_handshake(struct qs_side *s, struct socket *sock)
{
	char name[QS_ALPN_MAX + 1];
	unsigned int len = QS_ALPN_MAX;

	if (quic_kernel_getsockopt(sock->sk, QUIC_SOCKOPT_ALPN, name, &len))
		len = 0;
	name[len] = '\0';
	pr_info("%s: handshake done, alpn %s\n", s->name, len ? name : "none");
}

/* Send @len bytes (may be 0 with a FIN) on stream @sid with @sflags. */
static int qs_send(struct socket *sock, const void *data, size_t len,
		   s64 sid, u32 sflags, unsigned long end)
{
	union {
		struct cmsghdr hdr;
		u8 buf[CMSG_SPACE(sizeof(struct quic_stream_info))];
	} ctl;
	struct quic_stream_info info;
	struct msghdr mh;
	struct cmsghdr *cmsg;
	struct kvec iov;
	size_t done = 0;
	long left;
	int n;

	do {
		left = (long)(end - jiffies);
		if (left <= 0)
			return -ETIMEDOUT;
		WRITE_ONCE(sock->sk->sk_sndtimeo, left);

		memset(&ctl, 0, sizeof(ctl));
		memset(&mh, 0, sizeof(mh));
		mh.msg_control = &ctl;
		mh.msg_controllen = sizeof(ctl);
		cmsg = CMSG_FIRSTHDR(&mh);
		cmsg->cmsg_level = SOL_QUIC;
		cmsg->cmsg_type = QUIC_STREAM_INFO;
		cmsg->cmsg_len = CMSG_LEN(sizeof(info));
		info.stream_id = sid;
		info.stream_flags = sflags;
		memcpy(CMSG_DATA(cmsg), &info, sizeof(info));

		iov.iov_base = (void *)data + done;
		iov.iov_len = len - done;
		n = kernel_sendmsg(sock, &mh, &iov, 1, len - done);
		if (n == -EAGAIN)
			return -ETIMEDOUT;
		if (n < 0)
			return n;
		done += n;
		/* the stream is open now; -1 names the latest one */
		sflags &= ~MSG_QUIC_STREAM_NEW;
	} while (done < len);
	return done;
}

/* what came with a piece of data */
struct qs_piece {
	s64 sid;	/* -1: not stream data */
	u32 flags;	/* stream flags: MSG_QUIC_STREAM_FIN */
	bool crypto;	/* TLS data after the handshake (a session ticket) */
};

/* One recvmsg(): the data of one stream, or TLS data, or 0 at close. */
static int qs_recv(struct socket *sock, void *buf, size_t len,
		   struct qs_piece *p, unsigned long end)
{
	union {
		struct cmsghdr hdr;
		u8 buf[CMSG_SPACE(sizeof(struct quic_stream_info)) +
		       CMSG_SPACE(sizeof(struct quic_handshake_info))];
	} ctl;
	struct quic_stream_info info;
	struct cmsghdr *cmsg;
	struct msghdr mh;
	struct kvec iov;
	int n;

	do {
		if (qs_should_stop())
			return -ECANCELED;
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
		memset(&mh, 0, sizeof(mh));
		mh.msg_control = &ctl;
		mh.msg_controllen = sizeof(ctl);
		iov.iov_base = buf;
		iov.iov_len = len;
		n = kernel_recvmsg(sock, &mh, &iov, 1, len, 0);
	} while (n == -EAGAIN);
	if (n < 0)
		return n;

	p->sid = -1;
	p->flags = 0;
	p->crypto = false;
	/* put_cmsg() moved msg_control past what it wrote */
	mh.msg_controllen = (u8 *)mh.msg_control - ctl.buf;
	mh.msg_control = &ctl;
	for_each_cmsghdr(cmsg, &mh) {
		if (cmsg->cmsg_level != SOL_QUIC)
			continue;
		if (cmsg->cmsg_type == QUIC_HANDSHAKE_INFO) {
			p->crypto = true;
		} else if (cmsg->cmsg_type == QUIC_STREAM_INFO &&
			   cmsg->cmsg_len >= CMSG_LEN(sizeof(info))) {
			memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
			p->sid = info.stream_id;
			p->flags = info.stream_flags;
		}
	}
	return n;
}

static int qs_wait(struct completion *c)
{
	unsigned long end = jiffies + msecs_to_jiffies(timeout_ms);

	while (!wait_for_completion_timeout(c, QS_SLICE)) {
		if (qs_should_stop())
			return -ECANCELED;
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
	}
	return 0;
}

static int qs_client_run(struct qs_side *s)
{
	size_t len = strlen(msg), got = 0;
	unsigned int dport = port;
	struct socket *sock = NULL;
	struct sockaddr_in sin;
	struct qs_piece p;
	unsigned long end;
	u8 *buf;
	int err;
	int n;

	s->step = "alloc";
	buf = kmalloc(len + 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (qs_pair) {
		s->step = "wait_server";
		err = qs_wait(&qs_listening);
		if (err)
			goto out;
		dport = READ_ONCE(qs_bound_port);
	}
	err = qs_socket(s, &sock);
	if (err)
		goto out;

	/* sends nothing: the agent's ClientHello starts the connection */
	s->step = "connect";
	qs_sockaddr(&sin, dport);
	/* struct sockaddr before 6.19, struct sockaddr_unsized after */
	err = kernel_connect(sock, (void *)&sin, sizeof(sin), 0);
	if (err)
		goto out;
	err = qs_handshake(s, &sock);
	if (err)
		goto out;
	qs_log_handshake(s, sock);

	end = jiffies + msecs_to_jiffies(timeout_ms);
	s->step = "send";
	n = qs_send(sock, msg, len, -1,
		    MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN, end);
	if (n < 0) {
		err = n;
		goto out;
	}
	s->step = "recv";
	for (;;) {
		n = qs_recv(sock, buf + got, len + 1 - got, &p, end);
		if (n < 0) {
			err = n;
			goto out;
		}
		if (p.crypto)
			continue;	/* a session ticket: nobody wants it */
		if (p.sid < 0) {
			if (n)
				continue;
			err = -ECONNRESET;	/* closed before the FIN */
			goto out;
		}
		got += n;
		if (p.flags & MSG_QUIC_STREAM_FIN)
			break;
		if (got > len)
			break;
	}
	s->step = "echo";
	if (got != len || memcmp(buf, msg, len)) {
		err = got > len ? -EMSGSIZE : -EBADMSG;
		goto out;
	}
	s->echoed = got;
	err = 0;
out:
	qs_release(&sock);
	kfree(buf);
	return err;
}

/* The client closes once it has the whole echo: wait for that (recvmsg()
 * returns 0 or fails), so that nothing still in flight is dropped.
 */
static void qs_wait_close(struct socket *sock, u8 *buf)
{
	unsigned long end = jiffies + msecs_to_jiffies(timeout_ms);
	struct qs_piece p;
	int n;

	do {
		n = qs_recv(sock, buf, QS_CHUNK, &p, end);
	} while (n > 0 || (!n && (p.crypto || p.sid >= 0)));
}

static int qs_echo(struct qs_side *s, struct socket *sock, u8 *buf)
{
	unsigned long end = jiffies + msecs_to_jiffies(timeout_ms);
	struct qs_piece p;
	s64 sid = -1;
	bool fin;
	int n;

	for (;;) {
		s->step = "recv";
		n = qs_recv(sock, buf, QS_CHUNK, &p, end);
		if (n < 0)
			return n;
		if (p.crypto)
			continue;
		if (p.sid < 0) {
			if (n)
				continue;
			return -ECONNRESET;	/* closed before the FIN */
		}
		if (sid < 0)
			sid = p.sid;
		if (p.sid != sid)
			return -EPROTO;		/* the echo uses one stream */
		fin = p.flags & MSG_QUIC_STREAM_FIN;
		if (n || fin) {
			s->step = "send";
			n = qs_send(sock, buf, n, sid,
				    fin ? MSG_QUIC_STREAM_FIN : 0, end);
			if (n < 0)
				return n;
		}
		s->echoed += n;
		if (fin)
			return 0;
		/* the limit is for a stall, not for the whole echo */
		end = jiffies + msecs_to_jiffies(timeout_ms);
	}
}

static int qs_server_run(struct qs_side *s)
{
	struct socket *lsock = NULL, *sock = NULL, *nsock;
	struct sockaddr_in sin;
	unsigned long end;
	u8 *buf;
	int err;

	s->step = "alloc";
	buf = kmalloc(QS_CHUNK, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	/* the listener's ALPN goes to the connections it accepts */
	err = qs_socket(s, &lsock);
	if (err)
		goto out;
	s->step = "bind";
	qs_sockaddr(&sin, port);
	err = kernel_bind(lsock, (void *)&sin, sizeof(sin));
	if (err)
		goto out;
	s->step = "listen";
	err = kernel_listen(lsock, 1);
	if (err)
		goto out;
	WRITE_ONCE(qs_bound_port, ntohs(inet_sk(lsock->sk)->inet_sport));
	complete_all(&qs_listening);
	pr_info("server: listening on %pI4:%d\n", &qs_addr,
		READ_ONCE(qs_bound_port));

	/* a connection is there as soon as its first Initial arrived */
	s->step = "accept";
	end = jiffies + msecs_to_jiffies(timeout_ms);
	do {
		err = -ECANCELED;
		if (qs_should_stop())
			goto out;
		err = -ETIMEDOUT;
		if (time_after(jiffies, end))
			goto out;
		nsock = NULL;
		err = kernel_accept(lsock, &nsock, 0);
	} while (err == -EAGAIN);
	if (err)
		goto out;
	sock = nsock;
	WRITE_ONCE(sock->sk->sk_rcvtimeo, QS_SLICE);
	err = qs_handshake(s, &sock);
	if (err)
		goto out;
	qs_log_handshake(s, sock);

	err = qs_echo(s, sock, buf);
	if (err)
		goto out;
	s->step = "close";
	qs_wait_close(sock, buf);
out:
	qs_release(&sock);
	qs_release(&lsock);
	kfree(buf);
	return err;
}

/* Record how @s ended; the last side to end sets the result. */
static void qs_finish(struct qs_side *s)
{
	const char *who = qs_pair ? "pair" : s->name;
	struct qs_side *f;

	mutex_lock(&qs_lock);
	if (s->err) {
		if (!qs_failed)
			qs_failed = s;
		WRITE_ONCE(qs_abort, true);	/* stop the other side */
	}
	if (qs_pair) {
		if (s->err)
			pr_info("%s: %s %d\n", s->name, s->step, s->err);
		else
			pr_info("%s: echoed %zu bytes\n", s->name, s->echoed);
	}
	if (!--qs_running) {
		f = qs_failed;
		if (f)
			qs_set_result(false, "error %s: %s%s%s %d", who,
				      qs_pair ? f->name : "",
				      qs_pair ? " " : "", f->step, f->err);
		else
			qs_set_result(true, "ok %s: echoed %zu bytes", who,
				      qs_pair ? qs_client.echoed : s->echoed);
	}
	mutex_unlock(&qs_lock);
}

static int qs_thread(void *data)
{
	struct qs_side *s = data;

	if (s == &qs_server)
		s->err = qs_server_run(s);
	else
		s->err = qs_client_run(s);
	qs_finish(s);

	/* module exit stops the thread */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static int qs_check_params(bool *client, bool *server)
{
	size_t n;

	*client = !strcmp(role, "client") || !strcmp(role, "pair");
	*server = !strcmp(role, "server") || !strcmp(role, "pair");
	if (!*client && !*server) {
		pr_err("role must be client, server or pair, not '%s'\n", role);
		return -EINVAL;
	}
	if (strcmp(auth, "psk") && strcmp(auth, "x509")) {
		pr_err("auth must be psk or x509, not '%s'\n", auth);
		return -EINVAL;
	}
	if (!in4_pton(addr, -1, (u8 *)&qs_addr, -1, NULL)) {
		pr_err("addr must be an IPv4 address, not '%s'\n", addr);
		return -EINVAL;
	}
	if (port > 65535 || (!port && !*server)) {
		pr_err("port must be 1..65535 for a client (0 for a server: any), not %u\n",
		       port);
		return -EINVAL;
	}
	n = strlen(alpn);
	if (!n || n > QS_ALPN_MAX) {
		pr_err("alpn must be 1..%d bytes\n", QS_ALPN_MAX);
		return -EINVAL;
	}
	n = strlen(msg);
	if (!n || n > QS_MSG_MAX) {
		pr_err("msg must be 1..%d bytes\n", QS_MSG_MAX);
		return -EINVAL;
	}
	if (!*peername) {
		pr_err("peername must not be empty\n");
		return -EINVAL;
	}
	if (timeout_ms < 100 || timeout_ms > 600000) {
		pr_err("timeout_ms must be 100..600000, not %u\n", timeout_ms);
		return -EINVAL;
	}
	return 0;
}

static int __init qs_init(void)
{
	struct task_struct *task;
	bool client, server;
	int err;

	err = qs_check_params(&client, &server);
	if (err)
		return err;
	qs_pair = client && server;
	qs_x509 = !strcmp(auth, "x509");
	qs_running = client + server;
	init_completion(&qs_client.hs_done);
	init_completion(&qs_server.hs_done);

	if (server) {
		task = kthread_run(qs_thread, &qs_server, "quic_sample_srv");
		if (IS_ERR(task))
			return PTR_ERR(task);
		qs_server.task = task;
	}
	if (client) {
		task = kthread_run(qs_thread, &qs_client, "quic_sample_cli");
		if (IS_ERR(task)) {
			if (qs_server.task) {
				WRITE_ONCE(qs_abort, true);
				kthread_stop(qs_server.task);
			}
			return PTR_ERR(task);
		}
		qs_client.task = task;
	}
	pr_info("%s started (%s, %s:%u)\n", role, auth, addr, port);
	return 0;
}

static void __exit qs_exit(void)
{
	WRITE_ONCE(qs_abort, true);
	if (qs_client.task)
		kthread_stop(qs_client.task);
	if (qs_server.task)
		kthread_stop(qs_server.task);
}

module_init(qs_init);
module_exit(qs_exit);

MODULE_DESCRIPTION("Sample kernel consumer of in-kernel QUIC: echo client and server with the TLS handshake through net/handshake");
MODULE_AUTHOR("The in-kernel QUIC project");
MODULE_LICENSE("GPL");
