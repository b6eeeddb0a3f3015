/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Userspace shim: the U*_MAX limits of the kernel's <linux/limits.h>. */
#ifndef QUIC_SHIM_LINUX_LIMITS_H
#define QUIC_SHIM_LINUX_LIMITS_H

#include <stdint.h>

#define U8_MAX		UINT8_MAX
#define U16_MAX		UINT16_MAX
#define U32_MAX		UINT32_MAX
#define U64_MAX		UINT64_MAX

#endif
