// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: transport parameters decode, re-encode, re-decode. */
#include "fuzz.h"

int fuzz_tparam_one(const uint8_t *data, size_t size)
{
	struct quic_tparams tp, d;
	bool server;
	uint8_t *out;
	int r, n;

	if (size < 1)
		return 0;
	server = data[0] & 1;	/* first byte: who sent it */
	data++;
	size--;
	r = quic_tparams_decode(data, size, server, &tp);
	if (r < 0) {
		FUZZ_ASSERT(r == -QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM);
		return 0;
	}
	FUZZ_ASSERT((size_t)r == size);
	/* whatever we accept from a peer, we can send */
	n = quic_tparams_encode(NULL, 0, &tp, server);
	FUZZ_ASSERT(n > 0);
	out = malloc((size_t)n);
	FUZZ_ASSERT(out);
	FUZZ_ASSERT(quic_tparams_encode(out, (size_t)n, &tp, server) == n);
	FUZZ_ASSERT(quic_tparams_decode(out, (size_t)n, server, &d) == n);
	FUZZ_ASSERT(!memcmp(&tp, &d, sizeof(tp)));
	free(out);
	return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_tparam_one(data, size);
}
#endif
