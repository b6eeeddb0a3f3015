/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The QUIC socket: per-socket state, the protocol's struct proto and
 * proto_ops, and the helpers the other files use on a socket.
 */

#ifndef __QUIC_SOCKET_H
#define __QUIC_SOCKET_H

#include <linux/list.h>
#include <linux/workqueue.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>

#include "include/uapi/linux/quic.h"
#include "udp_sock.h"
#include "crypto.h"
#include "pnspace.h"
#include "cstream.h"
#include "connid.h"
#include "tparam.h"
#include "stream.h"
#include "cong.h"
#include "pmtu.h"
#include "path.h"

/* Socket states, shared with TCP's numbering so that the generic inet code
 * (inet_shutdown(), inet_getname()) reads them the way it reads TCP's.
 */
enum quic_state {
	QUIC_SS_CLOSED		= TCP_CLOSE,
	QUIC_SS_LISTENING	= TCP_LISTEN,
	QUIC_SS_ESTABLISHING	= TCP_SYN_SENT,
	QUIC_SS_ESTABLISHED	= TCP_ESTABLISHED,
};

#define QUIC_ALPN_MAX_LEN	255	/* bytes of the comma-separated list */
#define QUIC_TOKEN_MAX_LEN	1200	/* a token must fit in an Initial */
#define QUIC_TICKET_MAX_LEN	8192	/* session data or ticket key */

/* A byte string set by the application (ALPN list, token, ticket). */
struct quic_data {
	u8 *data;
	u32 len;
};

#define QUIC_SCID_LEN		8	/* length of the connection IDs we issue */
#define QUIC_ODCID_LEN		16	/* client's first Destination ID */
#define QUIC_MIN_DATAGRAM	1200	/* RFC 9000 14 */
/* largest UDP payload we send: the skb of one packet stays within a 16 KiB
 * slab object (order-2) together with its headroom and shared info
 */
#define QUIC_PKT_MAX		15360
#define QUIC_PENDING_MAX	16	/* packets held until their keys come */
#define QUIC_REQ_SKBS_MAX	8	/* packets held per connection request */

/* packet number spaces, also the index of the CRYPTO stream of a level */
enum {
	QUIC_PNS_INITIAL,
	QUIC_PNS_HANDSHAKE,
	QUIC_PNS_APP,
	QUIC_PNS_MAX,
};

/* connection flags (quic_sock.flags bits) */
enum {
	QUIC_F_SERVER,		/* we accepted this connection */
	QUIC_F_ADDR_VALIDATED,	/* the peer's address is validated (8.1) */
	QUIC_F_RETRY_DONE,	/* client: a Retry was taken */
	QUIC_F_GOT_SERVER_CID,	/* client: the server's SCID is our DCID */
	QUIC_F_HS_CONFIRMED,	/* the handshake is confirmed (RFC 9001 4.1.2) */
	QUIC_F_HS_DONE_SEND,	/* server: HANDSHAKE_DONE to (re)send */
	QUIC_F_TP_RECEIVED,	/* the peer's transport parameters are in */
	QUIC_F_PEER_CLOSED,	/* CONNECTION_CLOSE received: draining */
	QUIC_F_CLOSING,		/* we sent CONNECTION_CLOSE */
	QUIC_F_MAX_DATA_SEND,	/* a MAX_DATA update is due */
	QUIC_F_PING_SEND,	/* a probe is due */
	QUIC_F_INITIAL_GONE,	/* Initial keys discarded */
	QUIC_F_HANDSHAKE_GONE,	/* Handshake keys discarded */
	QUIC_F_TIMER_DEFERRED,	/* the timer fired while the user held the sock */
	QUIC_F_CLOSE_SEND,	/* send CONNECTION_CLOSE once */
	QUIC_F_PATH_RESPONSE,	/* a PATH_RESPONSE is due */
	QUIC_F_RETRY_KEYS,	/* client: Initial keys to derive again */
	QUIC_F_PMTU_STARTED,	/* the packet size search began */
	QUIC_F_KEYS_FREE,	/* discarded keys to free (process context) */
	QUIC_F_NEW_TOKEN_SEND,	/* server: NEW_TOKEN (qs->token) to (re)send */
	QUIC_F_KU_PREPARE,	/* old 1-RTT keys to drop (keyupdate.c) */
	QUIC_F_PATH_FREE,	/* a tunnel socket a path left, to release */
	QUIC_F_ZRTT_PARAMS,	/* client: the server's parameters remembered */
	QUIC_F_END_REPORTED,	/* QUIC_EVENT_CONNECTION_CLOSE queued */
	QUIC_F_ORPHAN,		/* close()d, kept for its closing period */
	QUIC_F_RELEASE,		/* that period ended: release (process ctx) */
};

/* 0-RTT state of a connection (zerortt.c) */
enum {
	QUIC_ZRTT_NONE,		/* no 0-RTT on this connection */
	QUIC_ZRTT_ATTEMPT,	/* client: sending 0-RTT, no answer yet */
	QUIC_ZRTT_ACCEPTED,	/* the server took 0-RTT */
	QUIC_ZRTT_REJECTED,	/* client: the server refused 0-RTT */
};

#define QUIC_ZRTT_PENDING_MAX	10	/* 0-RTT packets held for their key */

/* a connection waiting on a listener for accept() */
struct quic_request {
	struct list_head list;
	union quic_addr peer;
	union quic_addr local;
	struct quic_cid odcid;	/* client's first Destination ID */
	struct quic_cid dcid;	/* the Destination ID of its Initial */
	struct quic_cid scid;	/* the client's Source ID */
	struct quic_cid rscid;	/* ours in the Retry, if one was sent */
	u32 version;
	bool retried;
	bool validated;		/* its Initial had a NEW_TOKEN token */
	struct sk_buff_head skbs;
};

/* the module's workqueue for the sockets' process-context work: unloading
 * destroys it, so no work item can still run the module's code then
 */
extern struct workqueue_struct *quic_wq;

struct quic_sock {
	struct inet_sock		inet;
	struct list_head		node;	/* on quic_sk_list, for /proc */
	struct quic_udp_sock		*udp_sk;	/* bound tunnel socket */
	struct quic_config		config;
	struct quic_transport_param	local;	/* what we announce */
	struct quic_transport_param	remote;	/* the peer's (or cached) */
	struct quic_connection_close	close;	/* our close reason */
	u32				events;	/* enabled, 1 << type */
	struct quic_data		alpn;
	struct quic_data		token;
	struct quic_data		ticket;

	/* listener */
	struct hlist_node		lnode;	/* on the tunnel's listeners */
	struct list_head		reqs;	/* struct quic_request */

	/* connection */
	unsigned long			flags;	/* QUIC_F_* */
	u32				version;
	union quic_addr			peer;
	struct quic_mem			rmem;	/* charges sk_rmem_alloc */
	struct quic_mem			wmem;	/* charges sk_wmem_queued */
	struct quic_cid			odcid;	/* original Destination ID */
	struct quic_cid			rscid;	/* Retry's Source ID */
	struct quic_cid			peer_iscid;	/* peer's first SCID */
	struct quic_cid_entry		odcid_e;	/* server: demux of odcid */
	struct quic_cid_set		scids;	/* the IDs we issued */
	struct quic_cid_set		dcids;	/* the peer's IDs */
	struct quic_crypto		crypto[QUIC_CRYPTO_MAX];
	struct quic_pnspace		pns[QUIC_PNS_MAX];
	struct quic_cstream		cs[QUIC_PNS_MAX];
	struct quic_rtt			rtt;
	struct quic_cong		cong;
	struct quic_stream_table	streams;
	struct sk_buff_head		pending;	/* waiting for keys */
	struct sk_buff_head		evq;	/* events to read */
	struct sk_buff_head		dgq;	/* datagrams to read */
	struct sk_buff_head		dgsq;	/* datagrams to send */
	u64				bytes_rcvd;	/* before validation */
	u64				bytes_sent;	/* before validation */
	u32				pto_count;
	u32				mss;	/* UDP payload we send */
	u64				idle_last;	/* us, last packet in */
	u64				close_deadline;	/* us, closing or
							 * draining end
							 */
	u32				closing_rcvd;	/* datagrams since */
	u64				ka_last;	/* us, last keep-alive PING */
	u64				tx_bytes;	/* UDP payload sent, for /proc */
	u64				rx_bytes;	/* UDP payload received */
	struct timer_list		timer;
	struct quic_connection_close	peer_close;	/* what the peer sent */
	u64				close_errcode;	/* transport error to send */
	u64				close_frame;	/* frame type of an error */
	u8				path_response[8];
	union quic_addr			laddr;	/* our address on the path */
	struct dst_entry		*dst;	/* cached route to @peer */
	u32				dst_cookie;	/* IPv6 route validity */
	union quic_addr			dst_saddr;	/* source of @dst */
	u64				pace_time;	/* ns, next departure */
	struct quic_pmtu		pmtu;	/* packet size search */
	struct quic_path		path;	/* validation, migration */
	struct quic_crypto_retry	*retry;	/* client: Retry tag check */
	struct work_struct		work;	/* process-context work */
	struct work_struct		release_work;	/* the end of a
							 * closing period
							 * after close()
							 */
	u8				probe_pns;	/* space to probe */
	u8				probes;		/* ack-eliciting
							 * probe datagrams
							 * still due (PTO,
							 * keepalive)
							 */
	u8				hs_resends;	/* early, on a
							 * repeated
							 * ClientHello
							 */
	/* ECN (RFC 9000 13.4): counts of ECT(0), ECT(1), CE received and
	 * the peer's last reported ones per space, and whether validation
	 * failed (then nothing is marked)
	 */
	bool				ecn_failed;
	u64				ecn_recvd[QUIC_PNS_MAX][3];
	u64				ecn_peer[QUIC_PNS_MAX][3];
	/* key update (keyupdate.c) */
	u64				ku_first_pn;
	u64				ku_old_until;
	u8				ku_rx_phase;
	/* connection IDs (connid_conn.c): the Destination ID of the
	 * packet being processed, and the number of our ID the peer last
	 * sent to (reported by QUIC_EVENT_CONNECTION_ID when it changes)
	 */
	struct quic_cid			rx_dcid;
	u64				rx_scid_seq;
	/* 0-RTT (zerortt.c): QUIC_ZRTT_*, 0-RTT packets on @pending, and
	 * the client's remembered server parameters as set before connect()
	 */
	u8				zrtt_state;
	u8				zrtt_pending;
	struct quic_transport_param	zrtt_remote;
};

struct quic6_sock {
	struct quic_sock	quic;
	struct ipv6_pinfo	inet6;	/* last, as inet6_sk_generic() wants */
};

static inline struct quic_sock *quic_sk(const struct sock *sk)
{
	return (struct quic_sock *)sk;
}

static inline bool quic_is_established(const struct sock *sk)
{
	return sk->sk_state == QUIC_SS_ESTABLISHED;
}

extern struct proto quic_prot;
extern struct proto quicv6_prot;
extern const struct proto_ops quic_proto_ops;
extern const struct proto_ops quicv6_proto_ops;

void quic_sock_defaults(struct quic_sock *qs);
int quic_setsockopt(struct sock *sk, int level, int optname,
		    sockptr_t optval, unsigned int optlen);
int quic_getsockopt(struct sock *sk, int level, int optname,
		    char __user *optval, int __user *optlen);
void quic_sock_free_data(struct quic_sock *qs);
void quic_sock_set_local(struct sock *sk, const union quic_addr *a);
void quic_sock_set_peer(struct sock *sk, const union quic_addr *a);

/* the list of all QUIC sockets, for /proc/net/quic/sks */
extern struct list_head quic_sk_list;
extern spinlock_t quic_sk_list_lock;

#endif /* __QUIC_SOCKET_H */
