// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * quic-handshaked configuration: the "key = value" file, the PSK file it
 * names ("identity:hexkey" lines) and the X.509 credentials (CA, our
 * certificate and key), all read and checked once at start-up so that a
 * mistake stops the agent with one line naming the file and line instead
 * of failing handshakes later.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qhd.h"

/* Strip leading and trailing white space in place. */
static char *strip(char *s)
{
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	return s;
}

int qhd_alpn_check(const char *list)
{
	const char *p = list;

	if (!*list || strlen(list) > QHD_ALPN_MAX)
		return -1;
	for (;;) {
		size_t len = strcspn(p, ",");

		if (!len || len > 255)
			return -1;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

/* The value of a file key: relative paths are taken from the directory of
 * the configuration file; the file must be readable now.
 */
static char *file_value(const char *conf, unsigned int lineno, const char *key,
			const char *value)
{
	const char *slash = strrchr(conf, '/');
	char *path;
	FILE *fp;

	if (value[0] == '/' || !slash) {
		path = strdup(value);
	} else {
		size_t dirlen = (size_t)(slash - conf);

		path = malloc(dirlen + 1 + strlen(value) + 1);
		if (path)
			sprintf(path, "%.*s/%s", (int)dirlen, conf, value);
	}
	if (!path) {
		qhd_err("%s:%u: out of memory", conf, lineno);
		return NULL;
	}
	fp = fopen(path, "re");
	if (!fp) {
		qhd_err("%s:%u: %s '%s': %s", conf, lineno, key, path, strerror(errno));
		free(path);
		return NULL;
	}
	fclose(fp);
	return path;
}

/* One "key = value" line; 0 or -1 (reported). */
static int config_line(struct qhd_config *cfg, unsigned int lineno, char *line,
		       unsigned int *seen)
{
	static const char *const keys[] = {
		"psk_file", "ca_file", "cert_file", "key_file", "alpn",
		"require_client_cert", "log_level",
	};
	const char *conf = cfg->path;
	char *eq = strchr(line, '=');
	char **file = NULL;
	char *key, *value;
	unsigned int i;

	if (!eq) {
		qhd_err("%s:%u: expected 'key = value'", conf, lineno);
		return -1;
	}
	*eq = '\0';
	key = strip(line);
	value = strip(eq + 1);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			break;
	if (i == sizeof(keys) / sizeof(keys[0])) {
		qhd_err("%s:%u: unknown key '%s' (known: psk_file, ca_file, cert_file, key_file, alpn, require_client_cert, log_level)",
			conf, lineno, key);
		return -1;
	}
	if (*seen & (1u << i)) {
		qhd_err("%s:%u: '%s' given twice", conf, lineno, key);
		return -1;
	}
	*seen |= 1u << i;

	if (!strcmp(key, "psk_file"))
		file = &cfg->psk_file;
	else if (!strcmp(key, "ca_file"))
		file = &cfg->ca_file;
	else if (!strcmp(key, "cert_file"))
		file = &cfg->cert_file;
	else if (!strcmp(key, "key_file"))
		file = &cfg->key_file;
	if (file) {
		if (!*value) {
			qhd_err("%s:%u: %s needs a file name", conf, lineno, key);
			return -1;
		}
		*file = file_value(conf, lineno, key, value);
		return *file ? 0 : -1;
	}
	if (!strcmp(key, "alpn")) {
		if (*value && qhd_alpn_check(value)) {
			qhd_err("%s:%u: invalid alpn '%s' (comma-separated names of 1..255 bytes, %d bytes at most)",
				conf, lineno, value, QHD_ALPN_MAX);
			return -1;
		}
		snprintf(cfg->alpn, sizeof(cfg->alpn), "%s", value);
		return 0;
	}
	if (!strcmp(key, "require_client_cert")) {
		if (strcmp(value, "0") && strcmp(value, "1")) {
			qhd_err("%s:%u: require_client_cert must be 0 or 1, not '%s'",
				conf, lineno, value);
			return -1;
		}
		cfg->require_client_cert = value[0] == '1';
		return 0;
	}
	/* log_level */
	if (!strcmp(value, "error")) {
		cfg->log_level = LOG_ERR;
	} else if (!strcmp(value, "notice")) {
		cfg->log_level = LOG_NOTICE;
	} else if (!strcmp(value, "debug")) {
		cfg->log_level = LOG_DEBUG;
	} else {
		qhd_err("%s:%u: log_level must be error, notice or debug, not '%s'",
			conf, lineno, value);
		return -1;
	}
	cfg->log_level_set = true;
	return 0;
}

/* What GnuTLS says when a file given as PEM is not PEM (DER is tried). */
static bool not_pem(int ret)
{
	return ret == GNUTLS_E_BASE64_DECODING_ERROR ||
	       ret == GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR ||
	       ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE;
}

/* Trust and our certificate, loaded into one credentials structure. */
static int x509_load(struct qhd_config *cfg)
{
	const char *conf = cfg->path;
	int ret;

	ret = gnutls_certificate_allocate_credentials(&cfg->xcred);
	if (ret) {
		qhd_err("cannot allocate certificate credentials: %s", gnutls_strerror(ret));
		return -1;
	}
	if (cfg->ca_file) {
		ret = gnutls_certificate_set_x509_trust_file(cfg->xcred, cfg->ca_file,
							     GNUTLS_X509_FMT_PEM);
		if (ret == 0 || not_pem(ret))
			ret = gnutls_certificate_set_x509_trust_file(cfg->xcred, cfg->ca_file,
								     GNUTLS_X509_FMT_DER);
		if (ret <= 0) {
			qhd_err("%s: ca_file '%s' holds no usable certificate%s%s", conf,
				cfg->ca_file, ret < 0 ? ": " : "",
				ret < 0 ? gnutls_strerror(ret) : "");
			return -1;
		}
		cfg->have_trust = true;
	} else {
		ret = gnutls_certificate_set_x509_system_trust(cfg->xcred);
		if (ret > 0)
			cfg->have_trust = true;
		else
			qhd_notice("no ca_file and no system trust store (%s): X.509 clients cannot verify servers",
				   ret < 0 ? gnutls_strerror(ret) : "no certificates");
	}
	if (cfg->cert_file) {
		int pem = gnutls_certificate_set_x509_key_file(cfg->xcred, cfg->cert_file,
							       cfg->key_file,
							       GNUTLS_X509_FMT_PEM);

		ret = pem;
		if (not_pem(pem))
			ret = gnutls_certificate_set_x509_key_file(cfg->xcred, cfg->cert_file,
								   cfg->key_file,
								   GNUTLS_X509_FMT_DER);
		if (ret < 0) {
			qhd_err("%s: cannot load cert_file '%s' with key_file '%s': %s%s%s%s", conf,
				cfg->cert_file, cfg->key_file, gnutls_strerror(pem),
				ret != pem ? " (as PEM), " : "",
				ret != pem ? gnutls_strerror(ret) : "",
				ret != pem ? " (as DER)" : "");
			return -1;
		}
		cfg->have_cert = true;
	}
	return 0;
}

int qhd_config_load(const char *path, struct qhd_config *cfg)
{
	unsigned int lineno = 0, seen = 0;
	char *buf = NULL;
	size_t cap = 0;
	int ret = 0;
	FILE *fp;

	memset(cfg, 0, sizeof(*cfg));
	cfg->path = path;
	cfg->log_level = LOG_NOTICE;
	fp = fopen(path, "re");
	if (!fp) {
		qhd_err("cannot read configuration file '%s': %s", path, strerror(errno));
		return -1;
	}
	while (!ret && getline(&buf, &cap, fp) >= 0) {
		char *line = strip(buf);

		lineno++;
		if (!*line || *line == '#')
			continue;
		ret = config_line(cfg, lineno, line, &seen);
	}
	if (!ret && ferror(fp)) {
		qhd_err("cannot read configuration file '%s'", path);
		ret = -1;
	}
	free(buf);
	fclose(fp);
	if (ret)
		return -1;

	if (!cfg->cert_file != !cfg->key_file) {
		qhd_err("%s: cert_file and key_file must be given together", path);
		return -1;
	}
	if (cfg->require_client_cert && !cfg->ca_file) {
		qhd_err("%s: require_client_cert = 1 needs ca_file (the CA that signs client certificates)",
			path);
		return -1;
	}
	/* libquic's own PSK file parser (src/libquic/psk.c, built in) */
	if (cfg->psk_file && quic_psk_file_load(cfg->psk_file, &cfg->psks))
		return -1;
	return x509_load(cfg);
}

void qhd_config_free(struct qhd_config *cfg)
{
	quic_psk_file_free(&cfg->psks);
	if (cfg->xcred)
		gnutls_certificate_free_credentials(cfg->xcred);
	free(cfg->psk_file);
	free(cfg->ca_file);
	free(cfg->cert_file);
	free(cfg->key_file);
	memset(cfg, 0, sizeof(*cfg));
}
