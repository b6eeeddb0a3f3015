// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: CRYPTO stream reassembly and send queue (src/kernel/cstream.c). */
#include "test.h"
#include "acct.h"
#include "cstream.h"

#define CBE QUIC_TRANSPORT_ERROR_CRYPTO_BUF_EXCEEDED
#define FE QUIC_TRANSPORT_ERROR_FRAME_ENCODING


static uint8_t msg[40000];

static void fill_msg(void)
{
	size_t i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + i / 251);
}

static void t_in_order(int arg)
{
	struct quic_cstream cs;
	struct acct r, w;
	uint8_t out[300];
	u64 err = 0;

	(void)arg;
	fill_msg();
	acct_init(&r);
	acct_init(&w);
	quic_cstream_init(&cs, 65536, 65536, &r.m, &w.m);
	CHECK_EQ(quic_cstream_readable(&cs), 0);
	CHECK_EQ(quic_cstream_read(&cs, out, sizeof(out)), 0);
	CHECK_EQ(quic_cstream_recv(&cs, 0, msg, 100, GFP_ATOMIC, &err), 0);
	CHECK_EQ(quic_cstream_recv(&cs, 100, msg + 100, 150, GFP_ATOMIC, &err),
		 0);
	CHECK_EQ(quic_cstream_readable(&cs), 250);
	CHECK(r.m.used > 250);
	CHECK_EQ((long)r.m.used, r.balance);
	CHECK_EQ(quic_cstream_read(&cs, out, 120), 120);
	CHECK_MEM(out, msg, 120);
	CHECK_EQ(cs.read_off, 120);
	CHECK_EQ(quic_cstream_read(&cs, out, sizeof(out)), 130);
	CHECK_MEM(out, msg + 120, 130);
	CHECK_EQ(r.m.used, 0);
	CHECK_EQ(r.balance, 0);
	/* empty frames are fine anywhere */
	CHECK_EQ(quic_cstream_recv(&cs, 250, msg, 0, GFP_ATOMIC, &err), 0);
	CHECK_EQ(quic_cstream_recv(&cs, 1ULL << 40, msg, 0, GFP_ATOMIC, &err),
		 0);
	quic_cstream_free(&cs);
}

static void t_out_of_order(int arg)
{
	struct quic_cstream cs;
	struct acct r;
	uint8_t out[300];
	const u8 *p;
	u64 err = 0;

	(void)arg;
	fill_msg();
	acct_init(&r);
	quic_cstream_init(&cs, 4096, 4096, &r.m, NULL);
	CHECK_EQ(quic_cstream_recv(&cs, 200, msg + 200, 100, GFP_ATOMIC, &err),
		 0);
	CHECK_EQ(quic_cstream_readable(&cs), 0);
	CHECK_EQ(quic_cstream_peek(&cs, &p), 0);
	CHECK_EQ(quic_cstream_recv(&cs, 100, msg + 100, 50, GFP_ATOMIC, &err),
		 0);
	CHECK_EQ(quic_cstream_recv(&cs, 0, msg, 100, GFP_ATOMIC, &err), 0);
	CHECK_EQ(quic_cstream_readable(&cs), 150);
	/* the gap is filled by an overlapping frame */
	CHECK_EQ(quic_cstream_recv(&cs, 120, msg + 120, 100, GFP_ATOMIC, &err),
		 0);
	CHECK_EQ(quic_cstream_readable(&cs), 300);
	CHECK_EQ(cs.nrecv, 4);	/* only the missing 50 bytes were added */
	CHECK_EQ(quic_cstream_read(&cs, out, sizeof(out)), 300);
	CHECK_MEM(out, msg, 300);
	CHECK_EQ(cs.nrecv, 0);
	CHECK_EQ(r.balance, 0);
	quic_cstream_free(&cs);
}

static void t_duplicates(int arg)
{
	struct quic_cstream cs;
	struct acct r;
	uint8_t out[600];
	const u8 *p;
	u32 n;
	u64 err = 0;

	(void)arg;
	fill_msg();
	acct_init(&r);
	quic_cstream_init(&cs, 4096, 4096, &r.m, NULL);
	CHECK_EQ(quic_cstream_recv(&cs, 0, msg, 500, GFP_ATOMIC, &err), 0);
	CHECK_EQ(quic_cstream_recv(&cs, 0, msg, 500, GFP_ATOMIC, &err), 0);
	CHECK_EQ(quic_cstream_recv(&cs, 100, msg + 100, 50, GFP_ATOMIC, &err),
		 0);
	CHECK_EQ(cs.nrecv, 1);
	/* peek + consume across a partial chunk */
	n = quic_cstream_peek(&cs, &p);
	CHECK_EQ(n, 500);
	CHECK_MEM(p, msg, 500);
	quic_cstream_consume(&cs, 10);
	CHECK_EQ(cs.read_off, 10);
	n = quic_cstream_peek(&cs, &p);
	CHECK_EQ(n, 490);
	CHECK_MEM(p, msg + 10, 490);
	CHECK_EQ(quic_cstream_peek_at(&cs, 90, &p), 400);
	CHECK_MEM(p, msg + 100, 400);
	CHECK_EQ(quic_cstream_peek_at(&cs, 490, &p), 0);
	CHECK_EQ(cs.read_off, 10);
	/* data that was already read is ignored, a straddling frame is cut */
	CHECK_EQ(quic_cstream_recv(&cs, 0, msg, 10, GFP_ATOMIC, &err), 0);
	CHECK_EQ(quic_cstream_recv(&cs, 0, msg, 600, GFP_ATOMIC, &err), 0);
	CHECK_EQ(quic_cstream_readable(&cs), 590);
	/* consuming more than readable stops at the end of the data */
	quic_cstream_consume(&cs, 100000);
	CHECK_EQ(cs.read_off, 600);
	CHECK_EQ(quic_cstream_read(&cs, out, sizeof(out)), 0);
	CHECK_EQ(r.balance, 0);
	quic_cstream_free(&cs);
}

/* random pieces with overlaps, in random order, read as they come */
static void t_random_reassembly(int arg)
{
	static uint8_t out[sizeof(msg)];
	struct quic_cstream cs;
	struct acct r;
	unsigned int seed = 777u * (unsigned int)arg;
	size_t total = 20000, got = 0;
	u64 err = 0, off, len;
	int i;

	fill_msg();
	acct_init(&r);
	quic_cstream_init(&cs, 32768, 4096, &r.m, NULL);
	for (i = 0; i < 20000 && got < total; i++) {
		seed = seed * 1103515245u + 12345u;
		off = cs.read_off + (seed >> 4) % 6000;
		seed = seed * 1103515245u + 12345u;
		len = 1 + (seed >> 4) % 1500;
		if (off >= total)
			continue;
		if (off + len > total)
			len = total - off;
		CHECK_EQ(quic_cstream_recv(&cs, off, msg + off, len, GFP_ATOMIC,
					   &err), 0);
		if (i % 3 == 0)
			got += quic_cstream_read(&cs, out + got, 700);
		CHECK(cs.nrecv <= QUIC_CSTREAM_CHUNKS_MAX);
		CHECK(r.m.used <= 32768 + QUIC_CSTREAM_CHUNKS_MAX *
		      sizeof(struct quic_cstream_chunk));
	}
	while (got < total) {
		u32 n = quic_cstream_read(&cs, out + got, 700);

		CHECK(n > 0);
		got += n;
	}
	CHECK_EQ(got, total);
	CHECK_MEM(out, msg, total);
	CHECK_EQ(r.balance, 0);
	quic_cstream_free(&cs);
}

static void t_buffer_limit(int arg)
{
	struct quic_cstream cs;
	struct acct r;
	uint8_t out[2000];
	u64 err = 0;

	(void)arg;
	fill_msg();
	acct_init(&r);
	quic_cstream_init(&cs, 100, 100, &r.m, NULL);	/* raised to 4096 */
	CHECK_EQ(cs.recv_limit, QUIC_CSTREAM_RECV_MIN);
	/* ending exactly at the limit is fine, one byte more is not */
	CHECK_EQ(quic_cstream_recv(&cs, 4000, msg + 4000, 96, GFP_ATOMIC,
				   &err), 0);
	CHECK_EQ(quic_cstream_recv(&cs, 4000, msg + 4000, 97, GFP_ATOMIC,
				   &err), -EPROTO);
	CHECK_EQ(err, CBE);
	err = 0;
	CHECK_EQ(quic_cstream_recv(&cs, 1ULL << 40, msg, 1, GFP_ATOMIC, &err),
		 -EPROTO);
	CHECK_EQ(err, CBE);
	/* the limit moves with the reader */
	CHECK_EQ(quic_cstream_recv(&cs, 0, msg, 1000, GFP_ATOMIC, &err), 0);
	CHECK_EQ(quic_cstream_read(&cs, out, 1000), 1000);
	CHECK_EQ(quic_cstream_recv(&cs, 4000, msg + 4000, 1096, GFP_ATOMIC,
				   &err), 0);
	CHECK_EQ(quic_cstream_recv(&cs, 5096, msg, 1, GFP_ATOMIC, &err),
		 -EPROTO);
	/* past 2^62 - 1 */
	err = 0;
	CHECK_EQ(quic_cstream_recv(&cs, QUIC_VARINT_MAX, msg, 2, GFP_ATOMIC,
				   &err), -EPROTO);
	CHECK_EQ(err, FE);
	CHECK_EQ(quic_cstream_recv(&cs, ~0ULL, msg, 1, GFP_ATOMIC, &err),
		 -EPROTO);
	CHECK_EQ(err, FE);
	/* the largest limit */
	quic_cstream_free(&cs);
	quic_cstream_init(&cs, ~0U, ~0U, &r.m, NULL);
	CHECK_EQ(cs.recv_limit, QUIC_CSTREAM_BUF_MAX);
	CHECK_EQ(cs.send_limit, QUIC_CSTREAM_BUF_MAX);
	CHECK_EQ(r.balance, 0);
}

static void t_chunk_bound(int arg)
{
	struct quic_cstream cs;
	struct acct r;
	u64 err = 0, i;

	(void)arg;
	fill_msg();
	acct_init(&r);
	quic_cstream_init(&cs, 65536, 4096, &r.m, NULL);
	/* one-byte frames with gaps: every one is a chunk */
	for (i = 0; i < QUIC_CSTREAM_CHUNKS_MAX; i++)
		CHECK_EQ(quic_cstream_recv(&cs, 1 + 2 * i, msg, 1, GFP_ATOMIC,
					   &err), 0);
	CHECK_EQ(cs.nrecv, QUIC_CSTREAM_CHUNKS_MAX);
	CHECK_EQ(quic_cstream_recv(&cs, 1000, msg, 1, GFP_ATOMIC, &err),
		 -ENOBUFS);
	/* known data is still accepted (nothing to store) */
	CHECK_EQ(quic_cstream_recv(&cs, 1, msg, 1, GFP_ATOMIC, &err), 0);
	CHECK(r.m.used <= QUIC_CSTREAM_CHUNKS_MAX *
	      (sizeof(struct quic_cstream_chunk) + 1));
	/* a big frame is split into chunks of at most CHUNK_DATA bytes */
	quic_cstream_free(&cs);
	CHECK_EQ(r.balance, 0);
	CHECK_EQ(quic_cstream_recv(&cs, 0, msg, 10000, GFP_ATOMIC, &err), 0);
	CHECK_EQ(cs.nrecv, (10000 + QUIC_CSTREAM_CHUNK_DATA - 1) /
		 QUIC_CSTREAM_CHUNK_DATA);
	quic_cstream_free(&cs);
	CHECK_EQ(r.balance, 0);
}

static void t_recv_nomem(int arg)
{
	struct quic_cstream cs;
	struct acct r;
	uint8_t out[9000];
	u64 err = 0;
	int rc;

	(void)arg;
	fill_msg();
	acct_init(&r);
	quic_cstream_init(&cs, 65536, 4096, &r.m, NULL);
	shim_kmalloc_fail_after = 0;
	CHECK_EQ(quic_cstream_recv(&cs, 0, msg, 100, GFP_ATOMIC, &err),
		 -ENOMEM);
	shim_kmalloc_fail_after = -1;
	CHECK_EQ(r.balance, 0);
	CHECK_EQ(r.m.used, 0);
	/* the account refuses */
	r.refuse = true;
	CHECK_EQ(quic_cstream_recv(&cs, 0, msg, 100, GFP_ATOMIC, &err),
		 -ENOMEM);
	CHECK_EQ(cs.nrecv, 0);
	r.refuse = false;
	/* failure half way: the part stored is kept and consistent */
	shim_kmalloc_fail_after = 1;
	rc = quic_cstream_recv(&cs, 0, msg, 8000, GFP_ATOMIC, &err);
	shim_kmalloc_fail_after = -1;
	CHECK_EQ(rc, -ENOMEM);
	CHECK_EQ(cs.nrecv, 1);
	CHECK_EQ(quic_cstream_readable(&cs), QUIC_CSTREAM_CHUNK_DATA);
	/* failure while filling a gap between held pieces */
	CHECK_EQ(quic_cstream_recv(&cs, 6000, msg + 6000, 100, GFP_ATOMIC,
				   &err), 0);
	shim_kmalloc_fail_after = 0;
	rc = quic_cstream_recv(&cs, 5000, msg + 5000, 1500, GFP_ATOMIC, &err);
	shim_kmalloc_fail_after = -1;
	CHECK_EQ(rc, -ENOMEM);
	/* the peer retransmits */
	CHECK_EQ(quic_cstream_recv(&cs, 0, msg, 8000, GFP_ATOMIC, &err), 0);
	CHECK_EQ(quic_cstream_read(&cs, out, sizeof(out)), 8000);
	CHECK_MEM(out, msg, 8000);
	CHECK_EQ(r.balance, 0);
	quic_cstream_free(&cs);
}

static void put_tls_hdr(uint8_t *p, uint8_t type, uint32_t len)
{
	p[0] = type;
	p[1] = (uint8_t)(len >> 16);
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
}

static void t_msg_len(int arg)
{
	struct quic_cstream cs;
	uint8_t m[200], out[200];
	u64 err = 0;

	(void)arg;
	memset(m, 0xab, sizeof(m));
	put_tls_hdr(m, 1, 100);		/* ClientHello, 104 bytes */
	put_tls_hdr(m + 104, 2, 10);	/* then 14 more */
	quic_cstream_init(&cs, 4096, 4096, NULL, NULL);
	CHECK_EQ(quic_cstream_msg_len(&cs), 0);
	/* header split over three chunks */
	CHECK_EQ(quic_cstream_recv(&cs, 0, m, 1, GFP_ATOMIC, &err), 0);
	CHECK_EQ(quic_cstream_msg_len(&cs), 0);
	CHECK_EQ(quic_cstream_recv(&cs, 2, m + 2, 2, GFP_ATOMIC, &err), 0);
	CHECK_EQ(quic_cstream_msg_len(&cs), 0);
	CHECK_EQ(quic_cstream_recv(&cs, 1, m + 1, 1, GFP_ATOMIC, &err), 0);
	CHECK_EQ(quic_cstream_msg_len(&cs), 0);	/* body missing */
	CHECK_EQ(quic_cstream_recv(&cs, 4, m + 4, 99, GFP_ATOMIC, &err), 0);
	CHECK_EQ(quic_cstream_msg_len(&cs), 0);	/* one byte short */
	CHECK_EQ(quic_cstream_recv(&cs, 103, m + 103, 97, GFP_ATOMIC, &err),
		 0);
	CHECK_EQ(quic_cstream_msg_len(&cs), 104);
	CHECK_EQ(quic_cstream_read(&cs, out, 104), 104);
	CHECK_EQ(quic_cstream_msg_len(&cs), 14);
	CHECK_EQ(quic_cstream_read(&cs, out, 14), 14);
	CHECK_MEM(out, m + 104, 14);
	/* a message that can never fit in the buffer */
	put_tls_hdr(m, 11, 5000);
	CHECK_EQ(quic_cstream_recv(&cs, 118, m, 4, GFP_ATOMIC, &err), 0);
	CHECK_EQ(quic_cstream_msg_len(&cs), -EMSGSIZE);
	quic_cstream_free(&cs);
}

/* the sender's frames, applied to a receiving stream */
static int deliver(struct quic_cstream *rx, const struct quic_frame *f)
{
	u64 err = 0;

	return quic_cstream_recv(rx, f->crypto.offset, f->crypto.data,
				 f->crypto.len, GFP_KERNEL, &err);
}

static void t_send_basic(int arg)
{
	struct quic_cstream tx, rx;
	struct acct w;
	struct quic_frame f;
	uint8_t out[6000];
	u64 next = 0;
	u32 n;
	int flen;

	(void)arg;
	fill_msg();
	acct_init(&w);
	quic_cstream_init(&tx, 65536, 65536, NULL, &w.m);
	quic_cstream_init(&rx, 65536, 65536, NULL, NULL);
	CHECK(!quic_cstream_send_pending(&tx));
	CHECK(quic_cstream_all_acked(&tx));
	CHECK_EQ(quic_cstream_send_next(&tx, 1200, &f), 0);
	CHECK_EQ(quic_cstream_queue(&tx, msg, 3000, GFP_KERNEL), 0);
	CHECK_EQ(quic_cstream_queue(&tx, msg + 3000, 2000, GFP_KERNEL), 0);
	CHECK_EQ(quic_cstream_queue(&tx, msg, 0, GFP_KERNEL), 0);
	CHECK(w.m.used > 5000);
	CHECK(quic_cstream_send_pending(&tx));
	CHECK(!quic_cstream_all_acked(&tx));
	while ((n = quic_cstream_send_next(&tx, 1200, &f))) {
		CHECK_EQ(f.type, QUIC_FRAME_CRYPTO);
		CHECK_EQ(f.crypto.offset, next);
		CHECK_EQ(f.crypto.len, n);
		flen = quic_frame_len(&f);
		CHECKF(flen > 0 && flen <= 1200, "frame of %d bytes", flen);
		next += n;
		CHECK_EQ(deliver(&rx, &f), 0);
	}
	CHECK_EQ(next, 5000);
	CHECK(!quic_cstream_send_pending(&tx));
	CHECK_EQ(quic_cstream_read(&rx, out, sizeof(out)), 5000);
	CHECK_MEM(out, msg, 5000);
	/* acknowledged out of order: memory is freed once contiguous */
	quic_cstream_on_acked(&tx, 2000, 3000);
	CHECK(!quic_cstream_all_acked(&tx));
	CHECK_EQ(tx.acked_off, 0);
	quic_cstream_on_acked(&tx, 0, 2000);
	CHECK(quic_cstream_all_acked(&tx));
	CHECK_EQ(tx.acked_off, 5000);
	CHECK_EQ(w.m.used, 0);
	CHECK_EQ(w.balance, 0);
	/* acks of unsent or already acked bytes change nothing */
	quic_cstream_on_acked(&tx, 0, 100000);
	quic_cstream_on_lost(&tx, 0, 100000);
	CHECK(!quic_cstream_send_pending(&tx));
	quic_cstream_free(&tx);
	quic_cstream_free(&rx);
}

static void t_send_room(int arg)
{
	struct quic_cstream tx;
	struct quic_frame f;
	u32 n;

	(void)arg;
	fill_msg();
	quic_cstream_init(&tx, 4096, 4096, NULL, NULL);
	CHECK_EQ(quic_cstream_queue(&tx, msg, 100, GFP_KERNEL), 0);
	/* type + offset + length take 3 bytes: 3 is no room */
	CHECK_EQ(quic_cstream_send_next(&tx, 3, &f), 0);
	CHECK_EQ(quic_cstream_send_next(&tx, 0, &f), 0);
	CHECK_EQ(tx.send_off, 0);
	n = quic_cstream_send_next(&tx, 4, &f);
	CHECK_EQ(n, 1);
	CHECK_EQ(quic_frame_len(&f), 4);
	n = quic_cstream_send_next(&tx, 1000, &f);
	CHECK_EQ(n, 99);
	CHECK(quic_frame_len(&f) <= 1000);
	quic_cstream_free(&tx);
}

static void t_send_loss(int arg)
{
	struct quic_cstream tx;
	struct quic_frame f;
	u32 n;

	(void)arg;
	fill_msg();
	quic_cstream_init(&tx, 4096, 8192, NULL, NULL);
	/* three chunks: a frame never crosses a chunk boundary */
	CHECK_EQ(quic_cstream_queue(&tx, msg, 1000, GFP_KERNEL), 0);
	CHECK_EQ(quic_cstream_queue(&tx, msg + 1000, 1000, GFP_KERNEL), 0);
	CHECK_EQ(quic_cstream_queue(&tx, msg + 2000, 1000, GFP_KERNEL), 0);
	/* type, offset and a 2-byte length: 4 and 5 bytes of header */
	CHECK_EQ(quic_cstream_send_next(&tx, 1003, &f), 999);
	quic_cstream_on_lost(&tx, 0, 999);
	CHECK_EQ(quic_cstream_send_next(&tx, 1004, &f), 999);	/* resent */
	CHECK_EQ(f.crypto.offset, 0);
	CHECK_EQ(quic_cstream_send_next(&tx, 5, &f), 1);	/* 999 */
	CHECK_EQ(quic_cstream_send_next(&tx, 1005, &f), 1000);	/* ..2000 */
	quic_cstream_on_lost(&tx, 0, 1000);
	CHECK(quic_cstream_send_pending(&tx));
	/* lost data goes first, before the unsent 2000..3000 */
	n = quic_cstream_send_next(&tx, 504, &f);
	CHECK_EQ(n, 500);
	CHECK_EQ(f.crypto.offset, 0);
	CHECK_MEM(f.crypto.data, msg, 500);
	n = quic_cstream_send_next(&tx, 2000, &f);
	CHECK_EQ(f.crypto.offset, 500);
	CHECK_EQ(n, 500);
	n = quic_cstream_send_next(&tx, 2000, &f);
	CHECK_EQ(f.crypto.offset, 2000);
	CHECK_EQ(n, 1000);
	CHECK(!quic_cstream_send_pending(&tx));

	/* lost, then acknowledged before it was resent: skipped */
	quic_cstream_on_lost(&tx, 1000, 1000);
	quic_cstream_on_acked(&tx, 1000, 1000);
	CHECK_EQ(quic_cstream_send_next(&tx, 2000, &f), 0);
	/* lost, partly acknowledged in the middle: the two ends go */
	quic_cstream_on_lost(&tx, 2000, 1000);
	quic_cstream_on_acked(&tx, 2200, 300);
	n = quic_cstream_send_next(&tx, 2000, &f);
	CHECK_EQ(f.crypto.offset, 2000);
	CHECK_EQ(n, 200);
	n = quic_cstream_send_next(&tx, 2000, &f);
	CHECK_EQ(f.crypto.offset, 2500);
	CHECK_EQ(n, 500);
	CHECK_MEM(f.crypto.data, msg + 2500, 500);
	CHECK_EQ(quic_cstream_send_next(&tx, 2000, &f), 0);
	/* a loss report below the acked point is ignored */
	quic_cstream_on_acked(&tx, 0, 1000);
	CHECK_EQ(tx.acked_off, 2000);
	quic_cstream_on_lost(&tx, 0, 1500);
	CHECK(!quic_cstream_send_pending(&tx));
	quic_cstream_on_acked(&tx, 2000, 1000);
	CHECK(quic_cstream_all_acked(&tx));
	CHECK(list_empty(&tx.send));
	quic_cstream_free(&tx);
}

static void t_send_limit(int arg)
{
	struct quic_cstream tx;
	struct acct w;
	struct quic_frame f;
	int rc;

	(void)arg;
	fill_msg();
	acct_init(&w);
	quic_cstream_init(&tx, 4096, 8192, NULL, &w.m);
	CHECK_EQ(quic_cstream_queue(&tx, msg, 8000, GFP_KERNEL), 0);
	CHECK_EQ(quic_cstream_queue(&tx, msg, 193, GFP_KERNEL), -EAGAIN);
	CHECK_EQ(quic_cstream_queue(&tx, msg, 192, GFP_KERNEL), 0);
	CHECK_EQ(quic_cstream_queue(&tx, msg, 1, GFP_KERNEL), -EAGAIN);
	/* acknowledged bytes make room */
	CHECK_EQ(quic_cstream_send_next(&tx, 5000, &f), QUIC_CSTREAM_CHUNK_DATA);
	quic_cstream_on_acked(&tx, 0, QUIC_CSTREAM_CHUNK_DATA);
	CHECK_EQ(quic_cstream_queue(&tx, msg, QUIC_CSTREAM_CHUNK_DATA,
				    GFP_KERNEL), 0);
	/* allocation failure half way: nothing queued */
	quic_cstream_free(&tx);
	CHECK_EQ(w.balance, 0);
	shim_kmalloc_fail_after = 1;
	rc = quic_cstream_queue(&tx, msg, 6000, GFP_KERNEL);
	shim_kmalloc_fail_after = -1;
	CHECK_EQ(rc, -ENOMEM);
	CHECK_EQ(tx.send_end, 0);
	CHECK(list_empty(&tx.send));
	CHECK_EQ(w.balance, 0);
	w.refuse = true;
	CHECK_EQ(quic_cstream_queue(&tx, msg, 10, GFP_KERNEL), -ENOMEM);
	CHECK_EQ(w.balance, 0);
	quic_cstream_free(&tx);
}

/*
 * A lossy link: frames are lost, acknowledged late and out of order, more
 * than QUIC_CSTREAM_RANGES_MAX ranges at once; the receiver must end with
 * exactly the bytes sent and the sender with everything acknowledged.
 */
#define INFLIGHT 256
static void t_lossy_link(int arg)
{
	static uint8_t out[sizeof(msg)];
	struct { u64 off, len; bool arrived; } fl[INFLIGHT];
	struct quic_cstream tx, rx;
	struct acct w, r;
	struct quic_frame f;
	unsigned int seed = 99u + (unsigned int)arg;
	size_t total = 30000, got = 0;
	int nfl = 0, rounds = 0, i, err;
	u32 n;

	fill_msg();
	acct_init(&w);
	acct_init(&r);
	quic_cstream_init(&tx, 65536, 65536, &r.m, &w.m);
	quic_cstream_init(&rx, 65536, 65536, &r.m, &w.m);
	CHECK_EQ(quic_cstream_queue(&tx, msg, (u32)total, GFP_KERNEL), 0);
	while (!quic_cstream_all_acked(&tx)) {
		CHECK(rounds++ < 100000);
		/* send a few frames of random size */
		while (nfl < INFLIGHT && nfl < 40) {
			seed = seed * 1103515245u + 12345u;
			n = quic_cstream_send_next(&tx, 10 + (seed >> 8) % 300,
						   &f);
			if (!n)
				break;
			fl[nfl].off = f.crypto.offset;
			fl[nfl].len = n;
			fl[nfl].arrived = false;
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 8) % 4) {	/* 25% lost on the way */
				/* too many pieces held: dropped as well */
				err = deliver(&rx, &f);
				CHECK(!err || err == -ENOBUFS);
				fl[nfl].arrived = !err;
			}
			nfl++;
		}
		/* the fate of random frames in flight becomes known */
		for (i = 0; i < nfl;) {
			seed = seed * 1103515245u + 12345u;
			switch ((seed >> 8) % 3) {
			case 0:
				if (!fl[i].arrived) {	/* detected lost */
					quic_cstream_on_lost(&tx, fl[i].off,
							     fl[i].len);
					break;
				}
				quic_cstream_on_acked(&tx, fl[i].off,
						      fl[i].len);
				break;
			case 1:	/* lost, or spuriously declared lost */
				quic_cstream_on_lost(&tx, fl[i].off,
						     fl[i].len);
				break;
			default:
				i++;
				continue;
			}
			fl[i] = fl[--nfl];
		}
		got += quic_cstream_read(&rx, out + got, 500);
		CHECK(tx.acked.n <= QUIC_CSTREAM_RANGES_MAX);
		CHECK(tx.retx.n <= QUIC_CSTREAM_RANGES_MAX);
	}
	got += quic_cstream_read(&rx, out + got, (u32)total);
	CHECK_EQ(got, total);
	CHECK_MEM(out, msg, total);
	CHECK_EQ(w.m.used, 0);
	quic_cstream_free(&tx);
	quic_cstream_free(&rx);
	CHECK_EQ(w.balance, 0);
	CHECK_EQ(r.balance, 0);
}

/* both range sets overflow: data is never lost, only resent */
static void t_range_sets_full(int arg)
{
	struct quic_cstream tx;
	struct quic_frame f;
	u64 i, sent = 0;
	u32 n;

	(void)arg;
	fill_msg();
	quic_cstream_init(&tx, 4096, 65536, NULL, NULL);
	CHECK_EQ(quic_cstream_queue(&tx, msg, 20000, GFP_KERNEL), 0);
	while ((n = quic_cstream_send_next(&tx, 103, &f)))
		sent += n;
	CHECK_EQ(sent, 20000);
	/* 100-byte frames: ack odd ones, lose even ones (not the first) */
	for (i = 1; i < 200; i += 2)
		quic_cstream_on_acked(&tx, i * 100, 100);
	/* the acked set is full: the other acked ranges are sent again */
	CHECK_EQ(tx.acked.n, QUIC_CSTREAM_RANGES_MAX);
	CHECK_EQ(tx.retx.n, QUIC_CSTREAM_RANGES_MAX);
	for (i = 2; i < 200; i += 2)
		quic_cstream_on_lost(&tx, i * 100, 100);
	CHECK(tx.retx.n <= QUIC_CSTREAM_RANGES_MAX);
	/* every lost range is covered by a retransmit range */
	for (i = 2; i < 200; i += 2) {
		u32 k;
		bool cov = false;

		for (k = 0; k < tx.retx.n; k++)
			if (tx.retx.r[k].start <= i * 100 &&
			    tx.retx.r[k].end >= i * 100 + 100)
				cov = true;
		CHECKF(cov, "lost range at %llu forgotten",
		       (unsigned long long)(i * 100));
	}
	/* resend everything pending, then ack all: nothing left */
	while (quic_cstream_send_next(&tx, 1000, &f))
		;
	CHECK(!quic_cstream_send_pending(&tx));
	quic_cstream_on_acked(&tx, 0, 100);
	CHECK(tx.acked_off >= 200);
	quic_cstream_on_acked(&tx, 0, 20000);
	CHECK(quic_cstream_all_acked(&tx));
	quic_cstream_free(&tx);
}

/* a received buffer with a reference count, as the kernel's skb */
struct rbuf_ref {
	int refs;
	bool refuse;
};

static int rbuf_get(struct quic_cstream_rbuf *rb)
{
	struct rbuf_ref *r = rb->ref;

	if (r->refuse)
		return -ENOBUFS;
	r->refs++;
	return 0;
}

static void rbuf_put(void *ref)
{
	((struct rbuf_ref *)ref)->refs--;
}

/*
 * Data inside a received buffer is held, not copied: reads see the
 * buffer's own bytes and drop the reference when done; small pieces, a
 * buffer that cannot be held and a NULL buffer fall back to copies, and
 * reassembly still works.
 */
static void t_recv_held(int arg)
{
	struct rbuf_ref ref = { 1, false };
	struct quic_cstream_rbuf rb = {
		.ref = &ref, .get = rbuf_get, .put = rbuf_put,
	};
	struct quic_cstream cs;
	struct acct r;
	uint8_t out[3000];
	const u8 *p;
	u64 err = 0;

	(void)arg;
	fill_msg();
	acct_init(&r);
	quic_cstream_init(&cs, 65536, 65536, &r.m, NULL);
	/* out of order first: 1000 bytes at 1000, held */
	CHECK_EQ(quic_cstream_recv_rbuf(&cs, 1000, msg + 1000, 1000, &rb,
					GFP_ATOMIC, &err), 0);
	CHECK_EQ(ref.refs, 2);
	CHECK_EQ(rb.held, 1000);
	CHECK(r.m.used > 0 && r.m.used < 1000);	/* the chunk header */
	/* 100 bytes: too short to hold, copied */
	CHECK_EQ(quic_cstream_recv_rbuf(&cs, 0, msg, 100, &rb, GFP_ATOMIC,
					&err), 0);
	CHECK_EQ(ref.refs, 2);
	CHECK_EQ(rb.held, 1000);
	/* 900 bytes fill the hole, held */
	CHECK_EQ(quic_cstream_recv_rbuf(&cs, 100, msg + 100, 900, &rb,
					GFP_ATOMIC, &err), 0);
	CHECK_EQ(ref.refs, 3);
	CHECK_EQ(rb.held, 1900);
	CHECK_EQ(quic_cstream_readable(&cs), 2000);
	/* MSG_PEEK: across the pieces, nothing consumed */
	CHECK_EQ(quic_cstream_peek_at(&cs, 50, &p), 50);
	CHECK_MEM(p, msg + 50, 50);
	CHECK_EQ(quic_cstream_peek_at(&cs, 100, &p), 900);
	CHECK(p == msg + 100);
	CHECK_EQ(quic_cstream_peek_at(&cs, 1999, &p), 1);
	CHECK_EQ(quic_cstream_peek_at(&cs, 2000, &p), 0);
	CHECK_EQ(cs.read_off, 0);
	CHECK_EQ(quic_cstream_peek(&cs, &p), 100);
	CHECK(p != msg);		/* the copy */
	quic_cstream_consume(&cs, 100);
	CHECK_EQ(quic_cstream_peek(&cs, &p), 900);
	CHECK(p == msg + 100);		/* the buffer itself */
	quic_cstream_consume(&cs, 400);
	CHECK_EQ(ref.refs, 3);
	CHECK_EQ(quic_cstream_peek(&cs, &p), 500);
	CHECK(p == msg + 500);
	CHECK_EQ(quic_cstream_read(&cs, out, sizeof(out)), 1500);
	CHECK_MEM(out, msg + 500, 1500);
	CHECK_EQ(ref.refs, 1);
	CHECK_EQ(r.m.used, 0);
	CHECK_EQ(r.balance, 0);
	/* a held piece is released when the stream is freed */
	CHECK_EQ(quic_cstream_recv_rbuf(&cs, 2000, msg + 2000, 30000, &rb,
					GFP_ATOMIC, &err), 0);
	CHECK_EQ(ref.refs, 2);
	quic_cstream_free(&cs);
	CHECK_EQ(ref.refs, 1);
	CHECK_EQ(r.balance, 0);
	/* a buffer that cannot be held: copied */
	ref.refuse = true;
	CHECK_EQ(quic_cstream_recv_rbuf(&cs, 0, msg, 1000, &rb, GFP_ATOMIC,
					&err), 0);
	CHECK_EQ(ref.refs, 1);
	CHECK_EQ(quic_cstream_peek(&cs, &p), 1000);
	CHECK(p != msg);
	CHECK_MEM(p, msg, 1000);
	quic_cstream_free(&cs);
	/* no memory: neither held nor copied, no reference left behind */
	ref.refuse = false;
	r.refuse = true;
	CHECK_EQ(quic_cstream_recv_rbuf(&cs, 0, msg, 1000, &rb, GFP_ATOMIC,
					&err), -ENOMEM);
	CHECK_EQ(ref.refs, 1);
	r.refuse = false;
	CHECK_EQ(quic_cstream_recv_rbuf(&cs, 0, msg, 1000, NULL, GFP_ATOMIC,
					&err), 0);
	CHECK_EQ(ref.refs, 1);
	CHECK_EQ(quic_cstream_peek(&cs, &p), 1000);
	CHECK(p != msg);
	quic_cstream_free(&cs);
	CHECK_EQ(r.balance, 0);
}

static const struct t_case cases[] = {
	{ "cstream_in_order", t_in_order, 0 },
	{ "cstream_out_of_order", t_out_of_order, 0 },
	{ "cstream_duplicates", t_duplicates, 0 },
	{ "cstream_random_reassembly_1", t_random_reassembly, 1 },
	{ "cstream_random_reassembly_2", t_random_reassembly, 2 },
	{ "cstream_random_reassembly_3", t_random_reassembly, 3 },
	{ "cstream_buffer_limit", t_buffer_limit, 0 },
	{ "cstream_chunk_bound", t_chunk_bound, 0 },
	{ "cstream_recv_nomem", t_recv_nomem, 0 },
	{ "cstream_msg_len", t_msg_len, 0 },
	{ "cstream_send_basic", t_send_basic, 0 },
	{ "cstream_send_room", t_send_room, 0 },
	{ "cstream_send_loss", t_send_loss, 0 },
	{ "cstream_send_limit", t_send_limit, 0 },
	{ "cstream_lossy_link_1", t_lossy_link, 1 },
	{ "cstream_lossy_link_2", t_lossy_link, 2 },
	{ "cstream_lossy_link_3", t_lossy_link, 3 },
	{ "cstream_range_sets_full", t_range_sets_full, 0 },
	{ "cstream_recv_held", t_recv_held, 0 },
	{ NULL, NULL, 0 },
};

const struct t_suite cstream_suite = { .cases = cases };
