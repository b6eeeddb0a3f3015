// SPDX-License-Identifier: GPL-2.0-or-later
/* Socket options of level SOL_QUIC: defaults, range checks and the values a
 * socket holds before it has a connection; other levels go to IP/IPv6.
 */

#include <linux/slab.h>
#include <linux/tls.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "compat.h"
#include "conn.h"
#include "include/net/quic.h"
#include "sysctl.h"

#define QUIC_TP_EXT_MAX		4096	/* encoded transport parameters */

/* Bounds of the values an application may set (microseconds where timed). */
#define QUIC_MIN_UDP_PAYLOAD		1200
#define QUIC_MAX_UDP_PAYLOAD		65527
#define QUIC_MAX_ACK_DELAY_EXPONENT	20
#define QUIC_MAX_ACK_DELAY		(16384 * 1000)	/* 2^14 ms, exclusive */
#define QUIC_MIN_IDLE_TIMEOUT		1000000
#define QUIC_CONN_ID_LEAST		2
#define QUIC_CONN_ID_LIMIT		8
#define QUIC_MAX_STREAMS		4096
#define QUIC_MIN_MAX_DATA		(2 * 65536)
#define QUIC_MIN_MAX_STREAM_DATA	65536
#define QUIC_MAX_MAX_DATA		BIT(30)
#define QUIC_MIN_PROBE_INTERVAL		5000000
#define QUIC_MIN_RTT			100000
#define QUIC_MAX_RTT			6000000
#define QUIC_MIN_KEEPALIVE		100000
#define QUIC_CERT_REQUIRE		2

void quic_sock_defaults(struct quic_sock *qs)
{
	struct quic_transport_param *p = &qs->local;
	struct quic_config *c = &qs->config;

	memset(c, 0, sizeof(*c));
	c->version = QUIC_VERSION_V1;
	c->initial_smoothed_rtt = 333000;
	c->congestion_control_algo = READ_ONCE(sysctl_quic_cong_algo);

	memset(p, 0, sizeof(*p));
	p->active_connection_id_limit = 7;
	p->ack_delay_exponent = 3;
	p->max_udp_payload_size = QUIC_MAX_UDP_PAYLOAD;
	p->max_idle_timeout = 30000000;
	p->max_ack_delay = 25000;
	p->max_streams_bidi = 100;
	p->max_streams_uni = 100;
	p->max_data = 65536 * 32;
	p->max_stream_data_bidi_local = 65536 * 4;
	p->max_stream_data_bidi_remote = 65536 * 4;
	p->max_stream_data_uni = 65536 * 4;

	/* until the peer's arrive, assume the RFC 9000 defaults */
	p = &qs->remote;
	memset(p, 0, sizeof(*p));
	p->remote = 1;
	p->active_connection_id_limit = 2;
	p->ack_delay_exponent = 3;
	p->max_udp_payload_size = QUIC_MAX_UDP_PAYLOAD;
	p->max_ack_delay = 25000;
}

static void quic_data_free(struct quic_data *d)
{
	kfree(d->data);
	d->data = NULL;
	d->len = 0;
}

void quic_sock_free_data(struct quic_sock *qs)
{
	quic_data_free(&qs->alpn);
	quic_data_free(&qs->token);
	quic_data_free(&qs->ticket);
}

/* Replace @d with @len bytes from @optval (an empty value clears it). */
static int quic_data_set(struct quic_data *d, sockptr_t optval,
			 unsigned int len, unsigned int max)
{
	u8 *p = NULL;

	if (len > max)
		return -EINVAL;
	if (len) {
		p = memdup_sockptr(optval, len);
		if (IS_ERR(p))
			return PTR_ERR(p);
	}
	kfree(d->data);
	d->data = p;
	d->len = len;
	return 0;
}

/* Check all of @p before changing anything. A zero in a field whose default
 * is not zero leaves the current value (so a zeroed structure with one field
 * set changes just that field); flags take the value given (0 or 1).
 */
static int quic_param_check(const struct quic_transport_param *p)
{
	if (p->remote > 1 || p->disable_active_migration > 1 ||
	    p->grease_quic_bit > 1 || p->stateless_reset > 1 ||
	    p->disable_1rtt_encryption > 1 || p->disable_compatible_version > 1)
		return -EINVAL;
	if (p->max_udp_payload_size &&
	    (p->max_udp_payload_size < QUIC_MIN_UDP_PAYLOAD ||
	     p->max_udp_payload_size > QUIC_MAX_UDP_PAYLOAD))
		return -EINVAL;
	if (p->ack_delay_exponent > QUIC_MAX_ACK_DELAY_EXPONENT)
		return -EINVAL;
	if (p->max_ack_delay >= QUIC_MAX_ACK_DELAY)
		return -EINVAL;
	if (p->active_connection_id_limit &&
	    (p->active_connection_id_limit < QUIC_CONN_ID_LEAST ||
	     p->active_connection_id_limit > QUIC_CONN_ID_LIMIT))
		return -EINVAL;
	if (p->max_idle_timeout && p->max_idle_timeout < QUIC_MIN_IDLE_TIMEOUT)
		return -EINVAL;
	if (p->max_datagram_frame_size &&
	    (p->max_datagram_frame_size < QUIC_MIN_UDP_PAYLOAD ||
	     p->max_datagram_frame_size > QUIC_MAX_UDP_PAYLOAD))
		return -EINVAL;
	if (p->max_streams_bidi > QUIC_MAX_STREAMS ||
	    p->max_streams_uni > QUIC_MAX_STREAMS)
		return -EINVAL;
	if (p->max_data && (p->max_data < QUIC_MIN_MAX_DATA ||
			    p->max_data > QUIC_MAX_MAX_DATA))
		return -EINVAL;
	if ((p->max_stream_data_bidi_local &&
	     (p->max_stream_data_bidi_local < QUIC_MIN_MAX_STREAM_DATA ||
	      p->max_stream_data_bidi_local > QUIC_MAX_MAX_DATA)) ||
	    (p->max_stream_data_bidi_remote &&
	     (p->max_stream_data_bidi_remote < QUIC_MIN_MAX_STREAM_DATA ||
	      p->max_stream_data_bidi_remote > QUIC_MAX_MAX_DATA)) ||
	    (p->max_stream_data_uni &&
	     (p->max_stream_data_uni < QUIC_MIN_MAX_STREAM_DATA ||
	      p->max_stream_data_uni > QUIC_MAX_MAX_DATA)))
		return -EINVAL;
	return 0;
}

#define quic_keep(dst, v)			\
	do {					\
		typeof(v) _v = (v);		\
						\
		if (_v)				\
			(dst) = _v;		\
	} while (0)

static int quic_sock_set_transport_param(struct sock *sk, sockptr_t optval,
					 unsigned int optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_transport_param p, *dst;
	int err;

	if (optlen < sizeof(p))
		return -EINVAL;
	if (copy_from_sockptr(&p, optval, sizeof(p)))
		return -EFAULT;
	err = quic_param_check(&p);
	if (err)
		return err;
	/* the parameters are sent in the handshake and fixed after it */
	if (sk->sk_state != QUIC_SS_CLOSED)
		return -EISCONN;

	dst = p.remote ? &qs->remote : &qs->local;
	/* the server's parameters of an earlier connection: 0-RTT may use
	 * them (zerortt.c)
	 */
	if (p.remote)
		set_bit(QUIC_F_ZRTT_PARAMS, &qs->flags);
	dst->disable_active_migration = p.disable_active_migration;
	dst->grease_quic_bit = p.grease_quic_bit;
	dst->stateless_reset = p.stateless_reset;
	dst->disable_1rtt_encryption = p.disable_1rtt_encryption;
	dst->disable_compatible_version = p.disable_compatible_version;
	quic_keep(dst->active_connection_id_limit, p.active_connection_id_limit);
	quic_keep(dst->ack_delay_exponent, p.ack_delay_exponent);
	dst->max_datagram_frame_size = p.max_datagram_frame_size;
	quic_keep(dst->max_udp_payload_size, p.max_udp_payload_size);
	quic_keep(dst->max_idle_timeout, p.max_idle_timeout);
	quic_keep(dst->max_ack_delay, p.max_ack_delay);
	quic_keep(dst->max_streams_bidi, p.max_streams_bidi);
	quic_keep(dst->max_streams_uni, p.max_streams_uni);
	quic_keep(dst->max_data, p.max_data);
	quic_keep(dst->max_stream_data_bidi_local, p.max_stream_data_bidi_local);
	quic_keep(dst->max_stream_data_bidi_remote,
		  p.max_stream_data_bidi_remote);
	quic_keep(dst->max_stream_data_uni, p.max_stream_data_uni);
	return 0;
}

static bool quic_cipher_valid(u32 type)
{
	switch (type) {
	case 0:
	case TLS_CIPHER_AES_GCM_128:
	case TLS_CIPHER_AES_GCM_256:
	case TLS_CIPHER_AES_CCM_128:
	case TLS_CIPHER_CHACHA20_POLY1305:
		return true;
	}
	return false;
}

static int quic_sock_set_config(struct sock *sk, sockptr_t optval,
				unsigned int optlen)
{
	struct quic_config *dst = &quic_sk(sk)->config;
	struct quic_config c;

	if (optlen < sizeof(c))
		return -EINVAL;
	if (copy_from_sockptr(&c, optval, sizeof(c)))
		return -EFAULT;
	if (c.version && c.version != QUIC_VERSION_V1 &&
	    c.version != QUIC_VERSION_V2)
		return -EINVAL;
	if (c.plpmtud_probe_interval &&
	    c.plpmtud_probe_interval < QUIC_MIN_PROBE_INTERVAL)
		return -EINVAL;
	if (c.initial_smoothed_rtt &&
	    (c.initial_smoothed_rtt < QUIC_MIN_RTT ||
	     c.initial_smoothed_rtt > QUIC_MAX_RTT))
		return -EINVAL;
	if (!quic_cipher_valid(c.payload_cipher_type) ||
	    c.congestion_control_algo >= QUIC_CONG_ALG_MAX ||
	    c.validate_peer_address > 1 || c.stream_data_nodelay > 1 ||
	    c.certificate_request > QUIC_CERT_REQUIRE ||
	    c.reserved[0] || c.reserved[1] || c.reserved[2])
		return -EINVAL;
	if (c.keepalive_probe_interval &&
	    c.keepalive_probe_interval < QUIC_MIN_KEEPALIVE)
		return -EINVAL;

	quic_keep(dst->version, c.version);
	quic_keep(dst->initial_smoothed_rtt, c.initial_smoothed_rtt);
	dst->plpmtud_probe_interval = c.plpmtud_probe_interval;
	dst->payload_cipher_type = c.payload_cipher_type;
	dst->congestion_control_algo = c.congestion_control_algo;
	dst->validate_peer_address = c.validate_peer_address;
	dst->stream_data_nodelay = c.stream_data_nodelay;
	dst->receive_session_ticket = c.receive_session_ticket;
	dst->certificate_request = c.certificate_request;
	dst->keepalive_probe_interval = c.keepalive_probe_interval;
	return 0;
}

static int quic_sock_set_event(struct sock *sk, sockptr_t optval,
			       unsigned int optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_event_option e;

	if (optlen < sizeof(e))
		return -EINVAL;
	if (copy_from_sockptr(&e, optval, sizeof(e)))
		return -EFAULT;
	if (e.type == QUIC_EVENT_NONE || e.type >= QUIC_EVENT_MAX || e.on > 1)
		return -EINVAL;
	if (e.on)
		qs->events |= BIT(e.type);
	else
		qs->events &= ~BIT(e.type);
	return 0;
}

/* A comma-separated list of 1..255-byte protocol names, no empty entries. */
static int quic_sock_set_alpn(struct sock *sk, sockptr_t optval,
			      unsigned int optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	unsigned int i, start = 0;
	u8 *p;
	int err;

	/* a server's TLS library records the ALPN it selected */
	if (sk->sk_state != QUIC_SS_CLOSED && !quic_is_serv(qs))
		return -EISCONN;
	err = quic_data_set(&qs->alpn, optval, optlen, QUIC_ALPN_MAX_LEN);
	if (err || !qs->alpn.len)
		return err;
	p = qs->alpn.data;
	for (i = 0; i <= qs->alpn.len; i++) {
		if (i < qs->alpn.len && p[i] != ',') {
			if (!p[i])
				goto bad;
			continue;
		}
		if (i == start)
			goto bad;
		start = i + 1;
	}
	return 0;
bad:
	quic_data_free(&qs->alpn);
	return -EINVAL;
}

static int quic_sock_set_close(struct sock *sk, sockptr_t optval,
			       unsigned int optlen)
{
	struct quic_connection_close *dst = &quic_sk(sk)->close;
	struct quic_connection_close c = {};
	unsigned int len = min_t(unsigned int, optlen, sizeof(c));

	if (optlen < offsetof(struct quic_connection_close, phrase) ||
	    optlen > sizeof(c))
		return -EINVAL;
	if (copy_from_sockptr(&c, optval, len))
		return -EFAULT;
	/* the phrase is a string: make sure it ends */
	if (len > offsetof(struct quic_connection_close, phrase) &&
	    strnlen((char *)c.phrase, sizeof(c.phrase)) == sizeof(c.phrase))
		return -EINVAL;
	*dst = c;
	return 0;
}

/* QUIC_SOCKOPT_STREAM_RESET and QUIC_SOCKOPT_STREAM_STOP_SENDING */
static int quic_sock_stream_errinfo(struct sock *sk, int optname,
				    sockptr_t optval, unsigned int optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_errinfo e;
	int err;

	if (optlen < sizeof(e))
		return -EINVAL;
	if (copy_from_sockptr(&e, optval, sizeof(e)))
		return -EFAULT;
	if (sk->sk_state != QUIC_SS_ESTABLISHED)
		return -ENOTCONN;
	if (e.stream_id < 0)
		return -EINVAL;
	if (optname == QUIC_SOCKOPT_STREAM_RESET)
		err = quic_stream_reset(&qs->streams, e.stream_id, e.errcode);
	else
		err = quic_stream_stop_sending(&qs->streams, e.stream_id,
					       e.errcode);
	if (!err) {
		quic_output(sk);
		quic_timer_update(sk);
	}
	return err;
}

/* QUIC_SOCKOPT_TOKEN set on a server's connection: one more NEW_TOKEN */
static int quic_sock_issue_token(struct sock *sk, unsigned int optlen)
{
	int err;

	if (optlen)
		return -EINVAL;
	if (sk->sk_state != QUIC_SS_ESTABLISHED ||
	    !test_bit(QUIC_F_HS_CONFIRMED, &quic_sk(sk)->flags))
		return -ENOTCONN;
	err = quic_token_issue(sk);
	if (!err) {
		quic_output(sk);
		quic_timer_update(sk);
	}
	return err;
}

static int quic_do_setsockopt(struct sock *sk, int optname, sockptr_t optval,
			      unsigned int optlen)
{
	struct quic_sock *qs = quic_sk(sk);

	switch (optname) {
	case QUIC_SOCKOPT_EVENT:
		return quic_sock_set_event(sk, optval, optlen);
	case QUIC_SOCKOPT_TRANSPORT_PARAM:
		return quic_sock_set_transport_param(sk, optval, optlen);
	case QUIC_SOCKOPT_CONFIG:
		return quic_sock_set_config(sk, optval, optlen);
	case QUIC_SOCKOPT_ALPN:
		return quic_sock_set_alpn(sk, optval, optlen);
	case QUIC_SOCKOPT_CONNECTION_CLOSE:
		return quic_sock_set_close(sk, optval, optlen);
	case QUIC_SOCKOPT_TOKEN:
		/* client: a NEW_TOKEN of an earlier connection, for the
		 * next Initial; server connection: no value issues a token
		 */
		if (quic_is_serv(qs))
			return quic_sock_issue_token(sk, optlen);
		return quic_data_set(&qs->token, optval, optlen,
				     QUIC_TOKEN_MAX_LEN);
	case QUIC_SOCKOPT_SESSION_TICKET:
		return quic_data_set(&qs->ticket, optval, optlen,
				     QUIC_TICKET_MAX_LEN);
	case QUIC_SOCKOPT_CRYPTO_SECRET:
		return quic_conn_set_secret(sk, optval, optlen);
	case QUIC_SOCKOPT_TRANSPORT_PARAM_EXT: {
		u8 *buf;
		int err;

		if (!optlen || optlen > QUIC_TP_EXT_MAX)
			return -EINVAL;
		buf = memdup_sockptr(optval, optlen);
		if (IS_ERR(buf))
			return PTR_ERR(buf);
		err = quic_conn_set_tp_ext(sk, buf, optlen);
		kfree(buf);
		return err;
	}
	case QUIC_SOCKOPT_STREAM_RESET:
	case QUIC_SOCKOPT_STREAM_STOP_SENDING:
		return quic_sock_stream_errinfo(sk, optname, optval, optlen);
	case QUIC_SOCKOPT_CONNECTION_MIGRATION:
		return quic_path_migrate(sk, optval, optlen);
	case QUIC_SOCKOPT_KEY_UPDATE:
		return quic_key_update_start(sk);
	case QUIC_SOCKOPT_CONNECTION_ID: {
		struct quic_connection_id_info info;

		if (optlen < sizeof(info))
			return -EINVAL;
		if (copy_from_sockptr(&info, optval, sizeof(info)))
			return -EFAULT;
		return quic_conn_cid_set(sk, &info);
	}
	case QUIC_SOCKOPT_STREAM_OPEN:
		return -EOPNOTSUPP;	/* get only */
	}
	return -ENOPROTOOPT;
}

int quic_setsockopt(struct sock *sk, int level, int optname,
		    sockptr_t optval, unsigned int optlen)
{
	int err;

	if (level != SOL_QUIC) {
		if (sk->sk_family == AF_INET6)
			return ipv6_setsockopt(sk, level, optname, optval,
					       optlen);
		return ip_setsockopt(sk, level, optname, optval, optlen);
	}

	lock_sock(sk);
	err = quic_do_setsockopt(sk, optname, optval, optlen);
	release_sock(sk);
	return err;
}

/* Copy @len bytes of @val to the option buffer @optval (kernel memory,
 * @ulen bytes of room) and set *@optlen; all of it must fit.
 */
static int quic_put(void *optval, int *optlen, int ulen, const void *val,
		    int len)
{
	if (ulen < len)
		return -EINVAL;
	if (len)
		memcpy(optval, val, len);
	*optlen = len;
	return 0;
}

/* QUIC_SOCKOPT_STREAM_OPEN: open the next stream of a type (stream_id -1,
 * MSG_QUIC_STREAM_UNI in stream_flags for a unidirectional one) or the
 * named one, and return its ID
 */
static int quic_sock_stream_open(struct sock *sk, void *optval, int *optlen, int len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct socket *sock = sk->sk_socket;
	long timeo = READ_ONCE(sk->sk_sndtimeo);
	struct quic_stream_info si;
	struct quic_stream *s;
	s64 id;
	int err;

	if (len < (int)sizeof(si))
		return -EINVAL;
	memcpy(&si, optval, sizeof(si));
	/* as sendmsg(): during the handshake once 0-RTT can take data */
	if (sk->sk_state != QUIC_SS_ESTABLISHED && !quic_zrtt_open(sk))
		return -ENOTCONN;
	err = quic_stream_send_id(&qs->streams, si.stream_id,
				  si.stream_flags | MSG_QUIC_STREAM_NEW, &id);
	if (err)
		return err;
	if (sock && sock->file && (sock->file->f_flags & O_NONBLOCK))
		timeo = 0;
	s = quic_stream_open_wait(sk, id, si.stream_flags, &timeo);
	if (IS_ERR(s))
		return PTR_ERR(s);
	si.stream_id = id;
	qs->streams.last = id;
	return quic_put(optval, optlen, len, &si, sizeof(si));
}

static int quic_do_getsockopt(struct sock *sk, int optname,
			      void *optval, int *optlen, int len)
{
	struct quic_sock *qs = quic_sk(sk);

	switch (optname) {
	case QUIC_SOCKOPT_EVENT: {
		struct quic_event_option e;

		if (len < (int)sizeof(e))
			return -EINVAL;
		memcpy(&e, optval, sizeof(e));
		if (e.type == QUIC_EVENT_NONE || e.type >= QUIC_EVENT_MAX)
			return -EINVAL;
		e.on = !!(qs->events & BIT(e.type));
		return quic_put(optval, optlen, len, &e, sizeof(e));
	}
	case QUIC_SOCKOPT_TRANSPORT_PARAM: {
		struct quic_transport_param p;

		/* the caller says in ->remote which set it wants */
		if (len < (int)sizeof(p))
			return -EINVAL;
		memcpy(&p, optval, sizeof(p));
		if (p.remote > 1)
			return -EINVAL;
		p = p.remote ? qs->remote : qs->local;
		return quic_put(optval, optlen, len, &p, sizeof(p));
	}
	case QUIC_SOCKOPT_CONFIG: {
		struct quic_config c = qs->config;

		return quic_put(optval, optlen, len, &c, sizeof(c));
	}
	case QUIC_SOCKOPT_ALPN:
		return quic_put(optval, optlen, len, qs->alpn.data,
				qs->alpn.len);
	case QUIC_SOCKOPT_TOKEN:
		return quic_put(optval, optlen, len, qs->token.data,
				qs->token.len);
	case QUIC_SOCKOPT_SESSION_TICKET:
		return quic_put(optval, optlen, len, qs->ticket.data,
				qs->ticket.len);
	case QUIC_SOCKOPT_CONNECTION_CLOSE: {
		struct quic_connection_close c = qs->close;

		/* after the peer closed: its code and reason */
		if (test_bit(QUIC_F_PEER_CLOSED, &qs->flags))
			c = qs->peer_close;
		return quic_put(optval, optlen, len, &c, sizeof(c));
	}
	case QUIC_SOCKOPT_TRANSPORT_PARAM_EXT: {
		u32 n = min_t(u32, len, QUIC_TP_EXT_MAX);
		u8 *buf;
		int err;

		buf = kmalloc(QUIC_TP_EXT_MAX, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		err = quic_conn_get_tp_ext(sk, buf, &n);
		if (!err)
			err = quic_put(optval, optlen, len, buf, n);
		kfree(buf);
		return err;
	}
	case QUIC_SOCKOPT_STREAM_OPEN:
		return quic_sock_stream_open(sk, optval, optlen, len);
	case QUIC_SOCKOPT_CONNECTION_ID: {
		struct quic_connection_id_info info;
		int err;

		if (len < (int)sizeof(info))
			return -EINVAL;
		memcpy(&info, optval, sizeof(info));
		err = quic_conn_cid_get(sk, &info);
		return err ?: quic_put(optval, optlen, len, &info,
				       sizeof(info));
	}
	case QUIC_SOCKOPT_STREAM_RESET:
	case QUIC_SOCKOPT_STREAM_STOP_SENDING:
	case QUIC_SOCKOPT_CONNECTION_MIGRATION:
	case QUIC_SOCKOPT_KEY_UPDATE:
	case QUIC_SOCKOPT_CRYPTO_SECRET:
		return -EOPNOTSUPP;	/* set only */
	}
	return -ENOPROTOOPT;
}

#define QUIC_GETSOCKOPT_MAX	16384	/* the largest option value */

/**
 * quic_kernel_getsockopt - getsockopt(SOL_QUIC) for kernel callers
 * @sk: a QUIC socket
 * @optname: QUIC_SOCKOPT_*
 * @optval: kernel buffer: input for the options that take one, output
 * @optlen: in: room at @optval; out: bytes written
 *
 * Return: 0 or a negative errno, as getsockopt(2) reports it.
 */
int quic_kernel_getsockopt(struct sock *sk, int optname, void *optval,
			   unsigned int *optlen)
{
	int len = min_t(unsigned int, *optlen, INT_MAX), out = 0, err;

	lock_sock(sk);
	err = quic_do_getsockopt(sk, optname, optval, &out, len);
	release_sock(sk);
	if (!err)
		*optlen = out;
	return err;
}
EXPORT_SYMBOL_GPL(quic_kernel_getsockopt);

/**
 * quic_kernel_setsockopt - setsockopt(SOL_QUIC) for kernel callers
 * @sk: a QUIC socket
 * @optname: QUIC_SOCKOPT_*
 * @optval: kernel buffer with the value
 * @optlen: its length
 *
 * Return: 0 or a negative errno, as setsockopt(2) reports it.
 */
int quic_kernel_setsockopt(struct sock *sk, int optname, void *optval,
			   unsigned int optlen)
{
	return quic_setsockopt(sk, SOL_QUIC, optname, KERNEL_SOCKPTR(optval),
			       optlen);
}
EXPORT_SYMBOL_GPL(quic_kernel_setsockopt);

int quic_getsockopt(struct sock *sk, int level, int optname,
		    char __user *optval, int __user *optlen)
{
	unsigned int klen;
	int len, err;
	void *kbuf;

	if (level != SOL_QUIC) {
		if (sk->sk_family == AF_INET6)
			return ipv6_getsockopt(sk, level, optname, optval,
					       optlen);
		return ip_getsockopt(sk, level, optname, optval, optlen);
	}
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	/* the value goes through a kernel buffer: kernel callers share the
	 * code, and the socket's slab never meets hardened usercopy
	 */
	klen = min_t(int, len, QUIC_GETSOCKOPT_MAX);
	kbuf = kzalloc(klen ?: 1, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	err = -EFAULT;
	if (copy_from_user(kbuf, optval, klen))
		goto out;
	err = quic_kernel_getsockopt(sk, optname, kbuf, &klen);
	if (err)
		goto out;
	err = -EFAULT;
	if (put_user(klen, optlen) || copy_to_user(optval, kbuf, klen))
		goto out;
	err = 0;
out:
	kfree(kbuf);
	return err;
}
