// SPDX-License-Identifier: GPL-2.0-or-later
/* Events: notifications the application switched on with
 * QUIC_SOCKOPT_EVENT, queued on the socket and read with recvmsg() as
 * MSG_QUIC_NOTIFICATION messages (one byte of type, then the payload).
 */

#include "conn.h"

/* events queued and not read, beyond which new ones are dropped */
#define QUIC_EVENTS_MAX		1024

bool quic_event_on(const struct sock *sk, u8 type)
{
	return quic_sk(sk)->events & BIT(type);
}

/**
 * quic_event_queue - queue event @type with @len bytes of payload if the
 *	application enabled it, and wake the reader
 * @sk: connection socket, locked
 * @type: enum quic_event_type
 * @data: payload as the UAPI lays it out
 * @len: its length
 *
 * The skb is charged to the socket's receive memory. Events past
 * QUIC_EVENTS_MAX unread ones, or without memory, are dropped: an
 * application that never reads its events cannot make the kernel hold
 * more.
 *
 * Return: true if the event was queued.
 */
bool quic_event_queue(struct sock *sk, u8 type, const void *data, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct sk_buff *skb;

	if (!quic_event_on(sk, type) ||
	    skb_queue_len(&qs->evq) >= QUIC_EVENTS_MAX)
		return false;
	skb = alloc_skb(1 + len, GFP_ATOMIC);
	if (!skb)
		return false;
	skb_put_u8(skb, type);
	skb_put_data(skb, data, len);
	skb_set_owner_r(skb, sk);
	__skb_queue_tail(&qs->evq, skb);
	sk->sk_data_ready(sk);
	return true;
}

/* QUIC_EVENT_STREAM_UPDATE for stream @id */
bool quic_event_stream_update(struct sock *sk, s64 id, u8 state, u32 errcode,
			      u64 finalsz)
{
	struct quic_stream_update u = {
		.id = id,
		.state = state,
		.errcode = errcode,
		.finalsz = finalsz,
	};

	return quic_event_queue(sk, QUIC_EVENT_STREAM_UPDATE, &u, sizeof(u));
}

/**
 * quic_queue_recv - hand the first skb of @q (an event or a datagram) to
 *	recvmsg(): its bytes, MSG_TRUNC if they did not fit (the rest is
 *	dropped, as for UDP), MSG_EOR, and @flag in msg_flags
 * @sk: socket, locked
 * @q: queue, not empty
 * @msg: the receive
 * @len: room in @msg
 * @flags: recvmsg flags (MSG_PEEK keeps the skb)
 * @flag: MSG_QUIC_NOTIFICATION or MSG_QUIC_DATAGRAM
 *
 * Return: bytes copied, or -EFAULT.
 */
int quic_queue_recv(struct sock *sk, struct sk_buff_head *q,
		    struct msghdr *msg, size_t len, int flags, int flag)
{
	struct sk_buff *skb = skb_peek(q);
	size_t copy = min_t(size_t, len, skb->len);

	if (skb_copy_datagram_msg(skb, 0, msg, copy))
		return -EFAULT;
	msg->msg_flags |= flag | MSG_EOR;
	if (copy < skb->len)
		msg->msg_flags |= MSG_TRUNC;
	if (!(flags & MSG_PEEK)) {
		__skb_unlink(skb, q);
		kfree_skb(skb);
	}
	return copy;
}
