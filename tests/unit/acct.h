/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A memory account for the unit tests: its charge hook records the balance
 * and the number of calls, and refuses new memory when asked to.
 */
#ifndef QUIC_TEST_ACCT_H
#define QUIC_TEST_ACCT_H

#include <linux/kernel.h>
#include <linux/string.h>
#include "mem.h"

struct acct {
	struct quic_mem m;
	long balance;
	long calls;
	bool refuse;
};

static inline int acct_charge(struct quic_mem *m, long delta)
{
	struct acct *a = container_of(m, struct acct, m);

	a->calls++;
	if (delta > 0 && a->refuse)
		return -ENOBUFS;
	a->balance += delta;
	return 0;
}

static inline void acct_init(struct acct *a)
{
	memset(a, 0, sizeof(*a));
	quic_mem_init(&a->m, acct_charge);
}

#endif
