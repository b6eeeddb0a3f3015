// SPDX-License-Identifier: GPL-2.0-or-later
/* QUIC packet protection primitives and skb paths over the kernel crypto API. */

#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <crypto/algapi.h>
#include <linux/slab.h>
#include "crypto.h"

/* the primitives protect.c and hkdf.c call (see protect.h) */

int quic_hmac(void *hmac, const u8 *key, unsigned int keylen,
	      const u8 *data, unsigned int len, u8 *out)
{
	struct crypto_shash *tfm = hmac;
	int err;

	err = crypto_shash_setkey(tfm, key, keylen);
	if (!err)
		err = crypto_shash_tfm_digest(tfm, data, len, out);
	return err ? err : crypto_shash_digestsize(tfm);
}

int quic_aead_setkey(void *aead, const u8 *key, unsigned int keylen)
{
	struct quic_crypto_aead *a = aead;

	return crypto_aead_setkey(a->tfm, key, keylen);
}

/* AEAD from @src to @dst (the same list: in place): aadlen bytes of AAD,
 * then len bytes of text (with the tag when decrypting)
 */
static int quic_aead_run(struct quic_crypto_aead *a, bool enc,
			 const u8 *nonce, struct scatterlist *src,
			 struct scatterlist *dst, unsigned int aadlen,
			 unsigned int len)
{
	u8 iv[16] = {};

	if (a->ccm) {
		/* ccm(aes) IV: L' = 15 - 12 - 1, then the nonce, counter 0 */
		iv[0] = 2;
		memcpy(iv + 1, nonce, QUIC_IV_LEN);
	} else {
		memcpy(iv, nonce, QUIC_IV_LEN);
	}
	if (!enc && len < QUIC_TAG_LEN)
		return -EINVAL;
	aead_request_set_crypt(a->req, src, dst, len, iv);
	aead_request_set_ad(a->req, aadlen);
	return enc ? crypto_aead_encrypt(a->req) : crypto_aead_decrypt(a->req);
}

int quic_aead_crypt(void *aead, bool enc, const u8 *nonce, u8 *buf,
		    unsigned int aadlen, unsigned int len)
{
	struct scatterlist sg;

	sg_init_one(&sg, buf, aadlen + len + (enc ? QUIC_TAG_LEN : 0));
	return quic_aead_run(aead, enc, nonce, &sg, &sg, aadlen, len);
}

int quic_hp_setkey(void *hp, const u8 *key, unsigned int keylen)
{
	struct quic_crypto_hp *h = hp;

	return crypto_skcipher_setkey(h->tfm, key, keylen);
}

int quic_hp_mask(void *hp, const u8 *sample, u8 *mask)
{
	struct quic_crypto_hp *h = hp;
	struct scatterlist sg;
	int err;

	if (h->chacha) {
		/* chacha20 IV: 32-bit counter (LE) then the 96-bit nonce,
		 * which is the sample as is (RFC 9001 5.4.4)
		 */
		memcpy(h->iv, sample, QUIC_HP_SAMPLE_LEN);
		memset(h->buf, 0, QUIC_HP_MASK_LEN);
		sg_init_one(&sg, h->buf, QUIC_HP_MASK_LEN);
		skcipher_request_set_crypt(h->req, &sg, &sg, QUIC_HP_MASK_LEN,
					   h->iv);
	} else {
		memcpy(h->buf, sample, QUIC_HP_SAMPLE_LEN);
		sg_init_one(&sg, h->buf, QUIC_HP_SAMPLE_LEN);
		skcipher_request_set_crypt(h->req, &sg, &sg,
					   QUIC_HP_SAMPLE_LEN, NULL);
	}
	err = crypto_skcipher_encrypt(h->req);
	memcpy(mask, h->buf, QUIC_HP_MASK_LEN);
	return err;
}

static int quic_crypto_aead_alloc(struct quic_crypto_aead *a,
				  const struct quic_cipher *ci)
{
	a->tfm = crypto_alloc_aead(ci->aead, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(a->tfm)) {
		int err = PTR_ERR(a->tfm);

		a->tfm = NULL;
		return err;
	}
	a->ccm = ci->ccm;
	if (crypto_aead_setauthsize(a->tfm, QUIC_TAG_LEN))
		return -EINVAL;
	a->req = aead_request_alloc(a->tfm, GFP_KERNEL);
	if (!a->req)
		return -ENOMEM;
	aead_request_set_callback(a->req, 0, NULL, NULL);
	return 0;
}

static void quic_crypto_aead_free(struct quic_crypto_aead *a)
{
	aead_request_free(a->req);
	crypto_free_aead(a->tfm);
	a->req = NULL;
	a->tfm = NULL;
}

static int quic_crypto_hp_alloc(struct quic_crypto_hp *h,
				const struct quic_cipher *ci)
{
	h->tfm = crypto_alloc_skcipher(ci->hp, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(h->tfm)) {
		int err = PTR_ERR(h->tfm);

		h->tfm = NULL;
		return err;
	}
	h->chacha = ci->hp_chacha;
	h->req = skcipher_request_alloc(h->tfm, GFP_KERNEL);
	if (!h->req)
		return -ENOMEM;
	skcipher_request_set_callback(h->req, 0, NULL, NULL);
	return 0;
}

/* the transforms of a cipher, and the pointers protect.c uses */
static int quic_crypto_alloc(struct quic_crypto *c,
			     const struct quic_cipher *ci)
{
	int d, s, slots = c->level == QUIC_CRYPTO_APP ? 2 : 1, err;

	c->hmac = crypto_alloc_shash(ci->hmac, 0, 0);
	if (IS_ERR(c->hmac)) {
		err = PTR_ERR(c->hmac);
		c->hmac = NULL;
		return err;
	}
	for (d = 0; d < 2; d++) {
		for (s = 0; s < slots; s++) {
			err = quic_crypto_aead_alloc(&c->aead[d][s], ci);
			if (err)
				return err;
		}
		err = quic_crypto_hp_alloc(&c->hp[d], ci);
		if (err)
			return err;
	}
	c->p.cipher = ci;
	c->p.hmac = c->hmac;
	c->p.key_update = slots == 2;
	c->p.tx.aead[0] = &c->aead[0][0];
	c->p.tx.aead[1] = &c->aead[0][1];
	c->p.rx.aead[0] = &c->aead[1][0];
	c->p.rx.aead[1] = &c->aead[1][1];
	c->p.tx.hp = &c->hp[0];
	c->p.rx.hp = &c->hp[1];
	return 0;
}

/**
 * quic_crypto_init - prepare an empty level
 * @c: the level, in kmalloc or slab memory
 * @level: enum quic_crypto_level; QUIC_CRYPTO_APP gets key update
 */
void quic_crypto_init(struct quic_crypto *c, u8 level)
{
	memset(c, 0, sizeof(*c));
	c->level = level;
}

/**
 * quic_crypto_free - free the transforms and wipe the secrets
 * @c: the level; it is empty (as after quic_crypto_init()) afterwards
 */
void quic_crypto_free(struct quic_crypto *c)
{
	u8 level = c->level;
	int d, s;

	for (d = 0; d < 2; d++) {
		for (s = 0; s < 2; s++)
			quic_crypto_aead_free(&c->aead[d][s]);
		skcipher_request_free(c->hp[d].req);
		crypto_free_skcipher(c->hp[d].tfm);
	}
	crypto_free_shash(c->hmac);
	memzero_explicit(c, sizeof(*c));
	c->level = level;
}

/**
 * quic_crypto_set_secret - install a traffic secret from TLS
 * @c: the level
 * @type: TLS_CIPHER_* (the same for both directions)
 * @version: QUIC version whose labels derive the keys
 * @send: send (true) or receive secret
 * @secret: the secret, as long as the cipher's hash
 *
 * The first secret allocates the level's transforms.
 *
 * Return: 0, -EINVAL (unknown cipher or version, other cipher than the
 * first secret's), -ENOENT (no such algorithm in this kernel), -ENOMEM.
 */
int quic_crypto_set_secret(struct quic_crypto *c, u32 type, u32 version,
			   bool send, const u8 *secret)
{
	const struct quic_cipher *ci = quic_cipher_find(type);
	int err;

	if (!ci || !quic_version_supported(version))
		return -EINVAL;
	if (c->p.cipher && c->p.cipher != ci)
		return -EINVAL;
	if (!c->p.cipher) {
		err = quic_crypto_alloc(c, ci);
		if (err) {
			quic_crypto_free(c);
			return err;
		}
	}
	c->p.version = version;
	return quic_prot_install(&c->p, send, secret);
}

/**
 * quic_crypto_initial_keys - Initial keys from the client's first DCID
 * @c: an Initial level (may already hold keys: after Retry or a version
 *	change the keys are derived again)
 * @version: QUIC_VERSION_V1 or QUIC_VERSION_V2
 * @dcid: Destination Connection ID of the client's first Initial (or of
 *	the Initial after Retry)
 * @dcid_len: its length
 * @server: we are the server (send with the server secret)
 *
 * Return: 0 or a negative errno (see quic_crypto_set_secret()).
 */
int quic_crypto_initial_keys(struct quic_crypto *c, u32 version,
			     const u8 *dcid, u8 dcid_len, bool server)
{
	u8 cs[QUIC_INITIAL_SECRET_LEN], ss[QUIC_INITIAL_SECRET_LEN];
	const struct quic_cipher *ci;
	int err;

	if (!c->p.cipher) {
		ci = quic_cipher_find(TLS_CIPHER_AES_GCM_128);
		err = quic_crypto_alloc(c, ci);
		if (err) {
			quic_crypto_free(c);
			return err;
		}
	}
	if (c->p.cipher->type != TLS_CIPHER_AES_GCM_128)
		return -EINVAL;
	err = quic_prot_initial_secrets(c->hmac, version, dcid, dcid_len,
					cs, ss);
	if (!err)
		err = quic_crypto_set_secret(c, TLS_CIPHER_AES_GCM_128, version,
					     true, server ? ss : cs);
	if (!err)
		err = quic_crypto_set_secret(c, TLS_CIPHER_AES_GCM_128, version,
					     false, server ? cs : ss);
	memzero_explicit(cs, sizeof(cs));
	memzero_explicit(ss, sizeof(ss));
	return err;
}

/**
 * quic_crypto_encrypt - protect a packet in a flat buffer (kmalloc memory)
 * @c: the level
 * @pkt: header with the packet number written, plaintext, room for the tag
 * @hlen: header length, packet number included
 * @len: header plus plaintext
 * @pn: full packet number
 *
 * Return: the protected length (@len + 16) or a negative errno.
 */
int quic_crypto_encrypt(struct quic_crypto *c, u8 *pkt, unsigned int hlen,
			unsigned int len, u64 pn)
{
	return quic_prot_encrypt(&c->p, pkt, hlen, len, pn);
}

/**
 * quic_crypto_decrypt - remove the protection of a packet in a flat buffer
 * @c: the level
 * @pkt: the packet (kmalloc memory), decrypted in place
 * @hdr: from quic_hdr_decode(); pn, pn_len, key_phase set on return
 * @largest_pn: largest packet number received in the space, -1 if none
 *
 * Return: the plaintext length (it starts at pn_offset + pn_len) or a
 * negative errno.
 */
int quic_crypto_decrypt(struct quic_crypto *c, u8 *pkt, struct quic_hdr *hdr,
			s64 largest_pn)
{
	return quic_prot_decrypt(&c->p, pkt, hdr, largest_pn);
}

/**
 * quic_crypto_encrypt_gather - protect a packet whose payload is partly
 *	elsewhere, writing the whole protected packet into @pkt
 * @c: the level
 * @pkt: the packet: header (packet number written) and every payload byte
 *	that is not in @pieces; room for @len + 16 bytes
 * @hlen: header length, packet number included
 * @len: header plus plaintext length
 * @pn: full packet number
 * @pieces: ranges of the plaintext that live in other buffers (STREAM data
 *	in the stream's queue), ascending, inside [@hlen, @len), not empty;
 *	@pkt's bytes there are only written (the ciphertext lands there)
 * @n: number of @pieces, at most QUIC_CRYPTO_PIECES_MAX
 *
 * The AEAD reads the plaintext from @pkt and the pieces and writes the
 * ciphertext into @pkt: the payload is not copied before it is encrypted.
 * Never sleeps.
 *
 * Return: the protected length (@len + 16) or a negative errno.
 */
int quic_crypto_encrypt_gather(struct quic_crypto *c, u8 *pkt,
			       unsigned int hlen, unsigned int len, u64 pn,
			       const struct quic_crypto_piece *pieces,
			       unsigned int n)
{
	u8 nonce[QUIC_IV_LEN];
	unsigned int i, pos = hlen, nsg = 0, pn_offset;
	struct quic_prot *p = &c->p;
	struct scatterlist dst;
	int slot, err;

	if (!n)
		return quic_crypto_encrypt(c, pkt, hlen, len, pn);
	if (n > QUIC_CRYPTO_PIECES_MAX || !hlen)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!pieces[i].len || pieces[i].off < pos ||
		    pieces[i].len > len - pieces[i].off)
			return -EINVAL;
		pos = pieces[i].off + pieces[i].len;
	}
	pn_offset = hlen - 1 - (pkt[0] & QUIC_HDR_PN_LEN_MASK);
	slot = quic_prot_tx_prepare(p, pkt, hlen, len, pn, nonce);
	if (slot < 0)
		return slot;
	sg_init_table(c->sg, 2 * n + 1);
	for (pos = 0, i = 0; i < n; i++) {
		if (pieces[i].off > pos)
			sg_set_buf(&c->sg[nsg++], pkt + pos,
				   pieces[i].off - pos);
		sg_set_buf(&c->sg[nsg++], pieces[i].data, pieces[i].len);
		pos = pieces[i].off + pieces[i].len;
	}
	if (pos < len)
		sg_set_buf(&c->sg[nsg++], pkt + pos, len - pos);
	sg_mark_end(&c->sg[nsg - 1]);
	sg_init_one(&dst, pkt, len + QUIC_TAG_LEN);
	/* a byte of @dst is written after its byte of the source was read:
	 * where the source is @pkt itself, that is the same byte
	 */
	err = quic_aead_run(p->tx.aead[slot], true, nonce, c->sg, &dst, hlen,
			    len - hlen);
	if (err)
		return err;
	return quic_prot_tx_seal(p, slot, pkt, pn_offset, len);
}

/* make the skb's data writable with @tail bytes of room at the end, as
 * esp4 does; returns the number of scatterlist entries it needs
 */
static int quic_skb_prepare(struct sk_buff *skb, unsigned int tail,
			    struct sk_buff **trailer)
{
	int nsg;

	*trailer = skb;
	if (!skb_cloned(skb) && !skb_has_frag_list(skb)) {
		if (!skb_is_nonlinear(skb)) {
			if (skb_tailroom(skb) < tail &&
			    pskb_expand_head(skb, 0, tail - skb_tailroom(skb),
					     GFP_ATOMIC))
				return -ENOMEM;
			return 1;
		}
		/* decrypt in place over private page fragments */
		if (!tail && !skb_has_shared_frag(skb))
			return skb_shinfo(skb)->nr_frags + 1;
	}
	nsg = skb_cow_data(skb, tail, trailer);
	if (nsg < 0 || nsg <= QUIC_CRYPTO_SG_MAX)
		return nsg;
	if (skb_linearize(skb))
		return -ENOMEM;
	return quic_skb_prepare(skb, tail, trailer);
}

/**
 * quic_crypto_encrypt_skb - protect a packet at the end of an skb, in place
 * @c: the level
 * @skb: holds the packet from @off to skb->len: header (packet number
 *	written, at least @hlen bytes linear or pullable), plaintext
 * @off: offset of the packet in @skb (coalesced packets before it)
 * @hlen: header length, packet number included
 * @pn: full packet number
 *
 * The tag is appended (skb->len grows by 16), using tailroom when there
 * is some. Never sleeps.
 *
 * Return: the protected packet length, or a negative errno.
 */
int quic_crypto_encrypt_skb(struct quic_crypto *c, struct sk_buff *skb,
			    unsigned int off, unsigned int hlen, u64 pn)
{
	u8 nonce[QUIC_IV_LEN], mask[QUIC_HP_MASK_LEN], sample[16];
	struct quic_prot *p = &c->p;
	unsigned int len, pn_offset;
	struct sk_buff *trailer;
	int slot, nsg, err;
	u8 *pkt;

	if (off > skb->len || skb->len - off < hlen || !hlen)
		return -EINVAL;
	len = skb->len - off;
	if (!pskb_may_pull(skb, off + hlen))
		return -ENOMEM;
	nsg = quic_skb_prepare(skb, QUIC_TAG_LEN, &trailer);
	if (nsg < 0)
		return nsg;
	pkt = skb->data + off;
	pn_offset = hlen - 1 - (pkt[0] & QUIC_HDR_PN_LEN_MASK);
	slot = quic_prot_tx_prepare(p, pkt, hlen, len, pn, nonce);
	if (slot < 0)
		return slot;
	pskb_put(skb, trailer, QUIC_TAG_LEN);
	sg_init_table(c->sg, nsg);
	nsg = skb_to_sgvec(skb, c->sg, off, len + QUIC_TAG_LEN);
	if (nsg < 0)
		goto trim;
	err = quic_aead_run(p->tx.aead[slot], true, nonce, c->sg, c->sg, hlen,
			    len - hlen);
	if (err)
		goto trim;
	quic_prot_tx_done(p, slot);
	err = skb_copy_bits(skb, off + pn_offset + QUIC_PN_MAX_LEN, sample,
			    sizeof(sample));
	if (!err)
		err = quic_hp_mask(p->tx.hp, sample, mask);
	if (err)
		return err;
	quic_hp_apply(skb->data + off, pn_offset, mask);
	return len + QUIC_TAG_LEN;
trim:
	err = nsg < 0 ? nsg : err;
	pskb_trim(skb, skb->len - QUIC_TAG_LEN);
	return err;
}

/**
 * quic_crypto_decrypt_skb - remove the protection of a packet in an skb
 * @c: the level
 * @skb: the datagram
 * @off: offset of the packet in @skb
 * @hdr: from quic_hdr_decode() of the packet; pn, pn_len and key_phase are
 *	set on return. Its pointers into the skb (dcid, scid, token) may be
 *	stale afterwards: the skb may be made writable by copying.
 * @largest_pn: largest packet number received in the space, -1 if none
 *
 * Decrypts in place (over page fragments too); the plaintext starts at
 * @off + pn_offset + pn_len and the 16-byte tag stays after it. Never
 * sleeps.
 *
 * Return: the plaintext length, or a negative errno.
 */
int quic_crypto_decrypt_skb(struct quic_crypto *c, struct sk_buff *skb,
			    unsigned int off, struct quic_hdr *hdr,
			    s64 largest_pn)
{
	u8 nonce[QUIC_IV_LEN], mask[QUIC_HP_MASK_LEN], sample[16];
	struct quic_prot *p = &c->p;
	struct sk_buff *trailer;
	int soff, slot, nsg, err;
	unsigned int hlen;

	if (hdr->type != QUIC_PKT_INITIAL && hdr->type != QUIC_PKT_0RTT &&
	    hdr->type != QUIC_PKT_HANDSHAKE && hdr->type != QUIC_PKT_1RTT)
		return -EINVAL;
	if (off > skb->len || skb->len - off < hdr->pkt_len)
		return -EINVAL;
	soff = quic_hp_sample_offset(hdr->pn_offset, hdr->pkt_len);
	if (soff < 0)
		return soff;
	if (!p->rx.ready)
		return -ENOKEY;
	nsg = quic_skb_prepare(skb, 0, &trailer);
	if (nsg < 0)
		return nsg;
	if (!pskb_may_pull(skb, off + hdr->pn_offset + QUIC_PN_MAX_LEN))
		return -ENOMEM;
	err = skb_copy_bits(skb, off + soff, sample, sizeof(sample));
	if (!err)
		err = quic_hp_mask(p->rx.hp, sample, mask);
	if (err)
		return err;
	slot = quic_prot_rx_prepare(p, skb->data + off, hdr, mask, largest_pn,
				    nonce);
	if (slot < 0)
		return slot;
	hlen = hdr->pn_offset + hdr->pn_len;
	sg_init_table(c->sg, nsg);
	nsg = skb_to_sgvec(skb, c->sg, off, hdr->pkt_len);
	if (nsg < 0)
		return nsg;
	err = quic_aead_run(p->rx.aead[slot], false, nonce, c->sg, c->sg, hlen,
			    hdr->pkt_len - hlen);
	err = quic_prot_rx_done(p, hdr, slot, err);
	if (err)
		return err;
	return hdr->pkt_len - hlen - QUIC_TAG_LEN;
}

/**
 * quic_crypto_key_update - start a key update (see quic_prot_key_update())
 * @c: the 1-RTT level
 *
 * Return: the new key phase or a negative errno.
 */
int quic_crypto_key_update(struct quic_crypto *c)
{
	return quic_prot_key_update(&c->p);
}

/**
 * quic_crypto_key_update_prepare - drop the previous phase's keys and set
 * up the next phase's (see quic_prot_key_update_prepare()); may sleep
 * @c: the 1-RTT level
 *
 * Return: 0 or a negative errno.
 */
int quic_crypto_key_update_prepare(struct quic_crypto *c)
{
	return quic_prot_key_update_prepare(&c->p);
}

/**
 * quic_crypto_key_phase - the current key phase bit
 * @c: the level
 *
 * Return: 0 or 1.
 */
u8 quic_crypto_key_phase(const struct quic_crypto *c)
{
	return c->p.kp.phase;
}

/**
 * quic_crypto_key_updated - did the last decrypted packet start a key
 * update of the peer (report QUIC_EVENT_KEY_UPDATE, arm the old-keys timer)
 * @c: the level
 *
 * Return: true if it did.
 */
bool quic_crypto_key_updated(const struct quic_crypto *c)
{
	return c->p.kp.key_updated;
}

/**
 * quic_crypto_aead_limit - see quic_prot_aead_limit()
 * @c: the level
 *
 * Return: QUIC_AEAD_OK, QUIC_AEAD_KEY_UPDATE or QUIC_AEAD_LIMIT_REACHED.
 */
int quic_crypto_aead_limit(const struct quic_crypto *c)
{
	return quic_prot_aead_limit(&c->p);
}

/**
 * quic_crypto_driver - driver name of the send AEAD (for diagnostics)
 * @c: the level
 *
 * Return: the name, or "none" before a secret is installed.
 */
const char *quic_crypto_driver(const struct quic_crypto *c)
{
	if (!c->aead[0][0].tfm)
		return "none";
	return crypto_tfm_alg_driver_name(crypto_aead_tfm(c->aead[0][0].tfm));
}

/**
 * quic_crypto_retry_init - AES-128-GCM with the Retry key of a version
 * @r: zeroed object
 * @version: QUIC_VERSION_V1 or QUIC_VERSION_V2
 *
 * Return: 0 or a negative errno; on error @r holds nothing.
 */
int quic_crypto_retry_init(struct quic_crypto_retry *r, u32 version)
{
	const u8 *key, *nonce;
	int err;

	err = quic_retry_key(version, &key, &nonce);
	if (err)
		return err;
	r->version = version;
	r->buf = kmalloc(1 + QUIC_CID_MAX_LEN + QUIC_RETRY_MAX_LEN +
			 QUIC_TAG_LEN, GFP_KERNEL);
	err = r->buf ? 0 : -ENOMEM;
	if (!err)
		err = quic_crypto_aead_alloc(&r->aead,
					     quic_cipher_find(TLS_CIPHER_AES_GCM_128));
	if (!err)
		err = quic_aead_setkey(&r->aead, key, 16);
	if (err)
		quic_crypto_retry_free(r);
	return err;
}

/**
 * quic_crypto_retry_free - release what quic_crypto_retry_init() set up
 * @r: the object
 */
void quic_crypto_retry_free(struct quic_crypto_retry *r)
{
	quic_crypto_aead_free(&r->aead);
	kfree(r->buf);
	r->buf = NULL;
}

/**
 * quic_crypto_retry_tag - Retry integrity tag (RFC 9001 5.8)
 * @r: from quic_crypto_retry_init()
 * @odcid: the client's original Destination Connection ID
 * @odcid_len: its length
 * @retry: the Retry packet without its tag
 * @len: its length, at most QUIC_RETRY_MAX_LEN - 16
 * @tag: output, 16 bytes
 *
 * Return: 0, -EMSGSIZE for a longer packet, or a negative errno.
 */
int quic_crypto_retry_tag(struct quic_crypto_retry *r, const u8 *odcid,
			  u8 odcid_len, const u8 *retry, unsigned int len,
			  u8 *tag)
{
	if (len > QUIC_RETRY_MAX_LEN - QUIC_TAG_LEN)
		return -EMSGSIZE;
	return quic_prot_retry_tag(&r->aead, r->version, odcid, odcid_len,
				   retry, len, r->buf,
				   1 + QUIC_CID_MAX_LEN + QUIC_RETRY_MAX_LEN +
				   QUIC_TAG_LEN, tag);
}

/**
 * quic_crypto_retry_verify - check the tag of a received Retry packet
 * @r: from quic_crypto_retry_init()
 * @odcid: the Destination Connection ID of our first Initial
 * @odcid_len: its length
 * @retry: the whole Retry packet, tag included
 * @len: its length
 *
 * Return: 0 if the tag is right, -EBADMSG if not (drop the packet),
 * -EINVAL if too short, -EMSGSIZE if longer than QUIC_RETRY_MAX_LEN.
 */
int quic_crypto_retry_verify(struct quic_crypto_retry *r, const u8 *odcid,
			     u8 odcid_len, const u8 *retry, unsigned int len)
{
	u8 tag[QUIC_RETRY_TAG_LEN];
	int err;

	if (len <= QUIC_RETRY_TAG_LEN)
		return -EINVAL;
	err = quic_crypto_retry_tag(r, odcid, odcid_len, retry,
				    len - QUIC_RETRY_TAG_LEN, tag);
	if (err)
		return err;
	if (crypto_memneq(tag, retry + len - QUIC_RETRY_TAG_LEN, sizeof(tag)))
		return -EBADMSG;
	return 0;
}
