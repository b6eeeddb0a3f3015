/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Userspace shim: errno values used by the wire codecs come from the UAPI. */
#ifndef QUIC_SHIM_LINUX_ERRNO_H
#define QUIC_SHIM_LINUX_ERRNO_H

/* libc's <errno.h> itself includes <linux/errno.h>: chain to the real one */
#include_next <linux/errno.h>

#endif
