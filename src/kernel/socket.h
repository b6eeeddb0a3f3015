/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The QUIC socket: per-socket state, the protocol's struct proto and
 * proto_ops, and the helpers the other files use on a socket.
 */

#ifndef __QUIC_SOCKET_H
#define __QUIC_SOCKET_H

#include <linux/list.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>

#include "include/uapi/linux/quic.h"
#include "udp_sock.h"

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

/* the list of all QUIC sockets, for /proc/net/quic/sks */
extern struct list_head quic_sk_list;
extern spinlock_t quic_sk_list_lock;

#endif /* __QUIC_SOCKET_H */
