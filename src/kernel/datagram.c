// SPDX-License-Identifier: GPL-2.0-or-later
/* Unreliable datagrams (RFC 9221): DATAGRAM frames sent with
 * MSG_QUIC_DATAGRAM, congestion controlled but never retransmitted, and
 * the queue of received ones.
 */

#include "conn.h"

/* bytes of a 1-RTT packet that are not frames: the short header with our
 * longest Destination ID and packet number, and the AEAD tag
 */
#define QUIC_DGRAM_PKT_OVERHEAD	(1 + QUIC_CID_MAX_LEN + 4 + QUIC_TAG_LEN)

/* the largest datagram payload the application may send now */
u32 quic_dgram_max(const struct sock *sk)
{
	const struct quic_sock *qs = quic_sk(sk);
	u32 peer = qs->remote.max_datagram_frame_size;
	u32 pkt = qs->mss - QUIC_DGRAM_PKT_OVERHEAD;

	/* type and a 2-byte Length field count in the frame size */
	return min(peer, pkt) > 3 ? min(peer, pkt) - 3 : 0;
}

/**
 * quic_dgram_send - queue one datagram of @len bytes from @msg
 * @sk: established connection socket, locked
 * @msg: the data
 * @len: its length
 * @timeo: how long to wait for send buffer space
 *
 * Return: @len, -EINVAL (the peer takes no datagrams), -EMSGSIZE (too big
 * for the peer or for one packet), -EAGAIN / -EINTR / an error from
 * waiting, -ENOMEM, -EFAULT.
 */
int quic_dgram_send(struct sock *sk, struct msghdr *msg, size_t len,
		    long *timeo)
{
	struct quic_sock *qs = quic_sk(sk);
	struct sk_buff *skb;
	int err;

	if (!qs->remote.max_datagram_frame_size)
		return -EINVAL;
	if (len > quic_dgram_max(sk))
		return -EMSGSIZE;
	while (sk->sk_wmem_queued >= READ_ONCE(sk->sk_sndbuf)) {
		quic_output(sk);
		err = quic_wait(sk, timeo,
				sk->sk_wmem_queued < READ_ONCE(sk->sk_sndbuf));
		if (err)
			return err;
	}
	skb = alloc_skb(len, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	if (memcpy_from_msg(skb_put(skb, len), msg, len)) {
		kfree_skb(skb);
		return -EFAULT;
	}
	sk_wmem_queued_add(sk, skb->truesize);
	__skb_queue_tail(&qs->dgsq, skb);
	quic_output(sk);
	return len;
}

/* drop a sent or abandoned datagram from the send queue */
void quic_dgram_sent(struct sock *sk, struct sk_buff *skb)
{
	sk_wmem_queued_add(sk, -(int)skb->truesize);
	kfree_skb(skb);
	sk->sk_write_space(sk);
}

/**
 * quic_dgram_rcv - take a DATAGRAM frame
 * @sk: connection socket, locked
 * @f: the frame
 * @errcode: the transport error when -EPROTO is returned
 *
 * Datagrams beyond the receive buffer are dropped: they are unreliable.
 *
 * Return: 0 or -EPROTO (we announced no datagrams, or a bigger frame than
 * we announced: PROTOCOL_VIOLATION, RFC 9221 3).
 */
int quic_dgram_rcv(struct sock *sk, const struct quic_frame *f, u64 *errcode)
{
	struct quic_sock *qs = quic_sk(sk);
	u64 fsize = 1 + f->datagram.len +
		    (f->datagram.has_len ? quic_varint_len(f->datagram.len) : 0);
	struct sk_buff *skb;

	if (fsize > qs->local.max_datagram_frame_size) {
		*errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
		return -EPROTO;
	}
	if (atomic_read(&sk->sk_rmem_alloc) >= READ_ONCE(sk->sk_rcvbuf))
		return 0;
	skb = alloc_skb(f->datagram.len, GFP_ATOMIC);
	if (!skb)
		return 0;
	skb_put_data(skb, f->datagram.data, f->datagram.len);
	skb_set_owner_r(skb, sk);
	__skb_queue_tail(&qs->dgq, skb);
	sk->sk_data_ready(sk);
	return 0;
}
