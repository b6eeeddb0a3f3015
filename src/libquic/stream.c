// SPDX-License-Identifier: LGPL-2.1-or-later
/* Stream data: sendmsg()/recvmsg() wrappers carrying a QUIC_STREAM_INFO cmsg. */

#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "internal.h"

/* Send @len bytes on stream @sid. @flags is both the stream_flags of the
 * QUIC_STREAM_INFO cmsg (MSG_QUIC_STREAM_*) and the flags argument of
 * sendmsg() (MSG_DONTWAIT, MSG_QUIC_DATAGRAM, ...), as in the draft's
 * reference library. Returns what sendmsg() returns (-1 with errno set on
 * error).
 */
QUIC_EXPORT ssize_t quic_sendmsg(int sockfd, const void *msg, size_t len, int64_t sid,
				 uint32_t flags)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct quic_stream_info))];
	} control;
	struct quic_stream_info info;
	struct msghdr outmsg;
	struct cmsghdr *cmsg;
	struct iovec iov;

	iov.iov_base = (void *)msg;
	iov.iov_len = len;
	memset(&outmsg, 0, sizeof(outmsg));
	memset(&control, 0, sizeof(control));
	outmsg.msg_iov = &iov;
	outmsg.msg_iovlen = 1;
	outmsg.msg_control = control.buf;
	outmsg.msg_controllen = sizeof(control.buf);

	cmsg = CMSG_FIRSTHDR(&outmsg);
	cmsg->cmsg_level = SOL_QUIC;
	cmsg->cmsg_type = QUIC_STREAM_INFO;
	cmsg->cmsg_len = CMSG_LEN(sizeof(info));
	info.stream_id = sid;
	info.stream_flags = flags;
	memcpy(CMSG_DATA(cmsg), &info, sizeof(info));

	return sendmsg(sockfd, &outmsg, (int)flags);
}

/* Receive up to @len bytes of one stream, datagram or event. *flags (if
 * @flags is not NULL) gives the recvmsg() flags on entry and returns the
 * message flags (MSG_EOR, MSG_QUIC_NOTIFICATION, MSG_QUIC_DATAGRAM, ...)
 * OR-ed with the stream_flags of the QUIC_STREAM_INFO cmsg
 * (MSG_QUIC_STREAM_FIN). *sid gets the stream ID; it is left unchanged when
 * the message carries no QUIC_STREAM_INFO (datagrams, events). Returns what
 * recvmsg() returns (-1 with errno set on error).
 */
QUIC_EXPORT ssize_t quic_recvmsg(int sockfd, void *msg, size_t len, int64_t *sid,
				 uint32_t *flags)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct quic_stream_info))];
	} control;
	struct quic_stream_info info;
	struct msghdr inmsg;
	struct cmsghdr *cmsg;
	struct iovec iov;
	ssize_t ret;

	iov.iov_base = msg;
	iov.iov_len = len;
	memset(&inmsg, 0, sizeof(inmsg));
	inmsg.msg_iov = &iov;
	inmsg.msg_iovlen = 1;
	inmsg.msg_control = control.buf;
	inmsg.msg_controllen = sizeof(control.buf);

	ret = recvmsg(sockfd, &inmsg, flags ? (int)*flags : 0);
	if (ret < 0)
		return ret;
	if (flags)
		*flags = (uint32_t)inmsg.msg_flags;
	for (cmsg = CMSG_FIRSTHDR(&inmsg); cmsg; cmsg = CMSG_NXTHDR(&inmsg, cmsg)) {
		if (cmsg->cmsg_level != SOL_QUIC || cmsg->cmsg_type != QUIC_STREAM_INFO ||
		    cmsg->cmsg_len < CMSG_LEN(sizeof(info)))
			continue;
		memcpy(&info, CMSG_DATA(cmsg), sizeof(info));
		if (sid)
			*sid = info.stream_id;
		if (flags)
			*flags |= info.stream_flags;
		break;
	}
	return ret;
}
