/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Minimal unit test harness: PASS/FAIL/SKIP lines, one per case. */
#ifndef QUIC_UNIT_TEST_H
#define QUIC_UNIT_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdbool.h>

struct t_case {
	const char *name;
	void (*fn)(int arg);
	int arg;
};

/* one suite per file: a NULL-name terminated array */
struct t_suite {
	const struct t_case *cases;
	/* dynamic cases (one per sample): count and name */
	int (*count)(void);
	void (*dyn_name)(int i, char *buf, size_t len);
	void (*dyn_fn)(int i);
};

void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void t_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool t_has_failed(void);

/* exact-size heap copy so ASan catches any read past the end */
uint8_t *t_dup(const uint8_t *p, size_t n);
size_t t_hex(const char *hex, uint8_t *out, size_t max);

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			t_fail(__FILE__, __LINE__, "%s", #cond);	\
			return;						\
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		unsigned long long _a = (unsigned long long)(a);	\
		unsigned long long _b = (unsigned long long)(b);	\
		if (_a != _b) {						\
			t_fail(__FILE__, __LINE__,			\
			       "%s == %s (0x%llx != 0x%llx)",		\
			       #a, #b, _a, _b);				\
			return;						\
		}							\
	} while (0)

#define CHECK_MEM(a, b, n)						\
	do {								\
		if (memcmp((a), (b), (n))) {				\
			t_fail(__FILE__, __LINE__, "%s == %s (%zu bytes)", \
			       #a, #b, (size_t)(n));			\
			return;						\
		}							\
	} while (0)

/* like CHECK but with a message, e.g. the offset of a truncation */
#define CHECKF(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			t_fail(__FILE__, __LINE__, __VA_ARGS__);	\
			return;						\
		}							\
	} while (0)

extern const struct t_suite varint_suite, header_suite, frame_suite,
	tparam_suite, fuzz_replay_suite, crypto_suite, pnspace_suite,
	cstream_suite, connid_suite, cong_suite, pmtu_suite;

#endif
