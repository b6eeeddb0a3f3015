/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TEST SCAFFOLDING ONLY: a userspace fake of the kernel's QUIC handshake
 * interface, so that libquic can run real GnuTLS handshakes without the
 * quic.ko module. Real end-to-end tests against the kernel module come with
 * issue 4.
 */

#ifndef _FAKEQUIC_H
#define _FAKEQUIC_H

#include <stddef.h>
#include <stdint.h>
#include <linux/tls.h>
#include <linux/quic.h>

#define FAKE_TP_MAX	512
#define FAKE_BLOB_MAX	8192

struct fake_secret {
	int set;
	uint32_t type;
	uint8_t secret[QUIC_CRYPTO_SECRET_BUFFER_SIZE];
};

/* Everything the fake kernel knows about one socket. */
struct fake_sock {
	int used;
	int peer;			/* the other end of the socketpair */
	uint8_t tp_local[FAKE_TP_MAX];	/* returned by get TRANSPORT_PARAM_EXT */
	size_t tp_local_len;
	uint8_t tp_peer[FAKE_BLOB_MAX];	/* stored by set TRANSPORT_PARAM_EXT */
	size_t tp_peer_len;
	int tp_peer_set;
	struct fake_secret secrets[QUIC_CRYPTO_MAX][2];	/* [level][send] */
	char alpn[256];
	size_t alpn_len;
	uint8_t ticket[FAKE_BLOB_MAX];
	size_t ticket_len;
	struct quic_config config;
	int close_set;
	uint32_t close_errcode;
	size_t hs_bytes_sent[QUIC_CRYPTO_MAX];
	int recv_errno;			/* inject: recvmsg fails with this */
	int secret_errno;		/* inject: CRYPTO_SECRET set fails */
};

/* A SOCK_SEQPACKET socketpair whose ends behave like two connected QUIC
 * sockets during the handshake; @nonblock sets O_NONBLOCK on both.
 */
int fake_socketpair(int fds[2], int nonblock);
/* Forget a fake socket and close it. */
void fake_close(int fd);
/* Snapshot of the state of a fake socket (copied under the fake's lock). */
void fake_get(int fd, struct fake_sock *out);
/* Change the state of a fake socket under the fake's lock. */
void fake_set_tp(int fd, const void *tp, size_t len);
void fake_set_recv_errno(int fd, int err);
void fake_set_secret_errno(int fd, int err);

#endif /* _FAKEQUIC_H */
