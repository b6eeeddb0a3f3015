/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Userspace shim: the few <linux/kernel.h> helpers the wire codecs use. */
#ifndef QUIC_SHIM_LINUX_KERNEL_H
#define QUIC_SHIM_LINUX_KERNEL_H

#include <linux/types.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define fallthrough	__attribute__((__fallthrough__))

#endif
