/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Userspace shim: memcpy/memcmp/memset for the wire codecs come from libc. */
#ifndef QUIC_SHIM_LINUX_STRING_H
#define QUIC_SHIM_LINUX_STRING_H

#include <string.h>

#endif
