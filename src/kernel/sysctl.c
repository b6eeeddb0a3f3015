// SPDX-License-Identifier: GPL-2.0-or-later
/* The net.quic.* sysctls: socket buffer sizes (rmem, wmem) and the default
 * congestion control algorithm.
 */

#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "include/uapi/linux/quic.h"
#include "cong.h"
#include "sysctl.h"

/* min, default, max bytes: as net.ipv4.tcp_rmem / tcp_wmem */
int sysctl_quic_rmem[3] = { 64 * 1024, 1024 * 1024, 16 * 1024 * 1024 };
int sysctl_quic_wmem[3] = { 64 * 1024, 4 * 1024 * 1024, 16 * 1024 * 1024 };
u8 sysctl_quic_cong_algo = QUIC_CONG_ALG_RENO;

static int quic_sysctl_one = 1;
static int quic_sysctl_int_max = INT_MAX;
static struct ctl_table_header *quic_sysctl_header;

#define QUIC_CONG_NAME_MAX	16

static int quic_proc_cong(QUIC_CTL_TABLE *ctl, int write, void *buffer,
			  size_t *lenp, loff_t *ppos)
{
	struct quic_cong c = { .algo = READ_ONCE(sysctl_quic_cong_algo) };
	char name[QUIC_CONG_NAME_MAX];
	struct ctl_table tbl = {
		.data = name,
		.maxlen = sizeof(name),
	};
	int err, algo;

	strscpy(name, quic_cong_name(&c), sizeof(name));
	err = proc_dostring(&tbl, write, buffer, lenp, ppos);
	if (!write || err)
		return err;
	algo = quic_cong_algo_by_name(name);
	if (algo < 0)
		return algo;
	WRITE_ONCE(sysctl_quic_cong_algo, algo);
	return 0;
}

static struct ctl_table quic_sysctl_table[] = {
	{
		.procname	= "rmem",
		.data		= &sysctl_quic_rmem,
		.maxlen		= sizeof(sysctl_quic_rmem),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &quic_sysctl_one,
		.extra2		= &quic_sysctl_int_max,
	},
	{
		.procname	= "wmem",
		.data		= &sysctl_quic_wmem,
		.maxlen		= sizeof(sysctl_quic_wmem),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &quic_sysctl_one,
		.extra2		= &quic_sysctl_int_max,
	},
	{
		.procname	= "congestion_control",
		.maxlen		= QUIC_CONG_NAME_MAX,
		.mode		= 0644,
		.proc_handler	= quic_proc_cong,
	},
	QUIC_CTL_SENTINEL
};

int quic_sysctl_init(void)
{
	size_t n = ARRAY_SIZE(quic_sysctl_table);

	quic_sysctl_header = quic_register_sysctl("net/quic", quic_sysctl_table,
						  n);
	return quic_sysctl_header ? 0 : -ENOMEM;
}

void quic_sysctl_exit(void)
{
	unregister_net_sysctl_table(quic_sysctl_header);
}
