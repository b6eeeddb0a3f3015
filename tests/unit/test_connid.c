// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: connection ID sets (src/kernel/connid.c). */
#include "test.h"
#include "acct.h"
#include "connid.h"
#include "frame.h"

#define PV QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION
#define FE QUIC_TRANSPORT_ERROR_FRAME_ENCODING
#define LIM QUIC_TRANSPORT_ERROR_CONNECTION_ID_LIMIT


/* a fake demux table: counts hashed entries, can refuse */
static int hashed, hash_calls, unhash_calls, hash_fail;

static int fake_hash(struct quic_cid_entry *e)
{
	hash_calls++;
	if (hash_fail)
		return -EEXIST;
	if (!hlist_unhashed(&e->node))
		return -EINVAL;
	e->node.pprev = &e->node.next;	/* mark as hashed */
	hashed++;
	return 0;
}

static void fake_unhash(struct quic_cid_entry *e)
{
	unhash_calls++;
	if (!hlist_unhashed(&e->node))
		hashed--;
	e->node.pprev = NULL;
}

static const struct quic_cid_ops fake_ops = {
	.hash = fake_hash,
	.unhash = fake_unhash,
};

static void reset_fake(void)
{
	hashed = 0;
	hash_calls = 0;
	unhash_calls = 0;
	hash_fail = 0;
}

/* the ID and token of sequence number @seq in these tests */
static const u8 *cid_of(u64 seq)
{
	static u8 buf[64][QUIC_CID_MAX_LEN];
	u8 *p = buf[seq % 64];
	int i;

	for (i = 0; i < QUIC_CID_MAX_LEN; i++)
		p[i] = (u8)(seq * 31 + (u64)i);
	return p;
}

static const u8 *tok_of(u64 seq)
{
	static u8 buf[64][QUIC_STATELESS_RESET_TOKEN_LEN];
	u8 *p = buf[seq % 64];
	int i;

	for (i = 0; i < QUIC_STATELESS_RESET_TOKEN_LEN; i++)
		p[i] = (u8)(seq * 17 + (u64)i + 0x80);
	return p;
}

static int dadd(struct quic_cid_set *s, u64 seq, u64 rpt, u64 *err)
{
	return quic_cid_dest_add(s, seq, rpt, cid_of(seq), 8, tok_of(seq),
				 GFP_ATOMIC, err);
}

static void t_source_add(int arg)
{
	struct quic_cid_set s;
	struct quic_cid_entry *e = NULL;
	struct acct a;
	int i;

	(void)arg;
	reset_fake();
	acct_init(&a);
	quic_cid_set_init(&s, true, 0, &fake_ops, &a.m);
	CHECK_EQ(s.limit, QUIC_CID_DEFAULT_LIMIT);
	CHECK(!s.active);
	CHECK_EQ(quic_cid_source_room(&s), 2);
	/* sequence 0 may lack a token; later ones may not */
	CHECK_EQ(quic_cid_source_add(&s, cid_of(0), 8, NULL, GFP_KERNEL, &e),
		 0);
	CHECK(e && e->seq == 0 && e->set == &s && !e->has_token);
	CHECK(s.active == e);
	CHECK_EQ(quic_cid_source_add(&s, cid_of(1), 8, NULL, GFP_KERNEL, &e),
		 -EINVAL);
	CHECK_EQ(quic_cid_source_add(&s, cid_of(1), 0, tok_of(1), GFP_KERNEL,
				     &e), -EINVAL);
	CHECK_EQ(quic_cid_source_add(&s, cid_of(1), 21, tok_of(1),
				     GFP_KERNEL, &e), -EINVAL);
	CHECK_EQ(quic_cid_source_add(&s, cid_of(1), 20, tok_of(1),
				     GFP_KERNEL, &e), 0);
	CHECK(e->seq == 1 && e->has_token && e->cid.len == 20);
	CHECK_MEM(e->token, tok_of(1), 16);
	/* the peer's limit (default 2) is reached */
	CHECK_EQ(quic_cid_source_room(&s), 0);
	CHECK_EQ(quic_cid_source_add(&s, cid_of(2), 8, tok_of(2), GFP_KERNEL,
				     NULL), -ENOSPC);
	/* its transport parameters raise it; capped at ACTIVE_MAX */
	quic_cid_set_limit(&s, 1ULL << 60);
	CHECK_EQ(s.limit, QUIC_CID_ACTIVE_MAX);
	for (i = 2; i < QUIC_CID_ACTIVE_MAX; i++)
		CHECK_EQ(quic_cid_source_add(&s, cid_of(i), 8, tok_of(i),
					     GFP_KERNEL, NULL), 0);
	CHECK_EQ(quic_cid_source_add(&s, cid_of(99), 8, tok_of(99),
				     GFP_KERNEL, NULL), -ENOSPC);
	CHECK_EQ(s.count, QUIC_CID_ACTIVE_MAX);
	CHECK_EQ(hashed, QUIC_CID_ACTIVE_MAX);
	CHECK_EQ(a.balance, (long)(QUIC_CID_ACTIVE_MAX *
				   sizeof(struct quic_cid_entry)));
	CHECK(quic_cid_find(&s, cid_of(3), 8) == quic_cid_find_seq(&s, 3));
	CHECK(!quic_cid_find(&s, cid_of(3), 7));
	CHECK(!quic_cid_find_seq(&s, 100));
	quic_cid_set_free(&s);
	CHECK_EQ(hashed, 0);
	CHECK_EQ(unhash_calls, QUIC_CID_ACTIVE_MAX);
	CHECK_EQ(a.balance, 0);
	CHECK_EQ(s.count, 0);
	CHECK(!s.active);
}

static void t_source_hash_fail(int arg)
{
	struct quic_cid_set s;
	struct acct a;

	(void)arg;
	reset_fake();
	acct_init(&a);
	quic_cid_set_init(&s, true, 4, &fake_ops, &a.m);
	hash_fail = 1;
	CHECK_EQ(quic_cid_source_add(&s, cid_of(0), 8, NULL, GFP_KERNEL, NULL),
		 -EEXIST);
	CHECK_EQ(s.count, 0);
	CHECK_EQ(s.next_seq, 0);	/* the sequence number is not used */
	CHECK_EQ(a.balance, 0);
	hash_fail = 0;
	CHECK_EQ(quic_cid_source_add(&s, cid_of(0), 8, NULL, GFP_KERNEL, NULL),
		 0);
	/* out of memory, refused charge */
	shim_kmalloc_fail_after = 0;
	CHECK_EQ(quic_cid_source_add(&s, cid_of(1), 8, tok_of(1), GFP_KERNEL,
				     NULL), -ENOMEM);
	shim_kmalloc_fail_after = -1;
	a.refuse = true;
	CHECK_EQ(quic_cid_source_add(&s, cid_of(1), 8, tok_of(1), GFP_KERNEL,
				     NULL), -ENOMEM);
	a.refuse = false;
	CHECK_EQ(s.count, 1);
	CHECK_EQ(s.next_seq, 1);
	/* no hooks at all */
	quic_cid_set_free(&s);
	quic_cid_set_init(&s, true, 4, NULL, NULL);
	CHECK_EQ(quic_cid_source_add(&s, cid_of(0), 8, NULL, GFP_KERNEL, NULL),
		 0);
	quic_cid_set_free(&s);
	CHECK_EQ(a.balance, 0);
	CHECK_EQ(hashed, 0);
}

static void t_source_zero_len(int arg)
{
	struct quic_cid_set s;

	(void)arg;
	quic_cid_set_init(&s, true, 8, NULL, NULL);
	CHECK_EQ(quic_cid_source_add(&s, NULL, 0, NULL, GFP_KERNEL, NULL), 0);
	CHECK_EQ(s.active->cid.len, 0);
	/* zero-length IDs: no NEW_CONNECTION_ID possible */
	CHECK_EQ(quic_cid_source_add(&s, cid_of(1), 8, tok_of(1), GFP_KERNEL,
				     NULL), -EINVAL);
	quic_cid_set_free(&s);
}

static void t_source_retire(int arg)
{
	struct quic_cid_set s;
	struct acct a;
	u64 err = 0;
	int i;

	(void)arg;
	reset_fake();
	acct_init(&a);
	quic_cid_set_init(&s, true, 4, &fake_ops, &a.m);
	CHECK_EQ(quic_cid_source_add(&s, cid_of(0), 8, NULL, GFP_KERNEL, NULL),
		 0);
	for (i = 1; i < 4; i++)
		CHECK_EQ(quic_cid_source_add(&s, cid_of(i), 8, tok_of(i),
					     GFP_KERNEL, NULL), 0);
	/* never issued */
	CHECK_EQ(quic_cid_source_retire(&s, 4, cid_of(0), 8, &err), -EPROTO);
	CHECK_EQ(err, PV);
	err = 0;
	CHECK_EQ(quic_cid_source_retire(&s, ~0ULL, cid_of(0), 8, &err),
		 -EPROTO);
	CHECK_EQ(err, PV);
	/* the ID the packet was sent to */
	err = 0;
	CHECK_EQ(quic_cid_source_retire(&s, 2, cid_of(2), 8, &err), -EPROTO);
	CHECK_EQ(err, PV);
	CHECK_EQ(s.count, 4);
	/* a good one, then the same again */
	CHECK_EQ(quic_cid_source_retire(&s, 2, cid_of(0), 8, &err), 0);
	CHECK_EQ(s.count, 3);
	CHECK_EQ(hashed, 3);
	CHECK(!quic_cid_find_seq(&s, 2));
	CHECK_EQ(quic_cid_source_retire(&s, 2, cid_of(0), 8, &err), 0);
	CHECK_EQ(s.count, 3);
	/* room for a replacement, with the next sequence number */
	CHECK_EQ(quic_cid_source_room(&s), 1);
	CHECK_EQ(quic_cid_source_add(&s, cid_of(4), 8, tok_of(4), GFP_KERNEL,
				     NULL), 0);
	CHECK(quic_cid_find_seq(&s, 4));
	/* retiring the active one moves it to the lowest remaining */
	CHECK_EQ(s.active->seq, 0);
	CHECK_EQ(quic_cid_source_retire(&s, 0, cid_of(1), 8, &err), 0);
	CHECK_EQ(s.active->seq, 1);
	quic_cid_set_free(&s);
	CHECK_EQ(hashed, 0);
	CHECK_EQ(a.balance, 0);
}

static void t_source_retire_prior_to(int arg)
{
	struct quic_cid_set s;
	int i;

	(void)arg;
	reset_fake();
	quic_cid_set_init(&s, true, 3, &fake_ops, NULL);
	CHECK_EQ(quic_cid_source_add(&s, cid_of(0), 8, NULL, GFP_KERNEL, NULL),
		 0);
	for (i = 1; i < 3; i++)
		CHECK_EQ(quic_cid_source_add(&s, cid_of(i), 8, tok_of(i),
					     GFP_KERNEL, NULL), 0);
	CHECK_EQ(quic_cid_source_room(&s), 0);
	CHECK_EQ(quic_cid_source_retire_prior_to(&s, 4), -EINVAL);
	CHECK_EQ(quic_cid_source_retire_prior_to(&s, 2), 0);
	CHECK_EQ(s.active->seq, 2);
	/* 0 and 1 no longer count toward the peer's limit */
	CHECK_EQ(quic_cid_source_room(&s), 2);
	CHECK_EQ(quic_cid_source_add(&s, cid_of(3), 8, tok_of(3), GFP_KERNEL,
				     NULL), 0);
	CHECK_EQ(quic_cid_source_add(&s, cid_of(4), 8, tok_of(4), GFP_KERNEL,
				     NULL), 0);
	CHECK_EQ(quic_cid_source_room(&s), 0);
	CHECK_EQ(s.count, 5);	/* still valid until the peer retires them */
	CHECK_EQ(quic_cid_source_retire_prior_to(&s, 1), -EINVAL);
	CHECK_EQ(quic_cid_source_retire_prior_to(&s, 5), 0);
	CHECK_EQ(quic_cid_source_room(&s), 3);
	/* the set never holds more than ACTIVE_MAX */
	quic_cid_set_limit(&s, 8);
	CHECK_EQ(quic_cid_source_room(&s), QUIC_CID_ACTIVE_MAX - 5);
	quic_cid_set_free(&s);
	CHECK_EQ(hashed, 0);
}

static void t_dest_basic(int arg)
{
	struct quic_cid_set s;
	struct acct a;
	u64 err = 0;

	(void)arg;
	acct_init(&a);
	quic_cid_set_init(&s, false, 4, NULL, &a.m);
	/* the ID of the peer's first packet, no token yet */
	CHECK_EQ(quic_cid_dest_add(&s, 0, 0, cid_of(0), 8, NULL, GFP_ATOMIC,
				   &err), 0);
	CHECK_EQ(s.active->seq, 0);
	CHECK(!s.active->has_token);
	CHECK_EQ(dadd(&s, 1, 0, &err), 0);
	CHECK_EQ(s.count, 2);
	CHECK_EQ(s.active->seq, 0);
	/* a repeat with the same contents is ignored */
	CHECK_EQ(dadd(&s, 1, 0, &err), 0);
	CHECK_EQ(s.count, 2);
	/* other ID or other token under a known number */
	CHECK_EQ(quic_cid_dest_add(&s, 1, 0, cid_of(5), 8, tok_of(1),
				   GFP_ATOMIC, &err), -EPROTO);
	CHECK_EQ(err, PV);
	err = 0;
	CHECK_EQ(quic_cid_dest_add(&s, 1, 0, cid_of(1), 7, tok_of(1),
				   GFP_ATOMIC, &err), -EPROTO);
	CHECK_EQ(err, PV);
	err = 0;
	CHECK_EQ(quic_cid_dest_add(&s, 1, 0, cid_of(1), 8, tok_of(2),
				   GFP_ATOMIC, &err), -EPROTO);
	CHECK_EQ(err, PV);
	err = 0;
	CHECK_EQ(quic_cid_dest_add(&s, 0, 0, cid_of(0), 8, tok_of(0),
				   GFP_ATOMIC, &err), -EPROTO);
	CHECK_EQ(err, PV);
	/* out of order arrival keeps the list sorted */
	CHECK_EQ(dadd(&s, 3, 0, &err), 0);
	CHECK_EQ(dadd(&s, 2, 0, &err), 0);
	CHECK_EQ(s.next_seq, 4);
	{
		struct quic_cid_entry *e;
		u64 want = 0;

		list_for_each_entry(e, &s.list, list)
			CHECK_EQ(e->seq, want++);
	}
	CHECK_EQ(a.balance, (long)(4 * sizeof(struct quic_cid_entry)));
	quic_cid_set_free(&s);
	CHECK_EQ(a.balance, 0);
}

static void t_dest_frame_encoding(int arg)
{
	struct quic_cid_set s;
	u64 err = 0;

	(void)arg;
	quic_cid_set_init(&s, false, 4, NULL, NULL);
	CHECK_EQ(dadd(&s, 0, 0, &err), 0);
	CHECK_EQ(dadd(&s, 3, 4, &err), -EPROTO);	/* rpt > seq */
	CHECK_EQ(err, FE);
	err = 0;
	CHECK_EQ(quic_cid_dest_add(&s, 1, 0, cid_of(1), 0, tok_of(1),
				   GFP_ATOMIC, &err), -EPROTO);
	CHECK_EQ(err, FE);
	CHECK_EQ(quic_cid_dest_add(&s, 1, 0, cid_of(1), 21, tok_of(1),
				   GFP_ATOMIC, &err), -EINVAL);
	CHECK_EQ(s.count, 1);
	quic_cid_set_free(&s);
}

static void t_dest_zero_len_peer(int arg)
{
	struct quic_cid_set s;
	u64 err = 0;

	(void)arg;
	quic_cid_set_init(&s, false, 4, NULL, NULL);
	CHECK_EQ(quic_cid_dest_add(&s, 0, 0, NULL, 0, NULL, GFP_ATOMIC, &err),
		 0);
	/* we send zero-length IDs: NEW_CONNECTION_ID is a violation */
	CHECK_EQ(dadd(&s, 1, 0, &err), -EPROTO);
	CHECK_EQ(err, PV);
	CHECK_EQ(s.count, 1);
	quic_cid_set_free(&s);
}

static void t_dest_limit(int arg)
{
	struct quic_cid_set s;
	struct acct a;
	u64 err = 0, seq;

	(void)arg;
	acct_init(&a);
	quic_cid_set_init(&s, false, 2, NULL, &a.m);
	CHECK_EQ(dadd(&s, 0, 0, &err), 0);
	CHECK_EQ(dadd(&s, 1, 0, &err), 0);
	CHECK_EQ(dadd(&s, 2, 0, &err), -EPROTO);
	CHECK_EQ(err, LIM);
	CHECK_EQ(s.count, 2);
	/* the same with Retire Prior To making room: fine */
	CHECK_EQ(dadd(&s, 2, 1, &err), 0);
	CHECK_EQ(s.count, 2);
	CHECK(!quic_cid_find_seq(&s, 0));
	CHECK_EQ(s.active->seq, 1);
	CHECK_EQ(s.nretire, 1);
	CHECK(quic_cid_retire_next(&s, &seq));
	CHECK_EQ(seq, 0);
	CHECK(!quic_cid_retire_next(&s, &seq));
	CHECK_EQ(a.balance, (long)(2 * sizeof(struct quic_cid_entry)));
	quic_cid_set_free(&s);
	CHECK_EQ(a.balance, 0);
}

/* a peer floods NEW_CONNECTION_ID: bounded, then the limit error */
static void t_dest_flood(int arg)
{
	struct quic_cid_set s;
	struct acct a;
	u64 err = 0, seq;
	int rc = 0;

	(void)arg;
	acct_init(&a);
	quic_cid_set_init(&s, false, 1000, NULL, &a.m);
	CHECK_EQ(s.limit, QUIC_CID_ACTIVE_MAX);
	for (seq = 0; seq < 1000 && !rc; seq++)
		rc = dadd(&s, seq, 0, &err);
	CHECK_EQ(rc, -EPROTO);
	CHECK_EQ(err, LIM);
	CHECK_EQ(seq, QUIC_CID_ACTIVE_MAX + 1);
	CHECK_EQ(s.count, QUIC_CID_ACTIVE_MAX);
	CHECK(a.balance <= (long)(QUIC_CID_ACTIVE_MAX *
				  sizeof(struct quic_cid_entry)));
	quic_cid_set_free(&s);
	CHECK_EQ(a.balance, 0);
}

/* Retire Prior To rises with every frame, our RETIRE frames are never
 * acknowledged: the queue is bounded, then the limit error (5.1.2)
 */
static void t_dest_retire_flood(int arg)
{
	struct quic_cid_set s;
	u64 err = 0, seq, out;
	int rc = 0;

	(void)arg;
	quic_cid_set_init(&s, false, 2, NULL, NULL);
	CHECK_EQ(dadd(&s, 0, 0, &err), 0);
	for (seq = 1; seq < 1000 && !rc; seq++) {
		rc = dadd(&s, seq, seq, &err);
		if (!rc) {
			CHECK_EQ(s.count, 1);
			CHECK_EQ(s.active->seq, seq);
			while (quic_cid_retire_next(&s, &out))
				;	/* sent, never acknowledged */
		}
	}
	CHECK_EQ(rc, -EPROTO);
	CHECK_EQ(err, LIM);
	CHECK_EQ(s.nretire, QUIC_CID_RETIRE_MAX);
	CHECK_EQ(seq, QUIC_CID_RETIRE_MAX + 2);	/* the loop stepped once more */
	quic_cid_set_free(&s);
	CHECK_EQ(s.nretire, 0);
}

static void t_dest_retire_prior_to(int arg)
{
	struct quic_cid_set s;
	u64 err = 0, seq;
	bool seen[8] = { false };

	(void)arg;
	quic_cid_set_init(&s, false, 4, NULL, NULL);
	CHECK_EQ(dadd(&s, 0, 0, &err), 0);
	CHECK_EQ(dadd(&s, 1, 0, &err), 0);
	CHECK_EQ(dadd(&s, 2, 0, &err), 0);
	CHECK_EQ(s.active->seq, 0);
	/* retires 0 and 1, including the active one */
	CHECK_EQ(dadd(&s, 3, 2, &err), 0);
	CHECK_EQ(s.count, 2);
	CHECK_EQ(s.active->seq, 2);
	CHECK_EQ(s.retire_prior_to, 2);
	CHECK_EQ(s.nretire, 2);
	/* a smaller Retire Prior To is ignored */
	CHECK_EQ(dadd(&s, 4, 1, &err), 0);
	CHECK_EQ(s.retire_prior_to, 2);
	CHECK_EQ(s.count, 3);
	/* a number below Retire Prior To: retired at once, not stored */
	CHECK_EQ(dadd(&s, 1, 0, &err), 0);
	CHECK_EQ(s.count, 3);
	CHECK_EQ(s.nretire, 2);		/* 1 was queued already */
	CHECK_EQ(quic_cid_dest_add(&s, 5, 5, cid_of(5), 8, tok_of(5),
				   GFP_ATOMIC, &err), 0);
	CHECK_EQ(s.count, 1);
	CHECK_EQ(s.active->seq, 5);
	/* an old number never seen (it was below 5): retire it too */
	CHECK_EQ(quic_cid_dest_add(&s, 0, 0, cid_of(7), 8, tok_of(7),
				   GFP_ATOMIC, &err), 0);
	CHECK_EQ(s.count, 1);
	while (quic_cid_retire_next(&s, &seq)) {
		CHECK(seq < 5);
		CHECK(!seen[seq]);
		seen[seq] = true;
	}
	CHECK(seen[0] && seen[1] && seen[2] && seen[3] && seen[4]);
	quic_cid_set_free(&s);
}

static void t_retire_queue(int arg)
{
	struct quic_cid_set s;
	u64 err = 0, seq;

	(void)arg;
	quic_cid_set_init(&s, false, 4, NULL, NULL);
	CHECK_EQ(dadd(&s, 0, 0, &err), 0);
	CHECK_EQ(dadd(&s, 1, 0, &err), 0);
	CHECK_EQ(dadd(&s, 2, 0, &err), 0);
	CHECK_EQ(quic_cid_dest_retire(&s, 9), -ENOENT);
	CHECK_EQ(quic_cid_dest_retire(&s, 0), 0);	/* migration */
	CHECK_EQ(s.active->seq, 1);
	CHECK_EQ(quic_cid_dest_retire(&s, 2), 0);
	CHECK_EQ(quic_cid_dest_retire(&s, 1), -EBUSY);	/* the last one */
	CHECK(quic_cid_retire_next(&s, &seq));
	CHECK_EQ(seq, 0);
	CHECK(quic_cid_retire_next(&s, &seq));
	CHECK_EQ(seq, 2);
	CHECK(!quic_cid_retire_next(&s, &seq));
	/* the packet with 2 was lost: sent again; 0 was acknowledged */
	quic_cid_retire_lost(&s, 2);
	quic_cid_retire_acked(&s, 0);
	quic_cid_retire_acked(&s, 77);
	CHECK_EQ(s.nretire, 1);
	CHECK(quic_cid_retire_next(&s, &seq));
	CHECK_EQ(seq, 2);
	quic_cid_retire_acked(&s, 2);
	CHECK_EQ(s.nretire, 0);
	CHECK(!quic_cid_retire_next(&s, &seq));
	/* the local queue is bounded too */
	quic_cid_set_free(&s);
	quic_cid_set_init(&s, false, 8, NULL, NULL);
	for (seq = 0; seq < 8; seq++)
		CHECK_EQ(dadd(&s, seq, 0, &err), 0);
	for (seq = 0; seq < QUIC_CID_RETIRE_MAX; seq++)
		s.retire[seq].seq = 1000 + seq;	/* others, unacked */
	s.nretire = QUIC_CID_RETIRE_MAX;	/* as if full */
	CHECK_EQ(quic_cid_dest_retire(&s, 3), -ENOSPC);
	CHECK(quic_cid_find_seq(&s, 3));
	/* Retire Prior To needing more room than the queue has left */
	s.nretire = QUIC_CID_RETIRE_MAX - 1;
	CHECK_EQ(dadd(&s, 8, 2, &err), -EPROTO);
	CHECK_EQ(err, LIM);
	quic_cid_set_free(&s);
	/* an old number to retire at once, with the queue full */
	quic_cid_set_init(&s, false, 8, NULL, NULL);
	CHECK_EQ(dadd(&s, 0, 0, &err), 0);
	CHECK_EQ(dadd(&s, 3, 3, &err), 0);
	for (seq = 0; seq < QUIC_CID_RETIRE_MAX; seq++)
		s.retire[seq].seq = 1000 + seq;
	s.nretire = QUIC_CID_RETIRE_MAX;
	err = 0;
	CHECK_EQ(dadd(&s, 1, 0, &err), -EPROTO);
	CHECK_EQ(err, LIM);
	quic_cid_set_free(&s);
}

static void t_dest_update_token(int arg)
{
	struct quic_cid_set s;
	u8 other[QUIC_STATELESS_RESET_TOKEN_LEN] = { 0 };
	u64 err = 0;

	(void)arg;
	quic_cid_set_init(&s, false, 4, NULL, NULL);
	/* client: random DCID first, then the server's SCID */
	CHECK_EQ(quic_cid_dest_add(&s, 0, 0, cid_of(40), 8, NULL, GFP_ATOMIC,
				   &err), 0);
	CHECK(!quic_cid_dest_token_match(&s, tok_of(0)));
	CHECK_EQ(quic_cid_dest_update(&s, 0, cid_of(0), 20, NULL), 0);
	CHECK_EQ(s.active->cid.len, 20);
	CHECK_MEM(s.active->cid.data, cid_of(0), 20);
	CHECK(!s.active->has_token);
	/* the stateless_reset_token transport parameter */
	CHECK_EQ(quic_cid_dest_update(&s, 0, NULL, 0, tok_of(0)), 0);
	CHECK_EQ(s.active->cid.len, 20);
	CHECK(quic_cid_dest_token_match(&s, tok_of(0)));
	CHECK_EQ(quic_cid_dest_update(&s, 1, NULL, 0, tok_of(0)), -ENOENT);
	CHECK_EQ(quic_cid_dest_update(&s, 0, cid_of(0), 21, NULL), -EINVAL);
	CHECK_EQ(dadd(&s, 1, 0, &err), 0);
	CHECK(quic_cid_dest_token_match(&s, tok_of(1)));
	CHECK(!quic_cid_dest_token_match(&s, other));
	/* a retired ID's token no longer matches */
	CHECK_EQ(quic_cid_dest_retire(&s, 1), 0);
	CHECK(!quic_cid_dest_token_match(&s, tok_of(1)));
	quic_cid_set_free(&s);
}

static void t_set_active(int arg)
{
	struct quic_cid_set s;
	u64 err = 0;

	(void)arg;
	quic_cid_set_init(&s, false, 4, NULL, NULL);
	CHECK_EQ(quic_cid_set_active(&s, 0), -ENOENT);
	CHECK_EQ(dadd(&s, 0, 0, &err), 0);
	CHECK_EQ(dadd(&s, 1, 0, &err), 0);
	CHECK_EQ(quic_cid_set_active(&s, 1), 0);
	CHECK_EQ(s.active->seq, 1);
	/* a new ID does not change the active one */
	CHECK_EQ(dadd(&s, 2, 0, &err), 0);
	CHECK_EQ(s.active->seq, 1);
	CHECK_EQ(quic_cid_set_active(&s, 3), -ENOENT);
	quic_cid_set_free(&s);
}

static void t_dest_nomem(int arg)
{
	struct quic_cid_set s;
	struct acct a;
	u64 err = 0;

	(void)arg;
	acct_init(&a);
	quic_cid_set_init(&s, false, 4, NULL, &a.m);
	CHECK_EQ(dadd(&s, 0, 0, &err), 0);
	shim_kmalloc_fail_after = 0;
	CHECK_EQ(dadd(&s, 1, 0, &err), -ENOMEM);
	shim_kmalloc_fail_after = -1;
	a.refuse = true;
	CHECK_EQ(dadd(&s, 1, 0, &err), -ENOMEM);
	a.refuse = false;
	CHECK_EQ(s.count, 1);
	/* the frame comes again: accepted */
	CHECK_EQ(dadd(&s, 1, 0, &err), 0);
	CHECK_EQ(s.count, 2);
	quic_cid_set_free(&s);
	CHECK_EQ(a.balance, 0);
}

/* NEW_CONNECTION_ID frames from the wire, through frame.c */
static void t_dest_from_frames(int arg)
{
	struct quic_cid_set s;
	struct quic_frame f, d;
	uint8_t buf[128];
	u64 err = 0, seq;
	int len;

	(void)arg;
	quic_cid_set_init(&s, false, 3, NULL, NULL);
	CHECK_EQ(quic_cid_dest_add(&s, 0, 0, cid_of(0), 8, NULL, GFP_ATOMIC,
				   &err), 0);
	for (seq = 1; seq < 6; seq++) {
		memset(&f, 0, sizeof(f));
		f.type = QUIC_FRAME_NEW_CONNECTION_ID;
		f.new_cid.seq = seq;
		f.new_cid.retire_prior_to = seq > 2 ? seq - 2 : 0;
		f.new_cid.cid_len = 12;
		f.new_cid.cid = cid_of(seq);
		f.new_cid.token = tok_of(seq);
		len = quic_frame_encode(buf, sizeof(buf), &f);
		CHECK(len > 0);
		CHECK_EQ(quic_frame_decode(buf, (size_t)len, &d), len);
		CHECK_EQ(quic_cid_dest_add(&s, d.new_cid.seq,
					   d.new_cid.retire_prior_to,
					   d.new_cid.cid, d.new_cid.cid_len,
					   d.new_cid.token, GFP_ATOMIC, &err),
			 0);
		CHECK(s.count <= 3);
	}
	CHECK_EQ(s.count, 3);
	CHECK_EQ(s.active->seq, 3);
	CHECK_EQ(s.nretire, 3);
	quic_cid_set_free(&s);
}

/* NEW_CONNECTION_ID bookkeeping of the source set */
static void t_source_announce(int arg)
{
	struct quic_cid_set s;
	struct quic_cid_entry *e;
	u64 err = 0;

	(void)arg;
	quic_cid_set_init(&s, true, 4, NULL, NULL);
	CHECK_EQ(quic_cid_source_add(&s, cid_of(0), 8, NULL, GFP_KERNEL, NULL),
		 0);
	/* sequence 0 is in the handshake: nothing to announce */
	CHECK(!quic_cid_source_announce_due(&s));
	CHECK(!quic_cid_source_announce_next(&s));
	CHECK_EQ(quic_cid_source_add(&s, cid_of(1), 8, tok_of(1), GFP_KERNEL,
				     NULL), 0);
	CHECK_EQ(quic_cid_source_add(&s, cid_of(2), 8, tok_of(2), GFP_KERNEL,
				     NULL), 0);
	CHECK(quic_cid_source_announce_due(&s));
	e = quic_cid_source_announce_next(&s);
	CHECK(e && e->seq == 1);
	e = quic_cid_source_announce_next(&s);
	CHECK(e && e->seq == 2);
	CHECK(!quic_cid_source_announce_due(&s));
	/* lost: announced again, unless retired meanwhile */
	quic_cid_source_announce_lost(&s, 2);
	CHECK(quic_cid_source_announce_due(&s));
	CHECK_EQ(quic_cid_source_retire(&s, 2, cid_of(0), 8, &err), 0);
	CHECK(!quic_cid_source_announce_due(&s));
	quic_cid_source_announce_lost(&s, 2);
	CHECK(!quic_cid_source_announce_next(&s));
	quic_cid_set_free(&s);
}

/* the application retires the peer's IDs below a sequence number */
static void t_dest_user_retire_prior_to(int arg)
{
	struct quic_cid_set s;
	u64 err = 0, seq;
	int i;

	(void)arg;
	quic_cid_set_init(&s, false, 8, NULL, NULL);
	CHECK_EQ(quic_cid_dest_add(&s, 0, 0, cid_of(0), 8, NULL, GFP_ATOMIC,
				   &err), 0);
	for (i = 1; i < 5; i++)
		CHECK_EQ(dadd(&s, (u64)i, 0, &err), 0);
	CHECK(!quic_cid_retire_due(&s));
	/* a lower or equal value changes nothing */
	CHECK_EQ(quic_cid_dest_retire_prior_to(&s, 0), 0);
	CHECK_EQ(s.count, 5);
	/* none would be left */
	CHECK_EQ(quic_cid_dest_retire_prior_to(&s, 5), -EINVAL);
	CHECK_EQ(s.count, 5);
	CHECK_EQ(quic_cid_dest_retire_prior_to(&s, 3), 0);
	CHECK_EQ(s.count, 2);
	CHECK_EQ(s.retire_prior_to, 3);
	CHECK_EQ(s.active->seq, 3);
	CHECK(quic_cid_retire_due(&s));
	for (i = 0; i < 3; i++)
		CHECK(quic_cid_retire_next(&s, &seq) && seq < 3);
	CHECK(!quic_cid_retire_due(&s));
	for (i = 0; i < 3; i++)
		quic_cid_retire_acked(&s, (u64)i);
	CHECK_EQ(s.nretire, 0);
	/* a late NEW_CONNECTION_ID below it is retired on arrival */
	CHECK_EQ(dadd(&s, 2, 0, &err), 0);
	CHECK_EQ(s.count, 2);
	CHECK(quic_cid_retire_due(&s));
	/* the retire queue bounds it */
	s.nretire = QUIC_CID_RETIRE_MAX;
	CHECK_EQ(quic_cid_dest_retire_prior_to(&s, 4), -ENOSPC);
	CHECK_EQ(s.count, 2);
	quic_cid_set_free(&s);
}

/* destination hooks: the tokens' table sees every entry with a token */
static void t_dest_token_hooks(int arg)
{
	struct quic_cid_set s;
	u64 err = 0;

	(void)arg;
	reset_fake();
	quic_cid_set_init(&s, false, 4, &fake_ops, NULL);
	CHECK_EQ(quic_cid_dest_add(&s, 0, 0, cid_of(0), 8, NULL, GFP_ATOMIC,
				   &err), 0);
	CHECK_EQ(hashed, 0);	/* no token yet */
	CHECK_EQ(quic_cid_dest_update(&s, 0, NULL, 0, tok_of(0)), 0);
	CHECK_EQ(hashed, 1);
	CHECK_EQ(dadd(&s, 1, 0, &err), 0);
	CHECK_EQ(hashed, 2);
	CHECK_EQ(quic_cid_dest_retire(&s, 1), 0);
	CHECK_EQ(hashed, 1);
	quic_cid_set_free(&s);
	CHECK_EQ(hashed, 0);
}

static const struct t_case cases[] = {
	{ "connid_source_announce", t_source_announce, 0 },
	{ "connid_dest_user_retire_prior_to", t_dest_user_retire_prior_to, 0 },
	{ "connid_dest_token_hooks", t_dest_token_hooks, 0 },
	{ "connid_source_add", t_source_add, 0 },
	{ "connid_source_hash_fail_nomem", t_source_hash_fail, 0 },
	{ "connid_source_zero_len", t_source_zero_len, 0 },
	{ "connid_source_retire", t_source_retire, 0 },
	{ "connid_source_retire_prior_to", t_source_retire_prior_to, 0 },
	{ "connid_dest_basic", t_dest_basic, 0 },
	{ "connid_dest_frame_encoding", t_dest_frame_encoding, 0 },
	{ "connid_dest_zero_len_peer", t_dest_zero_len_peer, 0 },
	{ "connid_dest_limit", t_dest_limit, 0 },
	{ "connid_dest_flood", t_dest_flood, 0 },
	{ "connid_dest_retire_flood", t_dest_retire_flood, 0 },
	{ "connid_dest_retire_prior_to", t_dest_retire_prior_to, 0 },
	{ "connid_retire_queue", t_retire_queue, 0 },
	{ "connid_dest_update_token", t_dest_update_token, 0 },
	{ "connid_set_active", t_set_active, 0 },
	{ "connid_dest_nomem", t_dest_nomem, 0 },
	{ "connid_dest_from_frames", t_dest_from_frames, 0 },
	{ NULL, NULL, 0 },
};

const struct t_suite connid_suite = { .cases = cases };
