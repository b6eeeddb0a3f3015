// SPDX-License-Identifier: GPL-2.0-or-later
/* Streams: opening by either side within the stream limits, data in both
 * directions with final-size checks, stream and connection flow control,
 * and freeing a stream once both directions are done.
 */

#include <linux/hash.h>
#include <linux/slab.h>
#include "stream.h"

#define QUIC_STREAM_SERVER	0x1
#define QUIC_STREAM_UNI		0x2

static bool quic_stream_local(const struct quic_stream_table *t, s64 id)
{
	return !!(id & QUIC_STREAM_SERVER) == t->server;
}

static bool quic_stream_has_recv(const struct quic_stream_table *t, s64 id)
{
	return !(id & QUIC_STREAM_UNI) || !quic_stream_local(t, id);
}

static bool quic_stream_has_send(const struct quic_stream_table *t, s64 id)
{
	return !(id & QUIC_STREAM_UNI) || quic_stream_local(t, id);
}

static struct hlist_head *quic_stream_bucket(struct quic_stream_table *t,
					     s64 id)
{
	return &t->hash[hash_64((u64)id, QUIC_STREAM_HASH_BITS)];
}

void quic_streams_init(struct quic_stream_table *t, bool server,
		       const struct quic_transport_param *local,
		       const struct quic_transport_param *remote,
		       struct quic_mem *rmem, struct quic_mem *wmem)
{
	u32 i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < ARRAY_SIZE(t->hash); i++)
		INIT_HLIST_HEAD(&t->hash[i]);
	INIT_LIST_HEAD(&t->send);
	t->server = server;
	t->last = -1;
	t->local = local;
	t->remote = remote;
	t->rmem = rmem;
	t->wmem = wmem;
	t->peer_bidi = local->max_streams_bidi;
	t->peer_uni = local->max_streams_uni;
	t->recv_window = local->max_data;
	t->recv_max = local->max_data;
	t->window_ceiling = local->max_data;
}

/* the send limit a stream starts with, from the peer's parameters */
static u64 quic_stream_send_initial(const struct quic_stream_table *t, s64 id)
{
	const struct quic_transport_param *r = t->remote;

	if (id & QUIC_STREAM_UNI)
		return r->max_stream_data_uni;
	if (quic_stream_local(t, id))
		return r->max_stream_data_bidi_remote;
	return r->max_stream_data_bidi_local;
}

static u64 quic_stream_recv_initial(const struct quic_stream_table *t, s64 id)
{
	const struct quic_transport_param *l = t->local;

	if (id & QUIC_STREAM_UNI)
		return l->max_stream_data_uni;
	if (quic_stream_local(t, id))
		return l->max_stream_data_bidi_local;
	return l->max_stream_data_bidi_remote;
}

static void quic_streams_wake_send(struct quic_stream_table *t);
static bool quic_stream_fin_due(const struct quic_stream *s);

/* the peer's transport parameters arrived: its limits apply from now on */
void quic_streams_set_remote(struct quic_stream_table *t)
{
	struct quic_stream *s;
	u32 i;

	t->send_max = max_t(u64, t->send_max, t->remote->max_data);
	quic_streams_wake_send(t);
	t->max_bidi = max_t(u64, t->max_bidi, t->remote->max_streams_bidi);
	t->max_uni = max_t(u64, t->max_uni, t->remote->max_streams_uni);
	for (i = 0; i < ARRAY_SIZE(t->hash); i++)
		hlist_for_each_entry(s, &t->hash[i], node)
			s->send_max = max_t(u64, s->send_max,
					    quic_stream_send_initial(t, s->id));
}

/* a stream the peer opened is gone: give it credit for a new one, in
 * batches of half the limit (RFC 9000 4.6)
 */
static void quic_stream_credit(struct quic_stream_table *t, s64 id)
{
	bool uni = id & QUIC_STREAM_UNI;
	u64 *closed = uni ? &t->peer_closed_uni : &t->peer_closed_bidi;
	u64 *limit = uni ? &t->peer_uni : &t->peer_bidi;
	u64 batch = (uni ? t->local->max_streams_uni :
			   t->local->max_streams_bidi) / 2 ?: 1;

	if (quic_stream_local(t, id) || ++*closed < batch)
		return;
	if (*limit + *closed > QUIC_MAX_STREAMS_LIMIT)
		return;
	*limit += *closed;
	*closed = 0;
	t->max_streams_send |= uni ? 2 : 1;
}

static void quic_stream_free(struct quic_stream_table *t, struct quic_stream *s)
{
	hlist_del(&s->node);
	list_del(&s->send_node);
	quic_cstream_free(&s->data);
	kfree(s);
	t->count--;
}

void quic_streams_free(struct quic_stream_table *t)
{
	struct hlist_node *tmp;
	struct quic_stream *s;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(t->hash); i++)
		hlist_for_each_entry_safe(s, tmp, &t->hash[i], node)
			quic_stream_free(t, s);
}

struct quic_stream *quic_stream_find(struct quic_stream_table *t, s64 id)
{
	struct quic_stream *s;

	hlist_for_each_entry(s, quic_stream_bucket(t, id), node)
		if (s->id == id)
			return s;
	return NULL;
}

static struct quic_stream *quic_stream_new(struct quic_stream_table *t,
					   s64 id, gfp_t gfp)
{
	struct quic_stream *s;
	u64 window;

	s = kzalloc(sizeof(*s), gfp);
	if (!s)
		return NULL;
	s->id = id;
	INIT_LIST_HEAD(&s->send_node);
	window = quic_stream_recv_initial(t, id);
	quic_cstream_init(&s->data, 0, 0, t->rmem, t->wmem);
	/* flow control bounds what is held, not the CRYPTO stream limits */
	s->data.recv_limit = min_t(u64, window, U32_MAX);
	s->data.send_limit = QUIC_STREAM_SEND_LIMIT;
	s->data.chunks_max = min_t(u64, window / 512 + 16, 8192);
	s->recv_window = window;
	s->recv_max = window;
	s->recv_final = U64_MAX;
	s->send_max = quic_stream_send_initial(t, id);
	s->blocked_at = U64_MAX;
	hlist_add_head(&s->node, quic_stream_bucket(t, id));
	t->count++;
	return s;
}

/**
 * quic_stream_open - the stream @id, opened by us
 * @t: table
 * @id: a stream ID of ours
 * @flags: MSG_QUIC_STREAM_* of the send that opens it (unused for now)
 * @gfp: allocation flags
 *
 * Opening a stream opens the lower ones of its type implicitly (their IDs
 * are skipped: nothing was sent on them).
 *
 * Return: the stream, or an ERR_PTR: -EAGAIN (the peer's stream limit),
 * -EINVAL (not one of our IDs), -ENOMEM.
 */
struct quic_stream *quic_stream_open(struct quic_stream_table *t, s64 id,
				     u32 flags, gfp_t gfp)
{
	u64 n = (u64)id >> 2, *next, max;
	struct quic_stream *s;

	if (id < 0 || !quic_stream_local(t, id))
		return ERR_PTR(-EINVAL);
	s = quic_stream_find(t, id);
	if (s)
		return s;
	next = (id & QUIC_STREAM_UNI) ? &t->next_uni : &t->next_bidi;
	max = (id & QUIC_STREAM_UNI) ? t->max_uni : t->max_bidi;
	if (n < *next)
		return ERR_PTR(-EINVAL);	/* opened before and closed */
	if (n >= max)
		return ERR_PTR(-EAGAIN);
	s = quic_stream_new(t, id, gfp);
	if (!s)
		return ERR_PTR(-ENOMEM);
	*next = n + 1;
	return s;
}

/**
 * quic_stream_send_id - the stream a send goes to
 * @t: table
 * @id: the ID the application named, or -1
 * @flags: MSG_QUIC_STREAM_NEW, MSG_QUIC_STREAM_UNI
 * @out: the stream ID
 *
 * Return: 0, or -EINVAL when -1 names no stream.
 */
int quic_stream_send_id(struct quic_stream_table *t, s64 id, u32 flags,
			s64 *out)
{
	bool uni = flags & MSG_QUIC_STREAM_UNI;

	if (id >= 0) {
		*out = id;
		return 0;
	}
	if (!(flags & MSG_QUIC_STREAM_NEW)) {
		if (t->last < 0)
			return -EINVAL;
		*out = t->last;
		return 0;
	}
	*out = (s64)(((uni ? t->next_uni : t->next_bidi) << 2) |
		     (uni ? QUIC_STREAM_UNI : 0) |
		     (t->server ? QUIC_STREAM_SERVER : 0));
	return 0;
}

/*
 * The stream a received frame names: created if the peer opens it, NULL
 * if it was closed already (the frame is then ignored). A frame for a
 * stream that cannot exist is a STREAM_LIMIT_ERROR or STREAM_STATE_ERROR.
 */
static struct quic_stream *quic_stream_peer(struct quic_stream_table *t,
					    s64 id, bool recv, u64 *errcode)
{
	u64 n = (u64)id >> 2, *opened, limit;
	struct quic_stream *s;

	if (recv && !quic_stream_has_recv(t, id)) {
		*errcode = QUIC_TRANSPORT_ERROR_STREAM_STATE;
		return ERR_PTR(-EPROTO);
	}
	s = quic_stream_find(t, id);
	if (s)
		return s;
	if (quic_stream_local(t, id)) {
		if (n >= ((id & QUIC_STREAM_UNI) ? t->next_uni : t->next_bidi)) {
			*errcode = QUIC_TRANSPORT_ERROR_STREAM_STATE;
			return ERR_PTR(-EPROTO);
		}
		return NULL;
	}
	opened = (id & QUIC_STREAM_UNI) ? &t->peer_opened_uni :
					  &t->peer_opened_bidi;
	limit = (id & QUIC_STREAM_UNI) ? t->peer_uni : t->peer_bidi;
	if (n >= limit) {
		*errcode = QUIC_TRANSPORT_ERROR_STREAM_LIMIT;
		return ERR_PTR(-EPROTO);
	}
	if (n < *opened)
		return NULL;
	s = quic_stream_new(t, id, GFP_ATOMIC);
	if (!s)
		return ERR_PTR(-ENOMEM);
	*opened = n + 1;
	return s;
}

/**
 * quic_stream_recv_frame - take a STREAM frame
 * @t: table
 * @f: the frame
 * @rb: the received buffer (skb) the frame's data is in, which the stream
 *	may hold instead of copying the data; NULL: copy
 * @errcode: the transport error when -EPROTO is returned
 *
 * Return: 0, -EPROTO (close the connection with @errcode), -ENOMEM or
 * -ENOBUFS (drop the packet unacknowledged).
 */
int quic_stream_recv_frame(struct quic_stream_table *t,
			   const struct quic_frame *f,
			   struct quic_cstream_rbuf *rb, u64 *errcode)
{
	u64 off = f->stream.offset, len = f->stream.len, end = off + len;
	struct quic_stream *s;
	int err;

	if (end > QUIC_VARINT_MAX) {
		*errcode = QUIC_TRANSPORT_ERROR_FRAME_ENCODING;
		return -EPROTO;
	}
	s = quic_stream_peer(t, f->stream.stream_id, true, errcode);
	if (IS_ERR_OR_NULL(s))
		return PTR_ERR_OR_ZERO(s);
	if (end > s->recv_max) {
		*errcode = QUIC_TRANSPORT_ERROR_FLOW_CONTROL;
		return -EPROTO;
	}
	if ((s->recv_final != U64_MAX &&
	     (end > s->recv_final || (f->stream.fin && end != s->recv_final))) ||
	    (f->stream.fin && end < s->recv_highest)) {
		*errcode = QUIC_TRANSPORT_ERROR_FINAL_SIZE;
		return -EPROTO;
	}
	if (end > s->recv_highest) {
		if (t->recv_sum + (end - s->recv_highest) > t->recv_max) {
			*errcode = QUIC_TRANSPORT_ERROR_FLOW_CONTROL;
			return -EPROTO;
		}
		t->recv_sum += end - s->recv_highest;
		s->recv_highest = end;
	}
	if (f->stream.fin)
		s->recv_final = end;
	err = quic_cstream_recv_rbuf(&s->data, off, f->stream.data, len, rb,
				     GFP_ATOMIC, errcode);
	if (err == -EPROTO)
		*errcode = QUIC_TRANSPORT_ERROR_FLOW_CONTROL;
	return err;
}

/**
 * quic_stream_reset_frame - take a RESET_STREAM frame: the peer abandons
 *	its side of the stream; what was not read yet is dropped
 * @t: table
 * @f: the frame
 * @notify: the application learns of it by an event; otherwise the reader
 *	sees the end of the stream (FIN) where the data stopped
 * @errcode: the transport error when an ERR_PTR(-EPROTO) is returned
 *
 * Return: the stream when this is news for the application, NULL when
 * there is nothing to report (a repeated frame, a closed stream), or an
 * ERR_PTR: -EPROTO (close with @errcode), -ENOMEM.
 */
struct quic_stream *quic_stream_reset_frame(struct quic_stream_table *t,
					    const struct quic_frame *f,
					    bool notify, u64 *errcode)
{
	u64 final = f->reset_stream.final_size;
	struct quic_stream *s;

	s = quic_stream_peer(t, f->reset_stream.stream_id, true, errcode);
	if (IS_ERR_OR_NULL(s))
		return s;
	if (final < s->recv_highest ||
	    (s->recv_final != U64_MAX && final != s->recv_final)) {
		*errcode = QUIC_TRANSPORT_ERROR_FINAL_SIZE;
		return ERR_PTR(-EPROTO);
	}
	if (final > s->recv_max) {
		*errcode = QUIC_TRANSPORT_ERROR_FLOW_CONTROL;
		return ERR_PTR(-EPROTO);
	}
	if (s->recv_reset || s->fin_read)
		return NULL;
	if (t->recv_sum + (final - s->recv_highest) > t->recv_max) {
		*errcode = QUIC_TRANSPORT_ERROR_FLOW_CONTROL;
		return ERR_PTR(-EPROTO);
	}
	t->recv_sum += final - s->recv_highest;
	s->recv_highest = final;
	s->recv_final = final;
	s->recv_reset = 1;
	s->stop_due = 0;
	/* what was not read is dropped and its credit given back */
	t->read_sum += final - s->data.read_off;
	quic_cstream_free(&s->data);
	s->data.read_off = final;
	if (notify)
		s->fin_read = 1;
	return s;
}

/* abandon the send side of @s with @errcode: RESET_STREAM goes out */
static void quic_stream_do_reset(struct quic_stream_table *t,
				 struct quic_stream *s, u32 errcode)
{
	quic_cstream_drop_send(&s->data);
	s->reset = 1;
	s->reset_due = 1;
	s->reset_errcode = errcode;
	s->send_fin = 1;
	if (list_empty(&s->send_node))
		list_add_tail(&s->send_node, &t->send);
}

/* nothing of the send side is left to do (or undo) */
static bool quic_stream_send_done(const struct quic_stream *s)
{
	if (s->reset)
		return true;
	return s->fin_acked && quic_cstream_all_acked(&s->data);
}

/**
 * quic_stream_stop_frame - take a STOP_SENDING frame: the peer wants no
 *	more data on the stream, so its send side is reset with the peer's
 *	error code (RFC 9000 3.5)
 * @t: table
 * @f: the frame
 * @errcode: the transport error when an ERR_PTR(-EPROTO) is returned
 *
 * Return: the stream when it was reset now, NULL when there was nothing
 * to do, or an ERR_PTR: -EPROTO (close with @errcode), -ENOMEM.
 */
struct quic_stream *quic_stream_stop_frame(struct quic_stream_table *t,
					   const struct quic_frame *f,
					   u64 *errcode)
{
	s64 id = f->stop_sending.stream_id;
	struct quic_stream *s;

	if (!quic_stream_has_send(t, id)) {
		*errcode = QUIC_TRANSPORT_ERROR_STREAM_STATE;
		return ERR_PTR(-EPROTO);
	}
	s = quic_stream_peer(t, id, false, errcode);
	if (IS_ERR_OR_NULL(s))
		return s;
	if (quic_stream_send_done(s))
		return NULL;
	quic_stream_do_reset(t, s, (u32)f->stop_sending.errcode);
	return s;
}

/**
 * quic_stream_reset - the application resets the send side of stream @id
 * @t: table
 * @id: stream ID
 * @errcode: application error code for the RESET_STREAM frame
 *
 * Return: 0 (also when it was reset already, or all was acknowledged),
 * -EINVAL when the stream is not open or has no send side.
 */
int quic_stream_reset(struct quic_stream_table *t, s64 id, u32 errcode)
{
	struct quic_stream *s = quic_stream_find(t, id);

	if (!s || !quic_stream_has_send(t, id))
		return -EINVAL;
	if (!quic_stream_send_done(s))
		quic_stream_do_reset(t, s, errcode);
	return 0;
}

/**
 * quic_stream_stop_sending - the application wants no more data on @id
 * @t: table
 * @id: stream ID
 * @errcode: application error code for the STOP_SENDING frame
 *
 * Return: 0 (also when all data arrived already), -EINVAL when the stream
 * is not open or has no receive side.
 */
int quic_stream_stop_sending(struct quic_stream_table *t, s64 id,
			     u32 errcode)
{
	struct quic_stream *s = quic_stream_find(t, id);

	if (!s || !quic_stream_has_recv(t, id))
		return -EINVAL;
	if (s->recv_reset || s->fin_read ||
	    (s->recv_final != U64_MAX && s->recv_highest == s->recv_final &&
	     quic_cstream_readable(&s->data) == s->recv_final - s->data.read_off))
		return 0;
	s->stop_due = 1;
	s->stop_errcode = errcode;
	if (list_empty(&s->send_node))
		list_add_tail(&s->send_node, &t->send);
	return 0;
}

/**
 * quic_stream_open_blocked - is opening @id held up by the peer's stream
 *	limit? If so, a STREAMS_BLOCKED frame is queued for the peer.
 * @t: table
 * @id: a stream ID of ours
 *
 * Return: true while the peer's MAX_STREAMS does not cover @id.
 */
bool quic_stream_open_blocked(struct quic_stream_table *t, s64 id)
{
	bool uni = id & QUIC_STREAM_UNI;
	u64 max = uni ? t->max_uni : t->max_bidi;

	if (((u64)id >> 2) < max)
		return false;
	t->streams_blocked_send |= uni ? 2 : 1;
	return true;
}

/* streams that stopped for want of connection credit may send again */
static void quic_streams_wake_send(struct quic_stream_table *t)
{
	struct quic_stream *s;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(t->hash); i++)
		hlist_for_each_entry(s, &t->hash[i], node)
			if (list_empty(&s->send_node) &&
			    (s->data.send_off < s->data.send_end ||
			     s->data.retx.n || quic_stream_fin_due(s)))
				list_add_tail(&s->send_node, &t->send);
}

/* may the peer's stream limit see stream @id of ours yet? (after a 0-RTT
 * rejection the server's new limit may be below streams already open)
 */
static bool quic_stream_over_limit(const struct quic_stream_table *t,
				   const struct quic_stream *s)
{
	u64 n = (u64)s->id >> 2;

	if (!quic_stream_local(t, s->id))
		return false;
	return n >= ((s->id & QUIC_STREAM_UNI) ? t->max_uni : t->max_bidi);
}

/**
 * quic_streams_rewind - the peer has none of the stream data sent so far
 *	(0-RTT was rejected, or never sent): all of it is new data again, and
 *	the peer's limits are those of its parameters still to come
 * @t: table
 *
 * Stream IDs and queued data stay; what was sent, the credit it used and
 * the peer's limits start over (RFC 9001 4.6.2: the state of every stream
 * is reset, and the application sees nothing of it).
 */
void quic_streams_rewind(struct quic_stream_table *t)
{
	struct quic_stream *s;
	struct quic_cstream *cs;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(t->hash); i++) {
		hlist_for_each_entry(s, &t->hash[i], node) {
			if (!quic_stream_has_send(t, s->id))
				continue;
			cs = &s->data;
			t->send_sum -= min_t(u64, t->send_sum,
					     cs->send_off - cs->acked_off);
			cs->send_off = cs->acked_off;
			cs->retx.n = 0;
			cs->acked.n = 0;
			s->fin_sent = 0;
			s->blocked_at = 0;
			s->send_max = 0;
			if (s->reset && !s->reset_acked)
				s->reset_due = 1;
			if (list_empty(&s->send_node) &&
			    (cs->send_off < cs->send_end || s->reset_due ||
			     quic_stream_fin_due(s)))
				list_add_tail(&s->send_node, &t->send);
		}
	}
	t->send_max = 0;
	t->max_bidi = 0;
	t->max_uni = 0;
	t->data_blocked_at = 0;
	t->data_blocked_send = false;
	t->streams_blocked_send = 0;
	t->limited = 0;
}

/* MAX_DATA, MAX_STREAM_DATA and MAX_STREAMS_* from the peer */
void quic_stream_max_data_frame(struct quic_stream_table *t,
				const struct quic_frame *f)
{
	struct quic_stream *s;

	switch (f->type) {
	case QUIC_FRAME_MAX_DATA:
		if (f->max.max <= t->send_max)
			return;
		t->send_max = f->max.max;
		t->limited &= ~QUIC_LIMITED_DATA;
		quic_streams_wake_send(t);
		return;
	case QUIC_FRAME_MAX_STREAMS_BIDI:
		t->max_bidi = max_t(u64, t->max_bidi, f->max.max);
		quic_streams_wake_send(t);
		return;
	case QUIC_FRAME_MAX_STREAMS_UNI:
		t->max_uni = max_t(u64, t->max_uni, f->max.max);
		quic_streams_wake_send(t);
		return;
	case QUIC_FRAME_MAX_STREAM_DATA:
		s = quic_stream_find(t, f->max_stream_data.stream_id);
		if (s && f->max_stream_data.max > s->send_max) {
			s->send_max = f->max_stream_data.max;
			t->limited &= ~QUIC_LIMITED_STREAM;
			if (list_empty(&s->send_node))
				list_add_tail(&s->send_node, &t->send);
		}
		return;
	}
}

/* a stream with data or an end of stream the application has not read */
struct quic_stream *quic_stream_readable(struct quic_stream_table *t)
{
	struct quic_stream *s;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(t->hash); i++) {
		hlist_for_each_entry(s, &t->hash[i], node) {
			if (!quic_stream_has_recv(t, s->id) || s->fin_read)
				continue;
			if (quic_cstream_readable(&s->data) ||
			    s->data.read_off == s->recv_final)
				return s;
		}
	}
	return NULL;
}

/*
 * Receive window auto-tuning, as TCP's: a window that the reader used up
 * in less than two round trips limited the sender, so it doubles, up to
 * the ceiling (net.quic.rmem[2], or the initial window when the
 * application fixed SO_RCVBUF).
 */
static u64 quic_window_tune(u64 window, u64 *last, u64 ceiling, u64 now,
			    u64 srtt)
{
	if (*last && now - *last < 2 * srtt && window < ceiling)
		window = min(window * 2, ceiling);
	*last = now;
	return window;
}

/**
 * quic_stream_consumed - the application read @n bytes of @s (already
 *	consumed from s->data): move the flow control limits on
 * @t: table
 * @s: stream
 * @n: bytes read
 * @now: current time, us
 * @srtt: smoothed RTT, us
 */
void quic_stream_consumed(struct quic_stream_table *t, struct quic_stream *s,
			  u64 n, u64 now, u64 srtt)
{
	t->read_sum += n;
	if (s->recv_final == U64_MAX &&
	    s->recv_max - s->data.read_off < s->recv_window / 2) {
		s->recv_window = quic_window_tune(s->recv_window,
						  &s->window_time,
						  t->window_ceiling, now, srtt);
		s->data.recv_limit = min_t(u64, s->recv_window, U32_MAX);
		s->data.chunks_max = min_t(u64, s->recv_window / 512 + 16,
					   65536);
		s->recv_max = s->data.read_off + s->recv_window;
		s->max_data_send = 1;
		if (list_empty(&s->send_node))
			list_add_tail(&s->send_node, &t->send);
		/* the connection window keeps room for a stream's */
		if (t->recv_window < s->recv_window)
			t->recv_window = min(s->recv_window * 2,
					     max(t->window_ceiling,
						 t->recv_window));
	}
	if (t->recv_max - t->read_sum < t->recv_window / 2) {
		t->recv_window = quic_window_tune(t->recv_window,
						  &t->window_time,
						  t->window_ceiling, now, srtt);
		t->recv_max = t->read_sum + t->recv_window;
		t->max_data_send = true;
	}
}

/**
 * quic_stream_queue - queue application data on a stream
 * @t: table
 * @s: stream
 * @len: bytes (0 with @fin ends the stream)
 * @copy: writes the bytes into the stream's buffer (see
 *	quic_cstream_queue_fn())
 * @arg: its argument
 * @fin: the stream ends after them
 *
 * Return: 0, -EAGAIN (the stream's send buffer is full), -EPIPE (the
 * stream was ended already), -ENOMEM, -EFAULT.
 */
int quic_stream_queue(struct quic_stream_table *t, struct quic_stream *s,
		      u32 len, quic_cstream_copy_t copy, void *arg, bool fin)
{
	int err;

	if (s->send_fin)
		return -EPIPE;
	if (len) {
		err = quic_cstream_queue_fn(&s->data, len, copy, arg,
					    GFP_KERNEL);
		if (err)
			return err;
	}
	if (fin)
		s->send_fin = 1;
	if (list_empty(&s->send_node))
		list_add_tail(&s->send_node, &t->send);
	return 0;
}

bool quic_stream_send_pending(const struct quic_stream_table *t)
{
	return !list_empty(&t->send) || t->max_data_send ||
	       t->max_streams_send || t->streams_blocked_send ||
	       t->data_blocked_send;
}

/**
 * quic_stream_send_small - Nagle's test (RFC 896, as TCP applies it):
 *	everything the streams have to send is new data, less than @small
 *	bytes together, and no FIN, reset, STOP_SENDING, retransmission or
 *	flow-control frame is due
 * @t: table
 * @small: bytes of a full packet's STREAM data
 *
 * Return: true if sending may wait for more data or an acknowledgment.
 */
bool quic_stream_send_small(const struct quic_stream_table *t, u64 small)
{
	const struct quic_stream *s;
	u64 sum = 0;

	if (t->max_data_send || t->max_streams_send ||
	    t->streams_blocked_send || t->data_blocked_send)
		return false;
	list_for_each_entry(s, &t->send, send_node) {
		if (s->reset_due || s->stop_due || s->max_data_send ||
		    s->reset || (s->send_fin && !s->fin_sent) ||
		    s->data.retx.n)
			return false;
		sum += s->data.send_end - s->data.send_off;
		if (sum >= small)
			return false;
	}
	return true;
}

static bool quic_stream_fin_due(const struct quic_stream *s)
{
	return s->send_fin && !s->fin_sent &&
	       s->data.send_off == s->data.send_end && !s->data.retx.n;
}

/**
 * quic_stream_next_frame - the next stream frame to send
 * @t: table
 * @room: bytes available for the frame
 * @f: filled with a STREAM or MAX_STREAM_DATA frame
 *
 * STREAM data points into the stream's queue, valid until acknowledged.
 * New data stays within the peer's stream and connection limits;
 * retransmissions go first.
 *
 * Return: the stream the frame belongs to, or NULL if nothing fits or is
 * due.
 */
struct quic_stream *quic_stream_next_frame(struct quic_stream_table *t,
					   size_t room, struct quic_frame *f)
{
	struct quic_stream *s, *tmp;
	struct quic_frame cf;
	u64 allowed, before;
	size_t idlen, r;
	u32 n;

	list_for_each_entry_safe(s, tmp, &t->send, send_node) {
		struct quic_cstream *cs = &s->data;

		idlen = quic_varint_len((u64)s->id);
		if (s->reset_due || s->stop_due) {
			if (room < 1 + idlen + 8 + 8)
				return NULL;
			memset(f, 0, sizeof(*f));
			if (s->reset_due) {
				f->type = QUIC_FRAME_RESET_STREAM;
				f->reset_stream.stream_id = s->id;
				f->reset_stream.errcode = s->reset_errcode;
				f->reset_stream.final_size = cs->send_end;
				s->reset_due = 0;
			} else {
				f->type = QUIC_FRAME_STOP_SENDING;
				f->stop_sending.stream_id = s->id;
				f->stop_sending.errcode = s->stop_errcode;
				s->stop_due = 0;
			}
			return s;
		}
		if (s->max_data_send) {
			if (room < 1 + idlen + 8)
				return NULL;
			memset(f, 0, sizeof(*f));
			f->type = QUIC_FRAME_MAX_STREAM_DATA;
			f->max_stream_data.stream_id = s->id;
			f->max_stream_data.max = s->recv_max;
			s->max_data_send = 0;
			return s;
		}
		if (s->reset || quic_stream_over_limit(t, s)) {
			list_del_init(&s->send_node);
			continue;
		}
		if (room < 1 + idlen + 8 + 1)
			return NULL;
		r = room - idlen;
		if (!cs->retx.n) {
			allowed = min_t(u64, s->send_max,
					cs->send_off + (t->send_max - t->send_sum));
			allowed = allowed > cs->send_off ?
				  allowed - cs->send_off : 0;
			allowed = min_t(u64, allowed, cs->send_end - cs->send_off);
			if (!allowed) {
				if (quic_stream_fin_due(s)) {
					memset(f, 0, sizeof(*f));
					f->type = QUIC_FRAME_STREAM;
					f->stream.stream_id = s->id;
					f->stream.offset = cs->send_end;
					f->stream.fin = true;
					f->stream.has_len = true;
					s->fin_sent = 1;
					list_del_init(&s->send_node);
					return s;
				}
				list_del_init(&s->send_node);
				if (cs->send_off == cs->send_end)
					continue;
				if (t->send_sum >= t->send_max)
					t->limited |= QUIC_LIMITED_DATA;
				if (cs->send_off >= s->send_max)
					t->limited |= QUIC_LIMITED_STREAM;
				/* held up by a limit: tell the peer once */
				if (t->send_sum == t->send_max &&
				    t->data_blocked_at != t->send_max) {
					t->data_blocked_at = t->send_max;
					t->data_blocked_send = true;
				}
				if (cs->send_off < s->send_max ||
				    s->blocked_at == s->send_max)
					continue;
				s->blocked_at = s->send_max;
				memset(f, 0, sizeof(*f));
				f->type = QUIC_FRAME_STREAM_DATA_BLOCKED;
				f->stream_data_blocked.stream_id = s->id;
				f->stream_data_blocked.limit = s->send_max;
				return s;
			}
			r = min_t(size_t, r, allowed + 1 +
				  quic_varint_len(cs->send_off) +
				  quic_varint_len(allowed));
		}
		before = cs->send_off;
		n = quic_cstream_send_next(cs, r, &cf);
		if (!n)
			return NULL;
		t->send_sum += cs->send_off - before;
		memset(f, 0, sizeof(*f));
		f->type = QUIC_FRAME_STREAM;
		f->stream.stream_id = s->id;
		f->stream.offset = cf.crypto.offset;
		f->stream.len = cf.crypto.len;
		f->stream.data = cf.crypto.data;
		f->stream.has_len = true;
		if (s->send_fin && cf.crypto.offset + n == cs->send_end) {
			f->stream.fin = true;
			s->fin_sent = 1;
		}
		if (!quic_cstream_send_pending(cs) && !quic_stream_fin_due(s))
			list_del_init(&s->send_node);
		return s;
	}
	return NULL;
}

void quic_stream_on_acked(struct quic_stream_table *t, s64 id, u64 off,
			  u64 len, bool fin)
{
	struct quic_stream *s = quic_stream_find(t, id);

	if (!s || s->reset)
		return;
	if (len)
		quic_cstream_on_acked(&s->data, off, len);
	if (fin)
		s->fin_acked = 1;
	quic_stream_try_free(t, s);
}

/* a RESET_STREAM (@reset) or STOP_SENDING frame was acknowledged (@lost
 * false) or lost
 */
void quic_stream_on_ctrl(struct quic_stream_table *t, s64 id, bool reset,
			 bool lost)
{
	struct quic_stream *s = quic_stream_find(t, id);

	if (!s)
		return;
	if (!lost) {
		if (reset) {
			s->reset_acked = 1;
			quic_stream_try_free(t, s);
		}
		return;
	}
	if (reset)
		s->reset_due = !s->reset_acked;
	else	/* no point once the peer's side ended */
		s->stop_due = !s->recv_reset && s->recv_final == U64_MAX;
	if ((s->reset_due || s->stop_due) && list_empty(&s->send_node))
		list_add_tail(&s->send_node, &t->send);
}

void quic_stream_on_lost(struct quic_stream_table *t, s64 id, u64 off,
			 u64 len, bool fin)
{
	struct quic_stream *s = quic_stream_find(t, id);

	if (!s || s->reset)
		return;
	if (len)
		quic_cstream_on_lost(&s->data, off, len);
	if (fin && !s->fin_acked)
		s->fin_sent = 0;
	if (list_empty(&s->send_node))
		list_add_tail(&s->send_node, &t->send);
}

/**
 * quic_stream_blocked_lost - a DATA_BLOCKED or STREAM_DATA_BLOCKED was lost
 * @t: table
 * @id: the stream, or -1 for DATA_BLOCKED
 * @limit: the limit the frame reported
 *
 * A new one is sent while the sender is still blocked at that limit
 * (RFC 9000 13.3): a peer that lost its MAX_STREAM_DATA may need it.
 */
void quic_stream_blocked_lost(struct quic_stream_table *t, s64 id, u64 limit)
{
	struct quic_stream *s;

	if (id < 0) {
		if (t->data_blocked_at == limit && t->send_max == limit &&
		    t->send_sum == limit)
			t->data_blocked_send = true;
		return;
	}
	s = quic_stream_find(t, id);
	if (!s || s->reset || s->blocked_at != limit || s->send_max != limit ||
	    s->data.send_off < limit || s->data.send_off == s->data.send_end)
		return;
	s->blocked_at = U64_MAX;	/* sent again by the next frame */
	if (list_empty(&s->send_node))
		list_add_tail(&s->send_node, &t->send);
}

/* free @s once both of its directions are finished */
void quic_stream_try_free(struct quic_stream_table *t, struct quic_stream *s)
{
	if (quic_stream_has_recv(t, s->id) && !s->fin_read)
		return;
	if (quic_stream_has_send(t, s->id) &&
	    (s->reset ? !s->reset_acked : !quic_stream_send_done(s)))
		return;
	quic_stream_credit(t, s->id);
	quic_stream_free(t, s);
}
