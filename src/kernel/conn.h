/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The connection of a QUIC socket: setup for clients and servers, the TLS
 * interface (secrets, transport parameters), receive and send paths,
 * timers and closing. Each concept's file says what it owns.
 */

#ifndef __QUIC_CONN_H__
#define __QUIC_CONN_H__

#include "socket.h"

/* per-skb state on the receive path */
struct quic_skb_cb {
	u64 time;	/* arrival, us */
	u8 ecn;		/* ECN codepoint of the datagram (held packets) */
	u8 sreset;	/* its token is a peer's stateless reset token */
};

#define QUIC_SKB_CB(skb)	((struct quic_skb_cb *)&((skb)->cb[0]))

static inline u64 quic_now(void)
{
	return div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

static inline struct sock *quic_sk_of(struct quic_sock *qs)
{
	return &qs->inet.sk;
}

static inline bool quic_is_serv(const struct quic_sock *qs)
{
	return test_bit(QUIC_F_SERVER, &qs->flags);
}

/* the keys of packet number space @pns are not discarded yet */
static inline bool quic_pns_live(const struct quic_sock *qs, int pns)
{
	if (pns == QUIC_PNS_INITIAL)
		return !test_bit(QUIC_F_INITIAL_GONE, &qs->flags);
	if (pns == QUIC_PNS_HANDSHAKE)
		return !test_bit(QUIC_F_HANDSHAKE_GONE, &qs->flags);
	return true;
}

/* the crypto level whose keys protect packet number space @pns */
static inline u8 quic_level_of_pns(int pns)
{
	return pns == QUIC_PNS_INITIAL ? QUIC_CRYPTO_INITIAL :
	       pns == QUIC_PNS_HANDSHAKE ? QUIC_CRYPTO_HANDSHAKE :
	       QUIC_CRYPTO_APP;
}

/* wait until @pred, an error, the end of the connection or the timeout
 * (*@timeo, updated); the socket lock is dropped while sleeping. Callers
 * test @pred again in a loop: the next call returns -EAGAIN once the
 * timeout is used up, -EINTR/-ERESTARTSYS on a signal.
 * Return: 0 or -errno (-EAGAIN, -EINTR/-ERESTARTSYS, -sk_err, -EPIPE).
 */
#define quic_wait(sk, timeo, pred)					\
({									\
	DEFINE_WAIT_FUNC(__wait, woken_wake_function);			\
	struct sock *qw_sk = (sk);					\
	long *qw_timeo = (timeo);					\
	int __err = 0;							\
									\
	if (!*qw_timeo)							\
		__err = -EAGAIN;					\
	else if (signal_pending(current))				\
		__err = sock_intr_errno(*qw_timeo);			\
	else {								\
		add_wait_queue(sk_sleep(qw_sk), &__wait);		\
		sk_wait_event(qw_sk, qw_timeo, (pred) || qw_sk->sk_err || \
			      qw_sk->sk_state == QUIC_SS_CLOSED, &__wait); \
		remove_wait_queue(sk_sleep(qw_sk), &__wait);		\
		if (qw_sk->sk_err)					\
			__err = -qw_sk->sk_err;				\
		else if (qw_sk->sk_state == QUIC_SS_CLOSED)		\
			__err = -EPIPE;					\
	}								\
	__err;								\
})

/* conn.c */
int quic_conn_init(struct sock *sk);
int quic_rmem_hold(struct sock *sk, struct sk_buff *skb);
void quic_conn_free(struct sock *sk);
int quic_conn_connect(struct sock *sk, const union quic_addr *peer);
int quic_conn_accept(struct sock *sk, struct quic_request *req);
int quic_conn_set_secret(struct sock *sk, sockptr_t optval,
			 unsigned int optlen);
int quic_conn_get_tp_ext(struct sock *sk, u8 *buf, u32 *len);
int quic_conn_set_tp_ext(struct sock *sk, const u8 *buf, u32 len);
void quic_conn_error(struct sock *sk, u64 errcode, u64 frame);
void quic_conn_discard(struct sock *sk, int pns);
void quic_conn_done(struct sock *sk, int err);
void quic_conn_close_user(struct sock *sk);
void quic_request_free(struct quic_request *req);
void quic_conn_retry(struct sock *sk, const u8 *pkt, const struct quic_hdr *hdr);
void quic_conn_vn(struct sock *sk, const struct quic_hdr *hdr);

/* socket.c */
struct quic_stream *quic_stream_open_wait(struct sock *sk, s64 id, u32 sflags,
					  long *timeo);

/* event.c */
bool quic_event_on(const struct sock *sk, u8 type);
bool quic_event_queue(struct sock *sk, u8 type, const void *data, u32 len);
bool quic_event_stream_update(struct sock *sk, s64 id, u8 state, u32 errcode,
			      u64 finalsz);
int quic_queue_recv(struct sock *sk, struct sk_buff_head *q,
		    struct msghdr *msg, size_t len, int flags, int flag);

/* datagram.c */
u32 quic_dgram_max(const struct sock *sk);
int quic_dgram_send(struct sock *sk, struct msghdr *msg, size_t len,
		    long *timeo);
void quic_dgram_sent(struct sock *sk, struct sk_buff *skb);
int quic_dgram_rcv(struct sock *sk, const struct quic_frame *f, u64 *errcode);

/* demux.c */
int quic_demux_init(void);
void quic_demux_exit(void);
int quic_demux_add(struct quic_cid_entry *e);
void quic_demux_del(struct quic_cid_entry *e);
struct sock *quic_demux_lookup(struct net *net, const u8 *cid, u8 len);
extern const struct quic_cid_ops quic_demux_ops;
void quic_listen_add(struct sock *sk);
void quic_listen_del(struct sock *sk);
struct sock *quic_listen_lookup(struct quic_udp_sock *us);

/* input.c */
int quic_rcv(struct sock *usk, struct sk_buff *skb);
int quic_backlog_rcv(struct sock *sk, struct sk_buff *skb);
void quic_conn_rcv(struct sock *sk, struct sk_buff *skb);
void quic_process_pending(struct sock *sk);
void quic_deliver(struct sock *sk, struct sk_buff *skb);
void quic_skb_addrs(const struct sk_buff *skb, union quic_addr *src,
		    union quic_addr *dst);

/* alpn.c */
void quic_route_init(void);
void quic_route_exit(void);
bool quic_route_rcv(struct quic_udp_sock *us, struct sk_buff *skb);

/* output.c */
int quic_output_init(void);
void quic_output_exit(void);
void quic_output(struct sock *sk);
int quic_udp_xmit(struct net *net, struct socket *usock, int oif,
		  struct sk_buff *skb, const union quic_addr *src,
		  const union quic_addr *dst);
struct sk_buff *quic_skb_alloc(unsigned int len, gfp_t gfp);
void quic_send_vn(struct quic_udp_sock *us, const struct quic_hdr *hdr,
		  const union quic_addr *src, const union quic_addr *dst);
void quic_send_path_probe(struct sock *sk, const union quic_addr *peer,
			  const struct quic_cid *dcid);
void quic_on_ack_result(struct sock *sk, int pns,
			struct quic_ack_result *res, u64 now,
			const struct quic_frame *ack);
void quic_pkts_free(struct sock *sk, struct list_head *list, bool lost);
void quic_pkt_resend(struct sock *sk, struct quic_sent_pkt *sp);
void quic_pto_resend(struct sock *sk, int pns);
void quic_route_reset(struct sock *sk);

/* timer.c */
void quic_timer_init(struct sock *sk);
void quic_timer_update(struct sock *sk);
void quic_timer_stop(struct sock *sk);
void quic_timer_hs_repeat(struct sock *sk);

/* connid_conn.c */
void quic_conn_cid_issue(struct sock *sk);
bool quic_conn_cid_due(struct sock *sk);
void quic_conn_cid_rx(struct sock *sk, const u8 *dcid, u8 len);
int quic_conn_cid_new(struct sock *sk, const struct quic_frame *f,
		      u64 *errcode);
int quic_conn_cid_retire(struct sock *sk, u64 seq, u64 *errcode);
int quic_conn_cid_get(struct sock *sk, struct quic_connection_id_info *info);
int quic_conn_cid_set(struct sock *sk,
		      const struct quic_connection_id_info *info);
struct quic_cid_entry *quic_conn_cid_pref(struct sock *sk);

/* sreset.c */
extern const struct quic_cid_ops quic_sreset_ops;
void quic_sreset_unknown(struct quic_udp_sock *us, struct sk_buff *skb,
			 u32 len);
bool quic_sreset_rcv(struct sock *sk, struct sk_buff *skb);

/* lifecycle.c */
void quic_conn_end_event(struct sock *sk, u32 errcode, u8 frame,
			 const char *phrase);
u64 quic_keepalive_deadline(const struct quic_sock *qs);
void quic_conn_shutdown(struct sock *sk, int how);
void quic_conn_linger(struct sock *sk, long timeout);
void quic_keepalive_timer(struct sock *sk, u64 now);
void quic_conn_send_close(struct sock *sk, int copies);
u64 quic_conn_close_period(const struct quic_sock *qs);
void quic_conn_closing_rcv(struct sock *sk, struct sk_buff *skb);
bool quic_conn_keep_closing(struct sock *sk);
void quic_conn_closing_end(struct sock *sk);
void quic_conn_release_work(struct work_struct *work);

/* keyupdate.c */
int quic_key_update_start(struct sock *sk);
void quic_key_update_rx(struct sock *sk, u64 now);
u64 quic_key_update_deadline(const struct quic_sock *qs);
void quic_key_update_timer(struct sock *sk, u64 now);
void quic_key_update_work(struct sock *sk);
void quic_key_update_check(struct sock *sk);

/* token.c */
int quic_token_init(void);
void quic_token_exit(void);
int quic_token_retry(u8 *buf, size_t len, const union quic_addr *peer,
		     const struct quic_cid *odcid);
int quic_token_check(const u8 *token, size_t len,
		     const union quic_addr *peer, struct quic_cid *odcid);
int quic_token_sreset(const u8 *cid, u8 len, u8 *token);
void quic_send_retry(struct quic_udp_sock *us, const struct quic_hdr *hdr,
		     const union quic_addr *src, const union quic_addr *dst);
int quic_token_check_new(const u8 *token, size_t len,
			 const union quic_addr *peer);
int quic_token_issue(struct sock *sk);
void quic_token_received(struct sock *sk, const u8 *token, u32 len);

/* zerortt.c */
bool quic_zrtt_open(const struct sock *sk);
bool quic_zrtt_send_ready(const struct sock *sk);
void quic_zrtt_connect(struct sock *sk);
void quic_zrtt_secret(struct sock *sk, bool send);
void quic_zrtt_rcv_handshake(struct sock *sk);
int quic_zrtt_check_params(struct sock *sk,
			   const struct quic_transport_param *p);
bool quic_zrtt_hold(struct sock *sk);

#endif /* __QUIC_CONN_H__ */
