/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libquic private declarations shared by the library's source files. */

#ifndef _LIBQUIC_INTERNAL_H
#define _LIBQUIC_INTERNAL_H

#include <syslog.h>
#include <gnutls/gnutls.h>

#include "netinet/quic.h"

#define QUIC_EXPORT __attribute__((visibility("default")))

/* log.c */
void quic_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define quic_log_error(...)	quic_log(LOG_ERR, __VA_ARGS__)
#define quic_log_warning(...)	quic_log(LOG_WARNING, __VA_ARGS__)
#define quic_log_notice(...)	quic_log(LOG_NOTICE, __VA_ARGS__)
#define quic_log_debug(...)	quic_log(LOG_DEBUG, __VA_ARGS__)

/* early.c */
int quic_server_early_data(gnutls_session_t session);

/* error.c */
int quic_errno_from_gnutls(int gnutls_err);

/* psk.c */
struct quic_psk {
	char *identity;
	gnutls_datum_t key;	/* raw key bytes */
};

struct quic_psk_file {
	struct quic_psk *entries;
	size_t count;
};

int quic_psk_file_load(const char *path, struct quic_psk_file *psks);
void quic_psk_file_free(struct quic_psk_file *psks);
const struct quic_psk *quic_psk_file_find(const struct quic_psk_file *psks,
					  const char *identity);

/* priority.c: set the session's priorities, limited to @cipher_type (a
 * TLS_CIPHER_* of the socket's quic_config.payload_cipher_type; 0 = all).
 * Returns 0, -EINVAL for an unknown cipher, or the errno of a GnuTLS error.
 */
int quic_set_priority(gnutls_session_t session, uint32_t cipher_type);

#endif /* _LIBQUIC_INTERNAL_H */
