/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QUIC packet protection over the kernel crypto API: per-level tfms, skbs. */

#ifndef __QUIC_CRYPTO_H__
#define __QUIC_CRYPTO_H__

#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include "protect.h"

/*
 * One struct quic_crypto per connection and crypto level (Initial, 0-RTT,
 * Handshake, 1-RTT). The connection embeds it (it must live in kmalloc or
 * slab memory: the crypto API reaches its buffers by scatterlist) and:
 *
 *   quic_crypto_init(c, level)            once, before anything else
 *   quic_crypto_initial_keys() or         Initial: from the client's DCID
 *   quic_crypto_set_secret() x2           others: secrets from TLS
 *   quic_crypto_encrypt_skb() / _decrypt_skb()   per packet
 *   quic_crypto_free(c)                   drops tfms and wipes secrets
 *
 * The transforms (AEAD for each direction and, at the 1-RTT level, each
 * key phase; header protection per direction; the HMAC of HKDF) are
 * allocated with the first secret and reused for every packet and key
 * update. Synchronous implementations are requested (CRYPTO_ALG_ASYNC in
 * the mask), so no call waits for a completion.
 *
 * Context and locking: the caller serialises all calls on one quic_crypto
 * (the socket lock). The per-packet calls (encrypt/decrypt, flat or skb),
 * quic_crypto_key_update() and the accessors never sleep and may run in
 * softirq context. quic_crypto_set_secret(), quic_crypto_initial_keys(),
 * quic_crypto_key_update_prepare(), quic_crypto_retry_init() and
 * quic_crypto_free() allocate or set keys and may sleep: process context.
 *
 * Errors: -EBADMSG authentication failed (drop; counted against the
 * integrity limit), -EINVAL truncated or inconsistent packet, -ENOKEY no
 * key installed, -EKEYREJECTED key phase not decryptable now (drop),
 * -EPROTO key update error (close with KEY_UPDATE_ERROR), -EKEYEXPIRED
 * confidentiality limit (update keys or close), -ENOMEM.
 */

#define QUIC_CRYPTO_SG_MAX	(MAX_SKB_FRAGS + 2)
#define QUIC_RETRY_MAX_LEN	1500	/* longest Retry packet we check */

/* payload pieces one packet may gather (2 scatterlist entries each) */
#define QUIC_CRYPTO_PIECES_MAX	((QUIC_CRYPTO_SG_MAX - 1) / 2)

/**
 * struct quic_crypto_piece - plaintext of a packet kept in another buffer
 * @off: offset in the packet
 * @len: bytes
 * @data: where they are
 */
struct quic_crypto_piece {
	u32 off;
	u32 len;
	const u8 *data;
};

struct quic_crypto_aead {
	struct crypto_aead *tfm;
	struct aead_request *req;
	u8 ccm;
};

struct quic_crypto_hp {
	struct crypto_skcipher *tfm;
	struct skcipher_request *req;
	u8 chacha;
	u8 iv[16];
	u8 buf[16];
};

/**
 * struct quic_crypto - packet protection of one crypto level
 * @p: the shared protection state (keys' IVs, secrets, key phase, counters)
 * @level: enum quic_crypto_level
 * @aead: AEAD transforms, [0] send, [1] receive, by key phase slot
 * @hp: header protection transforms, [0] send, [1] receive
 * @hmac: HMAC transform of the cipher's hash, for HKDF
 * @sg: scatterlist over the skb being processed
 */
struct quic_crypto {
	struct quic_prot p;
	u8 level;
	struct quic_crypto_aead aead[2][2];
	struct quic_crypto_hp hp[2];
	struct crypto_shash *hmac;
	struct scatterlist sg[QUIC_CRYPTO_SG_MAX];
};

void quic_crypto_init(struct quic_crypto *c, u8 level);
void quic_crypto_free(struct quic_crypto *c);
int quic_crypto_set_secret(struct quic_crypto *c, u32 type, u32 version,
			   bool send, const u8 *secret);
int quic_crypto_initial_keys(struct quic_crypto *c, u32 version,
			     const u8 *dcid, u8 dcid_len, bool server);

int quic_crypto_encrypt(struct quic_crypto *c, u8 *pkt, unsigned int hlen,
			unsigned int len, u64 pn);
int quic_crypto_encrypt_gather(struct quic_crypto *c, u8 *pkt,
			       unsigned int hlen, unsigned int len, u64 pn,
			       const struct quic_crypto_piece *pieces,
			       unsigned int n);
int quic_crypto_decrypt(struct quic_crypto *c, u8 *pkt, struct quic_hdr *hdr,
			s64 largest_pn);
int quic_crypto_encrypt_skb(struct quic_crypto *c, struct sk_buff *skb,
			    unsigned int off, unsigned int hlen, u64 pn);
int quic_crypto_decrypt_skb(struct quic_crypto *c, struct sk_buff *skb,
			    unsigned int off, struct quic_hdr *hdr,
			    s64 largest_pn);

int quic_crypto_key_update(struct quic_crypto *c);
int quic_crypto_key_update_prepare(struct quic_crypto *c);
u8 quic_crypto_key_phase(const struct quic_crypto *c);
bool quic_crypto_key_updated(const struct quic_crypto *c);
int quic_crypto_aead_limit(const struct quic_crypto *c);
const char *quic_crypto_driver(const struct quic_crypto *c);

/**
 * struct quic_crypto_retry - Retry integrity tags of one version
 * @aead: AES-128-GCM keyed with the version's Retry key
 * @version: QUIC_VERSION_V1 or QUIC_VERSION_V2
 * @buf: the pseudo-packet (QUIC_RETRY_MAX_LEN + 1 + 20 + tag)
 */
struct quic_crypto_retry {
	struct quic_crypto_aead aead;
	u32 version;
	u8 *buf;
};

int quic_crypto_retry_init(struct quic_crypto_retry *r, u32 version);
void quic_crypto_retry_free(struct quic_crypto_retry *r);
int quic_crypto_retry_tag(struct quic_crypto_retry *r, const u8 *odcid,
			  u8 odcid_len, const u8 *retry, unsigned int len,
			  u8 *tag);
int quic_crypto_retry_verify(struct quic_crypto_retry *r, const u8 *odcid,
			     u8 odcid_len, const u8 *retry, unsigned int len);

#endif /* __QUIC_CRYPTO_H__ */
