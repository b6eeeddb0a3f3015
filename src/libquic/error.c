// SPDX-License-Identifier: LGPL-2.1-or-later
/* Mapping of GnuTLS error codes to the negative errno values libquic returns. */

#include <errno.h>

#include "internal.h"

/* Every failure of the TLS handshake itself (an alert sent or received,
 * a certificate rejected, a bad PSK, no common ALPN or cipher) is -EPROTO;
 * resource and argument problems keep their natural errno.
 */
int quic_errno_from_gnutls(int err)
{
	switch (err) {
	case GNUTLS_E_SUCCESS:
		return 0;
	case GNUTLS_E_MEMORY_ERROR:
		return -ENOMEM;
	case GNUTLS_E_AGAIN:
		return -EAGAIN;
	case GNUTLS_E_INTERRUPTED:
		return -EINTR;
	case GNUTLS_E_INVALID_REQUEST:
	case GNUTLS_E_INVALID_SESSION:
	case GNUTLS_E_DB_ERROR:
	case GNUTLS_E_BASE64_DECODING_ERROR:
	case GNUTLS_E_ASN1_DER_ERROR:
	case GNUTLS_E_PARSING_ERROR:
		return -EINVAL;
	case GNUTLS_E_SHORT_MEMORY_BUFFER:
		return -ENOSPC;
	case GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE:
		return -ENODATA;
	case GNUTLS_E_FILE_ERROR:
		return -ENOENT;
	case GNUTLS_E_PUSH_ERROR:
	case GNUTLS_E_PULL_ERROR:
		return -EIO;
	default:
		return -EPROTO;
	}
}
