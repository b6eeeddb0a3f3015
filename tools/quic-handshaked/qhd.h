/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * quic-handshaked: declarations shared by its source files: logging
 * (log.c), the configuration file and the credentials loaded from it
 * (config.c), and one handshake request and its QUIC/TLS handshake (tls.c).
 * The netlink side and the process handling are in quic-handshaked.c.
 */

#ifndef QUIC_HANDSHAKED_QHD_H
#define QUIC_HANDSHAKED_QHD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

#include <gnutls/gnutls.h>

#include "internal.h"	/* libquic's PSK file parser, built in (psk.c) */

#define QHD_NAME		"quic-handshaked"
#define QHD_DEFAULT_CONF	"/etc/quic-handshaked.conf"
#define QHD_EXIT_RUNTIME	1	/* no net/handshake, netlink or permission */
#define QHD_EXIT_USAGE		2	/* bad option or configuration */
#define QHD_EXIT_FAILURE	3	/* a failure after start-up */

#define QHD_ALPN_MAX		1024	/* a comma-separated ALPN list */
#define QHD_PEERNAME_MAX	256
#define QHD_PEERIDS_MAX		5	/* the kernel sends at most 5 */
#define QHD_REASON_MAX		256
#define QHD_DEFAULT_TIMEOUT_MS	30000	/* when the request has no TIMEOUT */

/* ---- log.c ---- */

/* Where log lines go: stderr ("quic-handshaked: message", one write() per
 * line so that the lines of parallel children do not mix) or syslog.
 */
void qhd_log_init(bool to_stderr, int level);
void qhd_log_set_level(int level);
int qhd_log_get_level(void);
void qhd_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define qhd_err(...)	qhd_log(LOG_ERR, __VA_ARGS__)
#define qhd_notice(...)	qhd_log(LOG_NOTICE, __VA_ARGS__)
#define qhd_debug(...)	qhd_log(LOG_DEBUG, __VA_ARGS__)
/* "EACCES", "ETIMEDOUT", ...; "errno N" for the rare others */
const char *qhd_errno_name(int err);

/* ---- config.c ---- */

struct qhd_config {
	const char *path;		/* the configuration file */
	char *psk_file, *ca_file, *cert_file, *key_file;
	char alpn[QHD_ALPN_MAX + 1];	/* default ALPN list, "" for none */
	bool require_client_cert;
	int log_level;			/* LOG_ERR, LOG_NOTICE or LOG_DEBUG */
	bool log_level_set;		/* log_level given in the file */

	struct quic_psk_file psks;	/* the PSK file, in file order */
	/* X.509: trust (ca_file, else the system store) and, with cert_file
	 * and key_file, our certificate; shared by both roles.
	 */
	gnutls_certificate_credentials_t xcred;
	bool have_trust;		/* xcred holds at least one trusted CA */
	bool have_cert;			/* xcred holds our certificate and key */
};

/* Read and check @path: unknown keys, malformed values, unreadable or
 * malformed files. Prints one line naming the problem and returns -1, or
 * returns 0.
 */
int qhd_config_load(const char *path, struct qhd_config *cfg);
void qhd_config_free(struct qhd_config *cfg);
/* A comma-separated ALPN list: names of 1..255 bytes; 0 or -1 */
int qhd_alpn_check(const char *list);

/* ---- tls.c ---- */

/* One request as the kernel's ACCEPT reply gave it. */
struct qhd_request {
	unsigned long n;		/* request number, for the log */
	int fd;				/* the socket, installed by the kernel */
	uint32_t msg_type;		/* HANDSHAKE_MSG_TYPE_* */
	uint32_t auth_mode;		/* HANDSHAKE_AUTH_* */
	uint32_t timeout_ms;		/* 0: none given */
	int32_t peerids[QHD_PEERIDS_MAX];	/* PEER_IDENTITY key serials */
	unsigned int npeerids;
	/* their key descriptions, "" when not visible to us */
	char peerid_desc[QHD_PEERIDS_MAX][QHD_PEERNAME_MAX];
	int32_t cert_serial, privkey_serial;	/* CERTIFICATE, 0 if none */
	char peername[QHD_PEERNAME_MAX];	/* PEERNAME, "" if none */
	char bad[QHD_REASON_MAX];	/* "" or why the request is unusable */
};

struct qhd_result {
	int status;			/* 0 or a positive errno, for DONE */
	int32_t remote_auth;		/* DONE REMOTE_AUTH on success */
	char reason[QHD_REASON_MAX];	/* why it failed */
};

/* Set by the SIGTERM handler of a child: the handshake is abandoned and
 * answered with ECANCELED.
 */
extern volatile sig_atomic_t qhd_stop;

/* "client"/"server" and "psk"/"x509"/"unauth" for the request line */
const char *qhd_role_name(const struct qhd_request *req);
const char *qhd_mode_name(const struct qhd_request *req);
/* Route libquic's log lines to qhd_log() (debug) and remember the first
 * error of the running handshake as its reason.
 */
void qhd_tls_init(void);
/* Fill req->peerid_desc. Called in the process that sent ACCEPT: the
 * kernel links the consumer's keyring into that process's keyring, which a
 * forked child does not inherit.
 */
void qhd_describe_peerids(struct qhd_request *req);
/* Check that @req is a QUIC socket and run the handshake on it with the
 * credentials of @cfg, within the request's timeout.
 */
void qhd_handshake(const struct qhd_config *cfg, const struct qhd_request *req,
		   struct qhd_result *res);

#endif /* QUIC_HANDSHAKED_QHD_H */
