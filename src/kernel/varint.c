// SPDX-License-Identifier: GPL-2.0-or-later
/* QUIC variable-length integer encoding and decoding (RFC 9000 16). */

#include "varint.h"

/**
 * quic_varint_get - decode one variable-length integer
 * @buf: input
 * @len: bytes available at @buf
 * @val: decoded value (0 .. 2^62-1)
 *
 * Non-minimal encodings are accepted (RFC 9000 16); callers that need the
 * minimal form (frame types, RFC 9000 12.4) compare the return value with
 * quic_varint_len(*val).
 *
 * Return: bytes consumed (1, 2, 4 or 8), or 0 if @buf is too short; the
 * caller maps 0 to the transport error of its context.
 */
int quic_varint_get(const u8 *buf, size_t len, u64 *val)
{
	unsigned int n;

	if (!len)
		return 0;
	n = 1u << (buf[0] >> 6);
	if (len < n)
		return 0;
	*val = quic_get_be(buf, n) & (~0ULL >> (64 - 8 * n + 2));
	return n;
}

/**
 * quic_varint_put_n - encode a variable-length integer in exactly @n bytes
 * @buf: output
 * @len: room at @buf
 * @val: value
 * @n: encoded length, 1, 2, 4 or 8 (a non-minimal length is allowed, e.g.
 *     to reserve room for a Length field that is filled in later)
 *
 * Return: @n, -EINVAL if @n is not a valid length or @val does not fit in
 * it, -ENOBUFS if @len < @n.
 */
int quic_varint_put_n(u8 *buf, size_t len, u64 val, unsigned int n)
{
	static const u8 prefix[9] = { [1] = 0x00, [2] = 0x40, [4] = 0x80,
				      [8] = 0xc0 };

	if (n != 1 && n != 2 && n != 4 && n != 8)
		return -EINVAL;
	if (val > QUIC_VARINT_MAX || quic_varint_len(val) > n)
		return -EINVAL;
	if (len < n)
		return -ENOBUFS;
	quic_put_be(buf, val, n);
	buf[0] |= prefix[n];
	return n;
}

/**
 * quic_varint_put - encode a variable-length integer minimally
 * @buf: output
 * @len: room at @buf
 * @val: value, at most QUIC_VARINT_MAX
 *
 * Return: bytes written, -EINVAL if @val > 2^62-1, -ENOBUFS if too small.
 */
int quic_varint_put(u8 *buf, size_t len, u64 val)
{
	unsigned int n = quic_varint_len(val);

	if (!n)
		return -EINVAL;
	return quic_varint_put_n(buf, len, val, n);
}
