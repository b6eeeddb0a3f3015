// SPDX-License-Identifier: LGPL-2.1-or-later
/* Logging: the log level threshold, the log callback and its stderr default. */

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

#include "internal.h"

static void quic_log_stderr(int level, const char *msg)
{
	(void)level;
	fprintf(stderr, "libquic: %s\n", msg);
}

static _Atomic(quic_set_log_func_t) quic_log_func = quic_log_stderr;
static atomic_int quic_log_level = LOG_ERR;

/* Set the function that receives log lines; NULL restores the default,
 * which writes "libquic: <message>" lines to stderr. Returns the previous
 * function.
 */
QUIC_EXPORT quic_set_log_func_t quic_set_log_func(quic_set_log_func_t func)
{
	return atomic_exchange(&quic_log_func, func ? func : quic_log_stderr);
}

/* Messages with a level numerically above @level (less severe, syslog
 * order LOG_EMERG..LOG_DEBUG) are dropped. Returns the previous level, or
 * -EINVAL for a level outside LOG_EMERG..LOG_DEBUG.
 */
QUIC_EXPORT int quic_set_log_level(int level)
{
	if (level < LOG_EMERG || level > LOG_DEBUG)
		return -EINVAL;
	return atomic_exchange(&quic_log_level, level);
}

void quic_log(int level, const char *fmt, ...)
{
	quic_set_log_func_t func;
	char msg[512];
	va_list ap;

	if (level > atomic_load(&quic_log_level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	func = atomic_load(&quic_log_func);
	func(level, msg);
}
