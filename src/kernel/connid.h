/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Connection ID sets (RFC 9000 5.1, 19.15, 19.16): the IDs we issued to the
 * peer (source) and the IDs the peer issued to us (destination).
 */

#ifndef __QUIC_CONNID_H__
#define __QUIC_CONNID_H__

#include <linux/list.h>
#include <linux/rcupdate.h>
#include "header.h"
#include "mem.h"

/*
 * A connection has two sets:
 * - source: the IDs peers put in the Destination Connection ID of packets
 *   to us. The socket layer generates each ID and its stateless reset
 *   token, adds it with quic_cid_source_add(), and finds the socket of a
 *   received packet through its own demux table: @ops->hash is called for
 *   every entry added and @ops->unhash before an entry is freed; entries
 *   are freed with kfree_rcu(), so RCU readers of that table may still
 *   look at an entry after unhash. From an entry, e->set leads to the set
 *   (embed the set in the socket and use container_of()).
 * - destination: the peer's IDs, from its handshake packets and
 *   NEW_CONNECTION_ID frames; the one we send to is @active. IDs we stop
 *   using wait in a queue of sequence numbers until RETIRE_CONNECTION_ID
 *   frames for them are acknowledged. With @ops, @ops->hash is called for
 *   each entry once it has a stateless reset token and @ops->unhash before
 *   it is freed or its token changes (the socket layer's table of tokens,
 *   to recognise a stateless reset, RFC 9000 10.3.1).
 *
 * A connection's use of the sets (connid_conn.c): after the handshake it
 * issues source IDs up to the peer's active_connection_id_limit, each
 * announced in a NEW_CONNECTION_ID frame (quic_cid_source_announce_next(),
 * with @retire_prior_to), replaces the ones the peer retires, and sends
 * RETIRE_CONNECTION_ID for the destination IDs it drops
 * (quic_cid_retire_next()). To move to another of the peer's IDs (e.g. on
 * a new path), call quic_cid_set_active() or quic_cid_dest_retire() on
 * the destination set; the replacement frames follow by themselves.
 *
 * Memory: each entry is one quic_mem_alloc(sizeof(struct quic_cid_entry))
 * charged to @mem; a set never holds more than QUIC_CID_ACTIVE_MAX entries
 * (a peer exceeding our limit gets CONNECTION_ID_LIMIT_ERROR before anything
 * is allocated). The retire queue is a fixed array in the set.
 *
 * Locking: the caller holds the socket lock for every function here.
 */

#define QUIC_CID_ACTIVE_MAX	8	/* most active IDs per set */
#define QUIC_CID_RETIRE_MAX	(2 * QUIC_CID_ACTIVE_MAX)	/* 5.1.2 */
#define QUIC_CID_DEFAULT_LIMIT	2	/* active_connection_id_limit default */

struct quic_cid_set;

/**
 * struct quic_cid_entry - one connection ID
 * @list: in the set, ascending @seq
 * @node: source IDs: free for the socket layer's demux hash table
 * @rcu: for kfree_rcu()
 * @set: the set it belongs to
 * @seq: sequence number
 * @cid: the ID (length and bytes)
 * @token: stateless reset token (source: ours, to send in
 *	NEW_CONNECTION_ID; destination: the peer's, to recognise a reset)
 * @has_token: @token is set
 * @announce: source: a NEW_CONNECTION_ID frame for it is to be sent
 */
struct quic_cid_entry {
	struct list_head list;
	struct hlist_node node;
	struct rcu_head rcu;
	struct quic_cid_set *set;
	u64 seq;
	struct quic_cid cid;
	u8 token[QUIC_STATELESS_RESET_TOKEN_LEN];
	bool has_token;
	bool announce;
};

/**
 * struct quic_cid_ops - the socket layer's demux hooks
 * @hash: add the entry to the demux table (source: by ID; destination: by
 *	token); for a source ID a negative errno (e.g. -EEXIST, the ID is in
 *	use by another connection) makes the add fail
 * @unhash: remove it; called before the entry is freed (it may not be
 *	hashed)
 */
struct quic_cid_ops {
	int (*hash)(struct quic_cid_entry *e);
	void (*unhash)(struct quic_cid_entry *e);
};

/**
 * struct quic_cid_set - the IDs of one direction
 * @list: entries, ascending sequence numbers
 * @count: entries on @list
 * @limit: most entries: source: the peer's active_connection_id_limit,
 *	destination: ours; both capped at QUIC_CID_ACTIVE_MAX
 * @source: this is a source set
 * @next_seq: source: sequence number of the next ID to issue; destination:
 *	one above the largest sequence number received
 * @retire_prior_to: source: the Retire Prior To we send; destination: the
 *	largest Retire Prior To received
 * @active: the ID in use (source: our Source Connection ID in long headers;
 *	destination: the Destination Connection ID we send), NULL if empty
 * @retire: destination: sequence numbers to send RETIRE_CONNECTION_ID for
 *	(@sent: in a packet not yet acknowledged)
 * @nretire: entries in @retire
 * @ops: demux hooks (may be NULL)
 * @mem: account charged for the entries
 */
struct quic_cid_set {
	struct list_head list;
	u32 count;
	u32 limit;
	bool source;
	u64 next_seq;
	u64 retire_prior_to;
	struct quic_cid_entry *active;
	struct {
		u64 seq;
		bool sent;
	} retire[QUIC_CID_RETIRE_MAX];
	u32 nretire;
	const struct quic_cid_ops *ops;
	struct quic_mem *mem;
};

void quic_cid_set_init(struct quic_cid_set *s, bool source, u64 limit,
		       const struct quic_cid_ops *ops, struct quic_mem *mem);
void quic_cid_set_free(struct quic_cid_set *s);
void quic_cid_set_limit(struct quic_cid_set *s, u64 limit);
struct quic_cid_entry *quic_cid_find(const struct quic_cid_set *s,
				     const u8 *cid, u8 len);
struct quic_cid_entry *quic_cid_find_seq(const struct quic_cid_set *s,
					 u64 seq);
int quic_cid_set_active(struct quic_cid_set *s, u64 seq);

/* source set: the IDs we issue */
u32 quic_cid_source_room(const struct quic_cid_set *s);
int quic_cid_source_add(struct quic_cid_set *s, const u8 *cid, u8 len,
			const u8 *token, gfp_t gfp,
			struct quic_cid_entry **out);
int quic_cid_source_retire(struct quic_cid_set *s, u64 seq, const u8 *dcid,
			   u8 dcid_len, u64 *errcode);
int quic_cid_source_retire_prior_to(struct quic_cid_set *s, u64 seq);
struct quic_cid_entry *quic_cid_source_announce_next(struct quic_cid_set *s);
void quic_cid_source_announce_lost(struct quic_cid_set *s, u64 seq);
bool quic_cid_source_announce_due(const struct quic_cid_set *s);

/* destination set: the peer's IDs */
int quic_cid_dest_add(struct quic_cid_set *s, u64 seq, u64 retire_prior_to,
		      const u8 *cid, u8 len, const u8 *token, gfp_t gfp,
		      u64 *errcode);
int quic_cid_dest_update(struct quic_cid_set *s, u64 seq, const u8 *cid,
			 u8 len, const u8 *token);
int quic_cid_dest_retire(struct quic_cid_set *s, u64 seq);
int quic_cid_dest_retire_prior_to(struct quic_cid_set *s, u64 seq);
bool quic_cid_dest_token_match(const struct quic_cid_set *s, const u8 *token);
bool quic_cid_retire_next(struct quic_cid_set *s, u64 *seq);
bool quic_cid_retire_due(const struct quic_cid_set *s);
void quic_cid_retire_acked(struct quic_cid_set *s, u64 seq);
void quic_cid_retire_lost(struct quic_cid_set *s, u64 seq);

#endif /* __QUIC_CONNID_H__ */
