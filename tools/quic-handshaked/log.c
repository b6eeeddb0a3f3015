// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * quic-handshaked logging: to stderr in the foreground (-f), to syslog
 * (facility daemon) otherwise, with the level threshold of the
 * configuration (log_level) or -v; and the names of errno values for the
 * per-request lines.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qhd.h"

static bool log_stderr = true;
static int log_level = LOG_NOTICE;

void qhd_log_init(bool to_stderr, int level)
{
	log_stderr = to_stderr;
	log_level = level;
	if (!to_stderr)
		openlog(QHD_NAME, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void qhd_log_set_level(int level)
{
	log_level = level;
}

int qhd_log_get_level(void)
{
	return log_level;
}

void qhd_log(int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int off, len;

	if (level > log_level)
		return;
	off = log_stderr ? snprintf(line, sizeof(line), "%s: ", QHD_NAME) : 0;
	va_start(ap, fmt);
	len = vsnprintf(line + off, sizeof(line) - (size_t)off - 1, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	len += off;
	if (len > (int)sizeof(line) - 2)
		len = (int)sizeof(line) - 2;
	if (!log_stderr) {
		syslog(level, "%s", line);
		return;
	}
	line[len++] = '\n';
	/* one write per line: children log concurrently */
	if (write(STDERR_FILENO, line, (size_t)len) < 0)
		return;
}

/* The libquic files built in (psk.c, priority.c) log through quic_log():
 * configuration errors and rejected priorities, shown at their own level.
 */
void quic_log(int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	qhd_log(level, "%s", line);
}

const char *qhd_errno_name(int err)
{
	static _Thread_local char other[24];

	switch (err) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EBUSY: return "EBUSY";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case EPIPE: return "EPIPE";
	case ENODATA: return "ENODATA";
	case EPROTO: return "EPROTO";
	case EBADMSG: return "EBADMSG";
	case EMSGSIZE: return "EMSGSIZE";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENETUNREACH: return "ENETUNREACH";
	case ECONNABORTED: return "ECONNABORTED";
	case ECONNRESET: return "ECONNRESET";
	case ENOTCONN: return "ENOTCONN";
	case ESHUTDOWN: return "ESHUTDOWN";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case EALREADY: return "EALREADY";
	case ECANCELED: return "ECANCELED";
	case ENOKEY: return "ENOKEY";
	case EKEYEXPIRED: return "EKEYEXPIRED";
	case EKEYREVOKED: return "EKEYREVOKED";
	case EKEYREJECTED: return "EKEYREJECTED";
	default:
		snprintf(other, sizeof(other), "errno %d", err);
		return other;
	}
}
