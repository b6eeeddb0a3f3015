// SPDX-License-Identifier: GPL-2.0-or-later
/* nettle implementations of quic_hmac/aead/hp primitives, for the unit tests. */
#include <string.h>
#include <nettle/aes.h>
#include <nettle/ccm.h>
#include <nettle/chacha.h>
#include <nettle/chacha-poly1305.h>
#include <nettle/gcm.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>
#include "crypto_user.h"

int quic_hmac(void *hmac, const u8 *key, unsigned int keylen,
	      const u8 *data, unsigned int len, u8 *out)
{
	struct u_hmac *h = hmac;

	if (h->sha384) {
		struct hmac_sha384_ctx c;

		hmac_sha384_set_key(&c, keylen, key);
		hmac_sha384_update(&c, len, data);
		hmac_sha384_digest(&c, SHA384_DIGEST_SIZE, out);
		return SHA384_DIGEST_SIZE;
	}
	struct hmac_sha256_ctx c;

	hmac_sha256_set_key(&c, keylen, key);
	hmac_sha256_update(&c, len, data);
	hmac_sha256_digest(&c, SHA256_DIGEST_SIZE, out);
	return SHA256_DIGEST_SIZE;
}

int quic_aead_setkey(void *aead, const u8 *key, unsigned int keylen)
{
	struct u_aead *a = aead;

	if (keylen > sizeof(a->key))
		return -EINVAL;
	memcpy(a->key, key, keylen);
	a->keylen = keylen;
	return 0;
}

int quic_aead_crypt(void *aead, bool enc, const u8 *nonce, u8 *buf,
		    unsigned int aadlen, unsigned int len)
{
	struct u_aead *a = aead;
	u8 *text = buf + aadlen, tag[QUIC_TAG_LEN];
	unsigned int n = len;

	if (!enc) {
		if (len < QUIC_TAG_LEN)
			return -EINVAL;
		n = len - QUIC_TAG_LEN;
	}
	switch (a->type) {
	case TLS_CIPHER_AES_GCM_128: {
		struct gcm_aes128_ctx c;

		gcm_aes128_set_key(&c, a->key);
		gcm_aes128_set_iv(&c, QUIC_IV_LEN, nonce);
		gcm_aes128_update(&c, aadlen, buf);
		if (enc)
			gcm_aes128_encrypt(&c, n, text, text);
		else
			gcm_aes128_decrypt(&c, n, text, text);
		gcm_aes128_digest(&c, QUIC_TAG_LEN, tag);
		break;
	}
	case TLS_CIPHER_AES_GCM_256: {
		struct gcm_aes256_ctx c;

		gcm_aes256_set_key(&c, a->key);
		gcm_aes256_set_iv(&c, QUIC_IV_LEN, nonce);
		gcm_aes256_update(&c, aadlen, buf);
		if (enc)
			gcm_aes256_encrypt(&c, n, text, text);
		else
			gcm_aes256_decrypt(&c, n, text, text);
		gcm_aes256_digest(&c, QUIC_TAG_LEN, tag);
		break;
	}
	case TLS_CIPHER_CHACHA20_POLY1305: {
		struct chacha_poly1305_ctx c;

		chacha_poly1305_set_key(&c, a->key);
		chacha_poly1305_set_nonce(&c, nonce);
		chacha_poly1305_update(&c, aadlen, buf);
		if (enc)
			chacha_poly1305_encrypt(&c, n, text, text);
		else
			chacha_poly1305_decrypt(&c, n, text, text);
		chacha_poly1305_digest(&c, QUIC_TAG_LEN, tag);
		break;
	}
	case TLS_CIPHER_AES_CCM_128: {
		struct ccm_aes128_ctx c;

		ccm_aes128_set_key(&c, a->key);
		ccm_aes128_set_nonce(&c, QUIC_IV_LEN, nonce, aadlen, n,
				     QUIC_TAG_LEN);
		ccm_aes128_update(&c, aadlen, buf);
		if (enc)
			ccm_aes128_encrypt(&c, n, text, text);
		else
			ccm_aes128_decrypt(&c, n, text, text);
		ccm_aes128_digest(&c, QUIC_TAG_LEN, tag);
		break;
	}
	default:
		return -EINVAL;
	}
	if (enc) {
		memcpy(text + n, tag, QUIC_TAG_LEN);
		return 0;
	}
	return memeql_sec(tag, text + n, QUIC_TAG_LEN) ? 0 : -EBADMSG;
}

int quic_hp_setkey(void *hp, const u8 *key, unsigned int keylen)
{
	struct u_hp *h = hp;

	if (keylen > sizeof(h->key))
		return -EINVAL;
	memcpy(h->key, key, keylen);
	h->keylen = keylen;
	return 0;
}

int quic_hp_mask(void *hp, const u8 *sample, u8 *mask)
{
	static const u8 zero[QUIC_HP_MASK_LEN];
	struct u_hp *h = hp;
	u8 block[16];

	if (h->chacha) {
		struct chacha_ctx c;

		chacha_set_key(&c, h->key);
		chacha_set_nonce96(&c, sample + 4);
		chacha_set_counter32(&c, sample);
		chacha_crypt32(&c, QUIC_HP_MASK_LEN, mask, zero);
		return 0;
	}
	if (h->keylen == 16) {
		struct aes128_ctx c;

		aes128_set_encrypt_key(&c, h->key);
		aes128_encrypt(&c, 16, block, sample);
	} else {
		struct aes256_ctx c;

		aes256_set_encrypt_key(&c, h->key);
		aes256_encrypt(&c, 16, block, sample);
	}
	memcpy(mask, block, QUIC_HP_MASK_LEN);
	return 0;
}

int u_level_init(struct u_level *l, u32 type, u32 version, bool key_update)
{
	const struct quic_cipher *c = quic_cipher_find(type);
	int d, s;

	memset(l, 0, sizeof(*l));
	if (!c)
		return -EINVAL;
	l->p.cipher = c;
	l->p.version = version;
	l->p.key_update = key_update;
	l->hmac.sha384 = c->secret_len == 48;
	l->p.hmac = &l->hmac;
	for (d = 0; d < 2; d++) {
		for (s = 0; s < 2; s++)
			l->aead[d][s].type = type;
		l->hp[d].chacha = c->hp_chacha;
	}
	l->p.tx.aead[0] = &l->aead[0][0];
	l->p.tx.aead[1] = &l->aead[0][1];
	l->p.rx.aead[0] = &l->aead[1][0];
	l->p.rx.aead[1] = &l->aead[1][1];
	l->p.tx.hp = &l->hp[0];
	l->p.rx.hp = &l->hp[1];
	return 0;
}

int u_level_initial(struct u_level *l, u32 version, const u8 *dcid,
		    u8 dcid_len, bool server)
{
	u8 cs[QUIC_INITIAL_SECRET_LEN], ss[QUIC_INITIAL_SECRET_LEN];
	int err;

	err = u_level_init(l, TLS_CIPHER_AES_GCM_128, version, false);
	if (!err)
		err = quic_prot_initial_secrets(l->p.hmac, version, dcid,
						dcid_len, cs, ss);
	if (!err)
		err = quic_prot_install(&l->p, true, server ? ss : cs);
	if (!err)
		err = quic_prot_install(&l->p, false, server ? cs : ss);
	return err;
}
