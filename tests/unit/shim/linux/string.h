/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Userspace shim: memcpy/memcmp/memset for the wire codecs come from libc. */
#ifndef QUIC_SHIM_LINUX_STRING_H
#define QUIC_SHIM_LINUX_STRING_H

#include <string.h>

/* the kernel's memzero_explicit(): a memset the compiler cannot drop */
static inline void memzero_explicit(void *s, size_t n)
{
	void *(*volatile set)(void *, int, size_t) = memset;

	set(s, 0, n);
}

#endif
