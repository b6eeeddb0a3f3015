// SPDX-License-Identifier: LGPL-2.1-or-later
/* quic_client_handshake()/quic_server_handshake(): GnuTLS sessions from key files and socket options. */

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

#define QUIC_ALPN_MAX		1024
#define QUIC_TICKET_MAX		8192	/* client session data kept on the socket */
#define QUIC_TICKET_KEY_SIZE	64	/* gnutls_session_ticket_key_generate() */
#define QUIC_ALERT_NO_APPLICATION_PROTOCOL 120

/* Read the socket's QUIC_SOCKOPT_CONFIG; all zero (the defaults that matter
 * here) when the socket does not provide it.
 */
static void quic_get_config(int sockfd, struct quic_config *config)
{
	socklen_t len = sizeof(*config);

	memset(config, 0, sizeof(*config));
	if (getsockopt(sockfd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, config, &len) ||
	    len < sizeof(*config))
		memset(config, 0, sizeof(*config));
}

/* Use @alpns, or when it is NULL the list set on the socket with
 * QUIC_SOCKOPT_ALPN (none set: no ALPN).
 */
static int quic_setup_alpn(gnutls_session_t session, int sockfd, const char *alpns,
			   bool *offered)
{
	char buf[QUIC_ALPN_MAX + 1];
	socklen_t len = QUIC_ALPN_MAX;

	*offered = false;
	if (!alpns) {
		if (getsockopt(sockfd, SOL_QUIC, QUIC_SOCKOPT_ALPN, buf, &len) || !len)
			return 0;
		buf[len] = '\0';
		alpns = buf;
	}
	if (!*alpns)
		return 0;
	*offered = true;
	return quic_session_set_alpn(session, alpns, strlen(alpns));
}

/* fopen() a file given by the caller, to report errno and the name of a
 * missing or unreadable file before GnuTLS does with a vaguer error.
 */
static int quic_check_file(const char *what, const char *path)
{
	FILE *fp;

	if (!path) {
		quic_log_error("no %s file given", what);
		return -EINVAL;
	}
	fp = fopen(path, "re");
	if (!fp) {
		int err = -errno;

		quic_log_error("cannot open %s file '%s': %s", what, path, strerror(-err));
		return err;
	}
	fclose(fp);
	return 0;
}

static bool quic_is_ip_address(const char *host)
{
	unsigned char addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

static void quic_set_close_alert(int sockfd, uint8_t alert, const char *phrase)
{
	struct quic_connection_close close;

	memset(&close, 0, sizeof(close));
	close.errcode = QUIC_TRANSPORT_ERROR_CRYPTO + alert;
	snprintf((char *)close.phrase, sizeof(close.phrase), "%s", phrase);
	if (setsockopt(sockfd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &close, sizeof(close)))
		quic_log_debug("cannot set the connection close error: %s", strerror(errno));
}

/* Run the handshake; a client that offered ALPNs must get one (RFC 9001
 * section 8.1), even from a server that ignores the extension.
 */
static int quic_run(gnutls_session_t session, int sockfd, bool client_alpn)
{
	gnutls_datum_t alpn;
	int ret;

	gnutls_transport_set_int(session, sockfd);
	ret = quic_handshake(session);
	if (ret)
		return ret;
	if (client_alpn && gnutls_alpn_get_selected_protocol(session, &alpn)) {
		quic_log_error("TLS handshake failed: the server selected no ALPN");
		quic_set_close_alert(sockfd, QUIC_ALERT_NO_APPLICATION_PROTOCOL,
				     "TLS alert: no application protocol");
		return -EPROTO;
	}
	return 0;
}

/* Resume with the session data the application stored on the socket with
 * QUIC_SOCKOPT_SESSION_TICKET, if any.
 */
static int quic_client_set_ticket(gnutls_session_t session, int sockfd)
{
	unsigned char ticket[QUIC_TICKET_MAX];
	socklen_t len = sizeof(ticket);

	if (getsockopt(sockfd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, ticket, &len) || !len)
		return 0;
	return quic_session_set_data(session, ticket, len);
}

static int quic_client_psk(gnutls_session_t session, const char *pkey_file,
			   gnutls_psk_client_credentials_t *cred)
{
	struct quic_psk_file psks;
	int ret;

	ret = quic_psk_file_load(pkey_file, &psks);
	if (ret)
		return ret;
	ret = gnutls_psk_allocate_client_credentials(cred);
	if (!ret)
		ret = gnutls_psk_set_client_credentials(*cred, psks.entries[0].identity,
							&psks.entries[0].key, GNUTLS_PSK_KEY_RAW);
	if (!ret)
		ret = gnutls_credentials_set(session, GNUTLS_CRD_PSK, *cred);
	quic_psk_file_free(&psks);
	if (ret) {
		quic_log_error("cannot set the PSK credentials: %s", gnutls_strerror(ret));
		return quic_errno_from_gnutls(ret);
	}
	return 0;
}

static int quic_client_x509(gnutls_session_t session, const char *hostname,
			    gnutls_certificate_credentials_t *cred)
{
	int ret;

	ret = gnutls_certificate_allocate_credentials(cred);
	if (ret)
		goto err;
	ret = gnutls_certificate_set_x509_system_trust(*cred);
	if (ret < 0) {
		quic_log_error("cannot load the system trust store: %s", gnutls_strerror(ret));
		return quic_errno_from_gnutls(ret);
	}
	ret = gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, *cred);
	if (ret)
		goto err;
	if (!hostname) {
		quic_log_warning("no hostname: the server certificate is not verified");
		return 0;
	}
	if (!quic_is_ip_address(hostname)) {
		ret = gnutls_server_name_set(session, GNUTLS_NAME_DNS, hostname,
					     strlen(hostname));
		if (ret)
			goto err;
	}
	gnutls_session_set_verify_cert(session, hostname, 0);
	return 0;
err:
	quic_log_error("cannot set the certificate credentials: %s", gnutls_strerror(ret));
	return quic_errno_from_gnutls(ret);
}

/* Client handshake on the connected QUIC socket @sockfd.
 * hostname NULL and pkey_file set: PSK, first identity of the file.
 * Otherwise X.509: the server certificate is verified against the system
 * trust store and @hostname (also sent as SNI unless it is an IP address);
 * without a hostname it is not verified. pkey_file is unused with X.509.
 */
QUIC_EXPORT int quic_client_handshake(int sockfd, const char *pkey_file,
				      const char *hostname, const char *alpns)
{
	gnutls_certificate_credentials_t cert_cred = NULL;
	gnutls_psk_client_credentials_t psk_cred = NULL;
	gnutls_session_t session = NULL;
	struct quic_config config;
	bool offered;
	int ret;

	if (sockfd < 0)
		return -EBADF;
	quic_get_config(sockfd, &config);
	ret = gnutls_init(&session, GNUTLS_CLIENT | GNUTLS_ENABLE_EARLY_DATA |
			  GNUTLS_NO_END_OF_EARLY_DATA);
	if (ret) {
		quic_log_error("cannot create a TLS session: %s", gnutls_strerror(ret));
		return quic_errno_from_gnutls(ret);
	}
	ret = quic_set_priority(session, config.payload_cipher_type);
	if (ret)
		goto out;
	if (!hostname && pkey_file) {
		ret = quic_client_psk(session, pkey_file, &psk_cred);
	} else {
		if (pkey_file)
			quic_log_warning("X.509 client: key file '%s' is not used", pkey_file);
		ret = quic_client_x509(session, hostname, &cert_cred);
	}
	if (ret)
		goto out;
	ret = quic_setup_alpn(session, sockfd, alpns, &offered);
	if (ret)
		goto out;
	ret = quic_client_set_ticket(session, sockfd);
	if (ret)
		goto out;
	ret = quic_run(session, sockfd, offered);
out:
	gnutls_deinit(session);
	if (psk_cred)
		gnutls_psk_free_client_credentials(psk_cred);
	if (cert_cred)
		gnutls_certificate_free_credentials(cert_cred);
	return ret;
}

/* gnutls_psk_server_credentials_function: look the identity up in the
 * PSK file loaded by quic_server_handshake() (the session's pointer).
 */
static int quic_server_psk_lookup(gnutls_session_t session, const char *identity,
				  gnutls_datum_t *key)
{
	const struct quic_psk_file *psks = gnutls_session_get_ptr(session);
	const struct quic_psk *psk = psks ? quic_psk_file_find(psks, identity) : NULL;

	if (!psk) {
		quic_log_error("unknown PSK identity '%s'", identity);
		return -1;
	}
	key->data = gnutls_malloc(psk->key.size);
	if (!key->data)
		return -1;
	memcpy(key->data, psk->key.data, psk->key.size);
	key->size = psk->key.size;
	return 0;
}

static int quic_server_x509(gnutls_session_t session, const char *pkey_file,
			    const char *cert_file, uint8_t cert_request,
			    gnutls_certificate_credentials_t *cred)
{
	int ret;

	ret = quic_check_file("certificate", cert_file);
	if (!ret)
		ret = quic_check_file("private key", pkey_file);
	if (ret)
		return ret;
	if (cert_request > 2) {
		quic_log_error("invalid certificate_request %u in the socket's config",
			       cert_request);
		return -EINVAL;
	}
	ret = gnutls_certificate_allocate_credentials(cred);
	if (ret)
		goto err;
	ret = gnutls_certificate_set_x509_key_file(*cred, cert_file, pkey_file,
						   GNUTLS_X509_FMT_PEM);
	if (ret < 0)
		ret = gnutls_certificate_set_x509_key_file(*cred, cert_file, pkey_file,
							   GNUTLS_X509_FMT_DER);
	if (ret < 0) {
		quic_log_error("cannot load certificate '%s' with key '%s': %s",
			       cert_file, pkey_file, gnutls_strerror(ret));
		return -EINVAL;
	}
	if (cert_request) {
		ret = gnutls_certificate_set_x509_system_trust(*cred);
		if (ret < 0) {
			quic_log_error("cannot load the system trust store: %s",
				       gnutls_strerror(ret));
			return quic_errno_from_gnutls(ret);
		}
		gnutls_certificate_server_set_request(session, cert_request == 1 ?
						      GNUTLS_CERT_REQUEST : GNUTLS_CERT_REQUIRE);
		gnutls_session_set_verify_cert(session, NULL, 0);
	}
	ret = gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, *cred);
	if (ret)
		goto err;
	return 0;
err:
	quic_log_error("cannot set the certificate credentials: %s", gnutls_strerror(ret));
	return quic_errno_from_gnutls(ret);
}

/* Issue session tickets with the key set on the (listening) socket with
 * QUIC_SOCKOPT_SESSION_TICKET; without a key GnuTLS uses its own.
 */
static int quic_server_set_ticket_key(gnutls_session_t session, int sockfd)
{
	unsigned char key[QUIC_TICKET_KEY_SIZE];
	socklen_t len = sizeof(key);
	gnutls_datum_t datum = { key, QUIC_TICKET_KEY_SIZE };
	int ret;

	if (getsockopt(sockfd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, key, &len) || !len)
		return 0;
	if (len != QUIC_TICKET_KEY_SIZE) {
		quic_log_error("session ticket key on the socket is %u bytes, not %d",
			       (unsigned int)len, QUIC_TICKET_KEY_SIZE);
		return -EINVAL;
	}
	ret = gnutls_session_ticket_enable_server(session, &datum);
	gnutls_memset(key, 0, sizeof(key));
	if (ret) {
		quic_log_error("cannot enable session tickets: %s", gnutls_strerror(ret));
		return quic_errno_from_gnutls(ret);
	}
	return 0;
}

/* Server handshake on the accepted QUIC socket @sockfd.
 * cert_file NULL: PSK, identities looked up in the PSK file pkey_file.
 * Otherwise X.509 with the certificate chain cert_file and the private key
 * pkey_file (PEM or DER); config.certificate_request asks for a client
 * certificate, verified against the system trust store.
 */
QUIC_EXPORT int quic_server_handshake(int sockfd, const char *pkey_file,
				      const char *cert_file, const char *alpns)
{
	gnutls_certificate_credentials_t cert_cred = NULL;
	gnutls_psk_server_credentials_t psk_cred = NULL;
	struct quic_psk_file psks = { NULL, 0 };
	gnutls_session_t session = NULL;
	struct quic_config config;
	bool offered;
	int ret;

	if (sockfd < 0)
		return -EBADF;
	quic_get_config(sockfd, &config);
	ret = gnutls_init(&session, GNUTLS_SERVER | GNUTLS_ENABLE_EARLY_DATA |
			  GNUTLS_NO_END_OF_EARLY_DATA);
	if (ret) {
		quic_log_error("cannot create a TLS session: %s", gnutls_strerror(ret));
		return quic_errno_from_gnutls(ret);
	}
	ret = quic_set_priority(session, config.payload_cipher_type);
	if (ret)
		goto out;
	if (!cert_file) {
		ret = quic_psk_file_load(pkey_file, &psks);
		if (ret)
			goto out;
		ret = gnutls_psk_allocate_server_credentials(&psk_cred);
		if (!ret) {
			gnutls_psk_set_server_credentials_function(psk_cred,
								   quic_server_psk_lookup);
			ret = gnutls_credentials_set(session, GNUTLS_CRD_PSK, psk_cred);
		}
		if (ret) {
			quic_log_error("cannot set the PSK credentials: %s", gnutls_strerror(ret));
			ret = quic_errno_from_gnutls(ret);
			goto out;
		}
		gnutls_session_set_ptr(session, &psks);
	} else {
		ret = quic_server_x509(session, pkey_file, cert_file,
				       config.certificate_request, &cert_cred);
		if (ret)
			goto out;
	}
	ret = quic_setup_alpn(session, sockfd, alpns, &offered);
	if (ret)
		goto out;
	ret = quic_server_set_ticket_key(session, sockfd);
	if (ret)
		goto out;
	ret = quic_run(session, sockfd, false);
out:
	gnutls_deinit(session);
	if (psk_cred)
		gnutls_psk_free_server_credentials(psk_cred);
	if (cert_cred)
		gnutls_certificate_free_credentials(cert_cred);
	quic_psk_file_free(&psks);
	return ret;
}
