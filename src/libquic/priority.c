// SPDX-License-Identifier: LGPL-2.1-or-later
/* The TLS 1.3 priority string QUIC handshakes use (RFC 9001 4: TLS 1.3 only, no compatibility mode). */

#include <errno.h>
#include <stdio.h>

#include "internal.h"

#define QUIC_PRIORITY_BASE \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+ECDHE-PSK:+PSK:-CIPHER-ALL:%s:" \
	"-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1:+GROUP-SECP521R1:" \
	"%%DISABLE_TLS13_COMPAT_MODE"
#define QUIC_CIPHERS_ALL "+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:+AES-128-CCM"

/* The QUIC priority string, limited to config.payload_cipher_type if set;
 * libquic's sessions and quic-handshaked's (which builds this file in).
 */
int quic_set_priority(gnutls_session_t session, uint32_t cipher_type)
{
	const char *ciphers, *errpos = NULL;
	char priority[512];
	int ret;

	switch (cipher_type) {
	case 0:
		ciphers = QUIC_CIPHERS_ALL;
		break;
	case TLS_CIPHER_AES_GCM_128:
		ciphers = "+AES-128-GCM";
		break;
	case TLS_CIPHER_AES_GCM_256:
		ciphers = "+AES-256-GCM";
		break;
	case TLS_CIPHER_AES_CCM_128:
		ciphers = "+AES-128-CCM";
		break;
	case TLS_CIPHER_CHACHA20_POLY1305:
		ciphers = "+CHACHA20-POLY1305";
		break;
	default:
		quic_log_error("unsupported payload_cipher_type %u in the socket's config",
			       cipher_type);
		return -EINVAL;
	}
	snprintf(priority, sizeof(priority), QUIC_PRIORITY_BASE, ciphers);
	ret = gnutls_priority_set_direct(session, priority, &errpos);
	if (ret) {
		quic_log_error("cannot set the TLS priorities at '%s': %s",
			       errpos ? errpos : priority, gnutls_strerror(ret));
		return quic_errno_from_gnutls(ret);
	}
	return 0;
}
