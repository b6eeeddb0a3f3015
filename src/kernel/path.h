/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Paths (RFC 9000 8.2, 9): path validation with PATH_CHALLENGE and
 * PATH_RESPONSE, a client's active migration to a new local address, a
 * server following its peer to a new address (NAT rebinding), the
 * server's preferred address (RFC 9000 9.6) and the timing of the packet
 * size search (RFC 8899: periodic probes, black holes).
 */

#ifndef __QUIC_PATH_H__
#define __QUIC_PATH_H__

#include <linux/types.h>
#include <linux/sockptr.h>
#include "udp_sock.h"
#include "frame.h"

struct sock;
struct sk_buff;

/**
 * struct quic_path - the path being validated, and what to go back to
 * @rx_src: source address of the datagram being processed
 * @rx_dst: its destination address
 * @old_peer: server: the validated peer address before the change
 * @old_laddr: client: our address before the migration
 * @old_us: client: the tunnel socket before the migration (held until the
 *	new path is validated, to go back to if it is not)
 * @dead_us: a tunnel socket left, released in process context
 * @pref_us: server (listener and connection): the tunnel socket of the
 *	preferred address it offers, or NULL
 * @pref: client: the server's preferred address of our family (family 0:
 *	none offered)
 * @data: the PATH_CHALLENGE data we wait for
 * @deadline: us, the validation is given up then
 * @resend: us, when the challenge goes again
 * @pmtu_next: us, the next periodic packet size probe (RFC 8899 5.1.1)
 * @validating: a validation is in progress
 * @local: it is our own migration (event payload local = 1)
 * @send: a PATH_CHALLENGE is due
 * @nonprobe: the packet being processed carried a non-probing frame
 * @alt: client: the challenge goes to @pref, while the other packets
 *	still go to the server's first address (RFC 9000 9.6.1)
 * @pref_tried: client: the preferred address was probed (once only)
 */
struct quic_path {
	union quic_addr rx_src;
	union quic_addr rx_dst;
	union quic_addr old_peer;
	union quic_addr old_laddr;
	struct quic_udp_sock *old_us;
	struct quic_udp_sock *dead_us;
	struct quic_udp_sock *pref_us;
	union quic_addr pref;
	u8 data[QUIC_PATH_DATA_LEN];
	u64 deadline;
	u64 resend;
	u64 pmtu_next;
	bool validating;
	bool local;
	bool send;
	bool nonprobe;
	bool alt;
	bool pref_tried;
};

struct quic_pref_addr;

int quic_path_migrate(struct sock *sk, sockptr_t optval, unsigned int optlen);
void quic_path_rcv_addr(struct sock *sk, struct sk_buff *skb);
void quic_path_rcv_packet(struct sock *sk, bool largest, u32 len);
void quic_path_on_response(struct sock *sk, const u8 *data);
bool quic_path_send_pending(const struct sock *sk);
u32 quic_path_put_frames(struct sock *sk, u8 *p, u32 room, bool alt);
void quic_path_output(struct sock *sk);
void quic_path_inherit(struct sock *sk, const struct sock *lsk);
bool quic_path_pref_tp(struct sock *sk, struct quic_pref_addr *pa);
int quic_path_pref_rcv(struct sock *sk, const struct quic_pref_addr *pa);
u64 quic_path_deadline(struct sock *sk);
void quic_path_timer(struct sock *sk, u64 now);
void quic_path_on_pto(struct sock *sk);
void quic_path_pkt_lost(struct sock *sk, u32 size, u64 time_sent);
void quic_path_work(struct sock *sk);
void quic_path_free(struct sock *sk);

#endif /* __QUIC_PATH_H__ */
