// SPDX-License-Identifier: GPL-2.0-or-later
/* Paths: path validation (RFC 9000 8.2), a client's active migration to a
 * new local address and a server following its peer to a new address
 * (RFC 9000 9, NAT rebinding), the server's preferred address (RFC 9000
 * 9.6: offered by the server, probed and taken by the client), and the
 * timing of the packet size search (RFC 8899: probes again every
 * plpmtud_probe_interval, black holes).
 */

#include <linux/random.h>

#include "conn.h"
#include "mib.h"

/* RFC 9000 8.2.4: three times the larger of the PTO and 6 * kInitialRtt */
#define QUIC_PATH_INITIAL_RTT	333000

static u64 quic_path_timeout(const struct quic_sock *qs)
{
	return 3 * max_t(u64, quic_rtt_pto(&qs->rtt),
			 6 * QUIC_PATH_INITIAL_RTT);
}

/* the two addresses differ only in their port (a NAT rebinding) */
static bool quic_addr_same_host(const union quic_addr *a,
				const union quic_addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->v4.sin_addr.s_addr == b->v4.sin_addr.s_addr;
	return ipv6_addr_equal(&a->v6.sin6_addr, &b->v6.sin6_addr);
}

static bool quic_addr_eq(const union quic_addr *a, const union quic_addr *b)
{
	if (!quic_addr_same_host(a, b))
		return false;
	return a->sa.sa_family == AF_INET ? a->v4.sin_port == b->v4.sin_port :
					    a->v6.sin6_port == b->v6.sin6_port;
}

/* a new path (not only a new port): the congestion controller, RTT
 * estimate and packet size start over (RFC 9000 9.4); the packet size is
 * searched again on the new path
 */
static void quic_path_reset(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *pa = &qs->path;

	qs->mss = QUIC_MIN_DATAGRAM;
	quic_rtt_init(&qs->rtt, qs->config.initial_smoothed_rtt,
		      qs->remote.max_ack_delay);
	quic_cong_init(&qs->cong, qs->config.congestion_control_algo, qs->mss);
	quic_cong_update_pacing(&qs->cong, &qs->rtt);
	clear_bit(QUIC_F_PMTU_STARTED, &qs->flags);
	memset(&qs->pmtu, 0, sizeof(qs->pmtu));
	qs->pmtu.size = QUIC_PMTU_BASE;
	pa->pmtu_next = 0;
}

/* new challenge data; @alt: it goes to the server's preferred address */
static void quic_path_challenge(struct sock *sk, bool local, bool alt)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *pa = &qs->path;

	get_random_bytes(pa->data, sizeof(pa->data));
	pa->validating = true;
	pa->local = local;
	pa->alt = alt;
	pa->send = true;
	pa->resend = 0;
	pa->deadline = quic_now() + quic_path_timeout(qs);
}

/* a new path: new challenge data, and unless only a port changed, the
 * path's state starts over
 */
static void quic_path_start(struct sock *sk, bool local, bool reset)
{
	quic_path_challenge(sk, local, false);
	quic_route_reset(sk);
	if (reset)
		quic_path_reset(sk);
}

/* the peer gave us IDs we have not used: send to a new one on the new
 * path (RFC 9000 9.5); with none, the current one stays
 */
static void quic_path_new_dcid(struct quic_sock *qs)
{
	struct quic_cid_entry *e;

	list_for_each_entry(e, &qs->dcids.list, list) {
		if (e != qs->dcids.active && e->seq > qs->dcids.active->seq) {
			qs->dcids.active = e;
			return;
		}
	}
}

/* a tunnel socket bound to @a (shared with others on it), not the one the
 * connection uses: ERR_PTR(-EINVAL) for that one, or the errno of binding
 */
static struct quic_udp_sock *quic_path_udp_get(struct sock *sk,
					       union quic_addr *a)
{
	struct quic_udp_sock *us;

	us = quic_udp_sock_get(sock_net(sk), a, sk->sk_bound_dev_if,
			       sk->sk_family == AF_INET6 && sk->sk_ipv6only);
	if (!IS_ERR(us) && us == quic_sk(sk)->udp_sk) {
		quic_udp_sock_put(us);
		return ERR_PTR(-EINVAL);	/* that is where we are */
	}
	return us;
}

/*
 * A server's preferred address (RFC 9000 9.6): a tunnel socket is bound
 * there now (sharing one bound to the same address), so that a bad
 * address fails here; packets reaching it go to their connection by
 * connection ID (it has no listener: new connections are not taken
 * there). A listener's is inherited by the connections it accepts; on a
 * connection it may be set (or replaced) until the client's transport
 * parameters arrive, as ours are sent right after them.
 *
 * Return: 0; -EISCONN once the client's parameters arrived (or the
 * connection is over); -EINVAL for the address the socket already uses;
 * the errno of binding (-EADDRNOTAVAIL not local, -EADDRINUSE taken).
 */
static int quic_path_set_pref(struct sock *sk, union quic_addr *a)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *pa = &qs->path;
	struct quic_udp_sock *us;

	if (quic_is_serv(qs) &&
	    (test_bit(QUIC_F_TP_RECEIVED, &qs->flags) ||
	     sk->sk_state != QUIC_SS_ESTABLISHING))
		return -EISCONN;
	us = quic_path_udp_get(sk, a);
	if (IS_ERR(us))
		return PTR_ERR(us);
	if (pa->pref_us)
		quic_udp_sock_put(pa->pref_us);
	pa->pref_us = us;
	return 0;
}

/**
 * quic_path_migrate - QUIC_SOCKOPT_CONNECTION_MIGRATION
 * @sk: socket, locked
 * @optval: struct sockaddr_in or sockaddr_in6, of the socket's family
 * @optlen: its length
 *
 * A client moves its connection to the new local address: a tunnel socket
 * is bound there, packets go out from it at once, and the path is
 * validated with PATH_CHALLENGE; if it is not, the connection goes back.
 * On a listener, or a server's connection before the client's transport
 * parameters arrived, the address becomes the preferred address offered
 * to clients (quic_path_set_pref()).
 *
 * Return: 0; -EINVAL for a bad address; -ENOTCONN before the handshake is
 * confirmed; -EPERM if the peer set disable_active_migration; -EBUSY while
 * a validation is in progress; the errno of binding the address; for a
 * server, see quic_path_set_pref().
 */
int quic_path_migrate(struct sock *sk, sockptr_t optval, unsigned int optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_udp_sock *us;
	union quic_addr a = {};
	unsigned int need;

	need = sk->sk_family == AF_INET ? sizeof(a.v4) : sizeof(a.v6);
	if (optlen < need)
		return -EINVAL;
	if (copy_from_sockptr(&a, optval, need))
		return -EFAULT;
	if (a.sa.sa_family != sk->sk_family)
		return -EINVAL;
	if (sk->sk_family == AF_INET ?
	    ipv4_is_multicast(a.v4.sin_addr.s_addr) ||
	    ipv4_is_lbcast(a.v4.sin_addr.s_addr) ||
	    ipv4_is_zeronet(a.v4.sin_addr.s_addr) :
	    ipv6_addr_is_multicast(&a.v6.sin6_addr) ||
	    ipv6_addr_any(&a.v6.sin6_addr) ||
	    ipv6_addr_v4mapped(&a.v6.sin6_addr))
		return -EINVAL;
	if (quic_is_serv(qs) || sk->sk_state == QUIC_SS_LISTENING)
		return quic_path_set_pref(sk, &a);
	if (test_bit(QUIC_F_TP_RECEIVED, &qs->flags) &&
	    qs->remote.disable_active_migration)
		return -EPERM;
	if (!quic_is_established(sk) ||
	    !test_bit(QUIC_F_HS_CONFIRMED, &qs->flags) ||
	    test_bit(QUIC_F_CLOSING, &qs->flags) ||
	    test_bit(QUIC_F_PEER_CLOSED, &qs->flags))
		return -ENOTCONN;
	if (qs->path.validating)
		return -EBUSY;
	quic_path_work(sk);	/* a tunnel socket not released yet */

	us = quic_path_udp_get(sk, &a);
	if (IS_ERR(us))
		return PTR_ERR(us);
	qs->path.old_us = qs->udp_sk;
	qs->path.old_laddr = qs->laddr;
	qs->udp_sk = us;
	qs->laddr = us->addr;
	quic_sock_set_local(sk, &us->addr);
	quic_path_new_dcid(qs);
	quic_path_start(sk, true, true);
	quic_output(sk);
	quic_timer_update(sk);
	return 0;
}

/* the datagram's addresses, compared after its packets are authenticated */
void quic_path_rcv_addr(struct sock *sk, struct sk_buff *skb)
{
	struct quic_path *pa = &quic_sk(sk)->path;

	quic_skb_addrs(skb, &pa->rx_src, &pa->rx_dst);
}

/* client: the handshake is confirmed; the server's preferred address, if
 * it offered one and we did not announce disable_active_migration, is
 * probed from our address with the connection ID that came with it
 * (RFC 9000 9.6.1), once; the other packets go on as before meanwhile
 */
static void quic_path_pref_check(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *pa = &qs->path;

	if (!pa->pref.sa.sa_family || pa->pref_tried || pa->validating ||
	    !test_bit(QUIC_F_HS_CONFIRMED, &qs->flags) ||
	    test_bit(QUIC_F_CLOSING, &qs->flags) ||
	    qs->local.disable_active_migration)
		return;
	pa->pref_tried = true;
	if (!quic_cid_find_seq(&qs->dcids, 1))
		return;	/* retired already: no ID to use there */
	quic_path_challenge(sk, false, true);
}

/* server: a non-probing packet reached our preferred address: our
 * packets go out from there from now on (and to the client's new address
 * if it changed as well, which then is not validated); our address there
 * is validated with PATH_CHALLENGE, and we go back if it fails
 * (RFC 9000 9.6.3)
 */
static void quic_path_to_pref(struct sock *sk, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *pa = &qs->path;
	bool same;

	memset(&pa->old_peer, 0, sizeof(pa->old_peer));
	quic_udp_sock_hold(pa->pref_us);
	pa->old_us = qs->udp_sk;
	pa->old_laddr = qs->laddr;
	qs->udp_sk = pa->pref_us;
	qs->laddr = pa->pref_us->addr;
	quic_sock_set_local(sk, &qs->laddr);
	same = quic_addr_eq(&pa->rx_src, &qs->peer);
	if (!same) {
		pa->old_peer = qs->peer;
		qs->peer = pa->rx_src;
		quic_sock_set_peer(sk, &qs->peer);
		clear_bit(QUIC_F_ADDR_VALIDATED, &qs->flags);
		qs->bytes_rcvd = len;
		qs->bytes_sent = 0;
	}
	quic_path_start(sk, true, true);
}

/**
 * quic_path_rcv_packet - an authentic 1-RTT packet was processed
 * @sk: connection socket, locked
 * @largest: it has the largest packet number received so far
 * @len: bytes of its datagram
 *
 * A server whose client sends non-probing frames from a new address in
 * its newest packet follows it there (RFC 9000 9.3): the new address gets
 * at most three times the bytes received from it until a PATH_CHALLENGE
 * is answered from there. A server whose client sends them to its
 * preferred address moves there (quic_path_to_pref()). A client whose
 * handshake is confirmed probes the server's preferred address.
 */
void quic_path_rcv_packet(struct sock *sk, bool largest, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *pa = &qs->path;
	bool nonprobe = pa->nonprobe;
	bool port_only;

	pa->nonprobe = false;
	if (!quic_is_serv(qs)) {
		quic_path_pref_check(sk);
		return;
	}
	if (!pa->rx_src.sa.sa_family || !largest || !nonprobe ||
	    !test_bit(QUIC_F_HS_CONFIRMED, &qs->flags) ||
	    test_bit(QUIC_F_CLOSING, &qs->flags))
		return;
	if (pa->pref_us && qs->udp_sk != pa->pref_us && !pa->validating &&
	    quic_addr_eq(&pa->rx_dst, &pa->pref_us->addr)) {
		quic_path_to_pref(sk, len);
		return;
	}
	if (quic_addr_eq(&pa->rx_src, &qs->peer))
		return;
	if (!pa->validating)
		pa->old_peer = qs->peer;
	port_only = quic_addr_same_host(&pa->rx_src, &qs->peer);
	qs->peer = pa->rx_src;
	quic_sock_set_peer(sk, &qs->peer);
	clear_bit(QUIC_F_ADDR_VALIDATED, &qs->flags);
	qs->bytes_rcvd = len;
	qs->bytes_sent = 0;
	/* a response to the old path's challenge is no use on this one */
	quic_path_start(sk, false, !port_only);
}

/* a tunnel socket the connection left: released by quic_path_work() in
 * process context (the release sleeps; this runs in softirq too)
 */
static void quic_path_drop_us(struct sock *sk, struct quic_udp_sock *us)
{
	struct quic_sock *qs = quic_sk(sk);

	WARN_ON_ONCE(qs->path.dead_us);
	qs->path.dead_us = us;
	set_bit(QUIC_F_PATH_FREE, &qs->flags);
	sock_hold(sk);
	if (!queue_work(quic_wq, &qs->work))
		__sock_put(sk);
}

/* process context, socket locked */
void quic_path_work(struct sock *sk)
{
	struct quic_path *pa = &quic_sk(sk)->path;

	if (pa->dead_us) {
		quic_udp_sock_put(pa->dead_us);
		pa->dead_us = NULL;
	}
}

/* client: the server's preferred address answered: all packets go there
 * from now on, to the connection ID that came with it (RFC 9000 9.6.1);
 * a new server address, so the path's state starts over
 */
static void quic_path_pref_validated(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *pa = &qs->path;

	if (quic_cid_set_active(&qs->dcids, 1))
		return;	/* retired meanwhile: stay */
	qs->peer = pa->pref;
	quic_sock_set_peer(sk, &qs->peer);
	quic_route_reset(sk);
	quic_path_reset(sk);
}

/* the path is validated: the new address is ours to use */
static void quic_path_validated(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *pa = &qs->path;
	u8 local = pa->local;

	pa->validating = false;
	pa->send = false;
	if (pa->alt) {
		pa->alt = false;
		quic_path_pref_validated(sk);
	}
	memset(&pa->old_peer, 0, sizeof(pa->old_peer));
	set_bit(QUIC_F_ADDR_VALIDATED, &qs->flags);
	if (pa->old_us) {
		quic_path_drop_us(sk, pa->old_us);
		pa->old_us = NULL;
	}
	quic_mib_inc(QUIC_MIB_PATH_VALIDATED);
	quic_event_queue(sk, QUIC_EVENT_CONNECTION_MIGRATION, &local,
			 sizeof(local));
}

/* the validation failed: back to the previous path (RFC 9000 9.3.2) */
static void quic_path_failed(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *pa = &qs->path;

	pa->validating = false;
	pa->send = false;
	quic_mib_inc(QUIC_MIB_PATH_FAILED);
	if (pa->alt) {
		pa->alt = false;	/* nothing moved yet */
		return;
	}
	if (pa->local && pa->old_us) {
		quic_path_drop_us(sk, qs->udp_sk);
		qs->udp_sk = pa->old_us;
		pa->old_us = NULL;
		qs->laddr = pa->old_laddr;
		quic_sock_set_local(sk, &qs->laddr);
	}
	if (pa->old_peer.sa.sa_family) {
		qs->peer = pa->old_peer;
		quic_sock_set_peer(sk, &qs->peer);
		memset(&pa->old_peer, 0, sizeof(pa->old_peer));
	}
	set_bit(QUIC_F_ADDR_VALIDATED, &qs->flags);
	quic_route_reset(sk);
}

/* PATH_RESPONSE: does it answer our challenge? */
void quic_path_on_response(struct sock *sk, const u8 *data)
{
	struct quic_path *pa = &quic_sk(sk)->path;

	if (pa->validating && !memcmp(pa->data, data, sizeof(pa->data)))
		quic_path_validated(sk);
}

bool quic_path_send_pending(const struct sock *sk)
{
	const struct quic_sock *qs = quic_sk(sk);

	return (qs->path.send && !qs->path.alt) ||
	       test_bit(QUIC_F_PATH_RESPONSE, &qs->flags);
}

/* the probe of the server's preferred address, when due */
void quic_path_output(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *pa = &qs->path;
	struct quic_cid_entry *e;

	if (!pa->alt || !pa->send || test_bit(QUIC_F_CLOSE_SEND, &qs->flags))
		return;
	e = quic_cid_find_seq(&qs->dcids, 1);
	if (!e) {
		quic_path_failed(sk);	/* its ID was retired */
		return;
	}
	quic_send_path_probe(sk, &pa->pref, &e->cid);
}

/**
 * quic_path_put_frames - the PATH_RESPONSE and PATH_CHALLENGE that are due
 * @sk: connection socket, locked
 * @p: where to write them in a 1-RTT packet
 * @room: bytes free at @p
 * @alt: the packet goes to the server's preferred address being probed
 *	(quic_path_output()), not on the path in use
 *
 * The caller pads the datagram to 1200 bytes (RFC 9000 8.2.1) as far as
 * the amplification limit allows.
 *
 * Return: bytes written, 0 if none.
 */
u32 quic_path_put_frames(struct sock *sk, u8 *p, u32 room, bool alt)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *pa = &qs->path;
	struct quic_frame f = {};
	u32 used = 0;
	int n;

	if (test_bit(QUIC_F_PATH_RESPONSE, &qs->flags)) {
		f.type = QUIC_FRAME_PATH_RESPONSE;
		memcpy(f.path.data, qs->path_response, QUIC_PATH_DATA_LEN);
		n = quic_frame_encode(p, room, &f);
		if (n > 0) {
			used += n;
			clear_bit(QUIC_F_PATH_RESPONSE, &qs->flags);
		}
	}
	if (pa->send && pa->alt == alt) {
		f.type = QUIC_FRAME_PATH_CHALLENGE;
		memcpy(f.path.data, pa->data, QUIC_PATH_DATA_LEN);
		n = quic_frame_encode(p + used, room - used, &f);
		if (n > 0) {
			used += n;
			pa->send = false;
			pa->resend = quic_now() + quic_rtt_pto(&qs->rtt);
			quic_mib_inc(QUIC_MIB_PATH_CHALLENGES);
		}
	}
	return used;
}

/* the next time quic_path_timer() has something to do, 0 for never */
u64 quic_path_deadline(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *pa = &qs->path;
	u32 ival = qs->config.plpmtud_probe_interval;
	u64 t = 0;

	if (ival && !pa->pmtu_next &&
	    test_bit(QUIC_F_PMTU_STARTED, &qs->flags))
		pa->pmtu_next = quic_now() + ival;

	if (pa->validating)
		t = pa->resend && pa->resend < pa->deadline ? pa->resend :
		    pa->deadline;
	if (qs->config.plpmtud_probe_interval && pa->pmtu_next &&
	    (!t || pa->pmtu_next < t))
		t = pa->pmtu_next;
	return t;
}

/**
 * quic_path_timer - the connection timer fired
 * @sk: connection socket, locked
 * @now: current time, us
 *
 * The challenge goes again every PTO until the validation times out; with
 * plpmtud_probe_interval set, the packet size search runs again every
 * interval (RFC 8899 5.1.1: a larger size may have become possible).
 */
void quic_path_timer(struct sock *sk, u64 now)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_path *pa = &qs->path;
	u32 ival = qs->config.plpmtud_probe_interval;

	if (pa->validating) {
		if (now >= pa->deadline) {
			quic_path_failed(sk);
		} else if (pa->resend && now >= pa->resend) {
			/* due until sent (quic_path_put_frames() sets the
			 * next time): the timer must not fire on a past
			 * resend time meanwhile
			 */
			pa->send = true;
			pa->resend = 0;
		}
	}
	if (!ival || !test_bit(QUIC_F_PMTU_STARTED, &qs->flags))
		return;
	if (pa->pmtu_next && now >= pa->pmtu_next) {
		quic_pmtu_reprobe(&qs->pmtu);
		pa->pmtu_next = now + ival;
	}
}

/* DPLPMTUD on (plpmtud_probe_interval set) and packets larger than the
 * base size in use
 */
static bool quic_path_pmtu_on(const struct quic_sock *qs)
{
	return qs->config.plpmtud_probe_interval &&
	       qs->pmtu.size > QUIC_PMTU_BASE &&
	       test_bit(QUIC_F_PMTU_STARTED, &qs->flags);
}

/* packets of the current size stopped arriving (RFC 8899 4.3, a smaller
 * MTU on the path that sends no ICMP, or drops it): packets go back to
 * 1200 bytes and the search starts again at once
 */
static void quic_path_blackhole(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	quic_pmtu_blackhole(&qs->pmtu);
	quic_mib_inc(QUIC_MIB_PMTU_BLACKHOLE);
	qs->path.pmtu_next = quic_now() + qs->config.plpmtud_probe_interval;
}

/**
 * quic_path_on_pto - a probe timeout fired
 * @sk: connection socket, locked
 *
 * With DPLPMTUD on, two probe timeouts in a row while packets are larger
 * than the base size look like a black hole: nothing at all comes back.
 */
void quic_path_on_pto(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (qs->pto_count >= 2 && quic_path_pmtu_on(qs))
		quic_path_blackhole(sk);
}

/**
 * quic_path_pkt_lost - a packet (no probe) was declared lost
 * @sk: connection socket, locked
 * @size: its UDP payload, bytes
 * @time_sent: when it was sent, us
 *
 * With DPLPMTUD on, large packets lost while smaller ones sent after them
 * are acknowledged are a black hole too (quic_pmtu_pkt_lost()).
 */
void quic_path_pkt_lost(struct sock *sk, u32 size, u64 time_sent)
{
	struct quic_sock *qs = quic_sk(sk);

	if (quic_path_pmtu_on(qs) &&
	    quic_pmtu_pkt_lost(&qs->pmtu, size, time_sent))
		quic_path_blackhole(sk);
}

/* an accepted connection offers its listener's preferred address */
void quic_path_inherit(struct sock *sk, const struct sock *lsk)
{
	struct quic_udp_sock *us = quic_sk(lsk)->path.pref_us;

	if (us) {
		quic_udp_sock_hold(us);
		quic_sk(sk)->path.pref_us = us;
	}
}

/**
 * quic_path_pref_tp - the preferred_address transport parameter
 * @sk: a server's connection, locked
 * @pa: filled: the address of its family (the other one zero), the
 *	connection ID of sequence 1 and its stateless reset token
 *
 * Return: true if a preferred address is offered and @pa is filled.
 */
bool quic_path_pref_tp(struct sock *sk, struct quic_pref_addr *pa)
{
	struct quic_udp_sock *us = quic_sk(sk)->path.pref_us;
	const union quic_addr *a;
	struct quic_cid_entry *e;

	if (!us)
		return false;
	e = quic_conn_cid_pref(sk);
	if (!e)
		return false;
	a = &us->addr;
	memset(pa, 0, sizeof(*pa));
	if (a->sa.sa_family == AF_INET) {
		memcpy(pa->ipv4, &a->v4.sin_addr, sizeof(pa->ipv4));
		pa->ipv4_port = ntohs(a->v4.sin_port);
	} else {
		memcpy(pa->ipv6, &a->v6.sin6_addr, sizeof(pa->ipv6));
		pa->ipv6_port = ntohs(a->v6.sin6_port);
	}
	pa->cid = e->cid;
	memcpy(pa->token, e->token, sizeof(pa->token));
	return true;
}

/**
 * quic_path_pref_rcv - the server's preferred_address parameter arrived
 * @sk: a client's connection, locked
 * @pa: the decoded parameter
 *
 * Its connection ID is the server's of sequence 1 (RFC 9000 5.1.1); its
 * address of our socket's family, if there is one, is probed once the
 * handshake is confirmed.
 *
 * Return: 0, or -EINVAL (a server using zero-length IDs, RFC 9000 18.2,
 * or an ID the set refuses).
 */
int quic_path_pref_rcv(struct sock *sk, const struct quic_pref_addr *pa)
{
	struct quic_sock *qs = quic_sk(sk);
	union quic_addr *a = &qs->path.pref;
	u64 errcode;

	if (!qs->dcids.active || !qs->dcids.active->cid.len)
		return -EINVAL;
	if (quic_cid_dest_add(&qs->dcids, 1, 0, pa->cid.data, pa->cid.len,
			      pa->token, GFP_KERNEL, &errcode))
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	if (sk->sk_family == AF_INET) {
		if (!pa->ipv4_port || !memchr_inv(pa->ipv4, 0, 4))
			return 0;
		a->v4.sin_family = AF_INET;
		memcpy(&a->v4.sin_addr, pa->ipv4, 4);
		a->v4.sin_port = htons(pa->ipv4_port);
		return 0;
	}
	if (!pa->ipv6_port || !memchr_inv(pa->ipv6, 0, 16))
		return 0;
	a->v6.sin6_family = AF_INET6;
	memcpy(&a->v6.sin6_addr, pa->ipv6, 16);
	a->v6.sin6_port = htons(pa->ipv6_port);
	return 0;
}

/* the socket goes away: the tunnel sockets it left or offered */
void quic_path_free(struct sock *sk)
{
	struct quic_path *pa = &quic_sk(sk)->path;

	if (pa->old_us) {
		quic_udp_sock_put(pa->old_us);
		pa->old_us = NULL;
	}
	if (pa->pref_us) {
		quic_udp_sock_put(pa->pref_us);
		pa->pref_us = NULL;
	}
	quic_path_work(sk);
	pa->validating = false;
}
