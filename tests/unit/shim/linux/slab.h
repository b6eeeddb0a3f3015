/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Userspace shim: kmalloc/kzalloc/kfree on libc's allocator, GFP flags. */
#ifndef QUIC_SHIM_LINUX_SLAB_H
#define QUIC_SHIM_LINUX_SLAB_H

#include <linux/types.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned int gfp_t;

#define GFP_KERNEL	0x1u
#define GFP_ATOMIC	0x2u

/*
 * Tests make the next allocations fail to exercise error paths: after
 * shim_kmalloc_fail_after successful allocations (a negative value: never),
 * every kmalloc returns NULL.
 */
extern long shim_kmalloc_fail_after;

static inline void *kmalloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	if (shim_kmalloc_fail_after == 0)
		return NULL;
	if (shim_kmalloc_fail_after > 0)
		shim_kmalloc_fail_after--;
	return malloc(size ? size : 1);
}

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	void *p = kmalloc(size, gfp);

	if (p)
		memset(p, 0, size);
	return p;
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

#endif
