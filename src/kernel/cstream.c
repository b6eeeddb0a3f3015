// SPDX-License-Identifier: GPL-2.0-or-later
/* CRYPTO streams: reassembly of received handshake data, the send queue. */

#include "cstream.h"

#define QUIC_RSET_NONE	(~0ULL)

static void quic_rset_del(struct quic_cstream_rset *s, u32 i)
{
	memmove(&s->r[i], &s->r[i + 1], (s->n - i - 1) * sizeof(s->r[0]));
	s->n--;
}

/*
 * Add [start, end). When a new range is needed and the set is full: with
 * @keep the closest neighbour grows to cover it, else nothing is added and
 * false is returned.
 */
static bool quic_rset_add(struct quic_cstream_rset *s, u64 start, u64 end,
			  bool keep)
{
	u64 gap_lo, gap_hi;
	u32 i, j;

	if (start >= end)
		return true;
	for (i = 0; i < s->n && s->r[i].end < start; i++)
		;
	for (j = i; j < s->n && s->r[j].start <= end; j++)
		;
	if (j > i) {
		/* r[i .. j - 1] overlap or touch it: merge them into r[i] */
		s->r[i].start = min_t(u64, s->r[i].start, start);
		s->r[i].end = max_t(u64, s->r[j - 1].end, end);
		memmove(&s->r[i + 1], &s->r[j], (s->n - j) * sizeof(s->r[0]));
		s->n -= j - i - 1;
		return true;
	}
	if (s->n == QUIC_CSTREAM_RANGES_MAX) {
		if (!keep)
			return false;
		gap_lo = i > 0 ? start - s->r[i - 1].end : QUIC_RSET_NONE;
		gap_hi = i < s->n ? s->r[i].start - end : QUIC_RSET_NONE;
		if (gap_lo <= gap_hi)
			s->r[i - 1].end = end;
		else
			s->r[i].start = start;
		return true;
	}
	memmove(&s->r[i + 1], &s->r[i], (s->n - i) * sizeof(s->r[0]));
	s->r[i].start = start;
	s->r[i].end = end;
	s->n++;
	return true;
}

/* remove [start, end); a split that needs a slot the set lacks keeps all */
static void quic_rset_remove(struct quic_cstream_rset *s, u64 start, u64 end)
{
	u32 i = 0;

	while (i < s->n) {
		if (s->r[i].end <= start) {
			i++;
			continue;
		}
		if (s->r[i].start >= end)
			return;
		if (s->r[i].start < start && s->r[i].end > end) {
			if (s->n == QUIC_CSTREAM_RANGES_MAX)
				return;
			memmove(&s->r[i + 2], &s->r[i + 1],
				(s->n - i - 1) * sizeof(s->r[0]));
			s->r[i + 1].start = end;
			s->r[i + 1].end = s->r[i].end;
			s->r[i].end = start;
			s->n++;
			return;
		}
		if (s->r[i].start < start) {
			s->r[i].end = start;
			i++;
			continue;
		}
		if (s->r[i].end > end) {
			s->r[i].start = end;
			return;
		}
		quic_rset_del(s, i);
	}
}

static struct quic_cstream_chunk *
quic_cstream_chunk_new(struct quic_mem *mem, u64 offset, const u8 *data,
		       u32 len, gfp_t gfp)
{
	struct quic_cstream_chunk *c;
	u32 size = sizeof(*c) + len;

	c = quic_mem_alloc(mem, size, gfp);
	if (!c)
		return NULL;
	c->offset = offset;
	c->len = len;
	c->head = 0;
	c->size = size;
	c->buf = c->data;
	c->ref = NULL;
	memcpy(c->data, data, len);
	return c;
}

/* a chunk for @len bytes at @data inside @rb's buffer, which it holds;
 * NULL if the buffer cannot be held (copy the data)
 */
static struct quic_cstream_chunk *
quic_cstream_chunk_ref(struct quic_mem *mem, u64 offset, const u8 *data,
		       u32 len, struct quic_cstream_rbuf *rb, gfp_t gfp)
{
	struct quic_cstream_chunk *c;

	c = quic_mem_alloc(mem, sizeof(*c), gfp);
	if (!c)
		return NULL;
	if (rb->get(rb)) {
		quic_mem_free(mem, c, sizeof(*c));
		return NULL;
	}
	c->offset = offset;
	c->len = len;
	c->head = 0;
	c->size = sizeof(*c);
	c->buf = (u8 *)data;
	c->ref = rb->ref;
	c->put = rb->put;
	return c;
}

static void quic_cstream_chunk_free(struct quic_mem *mem,
				    struct quic_cstream_chunk *c)
{
	list_del(&c->list);
	if (c->ref)
		c->put(c->ref);
	quic_mem_free(mem, c, c->size);
}

/* quic_cstream_copy_t over a kernel buffer */
static int quic_cstream_copy_buf(void *to, u32 len, void *arg)
{
	const u8 **from = arg;

	memcpy(to, *from, len);
	*from += len;
	return 0;
}

/**
 * quic_cstream_init - empty CRYPTO stream
 * @cs: stream
 * @recv_limit: bytes the peer may send past what the reader consumed,
 *	clamped to QUIC_CSTREAM_RECV_MIN .. QUIC_CSTREAM_BUF_MAX
 * @send_limit: bytes that may be queued and not acknowledged, clamped to
 *	QUIC_CSTREAM_RECV_MIN .. QUIC_CSTREAM_BUF_MAX
 * @rmem: account for received data (the socket's receive memory)
 * @wmem: account for queued data (the socket's send memory)
 */
void quic_cstream_init(struct quic_cstream *cs, u32 recv_limit,
		       u32 send_limit, struct quic_mem *rmem,
		       struct quic_mem *wmem)
{
	memset(cs, 0, sizeof(*cs));
	INIT_LIST_HEAD(&cs->recv);
	INIT_LIST_HEAD(&cs->send);
	cs->recv_limit = clamp_t(u32, recv_limit, QUIC_CSTREAM_RECV_MIN,
				 QUIC_CSTREAM_BUF_MAX);
	cs->send_limit = clamp_t(u32, send_limit, QUIC_CSTREAM_RECV_MIN,
				 QUIC_CSTREAM_BUF_MAX);
	cs->rmem = rmem;
	cs->wmem = wmem;
	cs->chunks_max = QUIC_CSTREAM_CHUNKS_MAX;
}

/**
 * quic_cstream_free - free and uncharge all data (keys of the level were
 *	discarded, or the connection is freed)
 * @cs: stream; it is empty afterwards and may be used again
 */
void quic_cstream_free(struct quic_cstream *cs)
{
	struct quic_cstream_chunk *c, *n;
	u32 rlimit = cs->recv_limit, slimit = cs->send_limit;
	u32 chunks_max = cs->chunks_max;

	list_for_each_entry_safe(c, n, &cs->recv, list)
		quic_cstream_chunk_free(cs->rmem, c);
	list_for_each_entry_safe(c, n, &cs->send, list)
		quic_cstream_chunk_free(cs->wmem, c);
	quic_cstream_init(cs, rlimit, slimit, cs->rmem, cs->wmem);
	cs->recv_limit = rlimit;
	cs->send_limit = slimit;
	cs->chunks_max = chunks_max;
}

/* store [offset, offset + len) before @pos (a chunk, or the list head):
 * pointing into @rb's buffer when there is one and it can be held (its
 * owner charges it once, whole), else copied
 */
static int quic_cstream_store(struct quic_cstream *cs, struct list_head *pos,
			      u64 offset, const u8 *data, u64 len,
			      struct quic_cstream_rbuf *rb, gfp_t gfp)
{
	struct quic_cstream_chunk *c;
	u32 n;

	if (rb && len >= QUIC_CSTREAM_HOLD_MIN && (u32)len == len &&
	    cs->nrecv < cs->chunks_max) {
		c = quic_cstream_chunk_ref(cs->rmem, offset, data, len, rb,
					   gfp);
		if (c) {
			list_add_tail(&c->list, pos);
			cs->nrecv++;
			rb->held += len;
			return 0;
		}
	}
	while (len) {
		if (cs->nrecv >= cs->chunks_max)
			return -ENOBUFS;
		n = min_t(u64, len, QUIC_CSTREAM_CHUNK_DATA);
		c = quic_cstream_chunk_new(cs->rmem, offset, data, n, gfp);
		if (!c)
			return -ENOMEM;
		list_add_tail(&c->list, pos);
		cs->nrecv++;
		offset += n;
		data += n;
		len -= n;
	}
	return 0;
}

/**
 * quic_cstream_recv - take the data of a received CRYPTO frame
 * @cs: stream of the packet's encryption level
 * @offset: the frame's Offset
 * @data: the frame's data (copied)
 * @len: bytes at @data
 * @gfp: allocation flags (GFP_ATOMIC on the receive path)
 * @errcode: set to the transport error when -EPROTO is returned
 *
 * Data may arrive in any order, overlap what was received or read, or
 * repeat it: only bytes not held yet are stored, in-order data becomes
 * readable with quic_cstream_peek()/quic_cstream_read().
 *
 * Return: 0; -EPROTO with CRYPTO_BUFFER_EXCEEDED in @errcode if the frame
 * ends more than @recv_limit bytes past the read offset (RFC 9000 7.5), or
 * FRAME_ENCODING_ERROR if it ends past 2^62-1 (nothing stored in both
 * cases); -ENOMEM or -ENOBUFS (too many pieces held) if memory ran out:
 * drop the packet without acknowledging it, part of the data may have been
 * stored and the peer will send it again.
 */
int quic_cstream_recv(struct quic_cstream *cs, u64 offset, const u8 *data,
		      u64 len, gfp_t gfp, u64 *errcode)
{
	return quic_cstream_recv_rbuf(cs, offset, data, len, NULL, gfp,
				      errcode);
}

/**
 * quic_cstream_recv_rbuf - quic_cstream_recv() of data inside a received
 *	buffer that the stream may hold instead of copying the data
 * @cs: stream
 * @offset: the frame's Offset
 * @data: the frame's data, inside @rb's buffer
 * @len: bytes at @data
 * @rb: the buffer and how to hold it, or NULL (copy)
 * @gfp: allocation flags
 * @errcode: as for quic_cstream_recv()
 *
 * Return: as quic_cstream_recv().
 */
int quic_cstream_recv_rbuf(struct quic_cstream *cs, u64 offset,
			   const u8 *data, u64 len,
			   struct quic_cstream_rbuf *rb, gfp_t gfp,
			   u64 *errcode)
{
	struct quic_cstream_chunk *c;
	u64 end, cur, cend;
	int err;

	if (offset > QUIC_VARINT_MAX || len > QUIC_VARINT_MAX - offset) {
		*errcode = QUIC_TRANSPORT_ERROR_FRAME_ENCODING;
		return -EPROTO;
	}
	end = offset + len;
	if (!len || end <= cs->read_off)
		return 0;
	if (end - cs->read_off > cs->recv_limit) {
		*errcode = QUIC_TRANSPORT_ERROR_CRYPTO_BUF_EXCEEDED;
		return -EPROTO;
	}
	cur = max_t(u64, offset, cs->read_off);
	list_for_each_entry(c, &cs->recv, list) {
		cend = c->offset + c->len;
		if (cend <= cur)
			continue;
		if (c->offset >= end)
			break;
		if (c->offset > cur) {
			err = quic_cstream_store(cs, &c->list, cur,
						 data + (cur - offset),
						 c->offset - cur, rb, gfp);
			if (err)
				return err;
		}
		cur = cend;
		if (cur >= end)
			return 0;
	}
	/* @c is the first chunk past the data, or the list head */
	return quic_cstream_store(cs, &c->list, cur, data + (cur - offset),
				  end - cur, rb, gfp);
}

/**
 * quic_cstream_readable - in-order bytes available to the reader
 * @cs: stream
 *
 * Return: contiguous bytes held from the read offset on.
 */
u64 quic_cstream_readable(const struct quic_cstream *cs)
{
	struct quic_cstream_chunk *c;
	u64 next = cs->read_off;

	list_for_each_entry(c, &cs->recv, list) {
		if (c->offset != next)
			break;
		next += c->len;
	}
	return next - cs->read_off;
}

/**
 * quic_cstream_peek_at - in-order data some bytes past the read offset,
 *	without copying or consuming it (MSG_PEEK)
 * @cs: stream
 * @skip: bytes after the read offset
 * @data: set to the bytes at read offset + @skip (valid until the stream
 *	is changed)
 *
 * Return: contiguous bytes at *@data, 0 if nothing is readable there.
 */
u32 quic_cstream_peek_at(const struct quic_cstream *cs, u64 skip,
			 const u8 **data)
{
	struct quic_cstream_chunk *c;
	u64 next = cs->read_off;

	list_for_each_entry(c, &cs->recv, list) {
		if (c->offset != next)
			return 0;
		if (skip < c->len) {
			*data = c->buf + c->head + skip;
			return c->len - skip;
		}
		skip -= c->len;
		next += c->len;
	}
	return 0;
}

/**
 * quic_cstream_peek - the first piece of in-order data, without copying
 * @cs: stream
 * @data: set to the bytes at the read offset (valid until the stream is
 *	changed)
 *
 * Copy from it (copy_to_iter()) and call quic_cstream_consume().
 *
 * Return: bytes at *@data, 0 if nothing is readable.
 */
u32 quic_cstream_peek(const struct quic_cstream *cs, const u8 **data)
{
	return quic_cstream_peek_at(cs, 0, data);
}

/**
 * quic_cstream_consume - the reader took bytes
 * @cs: stream
 * @n: bytes taken from the read offset (at most quic_cstream_readable())
 *
 * Frees (and uncharges) the chunks that were fully read.
 */
void quic_cstream_consume(struct quic_cstream *cs, u64 n)
{
	struct quic_cstream_chunk *c, *tmp;
	u32 take;

	list_for_each_entry_safe(c, tmp, &cs->recv, list) {
		if (!n || c->offset != cs->read_off)
			return;
		take = min_t(u64, n, c->len);
		c->head += take;
		c->len -= take;
		c->offset += take;
		cs->read_off += take;
		n -= take;
		if (!c->len) {
			quic_cstream_chunk_free(cs->rmem, c);
			cs->nrecv--;
		}
	}
}

/**
 * quic_cstream_read - copy in-order data out and consume it
 * @cs: stream
 * @buf: destination
 * @len: room at @buf
 *
 * Return: bytes copied.
 */
u32 quic_cstream_read(struct quic_cstream *cs, u8 *buf, u32 len)
{
	const u8 *p;
	u32 done = 0, n;

	while (done < len) {
		n = quic_cstream_peek(cs, &p);
		if (!n)
			break;
		n = min(n, len - done);
		memcpy(buf + done, p, n);
		quic_cstream_consume(cs, n);
		done += n;
	}
	return done;
}

/**
 * quic_cstream_msg_len - length of the next TLS handshake message, if it
 *	is complete
 * @cs: stream
 *
 * TLS handshake messages start with a type byte and a 24-bit length, so the
 * socket layer can hand the TLS library one whole message per recvmsg().
 *
 * Return: header + body length when all of it is readable; 0 when more
 * data is needed; -EMSGSIZE when the message is longer than @recv_limit and
 * can never be buffered whole (close with CRYPTO_BUFFER_EXCEEDED).
 */
int quic_cstream_msg_len(const struct quic_cstream *cs)
{
	u8 hdr[QUIC_TLS_HS_HDR_LEN];
	struct quic_cstream_chunk *c;
	u64 avail = quic_cstream_readable(cs);
	u32 got = 0, n, len;

	if (avail < QUIC_TLS_HS_HDR_LEN)
		return 0;
	list_for_each_entry(c, &cs->recv, list) {
		n = min_t(u32, c->len, QUIC_TLS_HS_HDR_LEN - got);
		memcpy(hdr + got, c->buf + c->head, n);
		got += n;
		if (got == QUIC_TLS_HS_HDR_LEN)
			break;
	}
	len = QUIC_TLS_HS_HDR_LEN + (u32)quic_get_be(hdr + 1, 3);
	if (len > cs->recv_limit)
		return -EMSGSIZE;
	return avail >= len ? (int)len : 0;
}

/**
 * quic_cstream_queue - queue handshake bytes from the TLS library
 * @cs: stream of the level the TLS library named
 * @data: bytes (copied)
 * @len: bytes at @data
 * @gfp: allocation flags
 *
 * They get the next offsets of the stream and go out with
 * quic_cstream_send_next().
 *
 * Return: 0; -EAGAIN if @send_limit bytes would be queued and not
 * acknowledged (nothing queued); -ENOMEM (nothing queued).
 */
int quic_cstream_queue(struct quic_cstream *cs, const u8 *data, u32 len,
		       gfp_t gfp)
{
	return quic_cstream_queue_fn(cs, len, quic_cstream_copy_buf, &data,
				     gfp);
}

/**
 * quic_cstream_queue_fn - queue @len bytes that @copy writes straight into
 *	the stream's chunks (from user memory: the only copy on the way)
 * @cs: stream
 * @len: bytes
 * @copy: called per chunk with the chunk's room, advancing its source
 * @arg: its argument
 * @gfp: allocation flags
 *
 * Return: as quic_cstream_queue(), and -EFAULT when @copy failed (nothing
 * queued).
 */
int quic_cstream_queue_fn(struct quic_cstream *cs, u32 len,
			  quic_cstream_copy_t copy, void *arg, gfp_t gfp)
{
	struct quic_cstream_chunk *c, *tmp;
	u64 off = cs->send_end;
	LIST_HEAD(chunks);
	u32 n, done = 0;
	int err;

	if (cs->send_end - cs->acked_off + len > cs->send_limit)
		return -EAGAIN;
	while (done < len) {
		n = min_t(u32, len - done, QUIC_CSTREAM_CHUNK_DATA);
		c = quic_mem_alloc(cs->wmem, sizeof(*c) + n, gfp);
		err = -ENOMEM;
		if (!c)
			goto fail;
		c->offset = off + done;
		c->len = n;
		c->head = 0;
		c->size = sizeof(*c) + n;
		c->buf = c->data;
		c->ref = NULL;
		list_add_tail(&c->list, &chunks);
		err = copy(c->data, n, arg);
		if (err)
			goto fail;
		done += n;
	}
	list_splice_tail_init(&chunks, &cs->send);
	cs->send_end += len;
	return 0;
fail:
	list_for_each_entry_safe(c, tmp, &chunks, list)
		quic_cstream_chunk_free(cs->wmem, c);
	return err;
}

/**
 * quic_cstream_send_pending - is there data to send (new or lost)?
 * @cs: stream
 *
 * Return: true if quic_cstream_send_next() has something to send.
 */
bool quic_cstream_send_pending(const struct quic_cstream *cs)
{
	return cs->retx.n || cs->send_off < cs->send_end;
}

/* fill a CRYPTO frame with bytes of [start, end) that fit in @room */
static u32 quic_cstream_emit(struct quic_cstream *cs, u64 start, u64 end,
			     size_t room, struct quic_frame *f)
{
	struct quic_cstream_chunk *c;
	u64 avail;
	size_t hdr;
	u32 len;

	list_for_each_entry(c, &cs->send, list)
		if (start < c->offset + c->len)
			break;
	if (list_entry_is_head(c, &cs->send, list) || start < c->offset)
		return 0;	/* not queued: cannot happen */
	avail = min_t(u64, end, c->offset + c->len) - start;
	hdr = 1 + quic_varint_len(start) +
	      quic_varint_len(min_t(u64, avail, room));
	if (room <= hdr)
		return 0;
	len = min_t(u64, avail, room - hdr);
	memset(f, 0, sizeof(*f));
	f->type = QUIC_FRAME_CRYPTO;
	f->crypto.offset = start;
	f->crypto.len = len;
	f->crypto.data = c->buf + c->head + (start - c->offset);
	return len;
}

/**
 * quic_cstream_send_next - the next CRYPTO frame to send, lost data first
 * @cs: stream
 * @room: bytes available for the whole frame in the packet being built
 * @f: filled with a CRYPTO frame for quic_frame_encode(); f->crypto.data
 *	points into the queue, valid until the range is acknowledged
 *
 * The bytes are taken as sent: record (offset, len) with the packet and
 * report them with quic_cstream_on_acked() or quic_cstream_on_lost() (also
 * when the packet could not be sent after all).
 *
 * Return: bytes of data in the frame; 0 if nothing is pending or not even
 * one byte fits in @room.
 */
u32 quic_cstream_send_next(struct quic_cstream *cs, size_t room,
			   struct quic_frame *f)
{
	u64 start, end;
	u32 i, len;

	while (cs->retx.n) {
		start = max_t(u64, cs->retx.r[0].start, cs->acked_off);
		end = cs->retx.r[0].end;
		/* skip what was acknowledged meanwhile */
		for (i = 0; i < cs->acked.n; i++) {
			if (cs->acked.r[i].end <= start)
				continue;
			if (cs->acked.r[i].start > start) {
				end = min_t(u64, end, cs->acked.r[i].start);
				break;
			}
			start = cs->acked.r[i].end;
		}
		if (start >= cs->retx.r[0].end) {
			quic_rset_del(&cs->retx, 0);
			continue;
		}
		len = quic_cstream_emit(cs, start, end, room, f);
		if (len)
			quic_rset_remove(&cs->retx, start, start + len);
		return len;
	}
	if (cs->send_off >= cs->send_end)
		return 0;
	len = quic_cstream_emit(cs, cs->send_off, cs->send_end, room, f);
	cs->send_off += len;
	return len;
}

/**
 * quic_cstream_on_acked - a packet carrying stream bytes was acknowledged
 * @cs: stream
 * @offset: the CRYPTO frame's offset
 * @len: its length
 *
 * Chunks that are acknowledged entirely are freed and uncharged.
 */
void quic_cstream_on_acked(struct quic_cstream *cs, u64 offset, u64 len)
{
	struct quic_cstream_chunk *c, *tmp;
	u64 end = min_t(u64, offset + len, cs->send_off);

	if (offset >= end || end <= cs->acked_off)
		return;
	if (offset <= cs->acked_off)
		cs->acked_off = end;	/* never lost to a full range set */
	else if (!quic_rset_add(&cs->acked, offset, end, false))
		/* no room to remember it: send it again, to be acked again */
		quic_rset_add(&cs->retx, offset, end, true);
	while (cs->acked.n && cs->acked.r[0].start <= cs->acked_off) {
		cs->acked_off = max_t(u64, cs->acked_off, cs->acked.r[0].end);
		quic_rset_del(&cs->acked, 0);
	}
	quic_rset_remove(&cs->retx, 0, cs->acked_off);
	list_for_each_entry_safe(c, tmp, &cs->send, list) {
		if (c->offset + c->len > cs->acked_off)
			break;
		quic_cstream_chunk_free(cs->wmem, c);
	}
}

/**
 * quic_cstream_on_lost - a packet carrying stream bytes was declared lost
 * @cs: stream
 * @offset: the CRYPTO frame's offset
 * @len: its length
 *
 * The bytes that are not acknowledged yet are sent again, before new data.
 */
void quic_cstream_on_lost(struct quic_cstream *cs, u64 offset, u64 len)
{
	u64 end = min_t(u64, offset + len, cs->send_off);

	offset = max_t(u64, offset, cs->acked_off);
	quic_rset_add(&cs->retx, offset, end, true);
}

/**
 * quic_cstream_drop_send - abandon the send side (the stream was reset):
 *	free what is queued; nothing is sent or resent any more
 * @cs: stream
 *
 * Return: the bytes sent at least once, the final size of a reset stream.
 */
u64 quic_cstream_drop_send(struct quic_cstream *cs)
{
	struct quic_cstream_chunk *c, *n;

	list_for_each_entry_safe(c, n, &cs->send, list)
		quic_cstream_chunk_free(cs->wmem, c);
	cs->send_end = cs->send_off;
	cs->acked_off = cs->send_off;
	cs->acked.n = 0;
	cs->retx.n = 0;
	return cs->send_off;
}

/**
 * quic_cstream_all_acked - was every queued byte acknowledged?
 * @cs: stream
 *
 * Return: true when nothing is outstanding or waiting to be sent.
 */
bool quic_cstream_all_acked(const struct quic_cstream *cs)
{
	return cs->acked_off == cs->send_end;
}
