/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Userspace shim: BIT() and BIT_ULL() as in the kernel's <linux/bits.h>. */
#ifndef QUIC_SHIM_LINUX_BITS_H
#define QUIC_SHIM_LINUX_BITS_H

#define BIT(nr)		(1UL << (nr))
#define BIT_ULL(nr)	(1ULL << (nr))

#endif
