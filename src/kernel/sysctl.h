/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The net.quic.* sysctls (sysctl.c). */

#ifndef __QUIC_SYSCTL_H__
#define __QUIC_SYSCTL_H__

#include <linux/types.h>

extern int sysctl_quic_rmem[3];
extern int sysctl_quic_wmem[3];
extern u8 sysctl_quic_cong_algo;

int quic_sysctl_init(void);
void quic_sysctl_exit(void);

#endif /* __QUIC_SYSCTL_H__ */
