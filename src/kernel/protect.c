// SPDX-License-Identifier: GPL-2.0-or-later
/* QUIC packet protection logic: keys, nonces, header protection, key phases. */

#include "protect.h"

static const struct quic_cipher quic_ciphers[] = {
	{
		.type = TLS_CIPHER_AES_GCM_128, .key_len = 16, .secret_len = 32,
		.conf_limit = 1ULL << 23, .integ_limit = 1ULL << 52,
		.aead = "gcm(aes)", .hp = "ecb(aes)", .hmac = "hmac(sha256)",
	},
	{
		.type = TLS_CIPHER_AES_GCM_256, .key_len = 32, .secret_len = 48,
		.conf_limit = 1ULL << 23, .integ_limit = 1ULL << 52,
		.aead = "gcm(aes)", .hp = "ecb(aes)", .hmac = "hmac(sha384)",
	},
	{
		/* no confidentiality limit below 2^62 packets (RFC 9001 6.6) */
		.type = TLS_CIPHER_CHACHA20_POLY1305, .key_len = 32,
		.secret_len = 32, .hp_chacha = 1,
		.conf_limit = ~0ULL, .integ_limit = 1ULL << 36,
		.aead = "rfc7539(chacha20,poly1305)", .hp = "chacha20",
		.hmac = "hmac(sha256)",
	},
	{
		/* 2^21.5 for both limits (RFC 9001 B.2) */
		.type = TLS_CIPHER_AES_CCM_128, .key_len = 16, .secret_len = 32,
		.ccm = 1, .conf_limit = 2965820, .integ_limit = 2965820,
		.aead = "ccm(aes)", .hp = "ecb(aes)", .hmac = "hmac(sha256)",
	},
};

/**
 * quic_cipher_find - parameters of a TLS cipher suite
 * @type: TLS_CIPHER_AES_GCM_128, _AES_GCM_256, _CHACHA20_POLY1305 or
 *	_AES_CCM_128
 *
 * Return: the cipher, or NULL if QUIC cannot use @type.
 */
const struct quic_cipher *quic_cipher_find(u32 type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(quic_ciphers); i++)
		if (quic_ciphers[i].type == type)
			return &quic_ciphers[i];
	return NULL;
}

static const char * const quic_v1_labels[] = {
	[QUIC_LABEL_KEY] = "quic key", [QUIC_LABEL_IV] = "quic iv",
	[QUIC_LABEL_HP] = "quic hp", [QUIC_LABEL_KU] = "quic ku",
};

static const char * const quic_v2_labels[] = {
	[QUIC_LABEL_KEY] = "quicv2 key", [QUIC_LABEL_IV] = "quicv2 iv",
	[QUIC_LABEL_HP] = "quicv2 hp", [QUIC_LABEL_KU] = "quicv2 ku",
};

/**
 * quic_label - HKDF label of a packet protection key (RFC 9001 5.1,
 * RFC 9369 3.3.2)
 * @version: QUIC_VERSION_V1 or QUIC_VERSION_V2
 * @kind: which key
 *
 * Return: the label, or NULL for another version.
 */
const char *quic_label(u32 version, enum quic_label_kind kind)
{
	if (kind > QUIC_LABEL_KU)
		return NULL;
	if (version == QUIC_VERSION_V1)
		return quic_v1_labels[kind];
	if (version == QUIC_VERSION_V2)
		return quic_v2_labels[kind];
	return NULL;
}

static const u8 quic_v1_salt[QUIC_SALT_LEN] = {
	0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
	0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
};

static const u8 quic_v2_salt[QUIC_SALT_LEN] = {
	0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
	0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
};

/**
 * quic_initial_salt - the Initial salt of a version (RFC 9001 5.2,
 * RFC 9369 3.3.1)
 * @version: QUIC_VERSION_V1 or QUIC_VERSION_V2
 *
 * Return: QUIC_SALT_LEN bytes, or NULL for another version.
 */
const u8 *quic_initial_salt(u32 version)
{
	if (version == QUIC_VERSION_V1)
		return quic_v1_salt;
	if (version == QUIC_VERSION_V2)
		return quic_v2_salt;
	return NULL;
}

static const u8 quic_v1_retry_key[16] = {
	0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a,
	0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e,
};

static const u8 quic_v1_retry_nonce[QUIC_IV_LEN] = {
	0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63, 0x2b, 0xf2,
	0x23, 0x98, 0x25, 0xbb,
};

static const u8 quic_v2_retry_key[16] = {
	0x8f, 0xb4, 0xb0, 0x1b, 0x56, 0xac, 0x48, 0xe2,
	0x60, 0xfb, 0xcb, 0xce, 0xad, 0x7c, 0xcc, 0x92,
};

static const u8 quic_v2_retry_nonce[QUIC_IV_LEN] = {
	0xd8, 0x69, 0x69, 0xbc, 0x2d, 0x7c, 0x6d, 0x99,
	0x90, 0xef, 0xb0, 0x4a,
};

/**
 * quic_retry_key - AES-128-GCM key and nonce of the Retry integrity tag
 * (RFC 9001 5.8, RFC 9369 3.3.3)
 * @version: QUIC_VERSION_V1 or QUIC_VERSION_V2
 * @key: output, 16 bytes
 * @nonce: output, QUIC_IV_LEN bytes
 *
 * Return: 0, or -EINVAL for another version.
 */
int quic_retry_key(u32 version, const u8 **key, const u8 **nonce)
{
	if (version == QUIC_VERSION_V1) {
		*key = quic_v1_retry_key;
		*nonce = quic_v1_retry_nonce;
		return 0;
	}
	if (version == QUIC_VERSION_V2) {
		*key = quic_v2_retry_key;
		*nonce = quic_v2_retry_nonce;
		return 0;
	}
	return -EINVAL;
}

/**
 * quic_nonce - AEAD nonce of a packet: the IV XOR the packet number,
 * left-padded to the IV length (RFC 9001 5.3)
 * @nonce: output, QUIC_IV_LEN bytes
 * @iv: the key's IV
 * @pn: full packet number
 */
void quic_nonce(u8 *nonce, const u8 *iv, u64 pn)
{
	int i;

	memcpy(nonce, iv, QUIC_IV_LEN);
	for (i = 0; i < 8; i++)
		nonce[QUIC_IV_LEN - 1 - i] ^= (u8)(pn >> (8 * i));
}

/**
 * quic_hp_sample_offset - where the header protection sample starts
 * @pn_offset: offset of the packet number in the packet
 * @pkt_len: protected packet length (header, payload, tag)
 *
 * The sample is taken as if the packet number were 4 bytes long (RFC 9001
 * 5.4.2), so a packet must hold at least 20 bytes from @pn_offset.
 *
 * Return: @pn_offset + 4, or -EINVAL if the packet is too short.
 */
int quic_hp_sample_offset(size_t pn_offset, size_t pkt_len)
{
	if (pkt_len < QUIC_PN_MAX_LEN + QUIC_HP_SAMPLE_LEN ||
	    pn_offset > pkt_len - QUIC_PN_MAX_LEN - QUIC_HP_SAMPLE_LEN)
		return -EINVAL;
	return (int)pn_offset + QUIC_PN_MAX_LEN;
}

static u8 quic_hp_first_mask(u8 first)
{
	return first & QUIC_HDR_FORM_LONG ? QUIC_HDR_LONG_HP_MASK :
					    QUIC_HDR_SHORT_HP_MASK;
}

/**
 * quic_hp_apply - apply header protection (RFC 9001 5.4.1)
 * @pkt: packet; the first byte still tells the packet number length
 * @pn_offset: offset of the packet number
 * @mask: QUIC_HP_MASK_LEN bytes of mask
 */
void quic_hp_apply(u8 *pkt, size_t pn_offset, const u8 *mask)
{
	unsigned int i, pn_len = (pkt[0] & QUIC_HDR_PN_LEN_MASK) + 1;

	pkt[0] ^= mask[0] & quic_hp_first_mask(pkt[0]);
	for (i = 0; i < pn_len; i++)
		pkt[pn_offset + i] ^= mask[1 + i];
}

/**
 * quic_hp_remove - remove header protection (RFC 9001 5.4.1)
 * @pkt: packet
 * @pn_offset: offset of the packet number
 * @pkt_len: packet length
 * @mask: QUIC_HP_MASK_LEN bytes of mask
 *
 * Return: the packet number length (1..4), or -EINVAL if the packet ends
 * inside the packet number (nothing is changed then).
 */
int quic_hp_remove(u8 *pkt, size_t pn_offset, size_t pkt_len,
		   const u8 *mask)
{
	u8 first = pkt[0] ^ (mask[0] & quic_hp_first_mask(pkt[0]));
	unsigned int i, pn_len = (first & QUIC_HDR_PN_LEN_MASK) + 1;

	if (pn_offset < 1 || pn_offset + pn_len > pkt_len)
		return -EINVAL;
	pkt[0] = first;
	for (i = 0; i < pn_len; i++)
		pkt[pn_offset + i] ^= mask[1 + i];
	return (int)pn_len;
}

/* key and IV of slot @slot of @d from the secret already in it; the header
 * protection key too if @hp
 */
static int quic_prot_derive(struct quic_prot *p, struct quic_prot_dir *d,
			    int slot, bool hp)
{
	const struct quic_cipher *c = p->cipher;
	u8 key[QUIC_KEY_MAX_LEN];
	int err;

	err = quic_hkdf_expand_label(p->hmac, c->secret_len, d->secret[slot],
				     c->secret_len,
				     quic_label(p->version, QUIC_LABEL_KEY),
				     key, c->key_len);
	if (!err)
		err = quic_aead_setkey(d->aead[slot], key, c->key_len);
	if (!err)
		err = quic_hkdf_expand_label(p->hmac, c->secret_len,
					     d->secret[slot], c->secret_len,
					     quic_label(p->version,
							QUIC_LABEL_IV),
					     d->iv[slot], QUIC_IV_LEN);
	if (!err && hp)
		err = quic_hkdf_expand_label(p->hmac, c->secret_len,
					     d->secret[slot], c->secret_len,
					     quic_label(p->version,
							QUIC_LABEL_HP),
					     key, c->key_len);
	if (!err && hp)
		err = quic_hp_setkey(d->hp, key, c->key_len);
	memzero_explicit(key, sizeof(key));
	d->pkts[slot] = 0;
	return err;
}

/* next-generation secret of slot !phase from slot phase (RFC 9001 6.1) */
static int quic_prot_derive_next(struct quic_prot *p, struct quic_prot_dir *d)
{
	const struct quic_cipher *c = p->cipher;
	int cur = p->kp.phase, err;

	err = quic_hkdf_expand_label(p->hmac, c->secret_len, d->secret[cur],
				     c->secret_len,
				     quic_label(p->version, QUIC_LABEL_KU),
				     d->secret[!cur], c->secret_len);
	if (!err)
		err = quic_prot_derive(p, d, !cur, false);
	return err;
}

/**
 * quic_prot_install - install a traffic secret for one direction
 * @p: level state; the platform has set cipher, version, hmac, key_update
 *	and the primitive contexts (aead[0], and aead[1] with key_update; hp)
 * @send: the send (true) or receive direction
 * @secret: @p->cipher->secret_len bytes
 *
 * Derives the AEAD key, IV and header protection key, and with key update
 * the next phase's keys too. Install before any key update.
 *
 * Return: 0, -EINVAL (unknown version, or a key update already happened),
 * or the primitives' error.
 */
int quic_prot_install(struct quic_prot *p, bool send, const u8 *secret)
{
	struct quic_prot_dir *d = send ? &p->tx : &p->rx;
	int err;

	if (!p->cipher || !quic_label(p->version, QUIC_LABEL_KEY) ||
	    p->kp.phase || p->kp.old_keys)
		return -EINVAL;
	d->ready = 0;
	memcpy(d->secret[0], secret, p->cipher->secret_len);
	err = quic_prot_derive(p, d, 0, true);
	if (!err && p->key_update)
		err = quic_prot_derive_next(p, d);
	if (err) {
		memzero_explicit(d->secret, sizeof(d->secret));
		return err;
	}
	d->ready = 1;
	return 0;
}

/**
 * quic_prot_initial_secrets - client and server Initial secrets
 * (RFC 9001 5.2, RFC 9369 3.3.1)
 * @hmac: platform HMAC-SHA256 context
 * @version: QUIC_VERSION_V1 or QUIC_VERSION_V2
 * @dcid: Destination Connection ID of the client's first Initial
 * @dcid_len: its length
 * @client: output, QUIC_INITIAL_SECRET_LEN bytes
 * @server: output, QUIC_INITIAL_SECRET_LEN bytes
 *
 * Return: 0 or a negative errno.
 */
int quic_prot_initial_secrets(void *hmac, u32 version, const u8 *dcid,
			      u8 dcid_len, u8 *client, u8 *server)
{
	const u8 *salt = quic_initial_salt(version);
	u8 secret[QUIC_INITIAL_SECRET_LEN];
	int err;

	if (!salt || dcid_len > QUIC_CID_MAX_LEN)
		return -EINVAL;
	err = quic_hkdf_extract(hmac, salt, QUIC_SALT_LEN, dcid, dcid_len,
				secret);
	if (err >= 0 && err != QUIC_INITIAL_SECRET_LEN)
		err = -EINVAL;
	if (err >= 0)
		err = quic_hkdf_expand_label(hmac, sizeof(secret), secret,
					     sizeof(secret), "client in",
					     client, QUIC_INITIAL_SECRET_LEN);
	if (!err)
		err = quic_hkdf_expand_label(hmac, sizeof(secret), secret,
					     sizeof(secret), "server in",
					     server, QUIC_INITIAL_SECRET_LEN);
	memzero_explicit(secret, sizeof(secret));
	return err;
}

/**
 * quic_prot_key_update_prepare - drop the previous phase's keys and derive
 * the next phase's keys into their slot
 * @p: 1-RTT level state (key_update set)
 *
 * Called when the old keys are no longer needed (about three PTOs after a
 * key update, RFC 9001 6.5); afterwards a packet with the other key phase
 * bit is taken as the peer's key update, and quic_prot_key_update() can
 * start one. It keys AEAD contexts, so it runs where setkey may run (see
 * crypto.c), never on the per-packet path.
 *
 * Return: 0, -EINVAL without key update, or the primitives' error.
 */
int quic_prot_key_update_prepare(struct quic_prot *p)
{
	int err = 0;

	if (!p->key_update)
		return -EINVAL;
	if (p->tx.ready)
		err = quic_prot_derive_next(p, &p->tx);
	if (!err && p->rx.ready)
		err = quic_prot_derive_next(p, &p->rx);
	if (!err)
		p->kp.old_keys = 0;
	return err;
}

/**
 * quic_prot_key_update - start a key update (RFC 9001 6.1)
 * @p: 1-RTT level state
 *
 * Switches both directions to the next phase's keys (prepared in advance,
 * so this never derives or allocates). The caller checks that a packet of
 * the current phase was acknowledged first (RFC 9001 6.2).
 *
 * Return: the new key phase (0 or 1), -EINVAL without key update, -ENOKEY
 * before both secrets are installed, -EAGAIN while the previous phase's
 * keys are still kept (call quic_prot_key_update_prepare() first).
 */
int quic_prot_key_update(struct quic_prot *p)
{
	if (!p->key_update)
		return -EINVAL;
	if (!p->tx.ready || !p->rx.ready)
		return -ENOKEY;
	if (p->kp.old_keys)
		return -EAGAIN;
	p->kp.phase ^= 1;
	p->kp.old_keys = 1;
	p->kp.rx_seen = 0;
	return p->kp.phase;
}

/**
 * quic_prot_tx_prepare - first half of protecting a packet
 * @p: level state
 * @pkt: packet: header (packet number written, pn_len in the first byte),
 *	then the plaintext
 * @hlen: header length, packet number included
 * @len: header plus plaintext length
 * @pn: full packet number
 * @nonce: output, QUIC_IV_LEN bytes
 *
 * Sets the key phase bit of a short header and checks the confidentiality
 * limit. Then the caller encrypts with tx.aead[slot], and applies header
 * protection on the result.
 *
 * Return: the key slot, -ENOKEY (no send secret), -EINVAL (header and
 * length do not fit together, or too short to sample: pad the payload),
 * -EKEYEXPIRED (confidentiality limit reached: update keys or close).
 */
int quic_prot_tx_prepare(struct quic_prot *p, u8 *pkt, unsigned int hlen,
			 unsigned int len, u64 pn, u8 *nonce)
{
	unsigned int pn_len = (pkt[0] & QUIC_HDR_PN_LEN_MASK) + 1;
	int slot = p->key_update ? p->kp.phase : 0;

	if (!p->tx.ready)
		return -ENOKEY;
	if (hlen <= pn_len || len < hlen ||
	    quic_hp_sample_offset(hlen - pn_len, len + QUIC_TAG_LEN) < 0)
		return -EINVAL;
	if (p->tx.pkts[slot] >= p->cipher->conf_limit)
		return -EKEYEXPIRED;
	if (!(pkt[0] & QUIC_HDR_FORM_LONG)) {
		pkt[0] &= ~QUIC_HDR_KEY_PHASE_BIT;
		if (slot)
			pkt[0] |= QUIC_HDR_KEY_PHASE_BIT;
	}
	quic_nonce(nonce, p->tx.iv[slot], pn);
	return slot;
}

/**
 * quic_prot_tx_done - count a packet encrypted with @slot's key
 * @p: level state
 * @slot: from quic_prot_tx_prepare()
 */
void quic_prot_tx_done(struct quic_prot *p, int slot)
{
	p->tx.pkts[slot]++;
}

/**
 * quic_prot_rx_prepare - first half of removing packet protection
 * @p: level state
 * @pkt: the packet
 * @hdr: from quic_hdr_decode() of @pkt (Initial, 0-RTT, Handshake or 1-RTT)
 * @mask: header protection mask of the packet's sample
 * @largest_pn: largest packet number received in the space, -1 if none
 * @nonce: output, QUIC_IV_LEN bytes
 *
 * Removes header protection, reads the packet number into @hdr (pn is the
 * full packet number afterwards, pn_len and key_phase set), and picks the
 * key: the current phase's, the previous phase's for a reordered packet,
 * or the next phase's when the peer updates keys.
 *
 * Return: the key slot; -ENOKEY (no receive secret), -EINVAL (truncated),
 * -EKEYREJECTED (a new key phase while the old keys are still kept: drop).
 */
int quic_prot_rx_prepare(struct quic_prot *p, u8 *pkt, struct quic_hdr *hdr,
			 const u8 *mask, s64 largest_pn, u8 *nonce)
{
	struct quic_key_phase *kp = &p->kp;
	int err, slot = 0;

	kp->key_updated = 0;
	if (!p->rx.ready)
		return -ENOKEY;
	err = quic_hp_remove(pkt, hdr->pn_offset, hdr->pkt_len, mask);
	if (err < 0)
		return err;
	if (quic_hdr_decode_pn(hdr, pkt) < 0 ||
	    hdr->pkt_len - hdr->pn_offset - hdr->pn_len < QUIC_TAG_LEN)
		return -EINVAL;
	hdr->pn = quic_pn_decode(largest_pn, hdr->pn, hdr->pn_len);
	if (p->key_update && hdr->type == QUIC_PKT_1RTT) {
		slot = kp->phase;
		if (hdr->key_phase != kp->phase) {
			/* old keys only for packets older than the phase */
			if (kp->old_keys && kp->rx_seen &&
			    hdr->pn > kp->rx_first_pn)
				return -EKEYREJECTED;
			slot = !kp->phase;
		}
	}
	quic_nonce(nonce, p->rx.iv[slot], hdr->pn);
	return slot;
}

/**
 * quic_prot_rx_done - second half of removing packet protection
 * @p: level state
 * @hdr: the packet's header after quic_prot_rx_prepare()
 * @slot: the key slot used
 * @err: result of the AEAD decryption
 *
 * Counts authentication failures (integrity limit) and follows the key
 * phase: a packet opened with the next keys switches to them
 * (@p->kp.key_updated is set), the send direction included.
 *
 * Return: @err, or -EPROTO if the next phase's keys protected a packet
 * older than one of the current phase (RFC 9001 6.4: close with
 * KEY_UPDATE_ERROR).
 */
int quic_prot_rx_done(struct quic_prot *p, const struct quic_hdr *hdr,
		      int slot, int err)
{
	struct quic_key_phase *kp = &p->kp;

	if (err) {
		if (err == -EBADMSG)
			p->rx_failed++;
		return err;
	}
	if (!p->key_update || hdr->type != QUIC_PKT_1RTT)
		return 0;
	if (slot != kp->phase && kp->old_keys)
		return 0;	/* reordered packet of the previous phase */
	if (slot != kp->phase) {
		if (kp->rx_seen && hdr->pn < kp->rx_max_pn)
			return -EPROTO;
		kp->phase = slot;
		kp->old_keys = 1;
		kp->key_updated = 1;
		kp->rx_seen = 0;
	}
	if (!kp->rx_seen || hdr->pn < kp->rx_first_pn)
		kp->rx_first_pn = hdr->pn;
	if (!kp->rx_seen || hdr->pn > kp->rx_max_pn)
		kp->rx_max_pn = hdr->pn;
	kp->rx_seen = 1;
	return 0;
}

/**
 * quic_prot_encrypt - protect a packet in a flat buffer
 * @p: level state
 * @pkt: header (packet number written), plaintext, and room for the tag
 * @hlen: header length, packet number included
 * @len: header plus plaintext length
 * @pn: full packet number
 *
 * Return: the protected length (@len + QUIC_TAG_LEN), or a negative errno
 * (see quic_prot_tx_prepare()).
 */
int quic_prot_encrypt(struct quic_prot *p, u8 *pkt, unsigned int hlen,
		      unsigned int len, u64 pn)
{
	unsigned int pn_offset = hlen - 1 - (pkt[0] & QUIC_HDR_PN_LEN_MASK);
	u8 nonce[QUIC_IV_LEN];
	int slot, err;

	slot = quic_prot_tx_prepare(p, pkt, hlen, len, pn, nonce);
	if (slot < 0)
		return slot;
	err = quic_aead_crypt(p->tx.aead[slot], true, nonce, pkt, hlen,
			      len - hlen);
	if (err)
		return err;
	return quic_prot_tx_seal(p, slot, pkt, pn_offset, len);
}

/**
 * quic_prot_tx_seal - last step of protecting a packet in a flat buffer
 *	whose payload was just encrypted with @slot's key: count it and apply
 *	header protection
 * @p: level state
 * @slot: from quic_prot_tx_prepare()
 * @pkt: the packet, ciphertext and tag written
 * @pn_offset: offset of the packet number
 * @len: header plus plaintext length
 *
 * Return: the protected length (@len + QUIC_TAG_LEN), or a negative errno.
 */
int quic_prot_tx_seal(struct quic_prot *p, int slot, u8 *pkt,
		      unsigned int pn_offset, unsigned int len)
{
	u8 mask[QUIC_HP_MASK_LEN];
	int err;

	quic_prot_tx_done(p, slot);
	err = quic_hp_mask(p->tx.hp, pkt + pn_offset + QUIC_PN_MAX_LEN, mask);
	if (err)
		return err;
	quic_hp_apply(pkt, pn_offset, mask);
	return (int)(len + QUIC_TAG_LEN);
}

/**
 * quic_prot_decrypt - remove the protection of a packet in a flat buffer
 * @p: level state
 * @pkt: the packet, decrypted in place
 * @hdr: from quic_hdr_decode(); on return pn is the full packet number
 * @largest_pn: largest packet number received in the space, -1 if none
 *
 * The plaintext starts at @hdr->pn_offset + @hdr->pn_len.
 *
 * Return: the plaintext length, or a negative errno: -EBADMSG
 * (authentication failed: drop, it was counted), -EINVAL (truncated or
 * not a protected packet type), -EKEYREJECTED, -EPROTO, -ENOKEY (see
 * quic_prot_rx_prepare() and quic_prot_rx_done()).
 */
int quic_prot_decrypt(struct quic_prot *p, u8 *pkt, struct quic_hdr *hdr,
		      s64 largest_pn)
{
	u8 nonce[QUIC_IV_LEN], mask[QUIC_HP_MASK_LEN];
	unsigned int hlen;
	int off, slot, err;

	if (hdr->type != QUIC_PKT_INITIAL && hdr->type != QUIC_PKT_0RTT &&
	    hdr->type != QUIC_PKT_HANDSHAKE && hdr->type != QUIC_PKT_1RTT)
		return -EINVAL;
	off = quic_hp_sample_offset(hdr->pn_offset, hdr->pkt_len);
	if (off < 0)
		return off;
	if (!p->rx.ready)
		return -ENOKEY;
	err = quic_hp_mask(p->rx.hp, pkt + off, mask);
	if (err)
		return err;
	slot = quic_prot_rx_prepare(p, pkt, hdr, mask, largest_pn, nonce);
	if (slot < 0)
		return slot;
	hlen = hdr->pn_offset + hdr->pn_len;
	err = quic_aead_crypt(p->rx.aead[slot], false, nonce, pkt, hlen,
			      hdr->pkt_len - hlen);
	err = quic_prot_rx_done(p, hdr, slot, err);
	if (err)
		return err;
	return (int)(hdr->pkt_len - hlen - QUIC_TAG_LEN);
}

/**
 * quic_prot_retry_tag - Retry integrity tag (RFC 9001 5.8)
 * @aead: platform AES-128-GCM context keyed with quic_retry_key()
 * @version: QUIC_VERSION_V1 or QUIC_VERSION_V2
 * @odcid: the client's original Destination Connection ID
 * @odcid_len: its length
 * @retry: the Retry packet without its tag
 * @len: its length
 * @buf: scratch for the pseudo-packet
 * @buflen: at least 1 + @odcid_len + @len + QUIC_TAG_LEN
 * @tag: output, QUIC_RETRY_TAG_LEN bytes
 *
 * Return: 0 or a negative errno (-EINVAL, -ENOBUFS).
 */
int quic_prot_retry_tag(void *aead, u32 version, const u8 *odcid,
			u8 odcid_len, const u8 *retry, unsigned int len,
			u8 *buf, unsigned int buflen, u8 *tag)
{
	const u8 *key, *nonce;
	int n, err;

	err = quic_retry_key(version, &key, &nonce);
	if (err)
		return err;
	n = quic_retry_pseudo_encode(buf, buflen, odcid, odcid_len, retry,
				     len);
	if (n < 0)
		return n;
	if ((unsigned int)n + QUIC_TAG_LEN > buflen)
		return -ENOBUFS;
	err = quic_aead_crypt(aead, true, nonce, buf, n, 0);
	if (err)
		return err;
	memcpy(tag, buf + n, QUIC_RETRY_TAG_LEN);
	return 0;
}

/**
 * quic_prot_aead_limit - where the level stands against the AEAD limits
 * (RFC 9001 6.6)
 * @p: level state
 *
 * Return: QUIC_AEAD_LIMIT_REACHED when the integrity limit is reached
 * (close with AEAD_LIMIT_REACHED) or, without key update, the
 * confidentiality limit; QUIC_AEAD_KEY_UPDATE once three quarters of the
 * confidentiality limit are used with key update; QUIC_AEAD_OK otherwise.
 */
int quic_prot_aead_limit(const struct quic_prot *p)
{
	u64 conf = p->cipher ? p->cipher->conf_limit : 0;
	int slot = p->key_update ? p->kp.phase : 0;

	if (!p->cipher)
		return QUIC_AEAD_OK;
	if (p->rx_failed >= p->cipher->integ_limit)
		return QUIC_AEAD_LIMIT_REACHED;
	if (p->key_update && p->tx.pkts[slot] >= conf - conf / 4)
		return QUIC_AEAD_KEY_UPDATE;
	if (p->tx.pkts[slot] >= conf)
		return QUIC_AEAD_LIMIT_REACHED;
	return QUIC_AEAD_OK;
}
