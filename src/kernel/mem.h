/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Memory accounting of connection state: a byte counter and a charge hook. */

#ifndef __QUIC_MEM_H__
#define __QUIC_MEM_H__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/slab.h>

/**
 * struct quic_mem - an account that connection-state objects charge
 * @used: bytes currently charged through this account
 * @charge: optional hook, called with +bytes before every allocation and
 *	with -bytes after every free. For a positive delta it returns 0 to
 *	allow the allocation or a negative errno to refuse it (the object's
 *	function then fails with -ENOMEM and changes nothing it cannot undo);
 *	for a negative delta the return value is ignored.
 *
 * The connection-state files (pnspace, cstream, connid) never allocate
 * without charging an account; each object says which account it uses
 * and how much it can ever charge. The socket embeds one account per
 * direction and points @charge at a function that adds the delta to
 * sk_rmem_alloc or sk_wmem_queued and refuses when the socket's limit
 * would be exceeded (container_of() finds the socket). A NULL account
 * pointer means "not accounted" (only tests use that).
 */
struct quic_mem {
	size_t used;
	int (*charge)(struct quic_mem *m, long delta);
};

static inline void quic_mem_init(struct quic_mem *m,
				 int (*charge)(struct quic_mem *m, long delta))
{
	m->used = 0;
	m->charge = charge;
}

/* kmalloc() @size bytes charged to @m, or NULL (no memory, or refused) */
static inline void *quic_mem_alloc(struct quic_mem *m, size_t size, gfp_t gfp)
{
	void *p;

	if (m && m->charge && m->charge(m, (long)size))
		return NULL;
	p = kmalloc(size, gfp);
	if (!m)
		return p;
	if (!p) {
		if (m->charge)
			m->charge(m, -(long)size);
		return NULL;
	}
	m->used += size;
	return p;
}

/* uncharge @size bytes that were charged by quic_mem_alloc() */
static inline void quic_mem_uncharge(struct quic_mem *m, size_t size)
{
	if (!m)
		return;
	m->used -= size;
	if (m->charge)
		m->charge(m, -(long)size);
}

/* kfree() memory from quic_mem_alloc(@m, @size, ...) */
static inline void quic_mem_free(struct quic_mem *m, const void *p, size_t size)
{
	if (!p)
		return;
	kfree(p);
	quic_mem_uncharge(m, size);
}

#endif /* __QUIC_MEM_H__ */
