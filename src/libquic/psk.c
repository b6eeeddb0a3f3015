// SPDX-License-Identifier: LGPL-2.1-or-later
/* Pre-shared key files: parsing "identity:hexkey" lines and identity lookup. */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int quic_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parse one line "identity:hexkey" (the identity is everything before the
 * last ':', so it may itself contain ':'). Returns 0, or -EINVAL.
 */
static int quic_psk_parse_line(char *line, struct quic_psk *psk)
{
	char *colon = strrchr(line, ':');
	size_t hexlen, i;
	char *hex;

	if (!colon || colon == line)
		return -EINVAL;
	*colon = '\0';
	hex = colon + 1;
	hexlen = strlen(hex);
	if (!hexlen || hexlen % 2)
		return -EINVAL;
	for (i = 0; i < hexlen; i++)
		if (quic_hex_value(hex[i]) < 0)
			return -EINVAL;

	psk->key.size = (unsigned int)(hexlen / 2);
	psk->key.data = malloc(psk->key.size);
	psk->identity = strdup(line);
	if (!psk->key.data || !psk->identity) {
		free(psk->key.data);
		free(psk->identity);
		return -ENOMEM;
	}
	for (i = 0; i < psk->key.size; i++)
		psk->key.data[i] = (unsigned char)(quic_hex_value(hex[2 * i]) << 4 |
						   quic_hex_value(hex[2 * i + 1]));
	return 0;
}

/* Strip leading and trailing white space (including the newline and a CR
 * of DOS line ends) in place; returns the start of the remaining text.
 */
static char *quic_strip(char *s)
{
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	return s;
}

/* Read every key of @path. Blank lines and lines starting with '#' are
 * skipped. Returns 0 with at least one entry, -errno of fopen()/read errors,
 * -EINVAL for a malformed line or a file without keys, -ENOMEM.
 */
int quic_psk_file_load(const char *path, struct quic_psk_file *psks)
{
	struct quic_psk *entries;
	unsigned int lineno = 0;
	size_t cap = 0;
	char *buf = NULL;
	FILE *fp;
	int ret = 0;

	memset(psks, 0, sizeof(*psks));
	if (!path) {
		quic_log_error("no PSK file given");
		return -EINVAL;
	}
	fp = fopen(path, "re");
	if (!fp) {
		ret = -errno;
		quic_log_error("cannot open PSK file '%s': %s", path, strerror(errno));
		return ret;
	}
	while (getline(&buf, &cap, fp) >= 0) {
		char *line = quic_strip(buf);

		lineno++;
		if (!*line || *line == '#')
			continue;
		entries = realloc(psks->entries, (psks->count + 1) * sizeof(*entries));
		if (!entries) {
			ret = -ENOMEM;
			break;
		}
		psks->entries = entries;
		ret = quic_psk_parse_line(line, &entries[psks->count]);
		if (ret) {
			if (ret == -EINVAL)
				quic_log_error("PSK file '%s' line %u: expected identity:hexkey",
					       path, lineno);
			break;
		}
		psks->count++;
	}
	if (!ret && ferror(fp)) {
		ret = -EIO;
		quic_log_error("cannot read PSK file '%s'", path);
	}
	if (!ret && !psks->count) {
		ret = -EINVAL;
		quic_log_error("PSK file '%s' has no identity:hexkey line", path);
	}
	if (buf) {
		memset(buf, 0, cap);
		free(buf);
	}
	fclose(fp);
	if (ret)
		quic_psk_file_free(psks);
	return ret;
}

void quic_psk_file_free(struct quic_psk_file *psks)
{
	size_t i;

	for (i = 0; i < psks->count; i++) {
		gnutls_memset(psks->entries[i].key.data, 0, psks->entries[i].key.size);
		free(psks->entries[i].key.data);
		free(psks->entries[i].identity);
	}
	free(psks->entries);
	memset(psks, 0, sizeof(*psks));
}

const struct quic_psk *quic_psk_file_find(const struct quic_psk_file *psks,
					  const char *identity)
{
	size_t i;

	for (i = 0; i < psks->count; i++)
		if (!strcmp(psks->entries[i].identity, identity))
			return &psks->entries[i];
	return NULL;
}
