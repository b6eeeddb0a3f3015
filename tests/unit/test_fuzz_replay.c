// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: the fuzz harnesses run on their seeds, mutations and crashers. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include "test.h"
#include "fuzz.h"

#ifndef FUZZ_DIR
#define FUZZ_DIR "../fuzz"
#endif

typedef int (*harness_t)(const uint8_t *data, size_t size);

static const struct {
	const char *name;
	harness_t fn;
} targets[FUZZ_NTARGETS] = {
	{ "header", fuzz_header_one },
	{ "frame", fuzz_frame_one },
	{ "tparam", fuzz_tparam_one },
};

struct replay {
	harness_t fn;
	int inputs;
};

/* every seed, each prefix of it and each single-byte flip */
static void run_mutations(void *ctx, const char *name, const uint8_t *p,
			  size_t n)
{
	struct replay *r = ctx;
	uint8_t *m;
	size_t k;

	(void)name;
	for (k = 0; k <= n; k++) {
		m = t_dup(p, k);
		r->fn(m, k);
		free(m);
		r->inputs++;
	}
	for (k = 0; k < n; k++) {
		m = t_dup(p, n);
		m[k] ^= 0xff;
		r->fn(m, n);
		m[k] ^= 0x41;
		r->fn(m, n);
		free(m);
		r->inputs += 2;
	}
}

static int replay_dir(const char *dir, const char *prefix, harness_t fn)
{
	struct dirent *de;
	int count = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[1024];
		uint8_t buf[65536];
		size_t n;
		FILE *f;

		if (de->d_name[0] == '.' ||
		    (prefix && strncmp(de->d_name, prefix, strlen(prefix))))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		{
			uint8_t *m = t_dup(buf, n);

			fn(m, n);
			free(m);
		}
		count++;
	}
	closedir(d);
	return count;
}

static void t_replay(int i)
{
	struct replay r = { targets[i].fn, 0 };
	char dir[512], prefix[64];

	fuzz_seeds((enum fuzz_target)i, run_mutations, &r);
	CHECKF(r.inputs > 10, "only %d inputs", r.inputs);
	/* the committed corpus and any crasher saved by `make fuzz` */
	snprintf(dir, sizeof(dir), "%s/corpus/%s", FUZZ_DIR, targets[i].name);
	replay_dir(dir, NULL, r.fn);
	snprintf(prefix, sizeof(prefix), "%s-", targets[i].name);
	replay_dir(FUZZ_DIR "/crashers", prefix, r.fn);
}

static const struct t_case cases[] = {
	{ "fuzz_replay/header", t_replay, FUZZ_HEADER },
	{ "fuzz_replay/frame", t_replay, FUZZ_FRAME },
	{ "fuzz_replay/tparam", t_replay, FUZZ_TPARAM },
	{ NULL, NULL, 0 },
};

const struct t_suite fuzz_replay_suite = { .cases = cases };
