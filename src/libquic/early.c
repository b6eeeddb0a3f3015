// SPDX-License-Identifier: LGPL-2.1-or-later
/* Server early data (0-RTT): GnuTLS settings QUIC requires (RFC 9001 4.6.1)
 * and the process-wide anti-replay record of ClientHellos (RFC 8446 8).
 */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "internal.h"

/* GnuTLS refuses early data of tickets older than this window or of
 * ClientHellos it saw within it
 */
#define QUIC_ANTI_REPLAY_WINDOW_MS	10000
#define QUIC_ANTI_REPLAY_SLOTS		4096	/* ClientHellos remembered */
#define QUIC_ANTI_REPLAY_KEY_MAX	64

struct quic_replay_entry {
	time_t expires;
	uint8_t len;
	uint8_t key[QUIC_ANTI_REPLAY_KEY_MAX];
};

/* the ClientHellos seen, in memory shared with the processes this one
 * forks (a server that serves each connection in a child, as quic-h3-server
 * does): a ClientHello replayed to another child is caught too
 */
struct quic_replay_shared {
	pthread_mutex_t lock;	/* PTHREAD_PROCESS_SHARED */
	struct quic_replay_entry slots[QUIC_ANTI_REPLAY_SLOTS];
};

static struct {
	pthread_mutex_t lock;
	gnutls_anti_replay_t ar;
	struct quic_replay_shared *sh;
	int err;
} quic_replay = { .lock = PTHREAD_MUTEX_INITIALIZER };

static uint32_t quic_replay_hash(const uint8_t *p, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (len--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* gnutls_db_add_func: 0 if @key is new (recorded), an error if it was seen
 * and has not expired (a replay) or no room is left for it (refuse early
 * data rather than forget a ClientHello)
 */
static int quic_replay_add(void *ptr, time_t exp_time, const gnutls_datum_t *key,
			   const gnutls_datum_t *data)
{
	struct quic_replay_shared *sh = ptr;
	struct quic_replay_entry *slots = sh->slots, *e, *free_e = NULL;
	time_t now = time(NULL);
	uint32_t h, i;
	int ret = GNUTLS_E_DB_ERROR;

	(void)data;
	if (!key->size)
		return GNUTLS_E_DB_ERROR;
	h = quic_replay_hash(key->data, key->size);
	pthread_mutex_lock(&sh->lock);
	/* open addressing over a few neighbours; expired entries are free */
	for (i = 0; i < 8; i++) {
		e = &slots[(h + i) % QUIC_ANTI_REPLAY_SLOTS];
		if (e->len && e->expires < now)
			e->len = 0;
		if (!e->len) {
			if (!free_e)
				free_e = e;
			continue;
		}
		if (e->len == (key->size > QUIC_ANTI_REPLAY_KEY_MAX ?
			       QUIC_ANTI_REPLAY_KEY_MAX : key->size) &&
		    !memcmp(e->key, key->data, e->len)) {
			ret = GNUTLS_E_DB_ENTRY_EXISTS;
			free_e = NULL;
			break;
		}
	}
	if (free_e) {
		free_e->len = key->size > QUIC_ANTI_REPLAY_KEY_MAX ?
			      QUIC_ANTI_REPLAY_KEY_MAX : (uint8_t)key->size;
		memcpy(free_e->key, key->data, free_e->len);
		free_e->expires = exp_time;
		ret = 0;
	}
	pthread_mutex_unlock(&sh->lock);
	if (ret == GNUTLS_E_DB_ENTRY_EXISTS)
		quic_log_notice("replayed ClientHello: early data refused");
	return ret;
}

static struct quic_replay_shared *quic_replay_map(void)
{
	struct quic_replay_shared *sh;
	pthread_mutexattr_t attr;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return NULL;
	if (pthread_mutexattr_init(&attr) ||
	    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED) ||
	    pthread_mutex_init(&sh->lock, &attr)) {
		munmap(sh, sizeof(*sh));
		return NULL;
	}
	pthread_mutexattr_destroy(&attr);
	return sh;
}

/* the process's anti-replay context */
static gnutls_anti_replay_t quic_replay_get(void)
{
	gnutls_anti_replay_t ar;
	int ret;

	pthread_mutex_lock(&quic_replay.lock);
	if (!quic_replay.ar && !quic_replay.err) {
		quic_replay.sh = quic_replay_map();
		ret = quic_replay.sh ? gnutls_anti_replay_init(&quic_replay.ar) :
				       GNUTLS_E_MEMORY_ERROR;
		if (ret) {
			if (quic_replay.sh)
				munmap(quic_replay.sh, sizeof(*quic_replay.sh));
			quic_replay.sh = NULL;
			quic_replay.ar = NULL;
			quic_replay.err = ret;
		} else {
			gnutls_anti_replay_set_window(quic_replay.ar,
						      QUIC_ANTI_REPLAY_WINDOW_MS);
			gnutls_anti_replay_set_add_function(quic_replay.ar,
							    quic_replay_add);
			gnutls_anti_replay_set_ptr(quic_replay.ar, quic_replay.sh);
		}
	}
	ar = quic_replay.ar;
	pthread_mutex_unlock(&quic_replay.lock);
	return ar;
}

/* Made when libquic is loaded, not at the first handshake: GnuTLS refuses
 * the early data of a ticket issued before the context existed, and a
 * server that forks per connection would otherwise make one in each child,
 * after the ticket of an earlier child (0-RTT was never accepted). The
 * pages of the record are touched only when a server uses it.
 */
__attribute__((constructor)) static void quic_replay_init(void)
{
	quic_replay_get();
}

/* A server session, before the ClientHello arrives: if it was created with
 * GNUTLS_ENABLE_EARLY_DATA, its tickets allow early data of any size, as
 * QUIC requires (RFC 9001 4.6.1: max_early_data_size is 0xffffffff; QUIC
 * flow control limits 0-RTT), and each ClientHello's early data is taken
 * once (anti-replay). Harmless for a session without that flag.
 */
int quic_server_early_data(gnutls_session_t session)
{
	gnutls_anti_replay_t ar = quic_replay_get();
	int ret;

	if (!ar) {
		quic_log_warning("no anti-replay context: early data disabled");
		return 0;
	}
	ret = gnutls_record_set_max_early_data_size(session, 0xffffffffu);
	/* GnuTLS refuses it for a client session: not a server after all
	 * (a client session initialised again has no new ClientHello)
	 */
	if (ret == GNUTLS_E_INVALID_REQUEST)
		return 0;
	if (ret) {
		quic_log_error("cannot allow early data: %s", gnutls_strerror(ret));
		return quic_errno_from_gnutls(ret);
	}
	gnutls_anti_replay_enable(session, ar);
	return 0;
}
