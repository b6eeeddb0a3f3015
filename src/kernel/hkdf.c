// SPDX-License-Identifier: GPL-2.0-or-later
/* HKDF-Extract/Expand (RFC 5869) and HKDF-Expand-Label (RFC 8446 7.1). */

#include <linux/string.h>
#include "hkdf.h"

/**
 * quic_hkdf_extract - HKDF-Extract: PRK = HMAC(salt, IKM)
 * @hmac: platform HMAC context (its hash decides the PRK length)
 * @salt: salt
 * @saltlen: length of @salt
 * @ikm: input keying material
 * @ikmlen: length of @ikm
 * @prk: output, the hash length
 *
 * Return: the PRK length, or a negative errno.
 */
int quic_hkdf_extract(void *hmac, const u8 *salt, unsigned int saltlen,
		      const u8 *ikm, unsigned int ikmlen, u8 *prk)
{
	return quic_hmac(hmac, salt, saltlen, ikm, ikmlen, prk);
}

/**
 * quic_hkdf_expand - HKDF-Expand: T(i) = HMAC(PRK, T(i-1) | info | i)
 * @hmac: platform HMAC context
 * @hashlen: its digest length
 * @prk: pseudorandom key
 * @prklen: length of @prk
 * @info: context information, at most QUIC_HKDF_INFO_MAX bytes
 * @infolen: length of @info
 * @out: output keying material
 * @len: bytes wanted, at most 255 * @hashlen
 *
 * Return: 0 or a negative errno (-EINVAL for impossible lengths).
 */
int quic_hkdf_expand(void *hmac, unsigned int hashlen, const u8 *prk,
		     unsigned int prklen, const u8 *info, unsigned int infolen,
		     u8 *out, unsigned int len)
{
	u8 buf[QUIC_HKDF_HASH_MAX + QUIC_HKDF_INFO_MAX + 1];
	u8 t[QUIC_HKDF_HASH_MAX];
	unsigned int tlen = 0, n, done = 0;
	u8 i = 0;
	int err;

	if (!hashlen || hashlen > QUIC_HKDF_HASH_MAX ||
	    infolen > QUIC_HKDF_INFO_MAX || len > 255 * hashlen)
		return -EINVAL;
	while (done < len) {
		memcpy(buf, t, tlen);
		memcpy(buf + tlen, info, infolen);
		buf[tlen + infolen] = ++i;
		err = quic_hmac(hmac, prk, prklen, buf, tlen + infolen + 1, t);
		if (err < 0)
			goto out;
		if ((unsigned int)err != hashlen) {
			err = -EINVAL;
			goto out;
		}
		tlen = hashlen;
		n = len - done < hashlen ? len - done : hashlen;
		memcpy(out + done, t, n);
		done += n;
	}
	err = 0;
out:
	memzero_explicit(t, sizeof(t));
	memzero_explicit(buf, sizeof(buf));
	return err;
}

/**
 * quic_hkdf_expand_label - TLS 1.3 HKDF-Expand-Label with an empty context
 * @hmac: platform HMAC context
 * @hashlen: its digest length
 * @secret: the secret to expand
 * @secretlen: length of @secret
 * @label: label without the "tls13 " prefix (e.g. "quic key")
 * @out: output
 * @len: bytes wanted
 *
 * info = uint16(len) | uint8(6 + strlen(label)) | "tls13 " label | uint8(0)
 *
 * Return: 0 or a negative errno.
 */
int quic_hkdf_expand_label(void *hmac, unsigned int hashlen, const u8 *secret,
			   unsigned int secretlen, const char *label,
			   u8 *out, unsigned int len)
{
	static const char prefix[] = "tls13 ";
	size_t plen = sizeof(prefix) - 1, llen = strlen(label);
	u8 info[QUIC_HKDF_INFO_MAX];
	unsigned int n = 0;

	if (len > 0xffff || 4 + plen + llen > sizeof(info))
		return -EINVAL;
	info[n++] = (u8)(len >> 8);
	info[n++] = (u8)len;
	info[n++] = (u8)(plen + llen);
	memcpy(info + n, prefix, plen);
	n += plen;
	memcpy(info + n, label, llen);
	n += llen;
	info[n++] = 0;
	return quic_hkdf_expand(hmac, hashlen, secret, secretlen, info, n,
				out, len);
}
