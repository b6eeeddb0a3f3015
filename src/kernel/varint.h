/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QUIC variable-length integers (RFC 9000 16), byte order and cursor helpers. */

#ifndef __QUIC_VARINT_H__
#define __QUIC_VARINT_H__

#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>

/*
 * Conventions shared by every wire codec (varint, header, frame, tparam):
 *
 * - Decoders take (const u8 *buf, size_t len), never read outside it, and
 *   return the number of bytes consumed (>= 0) or a negative QUIC transport
 *   error code, -QUIC_TRANSPORT_ERROR_*, which is what the connection must
 *   send in CONNECTION_CLOSE (header decode errors mean "drop the packet").
 *   Pointers stored in decoded structures point into buf.
 * - Encoders take (u8 *buf, size_t len) and return the number of bytes
 *   written or a negative errno: -ENOBUFS if buf is too small (nothing
 *   useful was written, the caller may retry with a bigger buffer or fewer
 *   items), -EINVAL if the value cannot be encoded, -EMSGSIZE if the
 *   encoding would exceed 2^31-1 bytes. Passing buf == NULL measures: the
 *   return value is the length the encoding needs.
 * - Lengths are returned as int: buffers are packets or TLS extensions,
 *   far below 2 GiB.
 * - No allocation, no locks, no sk_buff: the same files build in the kernel
 *   and in userspace (tests/unit/shim).
 */

#define QUIC_VARINT_MAX		((1ULL << 62) - 1)
#define QUIC_VARINT_MAX_LEN	8

static inline u16 quic_get_be16(const u8 *p)
{
	return (u16)((u16)p[0] << 8 | p[1]);
}

static inline u32 quic_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* read an n-byte (0..8) big-endian unsigned integer */
static inline u64 quic_get_be(const u8 *p, unsigned int n)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static inline void quic_put_be16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static inline void quic_put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

/* write the low n (0..8) bytes of v big-endian */
static inline void quic_put_be(u8 *p, u64 v, unsigned int n)
{
	while (n--) {
		p[n] = (u8)v;
		v >>= 8;
	}
}

/* minimal encoded length of v: 1, 2, 4 or 8; 0 if v > QUIC_VARINT_MAX */
static inline unsigned int quic_varint_len(u64 v)
{
	if (v < 64)
		return 1;
	if (v < 16384)
		return 2;
	if (v < 1073741824)
		return 4;
	if (v <= QUIC_VARINT_MAX)
		return 8;
	return 0;
}

int quic_varint_get(const u8 *buf, size_t len, u64 *val);
int quic_varint_put(u8 *buf, size_t len, u64 val);
int quic_varint_put_n(u8 *buf, size_t len, u64 val, unsigned int n);

/*
 * Read cursor: the decoders walk a buffer with it. Every getter returns
 * false, and consumes nothing, when the buffer is too short.
 */
struct quic_rcur {
	const u8 *p;
	size_t left;
};

static inline void quic_rcur_init(struct quic_rcur *c, const u8 *buf,
				  size_t len)
{
	c->p = buf;
	c->left = len;
}

static inline bool quic_rcur_u8(struct quic_rcur *c, u8 *v)
{
	if (c->left < 1)
		return false;
	*v = *c->p++;
	c->left--;
	return true;
}

static inline bool quic_rcur_be32(struct quic_rcur *c, u32 *v)
{
	if (c->left < 4)
		return false;
	*v = quic_get_be32(c->p);
	c->p += 4;
	c->left -= 4;
	return true;
}

/* on success *n tells the encoded length (for minimal-encoding checks) */
static inline bool quic_rcur_varint_n(struct quic_rcur *c, u64 *v,
				      unsigned int *n)
{
	int r = quic_varint_get(c->p, c->left, v);

	if (r <= 0)
		return false;
	c->p += r;
	c->left -= r;
	if (n)
		*n = r;
	return true;
}

static inline bool quic_rcur_varint(struct quic_rcur *c, u64 *v)
{
	return quic_rcur_varint_n(c, v, NULL);
}

/* take n bytes in place: *p points into the buffer */
static inline bool quic_rcur_bytes(struct quic_rcur *c, u64 n, const u8 **p)
{
	if (n > c->left)
		return false;
	*p = c->p;
	c->p += n;
	c->left -= n;
	return true;
}

static inline bool quic_rcur_copy(struct quic_rcur *c, void *dst, size_t n)
{
	if (n > c->left)
		return false;
	if (n)
		memcpy(dst, c->p, n);
	c->p += n;
	c->left -= n;
	return true;
}

/*
 * Write cursor: the encoders fill a buffer with it. The first failure is
 * latched in err and later writes are ignored, so an encoder writes all its
 * fields and checks once with quic_wcur_done(). With buf == NULL it only
 * counts (the "measure" mode of the encoders).
 */
struct quic_wcur {
	u8 *p;
	size_t left;
	size_t len;
	int err;
	bool count_only;
};

static inline void quic_wcur_init(struct quic_wcur *w, u8 *buf, size_t len)
{
	w->p = buf;
	w->left = buf ? len : 0;
	w->len = 0;
	w->err = 0;
	w->count_only = !buf;
}

/* room for n bytes, or NULL (counting mode, or error latched) */
static inline u8 *quic_wcur_reserve(struct quic_wcur *w, size_t n)
{
	u8 *p;

	if (w->err)
		return NULL;
	if (w->count_only) {
		w->len += n;
		return NULL;
	}
	if (n > w->left) {
		w->err = -ENOBUFS;
		return NULL;
	}
	p = w->p;
	w->p += n;
	w->left -= n;
	w->len += n;
	return p;
}

static inline void quic_wcur_fail(struct quic_wcur *w, int err)
{
	if (!w->err)
		w->err = err;
}

static inline void quic_wcur_u8(struct quic_wcur *w, u8 v)
{
	u8 *p = quic_wcur_reserve(w, 1);

	if (p)
		*p = v;
}

static inline void quic_wcur_be32(struct quic_wcur *w, u32 v)
{
	u8 *p = quic_wcur_reserve(w, 4);

	if (p)
		quic_put_be32(p, v);
}

static inline void quic_wcur_be(struct quic_wcur *w, u64 v, unsigned int n)
{
	u8 *p = quic_wcur_reserve(w, n);

	if (p)
		quic_put_be(p, v, n);
}

/* varint in n bytes (1, 2, 4, 8), or minimal when n == 0 */
static inline void quic_wcur_varint_n(struct quic_wcur *w, u64 v,
				      unsigned int n)
{
	unsigned int min = quic_varint_len(v);
	u8 *p;

	if (!min || (n && n != 1 && n != 2 && n != 4 && n != 8) ||
	    (n && n < min)) {
		quic_wcur_fail(w, -EINVAL);
		return;
	}
	if (!n)
		n = min;
	p = quic_wcur_reserve(w, n);
	if (p)
		quic_varint_put_n(p, n, v, n);
}

static inline void quic_wcur_varint(struct quic_wcur *w, u64 v)
{
	quic_wcur_varint_n(w, v, 0);
}

static inline void quic_wcur_bytes(struct quic_wcur *w, const void *src,
				   size_t n)
{
	u8 *p = quic_wcur_reserve(w, n);

	if (p && n)
		memcpy(p, src, n);
}

/* bytes written (or needed, when counting), or the latched -errno */
static inline int quic_wcur_done(const struct quic_wcur *w)
{
	if (w->err)
		return w->err;
	if (w->len > 0x7fffffff)
		return -EMSGSIZE;
	return (int)w->len;
}

#endif /* __QUIC_VARINT_H__ */
