// SPDX-License-Identifier: GPL-2.0-or-later
/* Packet protection self-test and micro-benchmark, run through module params. */

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "crypto.h"
#include "crypto_vectors.h"

/*
 * Reading /sys/module/quic/parameters/crypto_selftest runs the RFC 9001 /
 * RFC 9369 vectors and the bad-input cases through the real kernel crypto
 * path and returns one PASS/FAIL line per case and a summary line; reading
 * .../crypto_bench times protect + unprotect per cipher and packet size.
 * Loading with crypto_selftest=1 runs the self-test at load, logs the
 * lines and refuses to load if a case fails. Nothing here is on the
 * per-packet path.
 */

struct qst {
	struct quic_crypto a, b;
	struct quic_crypto_retry r;
	struct sk_buff *skb;
	struct page *page;
	u8 *buf;
};

#define QST_BUF	2048

static const u8 qst_dcid[4] = { 0xde, 0xad, 0xbe, 0xef };
static const u8 qst_s1[48] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };
static const u8 qst_s2[48] = { 21, 22, 23, 24, 25, 26, 27, 28, 29, 30 };

static const u32 qst_ciphers[] = {
	TLS_CIPHER_AES_GCM_128, TLS_CIPHER_AES_GCM_256,
	TLS_CIPHER_CHACHA20_POLY1305, TLS_CIPHER_AES_CCM_128,
};

static const char * const qst_cipher_names[] = {
	"AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305", "AES-128-CCM",
};

/* 1-RTT levels: a sends with s1, b with s2 */
static int qst_pair(struct qst *t, u32 type, u32 version)
{
	quic_crypto_init(&t->a, QUIC_CRYPTO_APP);
	quic_crypto_init(&t->b, QUIC_CRYPTO_APP);
	return quic_crypto_set_secret(&t->a, type, version, true, qst_s1) ?:
	       quic_crypto_set_secret(&t->a, type, version, false, qst_s2) ?:
	       quic_crypto_set_secret(&t->b, type, version, true, qst_s2) ?:
	       quic_crypto_set_secret(&t->b, type, version, false, qst_s1);
}

/* a fresh skb holding @pre filler bytes then a 1-RTT plaintext packet
 * that is @size bytes once protected; returns the header length
 */
static int qst_short(struct qst *t, unsigned int pre, unsigned int size,
		     u64 pn)
{
	struct quic_hdr h = {
		.type = QUIC_PKT_1RTT, .dcid = qst_dcid, .dcid_len = 4,
		.pn = pn, .pn_len = 2,
	};
	unsigned int i, len = size - QUIC_TAG_LEN;
	int hlen;
	u8 *p;

	kfree_skb(t->skb);
	t->skb = alloc_skb(pre + size + 64, GFP_KERNEL);
	if (!t->skb)
		return -ENOMEM;
	memset(skb_put(t->skb, pre), 0xaa, pre);
	p = skb_put(t->skb, len);
	hlen = quic_hdr_encode(p, len, &h);
	for (i = hlen > 0 ? hlen : 0; i < len; i++)
		p[i] = (u8)(i * 7 + pn);
	return hlen;
}

static int qst_initial_keys(struct qst *t, int v)
{
	u32 ver = v == 1 ? QUIC_VERSION_V1 : QUIC_VERSION_V2;

	quic_crypto_init(&t->a, QUIC_CRYPTO_INITIAL);
	if (quic_crypto_initial_keys(&t->a, ver, qv_dcid, 8, false))
		return __LINE__;
	if (memcmp(t->a.p.tx.secret[0], v == 1 ? qv_v1_cs : qv_v2_cs, 32) ||
	    memcmp(t->a.p.rx.secret[0], v == 1 ? qv_v1_ss : qv_v2_ss, 32))
		return __LINE__;
	if (memcmp(t->a.p.tx.iv[0], v == 1 ? qv_v1_civ : qv_v2_civ, 12) ||
	    memcmp(t->a.p.rx.iv[0], v == 1 ? qv_v1_siv : qv_v2_siv, 12))
		return __LINE__;
	return 0;
}

static int qst_hp_masks(struct qst *t, int arg)
{
	u8 sample[16], mask[5];

	quic_crypto_init(&t->a, QUIC_CRYPTO_INITIAL);
	if (quic_crypto_initial_keys(&t->a, QUIC_VERSION_V1, qv_dcid, 8,
				     false))
		return __LINE__;
	memcpy(sample, "\xd1\xb1\xc9\x8d\xd7\x68\x9f\xb8\xec\x11\xd2\x42\xb1\x23\xdc\x9b",
	       16);
	if (quic_hp_mask(&t->a.hp[0], sample, mask) ||
	    memcmp(mask, "\x43\x7b\x9a\xec\x36", 5))
		return __LINE__;
	memcpy(sample, "\x2c\xd0\x99\x1c\xd2\x5b\x0a\xac\x40\x6a\x58\x16\xb6\x39\x41\x00",
	       16);
	if (quic_hp_mask(&t->a.hp[1], sample, mask) ||
	    memcmp(mask, "\x2e\xc0\xd8\x35\x6a", 5))
		return __LINE__;
	quic_crypto_init(&t->b, QUIC_CRYPTO_APP);
	if (quic_crypto_set_secret(&t->b, TLS_CIPHER_CHACHA20_POLY1305,
				   QUIC_VERSION_V1, true, qv_cha_secret))
		return __LINE__;
	memcpy(sample, "\x5e\x5c\xd5\x5c\x41\xf6\x90\x80\x57\x5d\x79\x99\xc2\x5a\x5b\xfb",
	       16);
	if (quic_hp_mask(&t->b.hp[0], sample, mask) ||
	    memcmp(mask, "\xae\xfe\xfe\x7d\x03", 5))
		return __LINE__;
	return 0;
}

/* RFC 9001 A.2 / RFC 9369 A.2: flat buffer, linear skb, paged skb */
static int qst_client_initial(struct qst *t, int v)
{
	u32 ver = v == 1 ? QUIC_VERSION_V1 : QUIC_VERSION_V2;
	const u8 *want = v == 1 ? qv_v1_client : qv_v2_client;
	struct quic_hdr h = {
		.type = QUIC_PKT_INITIAL, .version = ver, .dcid = qv_dcid,
		.dcid_len = 8, .length = 1182, .length_len = 2, .pn = 2,
		.pn_len = 4,
	};
	struct sk_buff *skb;

	quic_crypto_init(&t->a, QUIC_CRYPTO_INITIAL);
	quic_crypto_init(&t->b, QUIC_CRYPTO_INITIAL);
	if (quic_crypto_initial_keys(&t->a, ver, qv_dcid, 8, false) ||
	    quic_crypto_initial_keys(&t->b, ver, qv_dcid, 8, true))
		return __LINE__;
	if (quic_hdr_encode(t->buf, QST_BUF, &h) != 22)
		return __LINE__;
	memcpy(t->buf + 22, qv_client_crypto, sizeof(qv_client_crypto));
	if (quic_crypto_encrypt(&t->a, t->buf, 22, 1184, 2) != 1200 ||
	    memcmp(t->buf, want, 1200))
		return __LINE__;
	if (quic_hdr_decode(t->buf, 1200, 0, 0, &h) != 18 ||
	    quic_crypto_decrypt(&t->b, t->buf, &h, -1) != 1162 || h.pn != 2 ||
	    memcmp(t->buf + 22, qv_client_crypto, sizeof(qv_client_crypto)))
		return __LINE__;

	/* the same through a linear skb */
	skb = alloc_skb(1300, GFP_KERNEL);
	t->skb = skb;
	if (!skb)
		return __LINE__;
	skb_put_data(skb, t->buf, 1184);
	if (quic_crypto_encrypt_skb(&t->a, skb, 0, 22, 2) != 1200 ||
	    skb->len != 1200 || memcmp(skb->data, want, 1200))
		return __LINE__;
	if (quic_hdr_decode(skb->data, skb->len, 0, 0, &h) != 18 ||
	    quic_crypto_decrypt_skb(&t->b, skb, 0, &h, -1) != 1162 ||
	    memcmp(skb->data + 22, qv_client_crypto, sizeof(qv_client_crypto)))
		return __LINE__;

	/* and with the payload in a page fragment, decrypted in place */
	t->page = alloc_page(GFP_KERNEL);
	if (!t->page)
		return __LINE__;
	memcpy(page_address(t->page), want + 22, 1178);
	kfree_skb(skb);
	skb = alloc_skb(128, GFP_KERNEL);
	t->skb = skb;
	if (!skb)
		return __LINE__;
	skb_put_data(skb, want, 22);
	get_page(t->page);
	skb_fill_page_desc(skb, 0, t->page, 0, 1178);
	skb->len += 1178;
	skb->data_len += 1178;
	skb->truesize += PAGE_SIZE;
	if (quic_hdr_decode(want, 1200, 0, 0, &h) != 18 ||
	    quic_crypto_decrypt_skb(&t->b, skb, 0, &h, -1) != 1162 ||
	    !skb_is_nonlinear(skb) ||
	    memcmp(page_address(t->page), qv_client_crypto,
		   sizeof(qv_client_crypto)))
		return __LINE__;
	return 0;
}

/* RFC 9001 A.3 / RFC 9369 A.3 */
static int qst_server_initial(struct qst *t, int v)
{
	u32 ver = v == 1 ? QUIC_VERSION_V1 : QUIC_VERSION_V2;
	const u8 *want = v == 1 ? qv_v1_server : qv_v2_server;
	struct quic_hdr h = {
		.type = QUIC_PKT_INITIAL, .version = ver, .scid = qv_scid,
		.scid_len = 8, .length = 117, .length_len = 2, .pn = 1,
		.pn_len = 2,
	};

	quic_crypto_init(&t->a, QUIC_CRYPTO_INITIAL);
	quic_crypto_init(&t->b, QUIC_CRYPTO_INITIAL);
	if (quic_crypto_initial_keys(&t->a, ver, qv_dcid, 8, true) ||
	    quic_crypto_initial_keys(&t->b, ver, qv_dcid, 8, false))
		return __LINE__;
	t->skb = alloc_skb(256, GFP_KERNEL);
	if (!t->skb || quic_hdr_encode(skb_put(t->skb, 20), 20, &h) != 20)
		return __LINE__;
	skb_put_data(t->skb, qv_server_payload, 99);
	if (quic_crypto_encrypt_skb(&t->a, t->skb, 0, 20, 1) != 135 ||
	    memcmp(t->skb->data, want, 135))
		return __LINE__;
	if (quic_hdr_decode(t->skb->data, 135, 0, 0, &h) != 18 ||
	    quic_crypto_decrypt_skb(&t->b, t->skb, 0, &h, 0) != 99 ||
	    h.pn != 1 || memcmp(t->skb->data + 20, qv_server_payload, 99))
		return __LINE__;
	return 0;
}

/* RFC 9001 A.4 / RFC 9369 A.4 */
static int qst_retry(struct qst *t, int v)
{
	u32 ver = v == 1 ? QUIC_VERSION_V1 : QUIC_VERSION_V2;
	const u8 *want = v == 1 ? qv_v1_retry : qv_v2_retry;
	unsigned int len = sizeof(qv_v1_retry);
	u8 tag[16];

	if (quic_crypto_retry_init(&t->r, ver))
		return __LINE__;
	memcpy(t->buf, want, len);
	if (quic_crypto_retry_tag(&t->r, qv_dcid, 8, t->buf, len - 16, tag) ||
	    memcmp(tag, want + len - 16, 16))
		return __LINE__;
	if (quic_crypto_retry_verify(&t->r, qv_dcid, 8, t->buf, len))
		return __LINE__;
	if (quic_crypto_retry_verify(&t->r, qv_scid, 8, t->buf, len) !=
	    -EBADMSG)
		return __LINE__;
	t->buf[len - 1] ^= 1;
	if (quic_crypto_retry_verify(&t->r, qv_dcid, 8, t->buf, len) !=
	    -EBADMSG)
		return __LINE__;
	if (quic_crypto_retry_verify(&t->r, qv_dcid, 8, t->buf, 16) !=
	    -EINVAL ||
	    quic_crypto_retry_verify(&t->r, qv_dcid, 8, t->buf,
				     QUIC_RETRY_MAX_LEN + 1) != -EMSGSIZE)
		return __LINE__;
	return 0;
}

/* RFC 9001 A.5: ChaCha20-Poly1305 short header; v2 labels */
static int qst_chacha(struct qst *t, int v)
{
	u32 ver = v == 1 ? QUIC_VERSION_V1 : QUIC_VERSION_V2;
	const u8 *want = v == 1 ? qv_cha_v1_pkt : qv_cha_v2_pkt;
	static const u8 plain[5] = { 0x42, 0x00, 0xbf, 0xf4, 0x01 };
	struct quic_hdr h;

	quic_crypto_init(&t->a, QUIC_CRYPTO_APP);
	quic_crypto_init(&t->b, QUIC_CRYPTO_APP);
	if (quic_crypto_set_secret(&t->a, TLS_CIPHER_CHACHA20_POLY1305, ver,
				   true, qv_cha_secret) ||
	    quic_crypto_set_secret(&t->b, TLS_CIPHER_CHACHA20_POLY1305, ver,
				   false, qv_cha_secret))
		return __LINE__;
	if (memcmp(t->a.p.tx.secret[1], v == 1 ? qv_cha_v1_ku : qv_cha_v2_ku,
		   32))
		return __LINE__;
	memcpy(t->buf, plain, 5);
	if (quic_crypto_encrypt(&t->a, t->buf, 4, 5, 654360564) != 21 ||
	    memcmp(t->buf, want, 21))
		return __LINE__;
	if (quic_hdr_decode(t->buf, 21, 0, 0, &h) != 1 ||
	    quic_crypto_decrypt(&t->b, t->buf, &h, 654360563) != 1 ||
	    h.pn != 654360564 || t->buf[4] != 0x01)
		return __LINE__;
	t->skb = alloc_skb(64, GFP_KERNEL);
	if (!t->skb)
		return __LINE__;
	skb_put_data(t->skb, plain, 5);
	if (quic_crypto_encrypt_skb(&t->a, t->skb, 0, 4, 654360564) != 21 ||
	    memcmp(t->skb->data, want, 21))
		return __LINE__;
	if (quic_hdr_decode(t->skb->data, 21, 0, 0, &h) != 1 ||
	    quic_crypto_decrypt_skb(&t->b, t->skb, 0, &h, 654360563) != 1 ||
	    t->skb->data[4] != 0x01)
		return __LINE__;
	return 0;
}

/* each cipher, 1200 and 1452 bytes, behind a coalesced packet */
static int qst_roundtrip(struct qst *t, int arg)
{
	static const unsigned int sizes[] = { 1200, 1452 };
	struct quic_hdr h;
	unsigned int i;
	int hlen;

	if (qst_pair(t, qst_ciphers[arg], QUIC_VERSION_V1))
		return __LINE__;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		hlen = qst_short(t, 30, sizes[i], 1000 + i);
		if (hlen != 7)
			return __LINE__;
		if (quic_crypto_encrypt_skb(&t->a, t->skb, 30, hlen,
					    1000 + i) != sizes[i] ||
		    t->skb->len != 30 + sizes[i])
			return __LINE__;
		if (t->skb->data[100] == (u8)(70 * 7 + 1000 + i))
			return __LINE__;	/* not encrypted */
		if (quic_hdr_decode(t->skb->data + 30, sizes[i], 4, 0, &h) !=
		    5 || quic_crypto_decrypt_skb(&t->b, t->skb, 30, &h,
						 999) != sizes[i] - 23 ||
		    h.pn != 1000 + i ||
		    t->skb->data[100] != (u8)(70 * 7 + 1000 + i))
			return __LINE__;
		/* flat too */
		memcpy(t->buf, t->skb->data + 30, sizes[i] - QUIC_TAG_LEN);
		if (quic_crypto_encrypt(&t->a, t->buf, hlen,
					sizes[i] - QUIC_TAG_LEN, 1000 + i) !=
		    sizes[i] ||
		    quic_hdr_decode(t->buf, sizes[i], 4, 0, &h) != 5 ||
		    quic_crypto_decrypt(&t->b, t->buf, &h, 999) !=
		    sizes[i] - 23 || t->buf[70] != (u8)(70 * 7 + 1000 + i))
			return __LINE__;
	}
	return 0;
}

/*
 * A packet whose payload is gathered from other buffers (STREAM data left
 * in the stream queue) must protect to the same bytes as the flat packet,
 * and decrypt; pieces that overlap, leave the packet or are too many are
 * refused.
 */
static int qst_gather(struct qst *t, int arg)
{
	static const u32 at[][2] = { { 7, 300 }, { 400, 500 }, { 1000, 420 } };
	struct quic_crypto_piece pc[ARRAY_SIZE(at)];
	unsigned int i, size = 1452, len = size - QUIC_TAG_LEN;
	u8 *flat = t->buf, *data = NULL;
	struct quic_hdr h;
	int hlen, ret = 0;

	if (qst_pair(t, qst_ciphers[arg], QUIC_VERSION_V1))
		return __LINE__;
	hlen = qst_short(t, 0, size, 77);
	if (hlen != 7)
		return __LINE__;
	data = kmalloc(size, GFP_KERNEL);
	if (!data)
		return __LINE__;
	/* the pieces' plaintext moves out of the packet, garbage stays */
	memcpy(data, t->skb->data, len);
	for (i = 0; i < ARRAY_SIZE(at); i++) {
		pc[i].off = at[i][0];
		pc[i].len = at[i][1];
		pc[i].data = data + at[i][0];
		memset(t->skb->data + at[i][0], 0x5a, at[i][1]);
	}
	memcpy(flat, data, len);
	if (quic_crypto_encrypt(&t->a, flat, hlen, len, 77) != size ||
	    quic_crypto_encrypt_gather(&t->a, t->skb->data, hlen, len, 77, pc,
				       ARRAY_SIZE(pc)) != size ||
	    memcmp(flat, t->skb->data, size)) {
		ret = __LINE__;
		goto out;
	}
	if (quic_hdr_decode(flat, size, 4, 0, &h) != 5 ||
	    quic_crypto_decrypt(&t->b, flat, &h, 76) != size - 23 ||
	    memcmp(flat + hlen, data + hlen, len - hlen)) {
		ret = __LINE__;
		goto out;
	}
	/* bad piece lists change nothing */
	pc[1].off = 200;	/* overlaps the first */
	if (quic_crypto_encrypt_gather(&t->a, data, hlen, len, 78, pc, 3) !=
	    -EINVAL) {
		ret = __LINE__;
		goto out;
	}
	pc[1].off = len - 10;	/* leaves the packet */
	if (quic_crypto_encrypt_gather(&t->a, data, hlen, len, 78, pc, 2) !=
	    -EINVAL ||
	    quic_crypto_encrypt_gather(&t->a, data, hlen, len, 78, pc,
				       QUIC_CRYPTO_PIECES_MAX + 1) != -EINVAL ||
	    t->a.p.tx.pkts[0] != 2)
		ret = __LINE__;
out:
	kfree(data);
	return ret;
}

static int qst_tamper(struct qst *t, int arg)
{
	struct quic_hdr h;

	quic_crypto_init(&t->b, QUIC_CRYPTO_INITIAL);
	if (quic_crypto_initial_keys(&t->b, QUIC_VERSION_V1, qv_dcid, 8, true))
		return __LINE__;
	t->skb = alloc_skb(1300, GFP_KERNEL);
	if (!t->skb)
		return __LINE__;
	skb_put_data(t->skb, qv_v1_client, 1200);
	t->skb->data[arg ? 1199 : 600] ^= 1;
	if (quic_hdr_decode(t->skb->data, 1200, 0, 0, &h) != 18 ||
	    quic_crypto_decrypt_skb(&t->b, t->skb, 0, &h, -1) != -EBADMSG ||
	    t->b.p.rx_failed != 1)
		return __LINE__;
	return 0;
}

static int qst_truncated(struct qst *t, int arg)
{
	unsigned int len;
	struct quic_hdr h;
	int hlen;

	if (qst_pair(t, TLS_CIPHER_AES_GCM_128, QUIC_VERSION_V1))
		return __LINE__;
	hlen = qst_short(t, 0, 64, 5);
	if (quic_crypto_encrypt_skb(&t->a, t->skb, 0, hlen, 5) != 64)
		return __LINE__;
	/* too short to sample */
	if (quic_hdr_decode(t->skb->data, 24, 4, 0, &h) != 5 ||
	    quic_crypto_decrypt_skb(&t->b, t->skb, 0, &h, 4) != -EINVAL)
		return __LINE__;
	/* the packet runs past the skb */
	if (quic_hdr_decode(t->skb->data, 64, 4, 0, &h) != 5 ||
	    quic_crypto_decrypt_skb(&t->b, t->skb, 1, &h, 4) != -EINVAL)
		return __LINE__;
	/* Retry is not protected this way */
	if (quic_hdr_decode(qv_v1_retry, sizeof(qv_v1_retry), 0, 0, &h) < 0 ||
	    quic_crypto_decrypt_skb(&t->b, t->skb, 0, &h, 0) != -EINVAL)
		return __LINE__;
	/* too little payload to sample on send; the skb is left as it was */
	hlen = qst_short(t, 0, 7 + 1 + 16, 6);
	len = t->skb->len;
	if (quic_crypto_encrypt_skb(&t->a, t->skb, 0, hlen, 6) != -EINVAL ||
	    t->skb->len != len ||
	    quic_crypto_encrypt_skb(&t->a, t->skb, 0, len + 1, 6) != -EINVAL)
		return __LINE__;
	/* no keys yet */
	quic_crypto_free(&t->b);
	hlen = qst_short(t, 0, 64, 7);
	if (quic_crypto_encrypt_skb(&t->a, t->skb, 0, hlen, 7) != 64 ||
	    quic_hdr_decode(t->skb->data, 64, 4, 0, &h) != 5 ||
	    quic_crypto_decrypt_skb(&t->b, t->skb, 0, &h, 6) != -ENOKEY ||
	    quic_crypto_key_update(&t->b) != -EINVAL)
		return __LINE__;
	return 0;
}

static int qst_key_phase(struct qst *t, int arg)
{
	struct quic_hdr h;
	int hlen;

	if (qst_pair(t, TLS_CIPHER_AES_GCM_128, QUIC_VERSION_V2))
		return __LINE__;
	/* a flipped key phase bit: next-phase keys, authentication fails */
	hlen = qst_short(t, 0, 100, 3);
	if (quic_crypto_encrypt_skb(&t->a, t->skb, 0, hlen, 3) != 100)
		return __LINE__;
	t->skb->data[0] ^= QUIC_HDR_KEY_PHASE_BIT;
	if (quic_hdr_decode(t->skb->data, 100, 4, 0, &h) != 5 ||
	    quic_crypto_decrypt_skb(&t->b, t->skb, 0, &h, 2) != -EBADMSG ||
	    quic_crypto_key_phase(&t->b) != 0 || quic_crypto_key_updated(&t->b))
		return __LINE__;
	/* a real key update */
	if (quic_crypto_key_update(&t->a) != 1 ||
	    quic_crypto_key_update(&t->a) != -EAGAIN)
		return __LINE__;
	hlen = qst_short(t, 0, 100, 4);
	if (quic_crypto_encrypt_skb(&t->a, t->skb, 0, hlen, 4) != 100 ||
	    quic_hdr_decode(t->skb->data, 100, 4, 0, &h) != 5 ||
	    quic_crypto_decrypt_skb(&t->b, t->skb, 0, &h, 3) != 100 - 23 ||
	    h.key_phase != 1 || quic_crypto_key_phase(&t->b) != 1 ||
	    !quic_crypto_key_updated(&t->b))
		return __LINE__;
	if (quic_crypto_key_update(&t->b) != -EAGAIN ||
	    quic_crypto_key_update_prepare(&t->b) ||
	    quic_crypto_key_update_prepare(&t->a) ||
	    quic_crypto_key_update(&t->b) != 0)
		return __LINE__;
	hlen = qst_short(t, 0, 100, 1);
	if (quic_crypto_encrypt_skb(&t->b, t->skb, 0, hlen, 1) != 100 ||
	    quic_hdr_decode(t->skb->data, 100, 4, 0, &h) != 5 ||
	    quic_crypto_decrypt_skb(&t->a, t->skb, 0, &h, 0) != 100 - 23 ||
	    quic_crypto_key_phase(&t->a) != 0 ||
	    !quic_crypto_key_updated(&t->a))
		return __LINE__;
	return 0;
}

static int qst_limits(struct qst *t, int arg)
{
	unsigned int len;
	int hlen;

	if (qst_pair(t, TLS_CIPHER_AES_GCM_128, QUIC_VERSION_V1))
		return __LINE__;
	if (quic_crypto_aead_limit(&t->a) != QUIC_AEAD_OK)
		return __LINE__;
	t->a.p.tx.pkts[0] = t->a.p.cipher->conf_limit;
	hlen = qst_short(t, 0, 64, 9);
	len = t->skb->len;
	if (quic_crypto_encrypt_skb(&t->a, t->skb, 0, hlen, 9) !=
	    -EKEYEXPIRED || t->skb->len != len ||
	    quic_crypto_aead_limit(&t->a) != QUIC_AEAD_KEY_UPDATE)
		return __LINE__;
	t->b.p.rx_failed = t->b.p.cipher->integ_limit;
	if (quic_crypto_aead_limit(&t->b) != QUIC_AEAD_LIMIT_REACHED)
		return __LINE__;
	return 0;
}

static int qst_bad_secret(struct qst *t, int arg)
{
	quic_crypto_init(&t->a, QUIC_CRYPTO_HANDSHAKE);
	if (strcmp(quic_crypto_driver(&t->a), "none"))
		return __LINE__;
	if (quic_crypto_set_secret(&t->a, 0, QUIC_VERSION_V1, true, qst_s1) !=
	    -EINVAL ||
	    quic_crypto_set_secret(&t->a, TLS_CIPHER_AES_GCM_128, 0x1234, true,
				   qst_s1) != -EINVAL)
		return __LINE__;
	if (quic_crypto_set_secret(&t->a, TLS_CIPHER_AES_GCM_256,
				   QUIC_VERSION_V1, true, qst_s1) ||
	    quic_crypto_set_secret(&t->a, TLS_CIPHER_AES_GCM_128,
				   QUIC_VERSION_V1, false, qst_s1) != -EINVAL ||
	    quic_crypto_initial_keys(&t->a, QUIC_VERSION_V1, qv_dcid, 8,
				     false) != -EINVAL ||
	    quic_crypto_key_update(&t->a) != -EINVAL)
		return __LINE__;
	if (quic_crypto_retry_init(&t->r, 0x1234) != -EINVAL)
		return __LINE__;
	return 0;
}

struct qst_case {
	const char *name;
	int (*fn)(struct qst *t, int arg);
	int arg;
};

static const struct qst_case qst_cases[] = {
	{ "initial_keys_v1", qst_initial_keys, 1 },
	{ "initial_keys_v2", qst_initial_keys, 2 },
	{ "hp_masks", qst_hp_masks, 0 },
	{ "rfc9001_a2_client_initial", qst_client_initial, 1 },
	{ "rfc9369_a2_client_initial_v2", qst_client_initial, 2 },
	{ "rfc9001_a3_server_initial", qst_server_initial, 1 },
	{ "rfc9369_a3_server_initial_v2", qst_server_initial, 2 },
	{ "rfc9001_a4_retry", qst_retry, 1 },
	{ "rfc9369_a4_retry_v2", qst_retry, 2 },
	{ "rfc9001_a5_chacha20_short", qst_chacha, 1 },
	{ "rfc9369_a5_chacha20_short_v2", qst_chacha, 2 },
	{ "roundtrip_aes128gcm", qst_roundtrip, 0 },
	{ "roundtrip_aes256gcm", qst_roundtrip, 1 },
	{ "roundtrip_chacha20poly1305", qst_roundtrip, 2 },
	{ "roundtrip_aes128ccm", qst_roundtrip, 3 },
	{ "gather_aes128gcm", qst_gather, 0 },
	{ "gather_aes256gcm", qst_gather, 1 },
	{ "gather_chacha20poly1305", qst_gather, 2 },
	{ "gather_aes128ccm", qst_gather, 3 },
	{ "tampered_ciphertext", qst_tamper, 0 },
	{ "tampered_tag", qst_tamper, 1 },
	{ "truncated_and_no_keys", qst_truncated, 0 },
	{ "key_phase_and_update", qst_key_phase, 0 },
	{ "aead_limits", qst_limits, 0 },
	{ "bad_secrets", qst_bad_secret, 0 },
};

static struct qst *qst_alloc(void)
{
	struct qst *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	t->buf = kzalloc(QST_BUF, GFP_KERNEL);
	if (!t->buf) {
		kfree(t);
		return NULL;
	}
	return t;
}

static void qst_release(struct qst *t)
{
	quic_crypto_free(&t->a);
	quic_crypto_free(&t->b);
	quic_crypto_retry_free(&t->r);
	kfree_skb(t->skb);
	if (t->page)
		put_page(t->page);
	kfree(t->buf);
	kfree(t);
}

static int qst_selftest(char *buf, size_t size, int *failed)
{
	int i, rc, len = 0, pass = 0, fail = 0;
	char drv[64];
	struct qst *t;

	for (i = 0; i < ARRAY_SIZE(qst_cases); i++) {
		t = qst_alloc();
		if (!t)
			return -ENOMEM;
		rc = qst_cases[i].fn(t, qst_cases[i].arg);
		strscpy(drv, quic_crypto_driver(&t->a), sizeof(drv));
		qst_release(t);
		if (rc) {
			fail++;
			len += scnprintf(buf + len, size - len,
					 "FAIL crypto_kernel_%s: check at crypto_selftest.c:%d\n",
					 qst_cases[i].name, rc);
		} else {
			pass++;
			len += scnprintf(buf + len, size - len,
					 "PASS crypto_kernel_%s (%s)\n",
					 qst_cases[i].name, drv);
		}
		cond_resched();
	}
	len += scnprintf(buf + len, size - len, "%d passed, %d failed\n",
			 pass, fail);
	*failed = fail;
	return len;
}

/* protect + unprotect of one packet size, for about 200 ms */
static int qst_bench_one(struct qst *t, unsigned int size, u64 *enc_ns,
			 u64 *dec_ns, u64 *pkts)
{
	u64 deadline = ktime_get_ns() + 200 * NSEC_PER_MSEC, t0, t1, t2;
	struct quic_hdr h;
	u64 pn = 0;
	int hlen;

	*enc_ns = 0;
	*dec_ns = 0;
	*pkts = 0;
	hlen = qst_short(t, 0, size, 0);
	if (hlen < 0)
		return hlen;
	do {
		pn++;
		quic_put_be(t->skb->data + hlen - 2, pn, 2);
		t0 = ktime_get_ns();
		if (quic_crypto_encrypt_skb(&t->a, t->skb, 0, hlen, pn) !=
		    size)
			return -EIO;
		t1 = ktime_get_ns();
		if (quic_hdr_decode(t->skb->data, size, 4, 0, &h) < 0 ||
		    quic_crypto_decrypt_skb(&t->b, t->skb, 0, &h, pn - 1) !=
		    size - hlen - QUIC_TAG_LEN)
			return -EIO;
		t2 = ktime_get_ns();
		skb_trim(t->skb, size - QUIC_TAG_LEN);
		*enc_ns += t1 - t0;
		*dec_ns += t2 - t1;
		(*pkts)++;
		if (!(pn & 63))
			cond_resched();
	} while (t2 < deadline);
	return 0;
}

static int qst_bench(char *buf, size_t size, int *failed)
{
	static const unsigned int sizes[] = { 1200, 1452 };
	u64 enc, dec, n, both;
	int len = 0, i, s, err;
	struct qst *t;

	*failed = 0;
	len += scnprintf(buf + len, size - len,
			 "%-18s %5s %9s %9s %9s %8s  %s\n", "cipher", "bytes",
			 "prot_ns", "unprot_ns", "both_ns", "Gbit/s",
			 "driver");
	for (i = 0; i < ARRAY_SIZE(qst_ciphers); i++) {
		for (s = 0; s < ARRAY_SIZE(sizes); s++) {
			t = qst_alloc();
			if (!t)
				return -ENOMEM;
			err = qst_pair(t, qst_ciphers[i], QUIC_VERSION_V1);
			if (!err)
				err = qst_bench_one(t, sizes[s], &enc, &dec,
						    &n);
			if (err || !n) {
				len += scnprintf(buf + len, size - len,
						 "%-18s %5u failed: %d\n",
						 qst_cipher_names[i], sizes[s],
						 err);
				(*failed)++;
				qst_release(t);
				continue;
			}
			both = div64_u64(enc + dec, n);
			/* bits per ns = Gbit/s, for one protect + unprotect */
			len += scnprintf(buf + len, size - len,
					 "%-18s %5u %9llu %9llu %9llu %8llu.%02llu  %s\n",
					 qst_cipher_names[i], sizes[s],
					 div64_u64(enc, n), div64_u64(dec, n),
					 both,
					 div64_u64(sizes[s] * 8ULL, both),
					 div64_u64(sizes[s] * 800ULL, both) %
					 100, quic_crypto_driver(&t->a));
			qst_release(t);
		}
	}
	return len;
}

struct qst_param {
	int (*run)(char *buf, size_t size, int *failed);
	const char *what;
};

static const struct qst_param qst_selftest_param = {
	.run = qst_selftest, .what = "crypto self-test",
};

static const struct qst_param qst_bench_param = {
	.run = qst_bench, .what = "crypto benchmark",
};

static int qst_param_get(char *buf, const struct kernel_param *kp)
{
	const struct qst_param *p = kp->arg;
	int failed;

	return p->run(buf, PAGE_SIZE, &failed);
}

/* at load (crypto_selftest=1): run, log each line, fail the load if a
 * case failed
 */
static int qst_param_set(const char *val, const struct kernel_param *kp)
{
	const struct qst_param *p = kp->arg;
	char *buf, *line, *next;
	int failed, len, err;
	bool on;

	err = kstrtobool(val, &on);
	if (err || !on)
		return err;
	buf = (char *)__get_free_page(GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = p->run(buf, PAGE_SIZE, &failed);
	if (len < 0) {
		free_page((unsigned long)buf);
		return len;
	}
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		pr_info("quic: %s: %s\n", p->what, line);
	}
	free_page((unsigned long)buf);
	return failed ? -EBADMSG : 0;
}

static const struct kernel_param_ops qst_param_ops = {
	.get = qst_param_get,
	.set = qst_param_set,
};

module_param_cb(crypto_selftest, &qst_param_ops, (void *)&qst_selftest_param,
		0400);
MODULE_PARM_DESC(crypto_selftest,
		 "read: run the packet protection self-test; 1 at load: run it, refuse to load on failure");
module_param_cb(crypto_bench, &qst_param_ops, (void *)&qst_bench_param, 0400);
MODULE_PARM_DESC(crypto_bench,
		 "read: time protect + unprotect per cipher and packet size");
