// SPDX-License-Identifier: GPL-2.0-or-later
/* The QUIC socket: struct proto and proto_ops for AF_INET and AF_INET6,
 * socket creation and destruction, bind() onto a shared UDP tunnel socket,
 * and the calls whose protocol work later parts of the module bring.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <net/inet_common.h>
#include <net/ipv6.h>
#include <net/transp_v6.h>

#include "compat.h"
#include "conn.h"
#include "sysctl.h"

LIST_HEAD(quic_sk_list);
DEFINE_SPINLOCK(quic_sk_list_lock);

static int quic_init_sock(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	INIT_LIST_HEAD(&qs->node);
	quic_sock_defaults(qs);
	sk->sk_sndbuf = READ_ONCE(sysctl_quic_wmem[1]);
	sk->sk_rcvbuf = READ_ONCE(sysctl_quic_rmem[1]);
	quic_conn_init(sk);
	sk->sk_state = QUIC_SS_CLOSED;

	spin_lock_bh(&quic_sk_list_lock);
	list_add_tail(&qs->node, &quic_sk_list);
	spin_unlock_bh(&quic_sk_list_lock);
	return 0;
}

static void quic_destroy_sock(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	spin_lock_bh(&quic_sk_list_lock);
	list_del_init(&qs->node);
	spin_unlock_bh(&quic_sk_list_lock);

	quic_conn_free(sk);
	if (qs->udp_sk) {
		quic_udp_sock_put(qs->udp_sk);
		qs->udp_sk = NULL;
	}
	quic_sock_free_data(qs);
}

static void quic_close(struct sock *sk, long timeout)
{
	lock_sock(sk);
	quic_listen_del(sk);
	if (timeout)
		quic_conn_linger(sk, timeout);
	if (sk->sk_state != QUIC_SS_CLOSED)
		quic_conn_close_user(sk);
	sk->sk_state = QUIC_SS_CLOSED;
	if (quic_conn_keep_closing(sk)) {
		release_sock(sk);
		return;
	}
	release_sock(sk);
	sk_common_release(sk);
}

/* the inet fields getsockname() and /proc read */
void quic_sock_set_local(struct sock *sk, const union quic_addr *a)
{
	struct inet_sock *inet = inet_sk(sk);

	if (sk->sk_family == AF_INET) {
		inet->inet_rcv_saddr = a->v4.sin_addr.s_addr;
		inet->inet_saddr = a->v4.sin_addr.s_addr;
		inet->inet_sport = a->v4.sin_port;
	} else {
		sk->sk_v6_rcv_saddr = a->v6.sin6_addr;
		inet6_sk(sk)->saddr = a->v6.sin6_addr;
		inet->inet_sport = a->v6.sin6_port;
	}
	inet->inet_num = ntohs(inet->inet_sport);
}

void quic_sock_set_peer(struct sock *sk, const union quic_addr *a)
{
	struct inet_sock *inet = inet_sk(sk);

	if (sk->sk_family == AF_INET) {
		inet->inet_daddr = a->v4.sin_addr.s_addr;
		inet->inet_dport = a->v4.sin_port;
	} else {
		sk->sk_v6_daddr = a->v6.sin6_addr;
		inet->inet_dport = a->v6.sin6_port;
	}
}

/* Copy and check a user's address for a socket of sk->sk_family. */
static int quic_get_addr(struct sock *sk, struct sockaddr *uaddr, int len,
			 union quic_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (len < (int)sizeof(uaddr->sa_family))
		return -EINVAL;
	if (uaddr->sa_family != sk->sk_family)
		return -EAFNOSUPPORT;
	if (sk->sk_family == AF_INET) {
		if (len < (int)sizeof(struct sockaddr_in))
			return -EINVAL;
		memcpy(&a->v4, uaddr, sizeof(a->v4));
		if (ipv4_is_multicast(a->v4.sin_addr.s_addr) ||
		    ipv4_is_lbcast(a->v4.sin_addr.s_addr))
			return -EADDRNOTAVAIL;
		return 0;
	}
	if (len < SIN6_LEN_RFC2133)
		return -EINVAL;
	memcpy(&a->v6, uaddr, min_t(int, len, sizeof(a->v6)));
	if (ipv6_addr_is_multicast(&a->v6.sin6_addr))
		return -EADDRNOTAVAIL;
	/* IPv4-mapped addresses are reached through AF_INET sockets */
	if (ipv6_addr_v4mapped(&a->v6.sin6_addr))
		return -EAFNOSUPPORT;
	return 0;
}

/* take a tunnel socket for @a and set the socket's local address */
static int quic_do_bind(struct sock *sk, union quic_addr *a, int ifindex)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_udp_sock *us;

	us = quic_udp_sock_get(sock_net(sk), a, ifindex,
			       sk->sk_family == AF_INET6 && sk->sk_ipv6only);
	if (IS_ERR(us))
		return PTR_ERR(us);
	qs->udp_sk = us;
	sk->sk_bound_dev_if = ifindex;
	quic_sock_set_local(sk, &us->addr);
	return 0;
}

static int quic_bind(struct sock *sk, QUIC_SOCKADDR_ARG *uaddr, int addr_len)
{
	struct sockaddr *addr = (struct sockaddr *)uaddr;
	struct quic_sock *qs = quic_sk(sk);
	union quic_addr a;
	int ifindex, err;

	lock_sock(sk);
	err = -EINVAL;
	if (qs->udp_sk || sk->sk_state != QUIC_SS_CLOSED)
		goto out;
	err = quic_get_addr(sk, addr, addr_len, &a);
	if (err)
		goto out;

	ifindex = sk->sk_bound_dev_if;
	if (sk->sk_family == AF_INET6 &&
	    ipv6_addr_type(&a.v6.sin6_addr) & IPV6_ADDR_LINKLOCAL) {
		err = -EINVAL;
		if (!a.v6.sin6_scope_id && !ifindex)
			goto out;
		if (a.v6.sin6_scope_id) {
			if (ifindex && ifindex != (int)a.v6.sin6_scope_id)
				goto out;
			ifindex = a.v6.sin6_scope_id;
		}
	}

	err = quic_do_bind(sk, &a, ifindex);
out:
	release_sock(sk);
	return err;
}

/* an unbound socket gets a wildcard address and a free port, as UDP */
static int quic_autobind(struct sock *sk)
{
	union quic_addr a;

	if (quic_sk(sk)->udp_sk)
		return 0;
	memset(&a, 0, sizeof(a));
	a.sa.sa_family = sk->sk_family;
	return quic_do_bind(sk, &a, sk->sk_bound_dev_if);
}

/* connect(): start the connection; userspace TLS then sends the
 * ClientHello with sendmsg() (the kernel sends nothing before that)
 */
static int quic_inet_connect(struct socket *sock, QUIC_SOCKADDR_ARG *uaddr,
			     int addr_len, int flags)
{
	struct sock *sk = sock->sk;
	struct quic_sock *qs = quic_sk(sk);
	union quic_addr a;
	int err;

	lock_sock(sk);
	err = -EISCONN;
	if (qs->dcids.active)
		goto out;
	err = -EINVAL;
	if (sk->sk_state != QUIC_SS_CLOSED)
		goto out;
	err = quic_get_addr(sk, (struct sockaddr *)uaddr, addr_len, &a);
	if (err)
		goto out;
	err = -EINVAL;
	if (!(sk->sk_family == AF_INET ? a.v4.sin_port : a.v6.sin6_port))
		goto out;
	err = quic_autobind(sk);
	if (err)
		goto out;
	err = quic_conn_connect(sk, &a);
	if (err)
		goto out;
	quic_sock_set_peer(sk, &a);
	sk->sk_state = QUIC_SS_ESTABLISHING;
	sock->state = SS_CONNECTING;
out:
	release_sock(sk);
	return err;
}

static int quic_inet_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	int err;

	lock_sock(sk);
	err = -EINVAL;
	if (sock->state != SS_UNCONNECTED || quic_sk(sk)->dcids.active)
		goto out;
	if (sk->sk_state == QUIC_SS_LISTENING) {
		WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
		err = 0;
		goto out;
	}
	if (sk->sk_state != QUIC_SS_CLOSED)
		goto out;
	err = quic_autobind(sk);
	if (err)
		goto out;
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	sk->sk_state = QUIC_SS_LISTENING;
	quic_listen_add(sk);
out:
	release_sock(sk);
	return err;
}

static int quic_data_set_copy(struct quic_data *d, const struct quic_data *s)
{
	if (!s->len)
		return 0;
	d->data = kmemdup(s->data, s->len, GFP_KERNEL);
	if (!d->data)
		return -ENOMEM;
	d->len = s->len;
	return 0;
}

/* the new socket of an accepted connection inherits the listener's
 * settings and shares its tunnel socket
 */
static int quic_accept_setup(struct sock *lsk, struct sock *sk,
			     struct quic_request *req)
{
	struct quic_sock *lqs = quic_sk(lsk), *qs = quic_sk(sk);
	int err;

	qs->config = lqs->config;
	qs->local = lqs->local;
	qs->events = lqs->events;
	/* buffer sizes set on the listener, as TCP */
	sk->sk_sndbuf = READ_ONCE(lsk->sk_sndbuf);
	sk->sk_rcvbuf = READ_ONCE(lsk->sk_rcvbuf);
	sk->sk_userlocks |= lsk->sk_userlocks &
			    (SOCK_SNDBUF_LOCK | SOCK_RCVBUF_LOCK);
	err = quic_data_set_copy(&qs->alpn, &lqs->alpn);
	err = err ?: quic_data_set_copy(&qs->ticket, &lqs->ticket);
	if (err)
		return err;
	quic_udp_sock_hold(lqs->udp_sk);
	qs->udp_sk = lqs->udp_sk;
	sk->sk_bound_dev_if = lsk->sk_bound_dev_if;
	quic_sock_set_local(sk, &req->local);
	inet_sk(sk)->inet_sport = inet_sk(lsk)->inet_sport;
	quic_sock_set_peer(sk, &req->peer);
	return quic_conn_accept(sk, req);
}

/* accept(): a connection whose client Initial arrived; the application
 * then runs the server side of the TLS handshake on it
 */
static int quic_inet_accept(struct socket *sock, struct socket *newsock,
			    QUIC_ACCEPT_ARGS)
{
	struct sock *sk = sock->sk, *nsk;
	struct quic_sock *qs = quic_sk(sk);
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct quic_request *req;
	struct socket *tmp;
	long timeo;
	int err;

	lock_sock(sk);
	err = -EINVAL;
	if (sk->sk_state != QUIC_SS_LISTENING)
		goto out;
	timeo = sock_rcvtimeo(sk, QUIC_ACCEPT_FLAGS & O_NONBLOCK);
again:
	while (list_empty(&qs->reqs)) {
		err = -EAGAIN;
		if (!timeo)
			goto out;
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			goto out;
		add_wait_queue(sk_sleep(sk), &wait);
		sk_wait_event(sk, &timeo, !list_empty(&qs->reqs) ||
			      sk->sk_state != QUIC_SS_LISTENING, &wait);
		remove_wait_queue(sk_sleep(sk), &wait);
		err = -EINVAL;
		if (sk->sk_state != QUIC_SS_LISTENING)
			goto out;
	}
	req = list_first_entry(&qs->reqs, struct quic_request, list);
	list_del(&req->list);
	sk_acceptq_removed(sk);

	/* a socket made the way socket() makes one, moved to @newsock
	 * once its first Initial proved to be a real one
	 */
	err = __sock_create(sock_net(sk), sk->sk_family, sk->sk_type,
			    IPPROTO_QUIC, &tmp, QUIC_ACCEPT_KERN);
	if (err) {
		quic_request_free(req);
		goto out;
	}
	nsk = tmp->sk;
	lock_sock_nested(nsk, SINGLE_DEPTH_NESTING);
	err = quic_accept_setup(sk, nsk, req);
	quic_request_free(req);
	/* a real Initial is one that decrypted: its CRYPTO data may start
	 * past offset 0 (a ClientHello over two Initials whose first was
	 * lost), and its ACK already told the client our connection ID, to
	 * which the rest of the ClientHello now goes
	 */
	if (err || nsk->sk_state != QUIC_SS_ESTABLISHING ||
	    !quic_sk(nsk)->pns[QUIC_PNS_INITIAL].nrecv) {
		/* no packet decrypted: drop it without a word */
		nsk->sk_state = QUIC_SS_CLOSED;
		release_sock(nsk);
		sock_release(tmp);
		if (err == -ENOMEM)
			goto out;
		goto again;
	}
	release_sock(nsk);
	sock_graft(nsk, newsock);
	tmp->sk = NULL;
	sock_release(tmp);
	newsock->state = SS_CONNECTED;
	err = 0;
out:
	release_sock(sk);
	return err;
}

static int quic_cmsg_parse(struct msghdr *msg, struct quic_handshake_info **hs,
			   struct quic_stream_info **si)
{
	struct cmsghdr *cmsg;

	*hs = NULL;
	*si = NULL;
	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg))
			return -EINVAL;
		if (cmsg->cmsg_level != SOL_QUIC)
			continue;
		switch (cmsg->cmsg_type) {
		case QUIC_HANDSHAKE_INFO:
			if (cmsg->cmsg_len != CMSG_LEN(sizeof(**hs)))
				return -EINVAL;
			*hs = CMSG_DATA(cmsg);
			break;
		case QUIC_STREAM_INFO:
			if (cmsg->cmsg_len != CMSG_LEN(sizeof(**si)))
				return -EINVAL;
			*si = CMSG_DATA(cmsg);
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static int quic_pns_of_level(u8 level)
{
	switch (level) {
	case QUIC_CRYPTO_INITIAL:
		return QUIC_PNS_INITIAL;
	case QUIC_CRYPTO_HANDSHAKE:
		return QUIC_PNS_HANDSHAKE;
	case QUIC_CRYPTO_APP:
		return QUIC_PNS_APP;
	}
	return -EINVAL;
}

/* TLS handshake messages from userspace, carried in CRYPTO frames */
static int quic_send_handshake(struct sock *sk, struct msghdr *msg,
			       size_t len, u8 level)
{
	struct quic_sock *qs = quic_sk(sk);
	int pns = quic_pns_of_level(level), err;
	u8 *buf;

	if (pns < 0)
		return -EINVAL;
	if (!qs->dcids.active || sk->sk_state == QUIC_SS_CLOSED)
		return sk->sk_err ? -sk->sk_err : -ENOTCONN;
	if (!len)
		return 0;
	if (len > QUIC_CSTREAM_BUF_MAX)
		return -EMSGSIZE;
	buf = kmalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	err = -EFAULT;
	if (!copy_from_iter_full(buf, len, &msg->msg_iter))
		goto out;
	err = quic_cstream_queue(&qs->cs[pns], buf, len, GFP_KERNEL);
	if (err)
		goto out;
	quic_output(sk);
	quic_timer_update(sk);
	err = len;
out:
	kfree(buf);
	return err;
}

/* may @len more bytes be queued on @s? The socket's send buffer bounds
 * what all streams hold; one chunk may go over it, so that any size of
 * SO_SNDBUF makes progress
 */
static bool quic_stream_room(struct sock *sk, struct quic_stream *s, u32 len)
{
	return sk->sk_wmem_queued < READ_ONCE(sk->sk_sndbuf) &&
	       s->data.send_end - s->data.acked_off + len <= s->data.send_limit;
}

/* bytes the peer's stream limit still covers beyond what is queued */
static u64 quic_stream_credit(const struct quic_stream *s)
{
	return s->send_max > s->data.send_end ?
	       s->send_max - s->data.send_end : 0;
}

/* bytes queued per step of a send: then what the window allows goes out */
#define QUIC_SEND_CHUNK		(64 * 1024)

static int quic_copy_iter(void *to, u32 len, void *arg)
{
	return copy_from_iter_full(to, len, arg) ? 0 : -EFAULT;
}

/**
 * quic_stream_open_wait - the stream @id, opened now if it is a new one of
 *	ours, waiting while the peer's stream limit holds it up
 * @sk: established connection socket, locked
 * @id: stream ID
 * @sflags: MSG_QUIC_STREAM_* (MSG_QUIC_STREAM_DONTWAIT: do not wait)
 * @timeo: how long to wait (0: not at all)
 *
 * Return: the stream or an ERR_PTR: -EAGAIN (limit reached and no waiting,
 * or the timeout expired), -EINTR/-ERESTARTSYS, -EINVAL, -ENOMEM, ...
 */
struct quic_stream *quic_stream_open_wait(struct sock *sk, s64 id, u32 sflags,
					  long *timeo)
{
	struct quic_stream_table *t = &quic_sk(sk)->streams;
	struct quic_stream *s;
	long nowait = 0;
	int err;

	if (sflags & MSG_QUIC_STREAM_DONTWAIT)
		timeo = &nowait;
	for (;;) {
		s = quic_stream_find(t, id);
		if (s)
			return s;
		s = quic_stream_open(t, id, sflags, GFP_KERNEL);
		if (!IS_ERR(s) || PTR_ERR(s) != -EAGAIN)
			return s;
		/* STREAMS_BLOCKED tells the peer why we wait */
		quic_stream_open_blocked(t, id);
		quic_output(sk);
		err = quic_wait(sk, timeo, !quic_stream_open_blocked(t, id));
		if (err)
			return ERR_PTR(err);
	}
}

static int quic_send_stream(struct sock *sk, struct msghdr *msg, size_t len,
			    struct quic_stream_info *si)
{
	struct quic_sock *qs = quic_sk(sk);
	u32 sflags = si ? si->stream_flags : msg->msg_flags;
	s64 sid = si ? si->stream_id : -1;
	long timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	struct quic_stream *s;
	size_t done = 0, n;
	bool fin;
	s64 id;
	int err;

	/* during the handshake, data waits for it unless 0-RTT can take
	 * it (zerortt.c), as TCP Fast Open's
	 */
	while (sk->sk_state == QUIC_SS_ESTABLISHING && !quic_zrtt_open(sk)) {
		err = quic_wait(sk, &timeo, sk->sk_state != QUIC_SS_ESTABLISHING ||
				quic_zrtt_open(sk));
		if (err)
			return err;
	}
	if (sk->sk_state != QUIC_SS_ESTABLISHED && !quic_zrtt_open(sk))
		return sk->sk_err ? -sk->sk_err : -ENOTCONN;
	err = quic_stream_send_id(&qs->streams, sid, sflags, &id);
	if (err)
		return err;
	s = quic_stream_open_wait(sk, id, sflags, &timeo);
	if (IS_ERR(s))
		return PTR_ERR(s);
	if ((id & QUIC_STREAM_TYPE_UNI_MASK) &&
	    !!(id & QUIC_STREAM_TYPE_SERVER_MASK) != quic_is_serv(qs))
		return -EINVAL;	/* the peer's unidirectional stream */
	if (s->reset)
		return -EINVAL;	/* reset by us or stopped by the peer */
	qs->streams.last = id;
	do {
		n = min_t(size_t, len - done, QUIC_SEND_CHUNK);
		/* MSG_QUIC_STREAM_SNDBLOCK: queue only what the peer's
		 * stream credit covers, and wait for more credit
		 */
		while ((sflags & MSG_QUIC_STREAM_SNDBLOCK) && n &&
		       (s = quic_stream_find(&qs->streams, id)) && !s->reset &&
		       !quic_stream_credit(s)) {
			quic_output(sk);
			err = quic_wait(sk, &timeo,
					!(s = quic_stream_find(&qs->streams,
							       id)) ||
					s->reset || quic_stream_credit(s));
			if (err)
				goto out;
		}
		if ((sflags & MSG_QUIC_STREAM_SNDBLOCK) && s && !s->reset)
			n = min_t(size_t, n, quic_stream_credit(s));
		fin = (sflags & MSG_QUIC_STREAM_FIN) && done + n == len;
		while (!(s = quic_stream_find(&qs->streams, id)) ||
		       s->reset || !quic_stream_room(sk, s, n)) {
			if (!s || s->reset) {
				err = s ? -EINVAL : -EPIPE;
				goto out;
			}
			quic_output(sk);
			err = quic_wait(sk, &timeo,
					!(s = quic_stream_find(&qs->streams,
							       id)) ||
					s->reset || quic_stream_room(sk, s, n));
			if (err)
				goto out;
		}
		/* user memory goes straight into the stream's buffer */
		err = quic_stream_queue(&qs->streams, s, n, quic_copy_iter,
					&msg->msg_iter, fin);
		if (err)
			goto out;
		done += n;
		quic_output(sk);
	} while (done < len);
	err = 0;
out:
	quic_timer_update(sk);
	if (done)
		return done;
	return err;
}

static int quic_send_dgram(struct sock *sk, struct msghdr *msg, size_t len)
{
	long timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	int err;

	/* during the handshake, data waits for it unless 0-RTT can take
	 * it (zerortt.c), as TCP Fast Open's
	 */
	while (sk->sk_state == QUIC_SS_ESTABLISHING && !quic_zrtt_open(sk)) {
		err = quic_wait(sk, &timeo, sk->sk_state != QUIC_SS_ESTABLISHING ||
				quic_zrtt_open(sk));
		if (err)
			return err;
	}
	if (sk->sk_state != QUIC_SS_ESTABLISHED && !quic_zrtt_open(sk))
		return sk->sk_err ? -sk->sk_err : -ENOTCONN;
	return quic_dgram_send(sk, msg, len, &timeo);
}

static int quic_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct quic_handshake_info *hs;
	struct quic_stream_info *si;
	int err;

	lock_sock(sk);
	err = quic_cmsg_parse(msg, &hs, &si);
	if (err)
		goto out;
	if (sk->sk_err) {
		err = sock_error(sk);
		goto out;
	}
	/* after shutdown() or the end of the connection, as TCP (no
	 * SIGPIPE: see quic(7))
	 */
	err = -EPIPE;
	if (sk->sk_shutdown & SEND_SHUTDOWN)
		goto out;
	if (hs)
		err = quic_send_handshake(sk, msg, len, hs->crypto_level);
	else if (!quic_sk(sk)->dcids.active)
		err = -ENOTCONN;
	else if (msg->msg_flags & MSG_QUIC_DATAGRAM)
		err = quic_send_dgram(sk, msg, len);
	else
		err = quic_send_stream(sk, msg, len, si);
out:
	release_sock(sk);
	return err;
}

/* the level with a whole TLS message to read, or -1 */
static int quic_recv_hs_pns(struct quic_sock *qs, int *mlen)
{
	int pns;

	for (pns = 0; pns < QUIC_PNS_MAX; pns++) {
		*mlen = quic_cstream_msg_len(&qs->cs[pns]);
		if (*mlen)
			return pns;
	}
	return -1;
}

static bool quic_recv_ready(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	int mlen;

	if (quic_recv_hs_pns(qs, &mlen) >= 0 || !skb_queue_empty(&qs->evq))
		return true;
	/* 0-RTT data waits for the end of the handshake: its reader is the
	 * TLS library until then
	 */
	if (sk->sk_state == QUIC_SS_ESTABLISHING)
		return false;
	return !skb_queue_empty(&qs->dgq) ||
	       quic_stream_readable(&qs->streams);
}

static int quic_recv_handshake(struct sock *sk, struct msghdr *msg,
			       size_t len, int pns, int mlen, int flags)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_handshake_info info = { quic_level_of_pns(pns) };
	struct quic_cstream *cs = &qs->cs[pns];
	u8 ev = QUIC_EVENT_NEW_SESSION_TICKET;
	u32 left = mlen, n, copy, off = 0;
	size_t ulen = len;
	const u8 *p;
	int err;

	if (mlen < 0)
		return -EMSGSIZE;
	/* a client's NewSessionTicket (TLS type 4) after the handshake is
	 * an event when the application switched that on
	 */
	if (pns == QUIC_PNS_APP && !quic_is_serv(qs) &&
	    quic_event_on(sk, ev) && quic_cstream_peek(cs, &p) && p[0] == 4) {
		if (len && copy_to_iter(&ev, 1, &msg->msg_iter) != 1)
			return -EFAULT;
		len = len ? len - 1 : 0;
		mlen++;
		left = mlen - 1;
		msg->msg_flags |= MSG_QUIC_NOTIFICATION | MSG_EOR;
	} else {
		err = put_cmsg(msg, SOL_QUIC, QUIC_HANDSHAKE_INFO, sizeof(info),
			       &info);
		if (err)
			return err;
	}
	while (left) {
		n = min(quic_cstream_peek_at(cs, off, &p), left);
		copy = min_t(size_t, n, len);
		if (copy && copy_to_iter(p, copy, &msg->msg_iter) != copy)
			return -EFAULT;
		len -= copy;
		if (flags & MSG_PEEK)
			off += n;
		else
			quic_cstream_consume(cs, n);
		left -= n;
	}
	if ((size_t)mlen > ulen)
		msg->msg_flags |= MSG_TRUNC;
	return mlen;
}

static int quic_recv_stream(struct sock *sk, struct msghdr *msg, size_t len,
			    struct quic_stream *s, int flags)
{
	bool peek = flags & MSG_PEEK;
	struct quic_sock *qs = quic_sk(sk);
	struct quic_stream_info info = {};
	size_t done = 0, copy;
	const u8 *p;
	u32 n;
	int err;

	/* MSG_PEEK copies from the read offset on and leaves it there */
	while (done < len) {
		n = quic_cstream_peek_at(&s->data, peek ? done : 0, &p);
		if (!n)
			break;
		copy = min_t(size_t, n, len - done);
		if (copy_to_iter(p, copy, &msg->msg_iter) != copy)
			return done ? done : -EFAULT;
		if (!peek)
			quic_cstream_consume(&s->data, copy);
		done += copy;
	}
	info.stream_id = s->id;
	if (s->data.read_off + (peek ? done : 0) == s->recv_final) {
		info.stream_flags = MSG_QUIC_STREAM_FIN;
		msg->msg_flags |= MSG_EOR;
		if (!peek)
			s->fin_read = 1;
	}
	err = put_cmsg(msg, SOL_QUIC, QUIC_STREAM_INFO, sizeof(info), &info);
	if (err || peek)
		return err ?: done;
	quic_stream_consumed(&qs->streams, s, done, quic_now(),
			     qs->rtt.smoothed);
	if (s->fin_read)
		quic_stream_try_free(&qs->streams, s);
	quic_output(sk);
	quic_timer_update(sk);
	return done;
}

static int quic_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			QUIC_RECVMSG_ARGS)
{
	struct quic_sock *qs = quic_sk(sk);
	long timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	struct quic_stream *s;
	int err, pns, mlen;

	lock_sock(sk);
	err = -ENOTCONN;
	if (!qs->dcids.active)
		goto out;
	for (;;) {
		pns = quic_recv_hs_pns(qs, &mlen);
		if (pns >= 0) {
			err = quic_recv_handshake(sk, msg, len, pns, mlen,
						  flags);
			break;
		}
		if (!skb_queue_empty(&qs->evq)) {
			err = quic_queue_recv(sk, &qs->evq, msg, len, flags,
					      MSG_QUIC_NOTIFICATION);
			break;
		}
		if (!skb_queue_empty(&qs->dgq) &&
		    sk->sk_state != QUIC_SS_ESTABLISHING) {
			err = quic_queue_recv(sk, &qs->dgq, msg, len, flags,
					      MSG_QUIC_DATAGRAM);
			break;
		}
		s = sk->sk_state == QUIC_SS_ESTABLISHING ? NULL :
		    quic_stream_readable(&qs->streams);
		if (s) {
			err = quic_recv_stream(sk, msg, len, s, flags);
			break;
		}
		if (sk->sk_err) {
			err = sock_error(sk);
			break;
		}
		err = 0;
		if (sk->sk_state == QUIC_SS_CLOSED ||
		    (sk->sk_shutdown & RCV_SHUTDOWN))
			break;
		err = quic_wait(sk, &timeo, quic_recv_ready(sk));
		/* woken by the end of the connection: what is queued
		 * (events first) comes before the error, which
		 * sock_error() then reports once
		 */
		if (err == -EPIPE || (sk->sk_err && err == -sk->sk_err))
			continue;
		if (err)
			break;
	}
out:
	release_sock(sk);
	return err;
}

static __poll_t quic_inet_poll(struct file *file, struct socket *sock,
			       poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct quic_sock *qs = quic_sk(sk);
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);
	lock_sock(sk);
	if (sk->sk_state == QUIC_SS_LISTENING) {
		if (!list_empty(&qs->reqs))
			mask |= EPOLLIN | EPOLLRDNORM;
		goto out;
	}
	if (sk->sk_err)
		mask |= EPOLLERR;
	/* like TCP, an unconnected socket reports hang-up */
	if (sk->sk_state == QUIC_SS_CLOSED) {
		mask |= EPOLLHUP;
		if (!qs->dcids.active) {
			mask |= EPOLLOUT;
			goto out;
		}
	}
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (quic_recv_ready(sk))
		mask |= EPOLLIN | EPOLLRDNORM;
	/* writable: while connecting (the handshake messages), and when
	 * established with room in the send buffer, as TCP
	 */
	if (sk->sk_state == QUIC_SS_ESTABLISHING ||
	    (sk->sk_state == QUIC_SS_ESTABLISHED &&
	     sk->sk_wmem_queued < READ_ONCE(sk->sk_sndbuf)))
		mask |= EPOLLOUT | EPOLLWRNORM;
	else if (sk->sk_state == QUIC_SS_ESTABLISHED)
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
out:
	release_sock(sk);
	return mask;
}

/* shutdown() of a listening or connecting socket (inet_shutdown() holds
 * the socket lock): stop listening, or abandon the handshake
 */
static int quic_disconnect(struct sock *sk, int flags)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_request *req, *tmp;

	if (sk->sk_state == QUIC_SS_LISTENING) {
		quic_listen_del(sk);
		list_for_each_entry_safe(req, tmp, &qs->reqs, list) {
			list_del(&req->list);
			sk_acceptq_removed(sk);
			quic_request_free(req);
		}
	} else if (qs->dcids.active && sk->sk_state != QUIC_SS_CLOSED) {
		quic_conn_close_user(sk);
	}
	sk->sk_state = QUIC_SS_CLOSED;
	sk->sk_state_change(sk);
	return 0;
}

static int quic_hash(struct sock *sk)
{
	return 0;
}

static void quic_unhash(struct sock *sk)
{
}

#define QUIC_PROTO_COMMON				\
	.owner		= THIS_MODULE,			\
	.init		= quic_init_sock,		\
	.destroy	= quic_destroy_sock,		\
	.close		= quic_close,			\
	.bind		= quic_bind,			\
	.setsockopt	= quic_setsockopt,		\
	.getsockopt	= quic_getsockopt,		\
	.sendmsg	= quic_sendmsg,			\
	.recvmsg	= quic_recvmsg,			\
	.hash		= quic_hash,			\
	.unhash		= quic_unhash,			\
	.backlog_rcv	= quic_backlog_rcv,		\
	.disconnect	= quic_disconnect,		\
	.shutdown	= quic_conn_shutdown,		\
	.no_autobind	= true

struct proto quic_prot = {
	.name		= "QUIC",
	.obj_size	= sizeof(struct quic_sock),
	QUIC_PROTO_COMMON,
};

struct proto quicv6_prot = {
	.name		= "QUICv6",
	.obj_size	= sizeof(struct quic6_sock),
	QUIC_PROTO_IPV6_PINFO_OFFSET(struct quic6_sock, inet6)
	QUIC_PROTO_COMMON,
};

/* the calls both families share; each family adds its own inet helpers */
#define QUIC_PROTO_OPS_COMMON				\
	.owner		= THIS_MODULE,			\
	.connect	= quic_inet_connect,		\
	.socketpair	= sock_no_socketpair,		\
	.accept		= quic_inet_accept,		\
	.poll		= quic_inet_poll,		\
	.gettstamp	= sock_gettstamp,		\
	.listen		= quic_inet_listen,		\
	.shutdown	= inet_shutdown,		\
	.setsockopt	= sock_common_setsockopt,	\
	.getsockopt	= sock_common_getsockopt,	\
	.sendmsg	= inet_sendmsg,			\
	.recvmsg	= inet_recvmsg,			\
	.mmap		= sock_no_mmap

const struct proto_ops quic_proto_ops = {
	.family		= PF_INET,
	.release	= inet_release,
	.bind		= inet_bind,
	.getname	= inet_getname,
	.ioctl		= inet_ioctl,
	QUIC_PROTO_OPS_COMMON,
};

const struct proto_ops quicv6_proto_ops = {
	.family		= PF_INET6,
	.release	= inet6_release,
	.bind		= inet6_bind,
	.getname	= inet6_getname,
	.ioctl		= inet6_ioctl,
	QUIC_PROTO_OPS_COMMON,
};
