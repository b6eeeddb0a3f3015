// SPDX-License-Identifier: GPL-2.0-or-later
/* Connection IDs of a connection (RFC 9000 5.1): issuing ours up to the
 * peer's active_connection_id_limit, NEW_CONNECTION_ID and
 * RETIRE_CONNECTION_ID received, QUIC_SOCKOPT_CONNECTION_ID and
 * QUIC_EVENT_CONNECTION_ID. The sets themselves are connid.c's; the frames
 * are written by output.c.
 */

#include <linux/random.h>

#include "conn.h"

static void quic_cid_event(struct sock *sk, bool dest)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_cid_set *s = dest ? &qs->dcids : &qs->scids;
	struct quic_connection_id_info info = { .dest = dest };

	if (!s->active)
		return;
	info.active = (u32)min_t(u64, s->active->seq, U32_MAX);
	info.prior_to = (u32)min_t(u64, s->retire_prior_to, U32_MAX);
	quic_event_queue(sk, QUIC_EVENT_CONNECTION_ID, &info, sizeof(info));
}

/* may IDs be issued now (1-RTT keys, the peer's limit known)? */
static bool quic_cid_can_issue(const struct quic_sock *qs)
{
	const struct quic_cid_entry *first = qs->scids.active;

	/* the IDs are all of one length: zero-length IDs cannot be more */
	return first && first->cid.len &&
	       test_bit(QUIC_F_TP_RECEIVED, &qs->flags) &&
	       qs->crypto[QUIC_CRYPTO_APP].p.tx.ready &&
	       !test_bit(QUIC_F_CLOSING, &qs->flags);
}

/**
 * quic_conn_cid_issue - issue new IDs while the peer's limit allows, each
 *	with its stateless reset token; NEW_CONNECTION_ID frames follow
 * @sk: connection socket, locked
 */
void quic_conn_cid_issue(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	u8 cid[QUIC_SCID_LEN], token[QUIC_STATELESS_RESET_TOKEN_LEN];
	int err, tries = 0;

	if (!quic_cid_can_issue(qs))
		return;
	while (quic_cid_source_room(&qs->scids) && tries < 4) {
		get_random_bytes(cid, sizeof(cid));
		if (quic_token_sreset(cid, sizeof(cid), token))
			return;
		err = quic_cid_source_add(&qs->scids, cid, sizeof(cid), token,
					  GFP_ATOMIC, NULL);
		if (err == -EEXIST) {
			tries++;	/* in use by another connection */
			continue;
		}
		if (err)
			return;
	}
}

/**
 * quic_conn_cid_pref - the ID of a server's preferred address
 * @sk: server connection socket, locked (process context)
 *
 * The ID of sequence 1 (RFC 9000 5.1.1), issued with its stateless reset
 * token as quic_conn_cid_issue() issues the others, but announced in the
 * preferred_address transport parameter instead of a NEW_CONNECTION_ID
 * frame; it counts against the client's active_connection_id_limit like
 * them. Issued once, on the first call.
 *
 * Return: the entry, or NULL if it could not be issued.
 */
struct quic_cid_entry *quic_conn_cid_pref(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	u8 cid[QUIC_SCID_LEN], token[QUIC_STATELESS_RESET_TOKEN_LEN];
	struct quic_cid_entry *e = quic_cid_find_seq(&qs->scids, 1);
	int err, tries;

	if (e || qs->scids.next_seq != 1)
		return e;
	for (tries = 0; tries < 4; tries++) {
		get_random_bytes(cid, sizeof(cid));
		if (quic_token_sreset(cid, sizeof(cid), token))
			return NULL;
		err = quic_cid_source_add(&qs->scids, cid, sizeof(cid), token,
					  GFP_KERNEL, &e);
		if (err == -EEXIST)
			continue;	/* in use by another connection */
		if (err)
			return NULL;
		e->announce = false;
		return e;
	}
	return NULL;
}

/**
 * quic_conn_cid_due - is a NEW_CONNECTION_ID or RETIRE_CONNECTION_ID frame
 *	to be sent?
 * @sk: connection socket, locked
 *
 * Return: true if one is waiting (IDs are issued first when there is room).
 */
bool quic_conn_cid_due(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	quic_conn_cid_issue(sk);
	return quic_cid_source_announce_due(&qs->scids) ||
	       quic_cid_retire_due(&qs->dcids);
}

/**
 * quic_conn_cid_rx - a 1-RTT packet to our ID @dcid was accepted
 * @sk: connection socket, locked
 * @dcid: its Destination Connection ID
 * @len: its length
 *
 * Remembers the ID for RETIRE_CONNECTION_ID checks; when the peer moves to
 * another of our IDs, it becomes the active one and
 * QUIC_EVENT_CONNECTION_ID reports it.
 */
void quic_conn_cid_rx(struct sock *sk, const u8 *dcid, u8 len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_cid_entry *e = qs->scids.active;

	qs->rx_dcid.len = len;
	memcpy(qs->rx_dcid.data, dcid, len);
	if (e && e->seq == qs->rx_scid_seq && e->cid.len == len &&
	    !memcmp(e->cid.data, dcid, len))
		return;
	e = quic_cid_find(&qs->scids, dcid, len);
	if (!e)
		return;	/* the original Destination ID of the handshake */
	qs->scids.active = e;
	if (e->seq == qs->rx_scid_seq)
		return;
	qs->rx_scid_seq = e->seq;
	quic_cid_event(sk, false);
}

/**
 * quic_conn_cid_new - a NEW_CONNECTION_ID frame (RFC 9000 19.15)
 * @sk: connection socket, locked
 * @f: the frame
 * @errcode: the transport error when -EPROTO is returned
 *
 * Return: 0, -ENOMEM (drop the packet), or -EPROTO.
 */
int quic_conn_cid_new(struct sock *sk, const struct quic_frame *f,
		      u64 *errcode)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_cid_entry *active = qs->dcids.active;
	u64 seq = active ? active->seq : 0;
	int err;

	if (!active || !active->cid.len) {
		*errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
		return -EPROTO;
	}
	err = quic_cid_dest_add(&qs->dcids, f->new_cid.seq,
				f->new_cid.retire_prior_to, f->new_cid.cid,
				f->new_cid.cid_len, f->new_cid.token,
				GFP_ATOMIC, errcode);
	/* Retire Prior To took the ID we used */
	if (!err && qs->dcids.active && qs->dcids.active->seq != seq)
		quic_cid_event(sk, true);
	return err;
}

/**
 * quic_conn_cid_retire - a RETIRE_CONNECTION_ID frame (RFC 9000 19.16)
 * @sk: connection socket, locked
 * @seq: its sequence number
 * @errcode: the transport error when -EPROTO is returned
 *
 * The ID stops reaching the connection; a replacement is issued with the
 * next packets.
 *
 * Return: 0 or -EPROTO.
 */
int quic_conn_cid_retire(struct sock *sk, u64 seq, u64 *errcode)
{
	struct quic_sock *qs = quic_sk(sk);

	return quic_cid_source_retire(&qs->scids, seq, qs->rx_dcid.data,
				      qs->rx_dcid.len, errcode);
}

static bool quic_cid_connected(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	return sk->sk_state == QUIC_SS_ESTABLISHED && qs->dcids.active &&
	       qs->scids.active && !test_bit(QUIC_F_CLOSING, &qs->flags) &&
	       !test_bit(QUIC_F_PEER_CLOSED, &qs->flags);
}

/**
 * quic_conn_cid_get - QUIC_SOCKOPT_CONNECTION_ID get
 * @sk: socket, locked
 * @info: in: @dest; out: the sequence number of the ID in use and the
 *	Retire Prior To value (local IDs: what we sent; the peer's: the
 *	largest received or set)
 *
 * Return: 0, -EINVAL (@dest not 0 or 1), -ENOTCONN.
 */
int quic_conn_cid_get(struct sock *sk, struct quic_connection_id_info *info)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_cid_set *s;

	if (info->dest > 1)
		return -EINVAL;
	if (!quic_cid_connected(sk))
		return -ENOTCONN;
	s = info->dest ? &qs->dcids : &qs->scids;
	memset(info->reserved, 0, sizeof(info->reserved));
	info->active = (u32)min_t(u64, s->active->seq, U32_MAX);
	info->prior_to = (u32)min_t(u64, s->retire_prior_to, U32_MAX);
	return 0;
}

/**
 * quic_conn_cid_set - QUIC_SOCKOPT_CONNECTION_ID set
 * @sk: socket, locked
 * @info: @dest 1: send to the peer's ID @active from now on and retire its
 *	IDs below @prior_to (RETIRE_CONNECTION_ID); @dest 0: ask the peer to
 *	retire our IDs below @prior_to (NEW_CONNECTION_ID frames with Retire
 *	Prior To; new IDs are issued in their place) and report @active as
 *	ours in use. A @prior_to at or below the current value changes
 *	nothing; an unchanged @active is not checked.
 *
 * Return: 0; -ENOTCONN; -EINVAL for @dest above 1, an @active that names no
 * ID or one below @prior_to, a @prior_to that would retire every ID of the
 * peer or is above the next sequence number we would issue; -EBUSY if too
 * many retirements are still unacknowledged.
 */
int quic_conn_cid_set(struct sock *sk,
		      const struct quic_connection_id_info *info)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_cid_set *s;
	u64 prior;
	int err;

	if (info->dest > 1)
		return -EINVAL;
	if (!quic_cid_connected(sk))
		return -ENOTCONN;
	s = info->dest ? &qs->dcids : &qs->scids;
	prior = max_t(u64, info->prior_to, s->retire_prior_to);
	if (info->active != s->active->seq &&
	    (info->active < prior || !quic_cid_find_seq(s, info->active)))
		return -EINVAL;
	if (info->dest) {
		if (info->active < prior)
			return -EINVAL;
		err = quic_cid_dest_retire_prior_to(s, prior);
		if (err)
			return err == -ENOSPC ? -EBUSY : err;
		quic_cid_set_active(s, info->active);
	} else {
		if (prior > s->next_seq)
			return -EINVAL;
		if (info->active != s->active->seq)
			quic_cid_set_active(s, info->active);
		if (prior > s->retire_prior_to) {
			struct quic_cid_entry *last;

			quic_cid_source_retire_prior_to(s, prior);
			/* the frames that carry it announce the new IDs, or
			 * the newest one again if no room is left yet
			 */
			quic_conn_cid_issue(sk);
			last = list_last_entry(&s->list, struct quic_cid_entry,
					       list);
			if (!quic_cid_source_announce_due(s) &&
			    last->seq >= prior)
				last->announce = true;
		}
	}
	quic_output(sk);
	quic_timer_update(sk);
	return 0;
}
