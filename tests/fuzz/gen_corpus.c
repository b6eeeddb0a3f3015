// SPDX-License-Identifier: GPL-2.0-or-later
/* Writes the fuzzers' seed corpora: gen_corpus DIR (DIR/{header,frame,tparam}/). */
#include <errno.h>
#include <sys/stat.h>
#include "fuzz.h"

static const char *const names[FUZZ_NTARGETS] = { "header", "frame",
						   "tparam" };

struct out {
	char dir[512];
	int err;
};

static void write_seed(void *ctx, const char *name, const uint8_t *p,
		       size_t n)
{
	struct out *o = ctx;
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", o->dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n) {
		fprintf(stderr, "gen_corpus: cannot write %s\n", path);
		o->err = 1;
	}
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	struct out o = { .err = 0 };
	int t;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_corpus DIR\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) && errno != EEXIST) {
		fprintf(stderr, "gen_corpus: cannot create %s\n", argv[1]);
		return 1;
	}
	for (t = 0; t < FUZZ_NTARGETS; t++) {
		snprintf(o.dir, sizeof(o.dir), "%s/%s", argv[1], names[t]);
		if (mkdir(o.dir, 0755) && errno != EEXIST) {
			fprintf(stderr, "gen_corpus: cannot create %s\n",
				o.dir);
			return 1;
		}
		fuzz_seeds((enum fuzz_target)t, write_seed, &o);
	}
	return o.err;
}
