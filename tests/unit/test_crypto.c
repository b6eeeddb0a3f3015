// SPDX-License-Identifier: GPL-2.0-or-later
/* Packet protection (src/kernel/protect.c, hkdf.c) against RFC 9001/9369 vectors. */
#include "test.h"
#include "crypto_user.h"
#define __maybe_unused __attribute__((__unused__))
#include "crypto_vectors.h"

#define V1 QUIC_VERSION_V1
#define V2 QUIC_VERSION_V2

static const u8 s1[48] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };
static const u8 s2[48] = { 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 };

/* a 1-RTT level pair: a sends with s1 and receives with s2; b the reverse */
static int pair(struct u_level *a, struct u_level *b, u32 type, u32 version,
		bool ku)
{
	if (u_level_init(a, type, version, ku) ||
	    u_level_init(b, type, version, ku))
		return -1;
	if (quic_prot_install(&a->p, true, s1) ||
	    quic_prot_install(&a->p, false, s2) ||
	    quic_prot_install(&b->p, true, s2) ||
	    quic_prot_install(&b->p, false, s1))
		return -1;
	return 0;
}

static const u8 dcid4[4] = { 0xde, 0xad, 0xbe, 0xef };

/* a protected 1-RTT packet of total length len; returns len or < 0 */
static int seal_short(struct u_level *l, u8 *buf, size_t len, u64 pn)
{
	struct quic_hdr h = {
		.type = QUIC_PKT_1RTT, .dcid = dcid4, .dcid_len = 4,
		.pn = pn, .pn_len = 2,
	};
	int hlen = quic_hdr_encode(buf, len, &h);
	size_t i;

	if (hlen < 0)
		return hlen;
	for (i = (size_t)hlen; i < len - QUIC_TAG_LEN; i++)
		buf[i] = (u8)(i * 7 + pn);
	return quic_prot_encrypt(&l->p, buf, hlen, len - QUIC_TAG_LEN, pn);
}

static int open_pkt(struct u_level *l, u8 *buf, size_t len, s64 largest,
		    struct quic_hdr *h)
{
	int r = quic_hdr_decode(buf, len, 4, 0, h);

	if (r < 0)
		return r;
	return quic_prot_decrypt(&l->p, buf, h, largest);
}

static void t_initial_keys(int v)
{
	u32 version = v == 1 ? V1 : V2;
	const u8 *cs = v == 1 ? qv_v1_cs : qv_v2_cs;
	const u8 *ss = v == 1 ? qv_v1_ss : qv_v2_ss;
	const u8 *ck = v == 1 ? qv_v1_ck : qv_v2_ck;
	const u8 *civ = v == 1 ? qv_v1_civ : qv_v2_civ;
	const u8 *chp = v == 1 ? qv_v1_chp : qv_v2_chp;
	const u8 *sk = v == 1 ? qv_v1_sk : qv_v2_sk;
	const u8 *siv = v == 1 ? qv_v1_siv : qv_v2_siv;
	const u8 *shp = v == 1 ? qv_v1_shp : qv_v2_shp;
	u8 c[32], s[32];
	struct u_level l;
	struct u_hmac h = { 0 };

	CHECK_EQ(quic_prot_initial_secrets(&h, version, qv_dcid, 8, c, s), 0);
	CHECK_MEM(c, cs, 32);
	CHECK_MEM(s, ss, 32);
	CHECK_EQ(u_level_initial(&l, version, qv_dcid, 8, false), 0);
	CHECK_MEM(l.aead[0][0].key, ck, 16);
	CHECK_MEM(l.p.tx.iv[0], civ, 12);
	CHECK_MEM(l.hp[0].key, chp, 16);
	CHECK_MEM(l.aead[1][0].key, sk, 16);
	CHECK_MEM(l.p.rx.iv[0], siv, 12);
	CHECK_MEM(l.hp[1].key, shp, 16);
}

static void t_hp_masks(int arg)
{
	struct u_hp aes = { 0 }, cha = { .chacha = 1 };
	u8 sample[16], mask[5], want[5];

	(void)arg;
	quic_hp_setkey(&aes, qv_v1_chp, 16);
	t_hex("d1b1c98dd7689fb8ec11d242b123dc9b", sample, 16);
	t_hex("437b9aec36", want, 5);
	CHECK_EQ(quic_hp_mask(&aes, sample, mask), 0);
	CHECK_MEM(mask, want, 5);
	quic_hp_setkey(&aes, qv_v1_shp, 16);
	t_hex("2cd0991cd25b0aac406a5816b6394100", sample, 16);
	t_hex("2ec0d8356a", want, 5);
	quic_hp_mask(&aes, sample, mask);
	CHECK_MEM(mask, want, 5);
	quic_hp_setkey(&cha, qv_cha_v1_hp, 32);
	t_hex("5e5cd55c41f69080575d7999c25a5bfb", sample, 16);
	t_hex("aefefe7d03", want, 5);
	quic_hp_mask(&cha, sample, mask);
	CHECK_MEM(mask, want, 5);
}

/* RFC 9001 A.2 / RFC 9369 A.2: the client Initial, exact bytes both ways */
static void t_client_initial(int v)
{
	u32 version = v == 1 ? V1 : V2;
	const u8 *want = v == 1 ? qv_v1_client : qv_v2_client;
	const u8 *whdr = v == 1 ? qv_v1_client_hdr : qv_v2_client_hdr;
	struct quic_hdr h = {
		.type = QUIC_PKT_INITIAL, .version = version, .dcid = qv_dcid,
		.dcid_len = 8, .length = 1182, .length_len = 2, .pn = 2,
		.pn_len = 4,
	};
	struct u_level cl, sv;
	u8 *pkt = calloc(1, 1200);
	int hlen, n;

	CHECK(pkt);
	hlen = quic_hdr_encode(pkt, 1200, &h);
	CHECK_EQ(hlen, 22);
	CHECK_MEM(pkt, whdr, 22);
	memcpy(pkt + hlen, qv_client_crypto, sizeof(qv_client_crypto));
	CHECK_EQ(u_level_initial(&cl, version, qv_dcid, 8, false), 0);
	n = quic_prot_encrypt(&cl.p, pkt, hlen, 1184, 2);
	CHECK_EQ(n, 1200);
	CHECKF(!memcmp(pkt, want, 1200), "protected client Initial differs");

	CHECK_EQ(u_level_initial(&sv, version, qv_dcid, 8, true), 0);
	CHECK_EQ(quic_hdr_decode(pkt, 1200, 0, 0, &h), 22 - 4);
	CHECK_EQ(quic_prot_decrypt(&sv.p, pkt, &h, -1), 1162);
	CHECK_EQ(h.pn, 2);
	CHECK_EQ(h.pn_len, 4);
	CHECK_MEM(pkt, whdr, 22);
	CHECK_MEM(pkt + 22, qv_client_crypto, sizeof(qv_client_crypto));
	free(pkt);
}

/* RFC 9001 A.3 / RFC 9369 A.3: the server Initial */
static void t_server_initial(int v)
{
	u32 version = v == 1 ? V1 : V2;
	const u8 *want = v == 1 ? qv_v1_server : qv_v2_server;
	const u8 *whdr = v == 1 ? qv_v1_server_hdr : qv_v2_server_hdr;
	struct quic_hdr h = {
		.type = QUIC_PKT_INITIAL, .version = version, .scid = qv_scid,
		.scid_len = 8, .length = 117, .length_len = 2, .pn = 1,
		.pn_len = 2,
	};
	struct u_level cl, sv;
	u8 pkt[135];
	int hlen;

	hlen = quic_hdr_encode(pkt, sizeof(pkt), &h);
	CHECK_EQ(hlen, 20);
	CHECK_MEM(pkt, whdr, 20);
	memcpy(pkt + hlen, qv_server_payload, 99);
	CHECK_EQ(u_level_initial(&sv, version, qv_dcid, 8, true), 0);
	CHECK_EQ(quic_prot_encrypt(&sv.p, pkt, hlen, 119, 1), 135);
	CHECK_MEM(pkt, want, 135);

	CHECK_EQ(u_level_initial(&cl, version, qv_dcid, 8, false), 0);
	CHECK(quic_hdr_decode(pkt, 135, 0, 0, &h) > 0);
	CHECK_EQ(quic_prot_decrypt(&cl.p, pkt, &h, 0), 99);
	CHECK_EQ(h.pn, 1);
	CHECK_MEM(pkt, whdr, 20);
	CHECK_MEM(pkt + 20, qv_server_payload, 99);
}

/* RFC 9001 A.4 / RFC 9369 A.4: Retry integrity tag */
static void t_retry(int v)
{
	u32 version = v == 1 ? V1 : V2;
	const u8 *want = v == 1 ? qv_v1_retry : qv_v2_retry;
	struct u_aead a = { .type = TLS_CIPHER_AES_GCM_128 };
	const u8 *key, *nonce;
	struct quic_hdr h;
	u8 buf[128], tag[16];
	size_t len = sizeof(qv_v1_retry);

	CHECK_EQ(quic_retry_key(version, &key, &nonce), 0);
	quic_aead_setkey(&a, key, 16);
	CHECK_EQ(quic_hdr_decode(want, len, 0, 0, &h), (int)len);
	CHECK_EQ(h.type, QUIC_PKT_RETRY);
	CHECK_EQ(quic_prot_retry_tag(&a, version, qv_dcid, 8, want, len - 16,
				     buf, sizeof(buf), tag), 0);
	CHECK_MEM(tag, h.retry_tag, 16);
	/* another ODCID gives another tag */
	CHECK_EQ(quic_prot_retry_tag(&a, version, qv_scid, 8, want, len - 16,
				     buf, sizeof(buf), tag), 0);
	CHECK(memcmp(tag, h.retry_tag, 16));
	CHECK_EQ(quic_prot_retry_tag(&a, version, qv_dcid, 8, want, len - 16,
				     buf, 1 + 8 + len - 16 + 15, tag), -ENOBUFS);
	CHECK_EQ(quic_prot_retry_tag(&a, 0x1234, qv_dcid, 8, want, len - 16,
				     buf, sizeof(buf), tag), -EINVAL);
}

/* RFC 9001 A.5: ChaCha20-Poly1305 short header, and v2 labels */
static void t_chacha_short(int v)
{
	u32 version = v == 1 ? V1 : V2;
	const u8 *want = v == 1 ? qv_cha_v1_pkt : qv_cha_v2_pkt;
	const u8 *ku = v == 1 ? qv_cha_v1_ku : qv_cha_v2_ku;
	const u8 *k = v == 1 ? qv_cha_v1_k : qv_cha_v2_k;
	struct u_level a, b;
	struct quic_hdr h;
	u8 pkt[21] = { 0x42, 0x00, 0xbf, 0xf4, 0x01 };

	CHECK_EQ(u_level_init(&a, TLS_CIPHER_CHACHA20_POLY1305, version, true),
		 0);
	CHECK_EQ(quic_prot_install(&a.p, true, qv_cha_secret), 0);
	CHECK_MEM(a.aead[0][0].key, k, 32);
	CHECK_MEM(a.p.tx.secret[1], ku, 32);
	CHECK_EQ(quic_prot_encrypt(&a.p, pkt, 4, 5, 654360564), 21);
	CHECK_MEM(pkt, want, 21);

	CHECK_EQ(u_level_init(&b, TLS_CIPHER_CHACHA20_POLY1305, version, true),
		 0);
	CHECK_EQ(quic_prot_install(&b.p, false, qv_cha_secret), 0);
	CHECK_EQ(quic_hdr_decode(pkt, 21, 0, 0, &h), 1);
	CHECK_EQ(quic_prot_decrypt(&b.p, pkt, &h, 654360563), 1);
	CHECK_EQ(h.pn, 654360564);
	CHECK_EQ(h.pn_len, 3);
	CHECK_EQ(h.key_phase, 0);
	CHECK_EQ(pkt[4], 0x01);
}

static const u32 ciphers[] = {
	TLS_CIPHER_AES_GCM_128, TLS_CIPHER_AES_GCM_256,
	TLS_CIPHER_CHACHA20_POLY1305, TLS_CIPHER_AES_CCM_128,
};

/* every cipher, v1 and v2, 1200 and 1452 bytes: round trip */
static void t_roundtrip(int arg)
{
	u32 type = ciphers[arg % 4];
	size_t len = arg & 4 ? 1452 : 1200;
	u32 version = arg & 8 ? V2 : V1;
	struct u_level a, b;
	struct quic_hdr h;
	u8 *pkt = malloc(len), *copy = malloc(len);

	CHECK(pkt && copy);
	CHECK_EQ(pair(&a, &b, type, version, true), 0);
	CHECK_EQ(seal_short(&a, pkt, len, 77), (int)len);
	memcpy(copy, pkt, len);
	CHECK_EQ(open_pkt(&b, pkt, len, 76, &h), (int)len - 7 - 16);
	CHECK_EQ(h.pn, 77);
	CHECK(memcmp(pkt + 7, copy + 7, len - 7 - 16));	/* was encrypted */
	CHECK_EQ(pkt[100], (u8)(100 * 7 + 77));
	CHECK_EQ(a.p.tx.pkts[0], 1);
	/* the same packet again with the other secret fails */
	CHECK_EQ(open_pkt(&a, copy, len, 76, &h), -EBADMSG);
	free(pkt);
	free(copy);
}

static void t_tamper(int arg)
{
	struct u_level cl, sv;
	struct quic_hdr h;
	u8 pkt[1200];

	CHECK_EQ(u_level_initial(&sv, V1, qv_dcid, 8, true), 0);
	memcpy(pkt, qv_v1_client, 1200);
	pkt[arg ? 1199 : 600] ^= 0x01;	/* ciphertext or tag */
	CHECK(quic_hdr_decode(pkt, 1200, 0, 0, &h) > 0);
	CHECK_EQ(quic_prot_decrypt(&sv.p, pkt, &h, -1), -EBADMSG);
	CHECK_EQ(sv.p.rx_failed, 1);
	/* the client's own keys cannot open it either */
	CHECK_EQ(u_level_initial(&cl, V1, qv_dcid, 8, false), 0);
	memcpy(pkt, qv_v1_client, 1200);
	CHECK(quic_hdr_decode(pkt, 1200, 0, 0, &h) > 0);
	CHECK_EQ(quic_prot_decrypt(&cl.p, pkt, &h, -1), -EBADMSG);
	/* a protected header bit changes the AAD */
	memcpy(pkt, qv_v1_client, 1200);
	pkt[10] ^= 0x80;	/* inside the DCID */
	CHECK(quic_hdr_decode(pkt, 1200, 0, 0, &h) > 0);
	CHECK_EQ(quic_prot_decrypt(&sv.p, pkt, &h, -1), -EBADMSG);
	CHECK_EQ(sv.p.rx_failed, 2);
}

static void t_truncated(int arg)
{
	struct u_level a, b;
	struct quic_hdr h;
	u8 pkt[64];

	(void)arg;
	CHECK_EQ(pair(&a, &b, TLS_CIPHER_AES_GCM_128, V1, false), 0);
	CHECK_EQ(seal_short(&a, pkt, 64, 5), 64);
	/* too short for the sample: pn_offset 5 needs 25 bytes */
	CHECK(quic_hdr_decode(pkt, 24, 4, 0, &h) > 0);
	CHECK_EQ(quic_prot_decrypt(&b.p, pkt, &h, 4), -EINVAL);
	CHECK_EQ(quic_hp_sample_offset(5, 25), 9);
	CHECK_EQ(quic_hp_sample_offset(5, 24), -EINVAL);
	CHECK_EQ(quic_hp_sample_offset(0, 19), -EINVAL);
	/* long enough to sample, shorter than the tag after the pn */
	CHECK(quic_hdr_decode(pkt, 25, 4, 0, &h) > 0);
	CHECK_EQ(quic_prot_decrypt(&b.p, pkt, &h, 4), -EBADMSG);
	/* too short to send: no 4 bytes for pn + payload to sample */
	CHECK_EQ(seal_short(&a, pkt, 7 + 1 + 16, 6), -EINVAL);
	CHECK_EQ(seal_short(&a, pkt, 7 + 2 + 16, 6), 7 + 2 + 16);
	/* header longer than the packet */
	CHECK_EQ(quic_prot_encrypt(&a.p, pkt, 30, 20, 7), -EINVAL);
	/* Retry is not a protected packet type */
	CHECK_EQ(quic_hdr_decode(qv_v1_retry, sizeof(qv_v1_retry), 0, 0, &h),
		 (int)sizeof(qv_v1_retry));
	CHECK_EQ(quic_prot_decrypt(&b.p, pkt, &h, 0), -EINVAL);
	/* hp removal that runs past the end */
	CHECK_EQ(quic_hp_remove(pkt, 5, 6, (const u8 *)"\x03\0\0\0\0"),
		 -EINVAL);
}

static void t_no_keys(int arg)
{
	struct u_level a, b;
	struct quic_hdr h;
	u8 pkt[64];

	(void)arg;
	CHECK_EQ(u_level_init(&a, TLS_CIPHER_AES_GCM_128, V1, true), 0);
	CHECK_EQ(seal_short(&a, pkt, 64, 1), -ENOKEY);
	CHECK_EQ(quic_prot_key_update(&a.p), -ENOKEY);
	CHECK_EQ(pair(&a, &b, TLS_CIPHER_AES_GCM_128, V1, true), 0);
	CHECK_EQ(seal_short(&a, pkt, 64, 1), 64);
	CHECK_EQ(u_level_init(&b, TLS_CIPHER_AES_GCM_128, V1, true), 0);
	CHECK_EQ(open_pkt(&b, pkt, 64, 0, &h), -ENOKEY);
	CHECK_EQ(u_level_init(&b, 0x99, V1, true), -EINVAL);
	CHECK_EQ(u_level_init(&b, TLS_CIPHER_AES_GCM_128, 0x1234, true), 0);
	CHECK_EQ(quic_prot_install(&b.p, true, s1), -EINVAL);
}

/* a key phase bit that does not match the keys fails authentication */
static void t_wrong_key_phase(int ku)
{
	struct u_level a, b;
	struct quic_hdr h;
	u8 pkt[100];

	CHECK_EQ(pair(&a, &b, TLS_CIPHER_AES_GCM_128, V1, ku), 0);
	CHECK_EQ(seal_short(&a, pkt, 100, 3), 100);
	pkt[0] ^= QUIC_HDR_KEY_PHASE_BIT;
	CHECK_EQ(open_pkt(&b, pkt, 100, 2, &h), -EBADMSG);
	CHECK_EQ(h.key_phase, 1);
	CHECK_EQ(b.p.kp.phase, 0);
	CHECK_EQ(b.p.kp.key_updated, 0);
	CHECK_EQ(b.p.rx_failed, 1);
}

static void t_key_update(int arg)
{
	struct u_level a, b, a0;
	struct quic_hdr h;
	u8 p0[80], p1[80], p2[80], q[80], late[80], old[80];

	(void)arg;
	CHECK_EQ(pair(&a, &b, TLS_CIPHER_AES_GCM_256, V2, true), 0);
	CHECK_EQ(pair(&a0, &b, TLS_CIPHER_AES_GCM_256, V2, true), 0);
	CHECK_EQ(seal_short(&a, p0, 80, 0), 80);
	CHECK_EQ(seal_short(&a, p1, 80, 1), 80);
	CHECK_EQ(open_pkt(&b, p0, 80, -1, &h), 80 - 7 - 16);
	/* a starts an update: pn 2 under phase 1 */
	CHECK_EQ(quic_prot_key_update(&a.p), 1);
	CHECK_EQ(quic_prot_key_update(&a.p), -EAGAIN);
	CHECK_EQ(seal_short(&a, p2, 80, 2), 80);
	CHECK_EQ(open_pkt(&b, p2, 80, 0, &h), 80 - 7 - 16);
	CHECK_EQ(h.key_phase, 1);
	CHECK_EQ(b.p.kp.phase, 1);
	CHECK_EQ(b.p.kp.key_updated, 1);
	CHECK_EQ(b.p.kp.old_keys, 1);
	/* pn 1, sent before the update, arrives late: old keys */
	memcpy(late, p1, 80);
	CHECK_EQ(open_pkt(&b, p1, 80, 2, &h), 80 - 7 - 16);
	CHECK_EQ(h.key_phase, 0);
	CHECK_EQ(b.p.kp.phase, 1);
	CHECK_EQ(b.p.kp.key_updated, 0);
	/* a phase-0 packet newer than the new phase: cannot follow yet */
	CHECK_EQ(seal_short(&a0, old, 80, 3), 80);
	CHECK_EQ(open_pkt(&b, old, 80, 2, &h), -EKEYREJECTED);
	/* b answers in phase 1, which a already uses */
	CHECK_EQ(seal_short(&b, q, 80, 0), 80);
	CHECK_EQ(open_pkt(&a, q, 80, -1, &h), 80 - 7 - 16);
	CHECK_EQ(h.key_phase, 1);
	CHECK_EQ(a.p.kp.key_updated, 0);
	/* old keys dropped: the late packet no longer opens */
	CHECK_EQ(quic_prot_key_update(&b.p), -EAGAIN);
	CHECK_EQ(quic_prot_key_update_prepare(&b.p), 0);
	CHECK_EQ(quic_prot_key_update_prepare(&a.p), 0);
	CHECK_EQ(open_pkt(&b, late, 80, 2, &h), -EBADMSG);
	/* b updates again (generation 3 in phase 0) */
	CHECK_EQ(quic_prot_key_update(&b.p), 0);
	CHECK_EQ(seal_short(&b, q, 80, 1), 80);
	CHECK_EQ(open_pkt(&a, q, 80, 0, &h), 80 - 7 - 16);
	CHECK_EQ(a.p.kp.phase, 0);
	CHECK_EQ(a.p.kp.key_updated, 1);
	/* and again, but with a lower packet number: KEY_UPDATE_ERROR */
	CHECK_EQ(quic_prot_key_update_prepare(&b.p), 0);
	CHECK_EQ(quic_prot_key_update_prepare(&a.p), 0);
	CHECK_EQ(quic_prot_key_update(&b.p), 1);
	CHECK_EQ(seal_short(&b, q, 80, 0), 80);
	CHECK_EQ(open_pkt(&a, q, 80, 1, &h), -EPROTO);
	CHECK_EQ(a.p.kp.phase, 0);
	/* no key update at Initial-like levels */
	CHECK_EQ(u_level_initial(&a, V1, qv_dcid, 8, false), 0);
	CHECK_EQ(quic_prot_key_update(&a.p), -EINVAL);
	CHECK_EQ(quic_prot_key_update_prepare(&a.p), -EINVAL);
}

static void t_aead_limits(int arg)
{
	struct u_level a, b;
	u64 conf;
	u8 pkt[64];

	(void)arg;
	CHECK_EQ(pair(&a, &b, TLS_CIPHER_AES_GCM_128, V1, true), 0);
	conf = a.p.cipher->conf_limit;
	CHECK_EQ(conf, 1ULL << 23);
	CHECK_EQ(quic_prot_aead_limit(&a.p), QUIC_AEAD_OK);
	a.p.tx.pkts[0] = conf - conf / 4 - 1;
	CHECK_EQ(quic_prot_aead_limit(&a.p), QUIC_AEAD_OK);
	CHECK_EQ(seal_short(&a, pkt, 64, 1), 64);
	CHECK_EQ(quic_prot_aead_limit(&a.p), QUIC_AEAD_KEY_UPDATE);
	a.p.tx.pkts[0] = conf;
	CHECK_EQ(seal_short(&a, pkt, 64, 2), -EKEYEXPIRED);
	/* the update resets the count */
	CHECK_EQ(quic_prot_key_update(&a.p), 1);
	CHECK_EQ(quic_prot_aead_limit(&a.p), QUIC_AEAD_OK);
	CHECK_EQ(seal_short(&a, pkt, 64, 3), 64);
	b.p.rx_failed = b.p.cipher->integ_limit - 1;
	CHECK_EQ(quic_prot_aead_limit(&b.p), QUIC_AEAD_OK);
	b.p.rx_failed++;
	CHECK_EQ(quic_prot_aead_limit(&b.p), QUIC_AEAD_LIMIT_REACHED);
	/* without key update the confidentiality limit closes */
	CHECK_EQ(pair(&a, &b, TLS_CIPHER_AES_CCM_128, V1, false), 0);
	CHECK_EQ(a.p.cipher->integ_limit, 2965820);
	a.p.tx.pkts[0] = 2965819;
	CHECK_EQ(quic_prot_aead_limit(&a.p), QUIC_AEAD_OK);
	a.p.tx.pkts[0]++;
	CHECK_EQ(quic_prot_aead_limit(&a.p), QUIC_AEAD_LIMIT_REACHED);
	CHECK_EQ(quic_cipher_find(TLS_CIPHER_CHACHA20_POLY1305)->integ_limit,
		 1ULL << 36);
}

static void t_hkdf_limits(int arg)
{
	struct u_hmac h = { 0 };
	u8 out[64], prk[32] = { 0 };
	char label[64];

	(void)arg;
	CHECK_EQ(quic_hkdf_expand(&h, 32, prk, 32, prk, 1, out, 255 * 32 + 1),
		 -EINVAL);
	CHECK_EQ(quic_hkdf_expand(&h, 32, prk, 32, prk, 65, out, 32), -EINVAL);
	CHECK_EQ(quic_hkdf_expand(&h, 0, prk, 32, prk, 1, out, 32), -EINVAL);
	/* a digest length other than announced */
	CHECK_EQ(quic_hkdf_expand(&h, 48, prk, 32, prk, 1, out, 32), -EINVAL);
	memset(label, 'a', sizeof(label) - 1);
	label[sizeof(label) - 1] = 0;
	CHECK_EQ(quic_hkdf_expand_label(&h, 32, prk, 32, label, out, 32),
		 -EINVAL);
	/* more than one block (T(1) | T(2)) */
	CHECK_EQ(quic_hkdf_expand_label(&h, 32, prk, 32, "x", out, 64), 0);
	CHECK(memcmp(out, out + 32, 32));
	CHECK(!quic_cipher_find(0));
	CHECK(!quic_label(0x1234, QUIC_LABEL_KEY));
	CHECK(!quic_initial_salt(0x1234));
	CHECK_EQ(quic_prot_initial_secrets(&h, 0x1234, qv_dcid, 8, out,
					   out + 32), -EINVAL);
	CHECK_EQ(quic_prot_initial_secrets(&h, V1, qv_dcid, 21, out, out + 32),
		 -EINVAL);
	CHECK(!strcmp(quic_label(V2, QUIC_LABEL_KU), "quicv2 ku"));
	CHECK(!strcmp(quic_label(V1, QUIC_LABEL_HP), "quic hp"));
}

static const struct t_case crypto_cases[] = {
	{ "crypto_initial_keys_v1", t_initial_keys, 1 },
	{ "crypto_initial_keys_v2", t_initial_keys, 2 },
	{ "crypto_hp_masks", t_hp_masks, 0 },
	{ "crypto_rfc9001_a2_client_initial", t_client_initial, 1 },
	{ "crypto_rfc9369_a2_client_initial_v2", t_client_initial, 2 },
	{ "crypto_rfc9001_a3_server_initial", t_server_initial, 1 },
	{ "crypto_rfc9369_a3_server_initial_v2", t_server_initial, 2 },
	{ "crypto_rfc9001_a4_retry", t_retry, 1 },
	{ "crypto_rfc9369_a4_retry_v2", t_retry, 2 },
	{ "crypto_rfc9001_a5_chacha20_short", t_chacha_short, 1 },
	{ "crypto_rfc9369_a5_chacha20_short_v2", t_chacha_short, 2 },
	{ "crypto_roundtrip_aes128gcm_1200", t_roundtrip, 0 },
	{ "crypto_roundtrip_aes256gcm_1200", t_roundtrip, 1 },
	{ "crypto_roundtrip_chacha20_1200", t_roundtrip, 2 },
	{ "crypto_roundtrip_aes128ccm_1200", t_roundtrip, 3 },
	{ "crypto_roundtrip_aes128gcm_1452", t_roundtrip, 4 },
	{ "crypto_roundtrip_aes256gcm_1452", t_roundtrip, 5 },
	{ "crypto_roundtrip_chacha20_1452", t_roundtrip, 6 },
	{ "crypto_roundtrip_aes128ccm_1452", t_roundtrip, 7 },
	{ "crypto_roundtrip_aes128gcm_v2", t_roundtrip, 8 },
	{ "crypto_roundtrip_aes128ccm_v2", t_roundtrip, 11 },
	{ "crypto_tampered_ciphertext", t_tamper, 0 },
	{ "crypto_tampered_tag", t_tamper, 1 },
	{ "crypto_truncated", t_truncated, 0 },
	{ "crypto_no_keys", t_no_keys, 0 },
	{ "crypto_wrong_key_phase", t_wrong_key_phase, 1 },
	{ "crypto_key_phase_bit_authenticated", t_wrong_key_phase, 0 },
	{ "crypto_key_update", t_key_update, 0 },
	{ "crypto_aead_limits", t_aead_limits, 0 },
	{ "crypto_hkdf_limits", t_hkdf_limits, 0 },
	{ NULL, NULL, 0 },
};

const struct t_suite crypto_suite = { .cases = crypto_cases };
