/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared helpers for the libFuzzer harnesses and their seed corpora. */
#ifndef QUIC_FUZZ_H
#define QUIC_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "header.h"
#include "tparam.h"

#define FUZZ_ASSERT(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "%s:%d: assertion failed: %s\n", \
				__FILE__, __LINE__, #c);		\
			abort();					\
		}							\
	} while (0)

/* harness entry points; each is LLVMFuzzerTestOneInput in its fuzzer */
int fuzz_header_one(const uint8_t *data, size_t size);
int fuzz_frame_one(const uint8_t *data, size_t size);
int fuzz_tparam_one(const uint8_t *data, size_t size);

enum fuzz_target { FUZZ_HEADER, FUZZ_FRAME, FUZZ_TPARAM, FUZZ_NTARGETS };

/* seed inputs for a target; emit() is called once per seed */
typedef void (*fuzz_emit_t)(void *ctx, const char *name, const uint8_t *p,
			    size_t n);
void fuzz_seeds(enum fuzz_target t, fuzz_emit_t emit, void *ctx);

#endif
