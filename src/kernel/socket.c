// SPDX-License-Identifier: GPL-2.0-or-later
/* The QUIC socket: struct proto and proto_ops for AF_INET and AF_INET6,
 * socket creation and destruction, bind() onto a shared UDP tunnel socket,
 * and the calls whose protocol work later parts of the module bring.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <net/inet_common.h>
#include <net/ipv6.h>
#include <net/transp_v6.h>

#include "compat.h"
#include "socket.h"

LIST_HEAD(quic_sk_list);
DEFINE_SPINLOCK(quic_sk_list_lock);

static int quic_init_sock(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	INIT_LIST_HEAD(&qs->node);
	quic_sock_defaults(qs);
	sk->sk_state = QUIC_SS_CLOSED;

	spin_lock_bh(&quic_sk_list_lock);
	list_add_tail(&qs->node, &quic_sk_list);
	spin_unlock_bh(&quic_sk_list_lock);
	return 0;
}

static void quic_destroy_sock(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	spin_lock_bh(&quic_sk_list_lock);
	list_del_init(&qs->node);
	spin_unlock_bh(&quic_sk_list_lock);

	if (qs->udp_sk) {
		quic_udp_sock_put(qs->udp_sk);
		qs->udp_sk = NULL;
	}
	quic_sock_free_data(qs);
}

static void quic_close(struct sock *sk, long timeout)
{
	lock_sock(sk);
	sk->sk_state = QUIC_SS_CLOSED;
	release_sock(sk);
	sk_common_release(sk);
}

/* Copy and check a user's address for a socket of sk->sk_family. */
static int quic_get_addr(struct sock *sk, struct sockaddr *uaddr, int len,
			 union quic_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (len < (int)sizeof(uaddr->sa_family))
		return -EINVAL;
	if (uaddr->sa_family != sk->sk_family)
		return -EAFNOSUPPORT;
	if (sk->sk_family == AF_INET) {
		if (len < (int)sizeof(struct sockaddr_in))
			return -EINVAL;
		memcpy(&a->v4, uaddr, sizeof(a->v4));
		if (ipv4_is_multicast(a->v4.sin_addr.s_addr) ||
		    ipv4_is_lbcast(a->v4.sin_addr.s_addr))
			return -EADDRNOTAVAIL;
		return 0;
	}
	if (len < SIN6_LEN_RFC2133)
		return -EINVAL;
	memcpy(&a->v6, uaddr, min_t(int, len, sizeof(a->v6)));
	if (ipv6_addr_is_multicast(&a->v6.sin6_addr))
		return -EADDRNOTAVAIL;
	/* IPv4-mapped addresses are reached through AF_INET sockets */
	if (ipv6_addr_v4mapped(&a->v6.sin6_addr))
		return -EAFNOSUPPORT;
	return 0;
}

static int quic_bind(struct sock *sk, QUIC_SOCKADDR_ARG *uaddr, int addr_len)
{
	struct sockaddr *addr = (struct sockaddr *)uaddr;
	struct quic_sock *qs = quic_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct quic_udp_sock *us;
	union quic_addr a;
	int ifindex, err;

	lock_sock(sk);
	err = -EINVAL;
	if (qs->udp_sk || sk->sk_state != QUIC_SS_CLOSED)
		goto out;
	err = quic_get_addr(sk, addr, addr_len, &a);
	if (err)
		goto out;

	ifindex = sk->sk_bound_dev_if;
	if (sk->sk_family == AF_INET6 &&
	    ipv6_addr_type(&a.v6.sin6_addr) & IPV6_ADDR_LINKLOCAL) {
		err = -EINVAL;
		if (!a.v6.sin6_scope_id && !ifindex)
			goto out;
		if (a.v6.sin6_scope_id) {
			if (ifindex && ifindex != (int)a.v6.sin6_scope_id)
				goto out;
			ifindex = a.v6.sin6_scope_id;
		}
	}

	us = quic_udp_sock_get(sock_net(sk), &a, ifindex,
			       sk->sk_family == AF_INET6 && sk->sk_ipv6only);
	if (IS_ERR(us)) {
		err = PTR_ERR(us);
		goto out;
	}
	qs->udp_sk = us;
	sk->sk_bound_dev_if = ifindex;
	if (sk->sk_family == AF_INET) {
		inet->inet_rcv_saddr = us->addr.v4.sin_addr.s_addr;
		inet->inet_saddr = us->addr.v4.sin_addr.s_addr;
		inet->inet_sport = us->addr.v4.sin_port;
	} else {
		sk->sk_v6_rcv_saddr = us->addr.v6.sin6_addr;
		inet6_sk(sk)->saddr = us->addr.v6.sin6_addr;
		inet->inet_sport = us->addr.v6.sin6_port;
	}
	inet->inet_num = ntohs(inet->inet_sport);
	err = 0;
out:
	release_sock(sk);
	return err;
}

/* connect(), listen() and accept(): the handshake arrives with issue 4. */
static int quic_inet_connect(struct socket *sock, QUIC_SOCKADDR_ARG *uaddr,
			     int addr_len, int flags)
{
	return -EOPNOTSUPP;
}

static int quic_inet_listen(struct socket *sock, int backlog)
{
	return -EOPNOTSUPP;
}

/* Stream and datagram data need a connection (issues 4 and 5). */
static int quic_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	return -ENOTCONN;
}

static int quic_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			QUIC_RECVMSG_ARGS)
{
	return -ENOTCONN;
}

static __poll_t quic_inet_poll(struct file *file, struct socket *sock,
			       poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);
	if (sk->sk_err)
		mask |= EPOLLERR;
	/* like TCP, an unconnected socket reports hang-up */
	if (sk->sk_state == QUIC_SS_CLOSED)
		mask |= EPOLLOUT | EPOLLHUP;
	return mask;
}

static int quic_hash(struct sock *sk)
{
	return 0;
}

static void quic_unhash(struct sock *sk)
{
}

#define QUIC_PROTO_COMMON				\
	.owner		= THIS_MODULE,			\
	.init		= quic_init_sock,		\
	.destroy	= quic_destroy_sock,		\
	.close		= quic_close,			\
	.bind		= quic_bind,			\
	.setsockopt	= quic_setsockopt,		\
	.getsockopt	= quic_getsockopt,		\
	.sendmsg	= quic_sendmsg,			\
	.recvmsg	= quic_recvmsg,			\
	.hash		= quic_hash,			\
	.unhash		= quic_unhash,			\
	.no_autobind	= true

struct proto quic_prot = {
	.name		= "QUIC",
	.obj_size	= sizeof(struct quic_sock),
	QUIC_PROTO_COMMON,
};

struct proto quicv6_prot = {
	.name		= "QUICv6",
	.obj_size	= sizeof(struct quic6_sock),
	QUIC_PROTO_IPV6_PINFO_OFFSET(struct quic6_sock, inet6)
	QUIC_PROTO_COMMON,
};

/* the calls both families share; each family adds its own inet helpers */
#define QUIC_PROTO_OPS_COMMON				\
	.owner		= THIS_MODULE,			\
	.connect	= quic_inet_connect,		\
	.socketpair	= sock_no_socketpair,		\
	.accept		= sock_no_accept,		\
	.poll		= quic_inet_poll,		\
	.gettstamp	= sock_gettstamp,		\
	.listen		= quic_inet_listen,		\
	.shutdown	= inet_shutdown,		\
	.setsockopt	= sock_common_setsockopt,	\
	.getsockopt	= sock_common_getsockopt,	\
	.sendmsg	= inet_sendmsg,			\
	.recvmsg	= inet_recvmsg,			\
	.mmap		= sock_no_mmap

const struct proto_ops quic_proto_ops = {
	.family		= PF_INET,
	.release	= inet_release,
	.bind		= inet_bind,
	.getname	= inet_getname,
	.ioctl		= inet_ioctl,
	QUIC_PROTO_OPS_COMMON,
};

const struct proto_ops quicv6_proto_ops = {
	.family		= PF_INET6,
	.release	= inet6_release,
	.bind		= inet6_bind,
	.getname	= inet6_getname,
	.ioctl		= inet6_ioctl,
	QUIC_PROTO_OPS_COMMON,
};
