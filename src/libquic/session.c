// SPDX-License-Identifier: LGPL-2.1-or-later
/* Session resumption data and ALPN of a GnuTLS session. */

#include <errno.h>
#include <string.h>

#include "internal.h"

#define QUIC_ALPN_COUNT_MAX	32

/* Copy the session's resumption data (gnutls_session_get_data2()) to @data.
 * *size is the room in @data on entry and the data length on return. With
 * @data NULL only the length is reported. Returns 0, -ENOSPC (with *size
 * set to the length needed) or another negative errno.
 */
QUIC_EXPORT int quic_session_get_data(gnutls_session_t session, void *data, size_t *size)
{
	gnutls_datum_t d = { NULL, 0 };
	int ret;

	if (!session || !size)
		return -EINVAL;
	ret = gnutls_session_get_data2(session, &d);
	if (ret) {
		quic_log_error("cannot get the session data: %s", gnutls_strerror(ret));
		return quic_errno_from_gnutls(ret);
	}
	ret = 0;
	if (data && *size < d.size)
		ret = -ENOSPC;
	else if (data)
		memcpy(data, d.data, d.size);
	*size = d.size;
	gnutls_free(d.data);
	return ret;
}

/* Resume with session data got from quic_session_get_data() (or the
 * QUIC_SOCKOPT_SESSION_TICKET option) of an earlier connection; call before
 * the handshake. Returns 0 or -EINVAL for data GnuTLS does not accept.
 */
QUIC_EXPORT int quic_session_set_data(gnutls_session_t session, const void *data,
				      size_t size)
{
	int ret;

	if (!session || !data || !size)
		return -EINVAL;
	ret = gnutls_session_set_data(session, data, size);
	if (ret) {
		quic_log_error("cannot use the session data: %s", gnutls_strerror(ret));
		return ret == GNUTLS_E_MEMORY_ERROR ? -ENOMEM : -EINVAL;
	}
	return 0;
}

/* Copy the negotiated ALPN to @data: *size is the room on entry and the
 * ALPN length on return; a terminating NUL is added when there is room for
 * it (not counted in *size). Returns 0, -ENODATA if no ALPN was negotiated,
 * -ENOSPC (with *size set to the length needed) or -EINVAL.
 */
QUIC_EXPORT int quic_session_get_alpn(gnutls_session_t session, void *data, size_t *size)
{
	gnutls_datum_t alpn;

	if (!session || !data || !size)
		return -EINVAL;
	if (gnutls_alpn_get_selected_protocol(session, &alpn))
		return -ENODATA;
	if (*size < alpn.size) {
		*size = alpn.size;
		return -ENOSPC;
	}
	memcpy(data, alpn.data, alpn.size);
	if (*size > alpn.size)
		((char *)data)[alpn.size] = '\0';
	*size = alpn.size;
	return 0;
}

/* Offer (client) or accept (server) the ALPNs of the comma-separated list
 * @data of @size bytes, in order of preference; blanks around names are
 * ignored. Negotiation is mandatory: a server whose list shares nothing with
 * the client's fails the handshake (no_application_protocol alert).
 * Returns 0, or -EINVAL for an empty name, a name over 255 bytes or more
 * than 32 names.
 */
QUIC_EXPORT int quic_session_set_alpn(gnutls_session_t session, const void *data,
				      size_t size)
{
	gnutls_datum_t alpns[QUIC_ALPN_COUNT_MAX];
	const unsigned char *p = data, *end, *s, *e;
	unsigned int count = 0;
	int ret;

	if (!session || !data || !size)
		return -EINVAL;
	end = p + size;
	for (;;) {
		const unsigned char *comma = memchr(p, ',', (size_t)(end - p));

		s = p;
		e = comma ? comma : end;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\0'))
			e--;
		if (s == e || e - s > 255 || count == QUIC_ALPN_COUNT_MAX) {
			quic_log_error("invalid ALPN list '%.*s'", (int)size, (const char *)data);
			return -EINVAL;
		}
		alpns[count].data = (unsigned char *)s;
		alpns[count].size = (unsigned int)(e - s);
		count++;
		if (!comma)
			break;
		p = comma + 1;
	}
	ret = gnutls_alpn_set_protocols(session, alpns, count, GNUTLS_ALPN_MANDATORY);
	if (ret) {
		quic_log_error("cannot set the ALPN list: %s", gnutls_strerror(ret));
		return quic_errno_from_gnutls(ret);
	}
	return 0;
}
