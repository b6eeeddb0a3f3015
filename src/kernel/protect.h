/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QUIC packet protection logic (RFC 9001 5, 6; RFC 9369 3.3), shared code. */

#ifndef __QUIC_PROTECT_H__
#define __QUIC_PROTECT_H__

#include <linux/tls.h>
#include "header.h"
#include "hkdf.h"

/*
 * This file and protect.c hold everything about packet protection that is
 * not a cryptographic primitive: cipher parameters, v1/v2 salts and labels,
 * the key schedule of one crypto level, nonce construction, the AAD and
 * the header protection mask, packet number recovery, key phases and the
 * AEAD usage limits. They build in the kernel (crypto.c supplies the
 * primitives over the kernel crypto API) and in userspace (the unit tests
 * supply them over nettle), so both run exactly this logic.
 *
 * Primitive contexts are opaque pointers owned by the platform: the
 * platform allocates them for the cipher in struct quic_prot and this code
 * only keys them and calls them through the five functions below.
 */

#define QUIC_TAG_LEN		16
#define QUIC_IV_LEN		12
#define QUIC_KEY_MAX_LEN	32
#define QUIC_SECRET_MAX_LEN	48
#define QUIC_HP_SAMPLE_LEN	16
#define QUIC_HP_MASK_LEN	5
#define QUIC_PN_MAX_LEN		4
#define QUIC_SALT_LEN		20
#define QUIC_INITIAL_SECRET_LEN	32	/* SHA-256 */

/* platform primitives (crypto.c, or tests/unit/crypto_user.c); quic_hmac()
 * is declared in hkdf.h
 */
int quic_aead_setkey(void *aead, const u8 *key, unsigned int keylen);
/* in place over buf: aadlen bytes of AAD, then len bytes of text; on
 * encryption the 16-byte tag is written after the text, on decryption
 * len includes the tag. Returns 0, or -EBADMSG if authentication fails.
 */
int quic_aead_crypt(void *aead, bool enc, const u8 *nonce, u8 *buf,
		    unsigned int aadlen, unsigned int len);
int quic_hp_setkey(void *hp, const u8 *key, unsigned int keylen);
/* the first QUIC_HP_MASK_LEN bytes of the mask for a 16-byte sample */
int quic_hp_mask(void *hp, const u8 *sample, u8 *mask);

/**
 * struct quic_cipher - a TLS 1.3 cipher suite as QUIC uses it
 * @type: TLS_CIPHER_* of <linux/tls.h>
 * @key_len: AEAD and header protection key length
 * @secret_len: traffic secret length (the hash output length)
 * @hp_chacha: header protection with ChaCha20, else AES-ECB
 * @ccm: AES-CCM (the kernel's ccm(aes) takes a 16-byte IV)
 * @conf_limit: confidentiality limit, packets per key (RFC 9001 6.6)
 * @integ_limit: integrity limit, failed packets per connection
 * @aead: kernel crypto API AEAD name
 * @hp: kernel crypto API skcipher name for header protection
 * @hmac: kernel crypto API HMAC name for HKDF
 */
struct quic_cipher {
	u32 type;
	u8 key_len;
	u8 secret_len;
	u8 hp_chacha;
	u8 ccm;
	u64 conf_limit;
	u64 integ_limit;
	const char *aead;
	const char *hp;
	const char *hmac;
};

const struct quic_cipher *quic_cipher_find(u32 type);

enum quic_label_kind {
	QUIC_LABEL_KEY,
	QUIC_LABEL_IV,
	QUIC_LABEL_HP,
	QUIC_LABEL_KU,
};

const char *quic_label(u32 version, enum quic_label_kind kind);
const u8 *quic_initial_salt(u32 version);
int quic_retry_key(u32 version, const u8 **key, const u8 **nonce);

void quic_nonce(u8 *nonce, const u8 *iv, u64 pn);
int quic_hp_sample_offset(size_t pn_offset, size_t pkt_len);
void quic_hp_apply(u8 *pkt, size_t pn_offset, const u8 *mask);
int quic_hp_remove(u8 *pkt, size_t pn_offset, size_t pkt_len,
		   const u8 *mask);

/**
 * struct quic_key_phase - 1-RTT key phase state (RFC 9001 6)
 * @phase: current key phase bit; keys in slot @phase
 * @old_keys: slot !@phase holds the previous phase's keys (kept for
 *	reordered packets until quic_prot_key_update_prepare()); otherwise it
 *	holds the next phase's keys, ready for a key update
 * @rx_first_pn: lowest packet number received in the current phase
 * @rx_max_pn: highest packet number received in the current phase
 * @rx_seen: a packet was received in the current phase
 * @key_updated: the last packet decrypted switched to a new key phase (the
 *	peer initiated a key update): tell the user, arm the old-keys timer
 */
struct quic_key_phase {
	u8 phase;
	u8 old_keys;
	u8 rx_seen;
	u8 key_updated;
	u64 rx_first_pn;
	u64 rx_max_pn;
};

/**
 * struct quic_prot_dir - keys of one direction of one crypto level
 * @aead: platform AEAD contexts, by key phase (slot 1 only with key update)
 * @hp: platform header protection context
 * @secret: traffic secrets, by key phase
 * @iv: AEAD IVs, by key phase
 * @pkts: packets encrypted with each slot's key (confidentiality limit)
 * @ready: a secret is installed
 */
struct quic_prot_dir {
	void *aead[2];
	void *hp;
	u8 secret[2][QUIC_SECRET_MAX_LEN];
	u8 iv[2][QUIC_IV_LEN];
	u64 pkts[2];
	u8 ready;
};

/**
 * struct quic_prot - packet protection state of one crypto level
 * @cipher: cipher of the level (both directions)
 * @version: QUIC version whose labels the keys use
 * @hmac: platform HMAC context of the cipher's hash
 * @key_update: 1-RTT: two key phases (slot 1 holds next or old keys)
 * @kp: key phase state
 * @tx: send keys
 * @rx: receive keys
 * @rx_failed: received packets that failed authentication (integrity limit)
 */
struct quic_prot {
	const struct quic_cipher *cipher;
	u32 version;
	void *hmac;
	u8 key_update;
	struct quic_key_phase kp;
	struct quic_prot_dir tx;
	struct quic_prot_dir rx;
	u64 rx_failed;
};

int quic_prot_install(struct quic_prot *p, bool send, const u8 *secret);
int quic_prot_initial_secrets(void *hmac, u32 version, const u8 *dcid,
			      u8 dcid_len, u8 *client, u8 *server);
int quic_prot_key_update_prepare(struct quic_prot *p);
int quic_prot_key_update(struct quic_prot *p);

int quic_prot_tx_prepare(struct quic_prot *p, u8 *pkt, unsigned int hlen,
			 unsigned int len, u64 pn, u8 *nonce);
void quic_prot_tx_done(struct quic_prot *p, int slot);
int quic_prot_tx_seal(struct quic_prot *p, int slot, u8 *pkt,
		      unsigned int pn_offset, unsigned int len);
int quic_prot_rx_prepare(struct quic_prot *p, u8 *pkt, struct quic_hdr *hdr,
			 const u8 *mask, s64 largest_pn, u8 *nonce);
int quic_prot_rx_done(struct quic_prot *p, const struct quic_hdr *hdr,
		      int slot, int err);

int quic_prot_encrypt(struct quic_prot *p, u8 *pkt, unsigned int hlen,
		      unsigned int len, u64 pn);
int quic_prot_decrypt(struct quic_prot *p, u8 *pkt, struct quic_hdr *hdr,
		      s64 largest_pn);
int quic_prot_retry_tag(void *aead, u32 version, const u8 *odcid,
			u8 odcid_len, const u8 *retry, unsigned int len,
			u8 *buf, unsigned int buflen, u8 *tag);

/* quic_prot_aead_limit() results */
enum {
	QUIC_AEAD_OK,
	QUIC_AEAD_KEY_UPDATE,		/* initiate a key update now */
	QUIC_AEAD_LIMIT_REACHED,	/* close: AEAD_LIMIT_REACHED */
};

int quic_prot_aead_limit(const struct quic_prot *p);

#endif /* __QUIC_PROTECT_H__ */
