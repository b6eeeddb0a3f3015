/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Userspace shim: struct rcu_head and kfree_rcu() (no readers: free now). */
#ifndef QUIC_SHIM_LINUX_RCUPDATE_H
#define QUIC_SHIM_LINUX_RCUPDATE_H

#include <linux/slab.h>

struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

#define kfree_rcu(ptr, field)	kfree(ptr)

#endif
