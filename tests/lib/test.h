/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tiny helpers for the suite's test programs: each check prints
 * "PASS name" or "FAIL name: reason"; tests/run.sh counts the lines.
 */
#ifndef QUIC_TEST_H
#define QUIC_TEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_failed;

static inline void t_result(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS %s\n", name);
	} else {
		printf("FAIL %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		t_failed++;
	}
	fflush(stdout);
}

static inline void t_skip(const char *name, const char *why)
{
	printf("SKIP %s: %s\n", name, why);
	fflush(stdout);
}

/* expect a call to return 0 */
#define T_OK(name, call) do {						\
	int t_rc_ = (call);						\
	t_result(t_rc_ == 0, name, "%s returned %d (%s)", #call, t_rc_,	\
		 t_rc_ ? strerror(errno) : "");				\
} while (0)

/* expect a call to fail with errno e */
#define T_ERR(name, call, e) do {					\
	int t_rc_, t_errno_;						\
	errno = 0;							\
	t_rc_ = (int)(call);						\
	t_errno_ = errno;						\
	t_result(t_rc_ == -1 && t_errno_ == (e), name,			\
		 "%s returned %d errno %d (%s), expected errno %d (%s)",\
		 #call, t_rc_, t_errno_, strerror(t_errno_), (e),	\
		 strerror(e));						\
} while (0)

#define T_EQ(name, got, want) do {					\
	long long t_g_ = (long long)(got), t_w_ = (long long)(want);	\
	t_result(t_g_ == t_w_, name, "%s is %lld, expected %lld", #got,	\
		 t_g_, t_w_);						\
} while (0)

static inline int t_exit(void)
{
	return t_failed ? 1 : 0;
}

#endif
