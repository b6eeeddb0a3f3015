/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Userspace packet protection primitives (nettle) for the shared protect.c. */
#ifndef QUIC_UNIT_CRYPTO_USER_H
#define QUIC_UNIT_CRYPTO_USER_H

#include "protect.h"

struct u_hmac {
	int sha384;
};

struct u_aead {
	u32 type;
	u8 key[QUIC_KEY_MAX_LEN];
	unsigned int keylen;
};

struct u_hp {
	int chacha;
	u8 key[QUIC_KEY_MAX_LEN];
	unsigned int keylen;
};

/* one crypto level: the shared state plus the nettle contexts */
struct u_level {
	struct quic_prot p;
	struct u_hmac hmac;
	struct u_aead aead[2][2];	/* [tx, rx][slot] */
	struct u_hp hp[2];
};

int u_level_init(struct u_level *l, u32 type, u32 version, bool key_update);
int u_level_initial(struct u_level *l, u32 version, const u8 *dcid,
		    u8 dcid_len, bool server);

#endif
