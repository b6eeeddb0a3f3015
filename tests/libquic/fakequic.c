// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TEST SCAFFOLDING ONLY: a fake of the kernel's QUIC socket interface used
 * by the libquic tests. Real end-to-end tests against the quic.ko module
 * come with issue 4.
 *
 * The test executable defines sendmsg(), recvmsg(), setsockopt() and
 * getsockopt(); by ELF symbol interposition libquic.so calls these instead
 * of libc's. Calls on sockets made by fake_socketpair() are handled here,
 * all others go to the real system calls. Each fake socket is one end of an
 * AF_UNIX SOCK_SEQPACKET socketpair; every message carries a small header:
 *
 *   handshake data (QUIC_HANDSHAKE_INFO cmsg): kind 1, the crypto level
 *   stream data (QUIC_STREAM_INFO cmsg):      kind 3, stream id and flags
 *   CONNECTION_CLOSE set by the peer:          kind 2, the error code
 *
 * Socket options: TRANSPORT_PARAM_EXT get returns a fixed blob chosen by
 * the test, set records the peer's; CRYPTO_SECRET records the secrets per
 * level and direction; ALPN, SESSION_TICKET and CONFIG are stored and
 * returned; recvmsg() takes MSG_PEEK (libquic peeks while it waits for a
 * session ticket); CONNECTION_CLOSE records the error code and makes the peer's
 * next recvmsg() fail with ECONNRESET.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fakequic.h"

#define FAKE_MAX_FD	1024
#define FAKE_MSG_MAX	(65536 + 1024)

enum { FAKE_KIND_HANDSHAKE = 1, FAKE_KIND_CLOSE = 2, FAKE_KIND_STREAM = 3 };

struct fake_hdr {
	uint8_t kind;
	uint8_t level;
	uint16_t reserved;
	uint32_t value;		/* close: error code; stream: stream flags */
	int64_t sid;
};

static struct fake_sock fake_socks[FAKE_MAX_FD];
static pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;

static ssize_t real_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	return syscall(SYS_sendmsg, fd, msg, flags);
}

static ssize_t real_recvmsg(int fd, struct msghdr *msg, int flags)
{
	return syscall(SYS_recvmsg, fd, msg, flags);
}

static int fake_is(int fd)
{
	int used;

	if (fd < 0 || fd >= FAKE_MAX_FD)
		return 0;
	pthread_mutex_lock(&fake_lock);
	used = fake_socks[fd].used;
	pthread_mutex_unlock(&fake_lock);
	return used;
}

int fake_socketpair(int fds[2], int nonblock)
{
	int i;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | (nonblock ? SOCK_NONBLOCK : 0), 0, fds))
		return -1;
	if (fds[0] >= FAKE_MAX_FD || fds[1] >= FAKE_MAX_FD) {
		close(fds[0]);
		close(fds[1]);
		errno = EMFILE;
		return -1;
	}
	pthread_mutex_lock(&fake_lock);
	for (i = 0; i < 2; i++) {
		memset(&fake_socks[fds[i]], 0, sizeof(fake_socks[0]));
		fake_socks[fds[i]].used = 1;
		fake_socks[fds[i]].peer = fds[!i];
	}
	pthread_mutex_unlock(&fake_lock);
	return 0;
}

void fake_close(int fd)
{
	pthread_mutex_lock(&fake_lock);
	memset(&fake_socks[fd], 0, sizeof(fake_socks[0]));
	pthread_mutex_unlock(&fake_lock);
	close(fd);
}

void fake_get(int fd, struct fake_sock *out)
{
	pthread_mutex_lock(&fake_lock);
	*out = fake_socks[fd];
	pthread_mutex_unlock(&fake_lock);
}

void fake_set_tp(int fd, const void *tp, size_t len)
{
	pthread_mutex_lock(&fake_lock);
	if (len)
		memcpy(fake_socks[fd].tp_local, tp, len);
	fake_socks[fd].tp_local_len = len;
	pthread_mutex_unlock(&fake_lock);
}

void fake_set_recv_errno(int fd, int err)
{
	pthread_mutex_lock(&fake_lock);
	fake_socks[fd].recv_errno = err;
	pthread_mutex_unlock(&fake_lock);
}

void fake_set_secret_errno(int fd, int err)
{
	pthread_mutex_lock(&fake_lock);
	fake_socks[fd].secret_errno = err;
	pthread_mutex_unlock(&fake_lock);
}

static int fake_send_frame(int fd, const struct fake_hdr *hdr, const struct iovec *iov,
			   size_t iovlen, int flags)
{
	struct iovec vec[17];
	struct msghdr msg;
	size_t i;

	if (iovlen > 16) {
		errno = EINVAL;
		return -1;
	}
	vec[0].iov_base = (void *)hdr;
	vec[0].iov_len = sizeof(*hdr);
	for (i = 0; i < iovlen; i++)
		vec[i + 1] = iov[i];
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = vec;
	msg.msg_iovlen = iovlen + 1;
	return (int)real_sendmsg(fd, &msg, flags & (MSG_DONTWAIT | MSG_NOSIGNAL));
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct fake_hdr hdr;
	struct cmsghdr *cmsg;
	size_t i, len = 0;
	ssize_t ret;
	int found = 0;

	if (!fake_is(fd))
		return real_sendmsg(fd, msg, flags);
	memset(&hdr, 0, sizeof(hdr));
	for (cmsg = CMSG_FIRSTHDR(msg); cmsg; cmsg = CMSG_NXTHDR((struct msghdr *)msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_QUIC)
			continue;
		if (cmsg->cmsg_type == QUIC_HANDSHAKE_INFO) {
			struct quic_handshake_info info;

			memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
			if (info.crypto_level >= QUIC_CRYPTO_MAX)
				break;
			hdr.kind = FAKE_KIND_HANDSHAKE;
			hdr.level = info.crypto_level;
			found = 1;
		} else if (cmsg->cmsg_type == QUIC_STREAM_INFO) {
			struct quic_stream_info info;

			memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
			hdr.kind = FAKE_KIND_STREAM;
			hdr.sid = info.stream_id;
			hdr.value = info.stream_flags;
			found = 1;
		}
	}
	if (!found) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < msg->msg_iovlen; i++)
		len += msg->msg_iov[i].iov_len;
	ret = fake_send_frame(fd, &hdr, msg->msg_iov, msg->msg_iovlen, flags);
	if (ret < 0)
		return -1;
	if (hdr.kind == FAKE_KIND_HANDSHAKE) {
		pthread_mutex_lock(&fake_lock);
		fake_socks[fd].hs_bytes_sent[hdr.level] += len;
		pthread_mutex_unlock(&fake_lock);
	}
	return (ssize_t)len;
}

static void fake_put_cmsg(struct msghdr *msg, int type, const void *data, size_t len)
{
	struct cmsghdr *cmsg;

	if (!msg->msg_control || msg->msg_controllen < CMSG_SPACE(len)) {
		msg->msg_flags |= MSG_CTRUNC;
		msg->msg_controllen = 0;
		return;
	}
	cmsg = CMSG_FIRSTHDR(msg);
	cmsg->cmsg_level = SOL_QUIC;
	cmsg->cmsg_type = type;
	cmsg->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(cmsg), data, len);
	msg->msg_controllen = CMSG_SPACE(len);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	static __thread uint8_t buf[FAKE_MSG_MAX];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr in;
	struct fake_hdr hdr;
	size_t len, off, i;
	ssize_t ret;
	int err;

	if (!fake_is(fd))
		return real_recvmsg(fd, msg, flags);
	pthread_mutex_lock(&fake_lock);
	err = fake_socks[fd].recv_errno;
	pthread_mutex_unlock(&fake_lock);
	if (err) {
		errno = err;
		return -1;
	}
	memset(&in, 0, sizeof(in));
	in.msg_iov = &iov;
	in.msg_iovlen = 1;
	ret = real_recvmsg(fd, &in, flags & (MSG_DONTWAIT | MSG_PEEK));
	if (ret <= 0)
		return ret;
	if ((size_t)ret < sizeof(hdr)) {
		errno = EPROTO;
		return -1;
	}
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.kind == FAKE_KIND_CLOSE) {
		errno = ECONNRESET;
		return -1;
	}
	len = (size_t)ret - sizeof(hdr);
	msg->msg_flags = 0;
	for (i = 0, off = 0; i < msg->msg_iovlen && off < len; i++) {
		size_t n = msg->msg_iov[i].iov_len;

		if (n > len - off)
			n = len - off;
		memcpy(msg->msg_iov[i].iov_base, buf + sizeof(hdr) + off, n);
		off += n;
	}
	if (off < len)
		msg->msg_flags |= MSG_TRUNC;
	if (hdr.kind == FAKE_KIND_HANDSHAKE) {
		struct quic_handshake_info info = { hdr.level };

		fake_put_cmsg(msg, QUIC_HANDSHAKE_INFO, &info, sizeof(info));
	} else {
		struct quic_stream_info info = { hdr.sid, hdr.value };

		fake_put_cmsg(msg, QUIC_STREAM_INFO, &info, sizeof(info));
		if (off == len)
			msg->msg_flags |= MSG_EOR;
	}
	return (ssize_t)off;
}

static int fake_known_cipher(uint32_t type)
{
	return type == TLS_CIPHER_AES_GCM_128 || type == TLS_CIPHER_AES_GCM_256 ||
	       type == TLS_CIPHER_AES_CCM_128 || type == TLS_CIPHER_CHACHA20_POLY1305;
}

static int fake_setsockopt(struct fake_sock *s, int name, const void *val, socklen_t len)
{
	switch (name) {
	case QUIC_SOCKOPT_CRYPTO_SECRET: {
		struct quic_crypto_secret secret;

		if (s->secret_errno)
			return s->secret_errno;
		if (len != sizeof(secret))
			return EINVAL;
		memcpy(&secret, val, sizeof(secret));
		if (secret.level >= QUIC_CRYPTO_MAX || secret.send > 1 ||
		    !fake_known_cipher(secret.type))
			return EINVAL;
		s->secrets[secret.level][secret.send].set = 1;
		s->secrets[secret.level][secret.send].type = secret.type;
		memcpy(s->secrets[secret.level][secret.send].secret, secret.secret,
		       sizeof(secret.secret));
		return 0;
	}
	case QUIC_SOCKOPT_TRANSPORT_PARAM_EXT:
		if (len > FAKE_BLOB_MAX || !len)
			return EINVAL;
		memcpy(s->tp_peer, val, len);
		s->tp_peer_len = len;
		s->tp_peer_set = 1;
		return 0;
	case QUIC_SOCKOPT_ALPN:
		if (len >= sizeof(s->alpn))
			return EINVAL;
		memcpy(s->alpn, val, len);
		s->alpn[len] = '\0';
		s->alpn_len = len;
		return 0;
	case QUIC_SOCKOPT_SESSION_TICKET:
		if (len > FAKE_BLOB_MAX)
			return EINVAL;
		memcpy(s->ticket, val, len);
		s->ticket_len = len;
		return 0;
	case QUIC_SOCKOPT_CONFIG:
		if (len != sizeof(s->config))
			return EINVAL;
		memcpy(&s->config, val, sizeof(s->config));
		return 0;
	case QUIC_SOCKOPT_CONNECTION_CLOSE: {
		struct quic_connection_close close;

		if (len < sizeof(close))
			return EINVAL;
		memcpy(&close, val, sizeof(close));
		s->close_set = 1;
		s->close_errcode = close.errcode;
		return 0;
	}
	default:
		return ENOPROTOOPT;
	}
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct fake_hdr hdr;
	int err, peer_close = 0;

	if (!fake_is(fd) || level != SOL_QUIC)
		return (int)syscall(SYS_setsockopt, fd, level, name, val, len);
	pthread_mutex_lock(&fake_lock);
	err = fake_setsockopt(&fake_socks[fd], name, val, len);
	if (!err && name == QUIC_SOCKOPT_CONNECTION_CLOSE) {
		memset(&hdr, 0, sizeof(hdr));
		hdr.kind = FAKE_KIND_CLOSE;
		hdr.value = fake_socks[fd].close_errcode;
		peer_close = 1;
	}
	pthread_mutex_unlock(&fake_lock);
	if (err) {
		errno = err;
		return -1;
	}
	if (peer_close)
		fake_send_frame(fd, &hdr, NULL, 0, MSG_DONTWAIT | MSG_NOSIGNAL);
	return 0;
}

static int fake_copy_out(void *val, socklen_t *len, const void *data, size_t size)
{
	if (*len < size)
		return EINVAL;
	memcpy(val, data, size);
	*len = (socklen_t)size;
	return 0;
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct fake_sock *s;
	int err;

	if (!fake_is(fd) || level != SOL_QUIC)
		return (int)syscall(SYS_getsockopt, fd, level, name, val, len);
	pthread_mutex_lock(&fake_lock);
	s = &fake_socks[fd];
	switch (name) {
	case QUIC_SOCKOPT_TRANSPORT_PARAM_EXT:
		err = fake_copy_out(val, len, s->tp_local, s->tp_local_len);
		break;
	case QUIC_SOCKOPT_ALPN:
		err = fake_copy_out(val, len, s->alpn, s->alpn_len);
		break;
	case QUIC_SOCKOPT_SESSION_TICKET:
		err = fake_copy_out(val, len, s->ticket, s->ticket_len);
		break;
	case QUIC_SOCKOPT_CONFIG:
		err = fake_copy_out(val, len, &s->config, sizeof(s->config));
		break;
	default:
		err = ENOPROTOOPT;
	}
	pthread_mutex_unlock(&fake_lock);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
