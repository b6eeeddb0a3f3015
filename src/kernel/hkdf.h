/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HKDF (RFC 5869) and TLS 1.3 HKDF-Expand-Label over an HMAC primitive. */

#ifndef __QUIC_HKDF_H__
#define __QUIC_HKDF_H__

#include <linux/types.h>
#include <linux/errno.h>

#define QUIC_HKDF_HASH_MAX	48	/* SHA-384 */
#define QUIC_HKDF_INFO_MAX	64

/* platform primitive: HMAC(key, data) into out; returns the digest length
 * or a negative errno. crypto.c implements it over crypto_shash, the unit
 * tests over nettle.
 */
int quic_hmac(void *hmac, const u8 *key, unsigned int keylen,
	      const u8 *data, unsigned int len, u8 *out);

int quic_hkdf_extract(void *hmac, const u8 *salt, unsigned int saltlen,
		      const u8 *ikm, unsigned int ikmlen, u8 *prk);
int quic_hkdf_expand(void *hmac, unsigned int hashlen, const u8 *prk,
		     unsigned int prklen, const u8 *info, unsigned int infolen,
		     u8 *out, unsigned int len);
int quic_hkdf_expand_label(void *hmac, unsigned int hashlen, const u8 *secret,
			   unsigned int secretlen, const char *label,
			   u8 *out, unsigned int len);

#endif /* __QUIC_HKDF_H__ */
