/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * quic-handshaked: the numbers of the kernel's "handshake" generic netlink
 * family (net/handshake, Linux >= 6.4). They come from <linux/handshake.h>
 * when the installed kernel headers have it; older headers (Debian 12's
 * linux-libc-dev is 6.1) get this copy of the same UAPI values, which are
 * fixed by Documentation/netlink/specs/handshake.yaml.
 */

#ifndef QUIC_HANDSHAKED_HANDSHAKE_UAPI_H
#define QUIC_HANDSHAKED_HANDSHAKE_UAPI_H

#if defined(__has_include)
#if __has_include(<linux/handshake.h>)
#include <linux/handshake.h>
#define QHD_HAVE_LINUX_HANDSHAKE_H 1
#endif
#endif

#ifndef QHD_HAVE_LINUX_HANDSHAKE_H

#define HANDSHAKE_FAMILY_NAME		"handshake"
#define HANDSHAKE_FAMILY_VERSION	1
#define HANDSHAKE_MCGRP_NONE		"none"
#define HANDSHAKE_MCGRP_TLSHD		"tlshd"

enum handshake_handler_class {
	HANDSHAKE_HANDLER_CLASS_NONE,
	HANDSHAKE_HANDLER_CLASS_TLSHD,
	HANDSHAKE_HANDLER_CLASS_MAX,
};

enum handshake_msg_type {
	HANDSHAKE_MSG_TYPE_UNSPEC,
	HANDSHAKE_MSG_TYPE_CLIENTHELLO,
	HANDSHAKE_MSG_TYPE_SERVERHELLO,
};

enum handshake_auth {
	HANDSHAKE_AUTH_UNSPEC,
	HANDSHAKE_AUTH_UNAUTH,
	HANDSHAKE_AUTH_PSK,
	HANDSHAKE_AUTH_X509,
};

enum {
	HANDSHAKE_A_X509_CERT = 1,		/* s32 key serial */
	HANDSHAKE_A_X509_PRIVKEY,		/* s32 key serial */
};

enum {
	HANDSHAKE_A_ACCEPT_SOCKFD = 1,		/* s32 */
	HANDSHAKE_A_ACCEPT_HANDLER_CLASS,	/* u32 */
	HANDSHAKE_A_ACCEPT_MESSAGE_TYPE,	/* u32 */
	HANDSHAKE_A_ACCEPT_TIMEOUT,		/* u32, ms */
	HANDSHAKE_A_ACCEPT_AUTH_MODE,		/* u32 */
	HANDSHAKE_A_ACCEPT_PEER_IDENTITY,	/* s32 key serial, repeated */
	HANDSHAKE_A_ACCEPT_CERTIFICATE,		/* nested HANDSHAKE_A_X509_* */
	HANDSHAKE_A_ACCEPT_PEERNAME,		/* string */
};

enum {
	HANDSHAKE_A_DONE_STATUS = 1,		/* u32, positive errno */
	HANDSHAKE_A_DONE_SOCKFD,		/* s32 */
	HANDSHAKE_A_DONE_REMOTE_AUTH,		/* u32 key serial, repeated */
};

enum {
	HANDSHAKE_CMD_READY = 1,
	HANDSHAKE_CMD_ACCEPT,
	HANDSHAKE_CMD_DONE,
};

#endif /* !QHD_HAVE_LINUX_HANDSHAKE_H */

#endif /* QUIC_HANDSHAKED_HANDSHAKE_UAPI_H */
