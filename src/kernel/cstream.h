/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CRYPTO stream of one encryption level: receive reassembly and the send
 * queue with acknowledgment and retransmission state (RFC 9000 7.5, 19.6).
 */

#ifndef __QUIC_CSTREAM_H__
#define __QUIC_CSTREAM_H__

#include <linux/list.h>
#include "frame.h"
#include "mem.h"

/*
 * One struct quic_cstream per encryption level (Initial, Handshake,
 * 1-RTT); 0-RTT carries no CRYPTO frames.
 *
 * Memory: data is held in chunks of at most QUIC_CSTREAM_CHUNK_DATA bytes
 * (so no allocation is of high order, even with GFP_ATOMIC), each chunk
 * allocated with quic_mem_alloc() and charged to @rmem (received data) or
 * @wmem (queued data) for as long as it exists. Bounds:
 * - receive: bytes held <= @recv_limit (the peer gets
 *   CRYPTO_BUFFER_EXCEEDED when it sends data past read offset + limit),
 *   and at most QUIC_CSTREAM_CHUNKS_MAX chunks (beyond that the packet is
 *   dropped with -ENOBUFS and the peer retransmits);
 * - send: bytes queued and not yet acknowledged <= @send_limit.
 * So one stream charges at most limit + chunks * sizeof(chunk header) per
 * direction. quic_cstream_free() releases and uncharges everything.
 *
 * The acknowledged and to-be-retransmitted offsets are two fixed arrays of
 * QUIC_CSTREAM_RANGES_MAX ranges: an acknowledged range that finds the
 * acknowledged set full is queued for retransmission instead (sent and
 * acknowledged again, which is harmless); when the retransmit set is full
 * a lost range is merged with its closest neighbour (bytes between them
 * are sent again). Neither ever loses data or stalls.
 *
 * Locking: none inside; the caller holds the socket lock.
 */

#define QUIC_CSTREAM_RECV_MIN		4096	/* RFC 9000 7.5 */
#define QUIC_CSTREAM_BUF_MAX		(256 * 1024)
/* a chunk with its header fills one 4 KiB slab object */
#define QUIC_CSTREAM_CHUNK_SIZE		4096
#define QUIC_CSTREAM_CHUNK_DATA		\
	(QUIC_CSTREAM_CHUNK_SIZE - (u32)sizeof(struct quic_cstream_chunk))
#define QUIC_CSTREAM_CHUNKS_MAX		128
#define QUIC_CSTREAM_RANGES_MAX		16
#define QUIC_TLS_HS_HDR_LEN		4	/* TLS handshake type + uint24 */
/* received data shorter than this is copied, not held in its buffer */
#define QUIC_CSTREAM_HOLD_MIN		256

/* a piece of stream data: bytes buf[head, head + len) at @offset; @buf is
 * @data (the chunk holds a copy) or points into a received buffer that
 * @ref holds (a packet the data was decrypted in: not copied)
 */
struct quic_cstream_chunk {
	struct list_head list;
	u64 offset;
	u32 len;
	u32 head;
	u32 size;	/* charged bytes */
	u8 *buf;
	void *ref;
	void (*put)(void *ref);
	u8 data[];
};

/**
 * struct quic_cstream_rbuf - a received buffer that stored data may point
 *	into instead of being copied (on the kernel's receive path: the skb
 *	the packet was decrypted in)
 * @ref: the buffer
 * @get: take a reference to @ref for a chunk; the first one also charges
 *	what the buffer pins. Returns 0, or a negative errno to have the data
 *	copied instead (no memory left to hold the buffer).
 * @put: drop a reference
 * @held: bytes stored by holding @ref rather than copied (counted up)
 */
struct quic_cstream_rbuf {
	void *ref;
	int (*get)(struct quic_cstream_rbuf *rb);
	void (*put)(void *ref);
	u64 held;
};

/* half-open byte ranges [start, end), ascending and disjoint */
struct quic_cstream_rset {
	u32 n;
	struct {
		u64 start;
		u64 end;
	} r[QUIC_CSTREAM_RANGES_MAX];
};

/**
 * struct quic_cstream - CRYPTO data of one encryption level
 * @recv: received chunks, ascending, disjoint, all above @read_off
 * @nrecv: chunks on @recv
 * @read_off: bytes delivered to the reader (the TLS library)
 * @recv_limit: bytes past @read_off the peer may send
 * @rmem: account charged for @recv
 * @send: queued chunks, ascending and contiguous from the oldest one not
 *	fully acknowledged to @send_end
 * @send_end: bytes queued so far (the offset of the next queued byte)
 * @send_off: bytes sent at least once
 * @acked_off: every byte below it is acknowledged (and freed)
 * @acked: acknowledged ranges above @acked_off
 * @retx: lost ranges that must be sent again
 * @send_limit: most bytes queued and not acknowledged
 * @wmem: account charged for @send
 * @chunks_max: most chunks held on @recv (QUIC_CSTREAM_CHUNKS_MAX unless
 *	the owner sets another bound after quic_cstream_init())
 */
struct quic_cstream {
	struct list_head recv;
	u32 nrecv;
	u64 read_off;
	u32 recv_limit;
	struct quic_mem *rmem;

	struct list_head send;
	u64 send_end;
	u64 send_off;
	u64 acked_off;
	struct quic_cstream_rset acked;
	struct quic_cstream_rset retx;
	u32 send_limit;
	struct quic_mem *wmem;
	u32 chunks_max;
};

void quic_cstream_init(struct quic_cstream *cs, u32 recv_limit,
		       u32 send_limit, struct quic_mem *rmem,
		       struct quic_mem *wmem);
void quic_cstream_free(struct quic_cstream *cs);

/* receive side */
int quic_cstream_recv(struct quic_cstream *cs, u64 offset, const u8 *data,
		      u64 len, gfp_t gfp, u64 *errcode);
int quic_cstream_recv_rbuf(struct quic_cstream *cs, u64 offset,
			   const u8 *data, u64 len,
			   struct quic_cstream_rbuf *rb, gfp_t gfp,
			   u64 *errcode);
u64 quic_cstream_readable(const struct quic_cstream *cs);
u32 quic_cstream_peek(const struct quic_cstream *cs, const u8 **data);
u32 quic_cstream_peek_at(const struct quic_cstream *cs, u64 skip,
			 const u8 **data);
void quic_cstream_consume(struct quic_cstream *cs, u64 n);
u32 quic_cstream_read(struct quic_cstream *cs, u8 *buf, u32 len);
int quic_cstream_msg_len(const struct quic_cstream *cs);

/* send side */
int quic_cstream_queue(struct quic_cstream *cs, const u8 *data, u32 len,
		       gfp_t gfp);
/* copies @len bytes to @to for quic_cstream_queue_fn(); 0 or -EFAULT */
typedef int (*quic_cstream_copy_t)(void *to, u32 len, void *arg);
int quic_cstream_queue_fn(struct quic_cstream *cs, u32 len,
			  quic_cstream_copy_t copy, void *arg, gfp_t gfp);
bool quic_cstream_send_pending(const struct quic_cstream *cs);
u32 quic_cstream_send_next(struct quic_cstream *cs, size_t room,
			   struct quic_frame *f);
void quic_cstream_on_acked(struct quic_cstream *cs, u64 offset, u64 len);
void quic_cstream_on_lost(struct quic_cstream *cs, u64 offset, u64 len);
bool quic_cstream_all_acked(const struct quic_cstream *cs);
u64 quic_cstream_drop_send(struct quic_cstream *cs);

#endif /* __QUIC_CSTREAM_H__ */
