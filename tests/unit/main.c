// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit test runner for the wire codecs: prints PASS/FAIL/SKIP per case. */
#include <stdarg.h>
#include "test.h"

/* shim/linux/slab.h: kmalloc fails after this many more calls (-1: never) */
long shim_kmalloc_fail_after = -1;

static char t_msg[1024];
static int t_state;	/* 0 pass, 1 fail, 2 skip */

void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t_state == 1)
		return;
	t_state = 1;
	n = snprintf(t_msg, sizeof(t_msg), "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintf(t_msg + n, sizeof(t_msg) - (size_t)n, fmt, ap);
	va_end(ap);
}

void t_skip(const char *fmt, ...)
{
	va_list ap;

	t_state = 2;
	va_start(ap, fmt);
	vsnprintf(t_msg, sizeof(t_msg), fmt, ap);
	va_end(ap);
}

bool t_has_failed(void)
{
	return t_state == 1;
}

uint8_t *t_dup(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);

	if (!d)
		abort();
	if (n)
		memcpy(d, p, n);
	return d;
}

size_t t_hex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int b;

	while (hex[0] && hex[1] && n < max) {
		if (sscanf(hex, "%2x", &b) != 1)
			abort();
		out[n++] = (uint8_t)b;
		hex += 2;
	}
	return n;
}

static int passed, failed, skipped;

static void report(const char *prefix, const char *name)
{
	if (t_state == 0) {
		printf("PASS %s%s\n", prefix, name);
		passed++;
	} else if (t_state == 1) {
		printf("FAIL %s%s: %s\n", prefix, name, t_msg);
		failed++;
	} else {
		printf("SKIP %s%s: %s\n", prefix, name, t_msg);
		skipped++;
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const struct t_suite *suites[] = {
		&varint_suite, &header_suite, &frame_suite, &tparam_suite,
		&fuzz_replay_suite, &crypto_suite, &pnspace_suite,
		&cstream_suite, &connid_suite, &cong_suite, &pmtu_suite,
	};
	const char *prefix = argc > 1 ? argv[1] : "";
	const char *filter = argc > 2 ? argv[2] : NULL;
	char name[256];
	size_t s;
	int i;

	for (s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		const struct t_suite *su = suites[s];
		const struct t_case *c;

		for (c = su->cases; c && c->name; c++) {
			if (filter && !strstr(c->name, filter))
				continue;
			t_state = 0;
			c->fn(c->arg);
			report(prefix, c->name);
		}
		for (i = 0; su->count && i < su->count(); i++) {
			su->dyn_name(i, name, sizeof(name));
			if (filter && !strstr(name, filter))
				continue;
			t_state = 0;
			su->dyn_fn(i);
			report(prefix, name);
		}
	}
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
