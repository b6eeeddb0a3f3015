// SPDX-License-Identifier: GPL-2.0-or-later
/* Module entry: registers IPPROTO_QUIC for AF_INET and AF_INET6, SOCK_STREAM
 * and SOCK_DGRAM, and the per-namespace parts (/proc/net/quic).
 */

#include <linux/module.h>
#include <linux/init.h>
#include <net/protocol.h>
#include <net/inet_common.h>
#include <net/ipv6.h>
#include <net/transp_v6.h>

#include "compat.h"
#include "conn.h"
#include "proc.h"
#include "sysctl.h"

static struct inet_protosw quic_protosw[] = {
	{
		.type		= SOCK_STREAM,
		.protocol	= IPPROTO_QUIC,
		.prot		= &quic_prot,
		.ops		= &quic_proto_ops,
	}, {
		.type		= SOCK_DGRAM,
		.protocol	= IPPROTO_QUIC,
		.prot		= &quic_prot,
		.ops		= &quic_proto_ops,
	},
};

static struct inet_protosw quicv6_protosw[] = {
	{
		.type		= SOCK_STREAM,
		.protocol	= IPPROTO_QUIC,
		.prot		= &quicv6_prot,
		.ops		= &quicv6_proto_ops,
	}, {
		.type		= SOCK_DGRAM,
		.protocol	= IPPROTO_QUIC,
		.prot		= &quicv6_prot,
		.ops		= &quicv6_proto_ops,
	},
};

static struct pernet_operations quic_net_ops = {
	.init	= quic_proc_net_init,
	.exit	= quic_proc_net_exit,
};

struct workqueue_struct *quic_wq;

static int __init quic_init(void)
{
	int i, err;

	quic_wq = alloc_workqueue("quic", WQ_UNBOUND, 0);
	if (!quic_wq)
		return -ENOMEM;
	quic_demux_init();
	quic_route_init();
	err = quic_output_init();
	if (err)
		goto err_output;
	err = quic_token_init();
	if (err)
		goto err_token;
	err = proto_register(&quic_prot, 1);
	if (err)
		goto err_proto;
	err = proto_register(&quicv6_prot, 1);
	if (err)
		goto err_v6_proto;
	err = register_pernet_subsys(&quic_net_ops);
	if (err)
		goto err_pernet;
	err = quic_sysctl_init();
	if (err)
		goto err_sysctl;

	for (i = 0; i < ARRAY_SIZE(quic_protosw); i++)
		inet_register_protosw(&quic_protosw[i]);
	for (i = 0; i < ARRAY_SIZE(quicv6_protosw); i++) {
		err = inet6_register_protosw(&quicv6_protosw[i]);
		if (err)
			goto err_v6_protosw;
	}

	pr_info("quic: in-kernel QUIC %s loaded\n", QUIC_MODULE_VERSION);
	return 0;

err_v6_protosw:
	while (--i >= 0)
		inet6_unregister_protosw(&quicv6_protosw[i]);
	for (i = 0; i < ARRAY_SIZE(quic_protosw); i++)
		inet_unregister_protosw(&quic_protosw[i]);
	quic_sysctl_exit();
err_sysctl:
	unregister_pernet_subsys(&quic_net_ops);
err_pernet:
	proto_unregister(&quicv6_prot);
err_v6_proto:
	proto_unregister(&quic_prot);
err_proto:
	quic_token_exit();
err_token:
	quic_output_exit();
err_output:
	destroy_workqueue(quic_wq);
	return err;
}

static void __exit quic_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(quicv6_protosw); i++)
		inet6_unregister_protosw(&quicv6_protosw[i]);
	for (i = 0; i < ARRAY_SIZE(quic_protosw); i++)
		inet_unregister_protosw(&quic_protosw[i]);
	quic_sysctl_exit();
	unregister_pernet_subsys(&quic_net_ops);
	proto_unregister(&quicv6_prot);
	proto_unregister(&quic_prot);
	quic_route_exit();
	quic_demux_exit();
	quic_token_exit();
	quic_output_exit();
	destroy_workqueue(quic_wq);
	pr_info("quic: unloaded\n");
}

module_init(quic_init);
module_exit(quic_exit);

/* socket(AF_INET*, ..., IPPROTO_QUIC) loads the module on demand */
MODULE_ALIAS("net-pf-" __stringify(PF_INET) "-proto-261");
MODULE_ALIAS("net-pf-" __stringify(PF_INET6) "-proto-261");
MODULE_DESCRIPTION("QUIC transport protocol (RFC 9000) over UDP tunnels");
MODULE_AUTHOR("The in-kernel QUIC project");
MODULE_LICENSE("GPL");
MODULE_VERSION(QUIC_MODULE_VERSION);
