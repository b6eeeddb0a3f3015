// SPDX-License-Identifier: GPL-2.0-or-later
/* Address validation tokens (RFC 9000 8.1): the Retry token a server sends
 * to a new client and checks when the client comes back, and the NEW_TOKEN
 * token it gives a connected client for its next connections (8.1.3), both
 * bound to the client's address and authenticated with a per-boot HMAC key;
 * the stateless Retry packet itself; a client's keeping of NEW_TOKENs; and
 * the stateless reset tokens of our connection IDs, from the same key.
 */

#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/random.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>

#include "conn.h"
#include "mib.h"

#define QUIC_TOKEN_RETRY	0x01
#define QUIC_TOKEN_NEW		0x02
#define QUIC_TOKEN_SRESET	0x03	/* label of stateless reset tokens */
#define QUIC_TOKEN_MAC_LEN	16
#define QUIC_TOKEN_RETRY_LIFE	10	/* seconds a Retry token is good */
#define QUIC_TOKEN_NEW_LIFE	86400	/* seconds a NEW_TOKEN token is good */
#define QUIC_TOKEN_NONCE_LEN	8
/* type, expiry (8), nonce, MAC */
#define QUIC_TOKEN_NEW_LEN	(1 + 8 + QUIC_TOKEN_NONCE_LEN + \
				 QUIC_TOKEN_MAC_LEN)
/* type, expiry (8), ODCID length, ODCID, MAC */
#define QUIC_TOKEN_MAX		(1 + 8 + 1 + QUIC_CID_MAX_LEN + \
				 QUIC_TOKEN_MAC_LEN)

static struct crypto_shash *quic_token_tfm;
static struct quic_crypto_retry quic_retry[2];	/* v1, v2 */
static DEFINE_SPINLOCK(quic_retry_lock);	/* the retry buffers */

int quic_token_init(void)
{
	u8 key[32];
	int err, i;

	quic_token_tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(quic_token_tfm)) {
		err = PTR_ERR(quic_token_tfm);
		quic_token_tfm = NULL;
		return err;
	}
	get_random_bytes(key, sizeof(key));
	err = crypto_shash_setkey(quic_token_tfm, key, sizeof(key));
	memzero_explicit(key, sizeof(key));
	for (i = 0; !err && i < 2; i++)
		err = quic_crypto_retry_init(&quic_retry[i],
					     i ? QUIC_VERSION_V2 :
						 QUIC_VERSION_V1);
	if (err)
		quic_token_exit();
	return err;
}

void quic_token_exit(void)
{
	int i;

	for (i = 0; i < 2; i++)
		quic_crypto_retry_free(&quic_retry[i]);
	crypto_free_shash(quic_token_tfm);
	quic_token_tfm = NULL;
}

/* MAC over the peer's address and the token body */
static int quic_token_mac(const u8 *body, size_t len,
			  const union quic_addr *peer, u8 *mac)
{
	SHASH_DESC_ON_STACK(desc, quic_token_tfm);
	u8 out[32];
	int err;

	desc->tfm = quic_token_tfm;
	err = crypto_shash_init(desc);
	if (peer->sa.sa_family == AF_INET)
		err = err ?: crypto_shash_update(desc, (u8 *)&peer->v4.sin_addr,
						 4);
	else
		err = err ?: crypto_shash_update(desc, (u8 *)&peer->v6.sin6_addr,
						 16);
	err = err ?: crypto_shash_update(desc, body, len);
	err = err ?: crypto_shash_final(desc, out);
	shash_desc_zero(desc);
	memcpy(mac, out, QUIC_TOKEN_MAC_LEN);
	memzero_explicit(out, sizeof(out));
	return err;
}

/**
 * quic_token_retry - make the token of a Retry to @peer
 * @buf: output, at least QUIC_TOKEN_MAX bytes
 * @len: room at @buf
 * @peer: the client's address (the port may change: NAT rebinding)
 * @odcid: the Destination ID of the client's first Initial
 *
 * Return: token length or a negative errno.
 */
int quic_token_retry(u8 *buf, size_t len, const union quic_addr *peer,
		     const struct quic_cid *odcid)
{
	u64 expiry = ktime_get_real_seconds() + QUIC_TOKEN_RETRY_LIFE;
	size_t n = 1 + 8 + 1 + odcid->len;
	int err;

	if (len < n + QUIC_TOKEN_MAC_LEN)
		return -ENOBUFS;
	buf[0] = QUIC_TOKEN_RETRY;
	quic_put_be(buf + 1, expiry, 8);
	buf[9] = odcid->len;
	memcpy(buf + 10, odcid->data, odcid->len);
	err = quic_token_mac(buf, n, peer, buf + n);
	return err ?: (int)(n + QUIC_TOKEN_MAC_LEN);
}

/**
 * quic_token_sreset - the stateless reset token of one of our connection
 *	IDs (RFC 9000 10.3.2): HMAC-SHA256 under the per-boot key of a label
 *	byte and the ID, truncated; any connection of this host can compute it
 *	again after the connection is gone
 * @cid: the ID
 * @len: its length
 * @token: output, QUIC_STATELESS_RESET_TOKEN_LEN bytes
 *
 * Return: 0 or a negative errno.
 */
int quic_token_sreset(const u8 *cid, u8 len, u8 *token)
{
	SHASH_DESC_ON_STACK(desc, quic_token_tfm);
	u8 label = QUIC_TOKEN_SRESET, out[32];
	int err;

	desc->tfm = quic_token_tfm;
	err = crypto_shash_init(desc);
	err = err ?: crypto_shash_update(desc, &label, 1);
	err = err ?: crypto_shash_update(desc, cid, len);
	err = err ?: crypto_shash_final(desc, out);
	shash_desc_zero(desc);
	memcpy(token, out, QUIC_STATELESS_RESET_TOKEN_LEN);
	memzero_explicit(out, sizeof(out));
	return err;
}

/**
 * quic_token_check - check a token of a client's Initial
 * @token: the token
 * @len: its length
 * @peer: the client's address
 * @odcid: set to the original Destination ID the token names
 *
 * Return: 0 for a valid unexpired Retry token from this host, -EINVAL.
 */
int quic_token_check(const u8 *token, size_t len,
		     const union quic_addr *peer, struct quic_cid *odcid)
{
	u8 mac[QUIC_TOKEN_MAC_LEN];
	size_t n;

	if (len < 10 || token[0] != QUIC_TOKEN_RETRY ||
	    token[9] > QUIC_CID_MAX_LEN)
		return -EINVAL;
	n = 10 + token[9];
	if (len != n + QUIC_TOKEN_MAC_LEN ||
	    quic_token_mac(token, n, peer, mac) ||
	    crypto_memneq(mac, token + n, QUIC_TOKEN_MAC_LEN))
		return -EINVAL;
	if (quic_get_be(token + 1, 8) < (u64)ktime_get_real_seconds())
		return -EINVAL;
	odcid->len = token[9];
	memcpy(odcid->data, token + 10, odcid->len);
	return 0;
}

/**
 * quic_send_retry - answer a client's Initial with a Retry (RFC 9000 8.1.2)
 * @us: the tunnel socket it arrived on
 * @hdr: the Initial's header
 * @src: our address (the Initial's destination)
 * @dst: the client
 */
void quic_send_retry(struct quic_udp_sock *us, const struct quic_hdr *hdr,
		     const union quic_addr *src, const union quic_addr *dst)
{
	struct quic_crypto_retry *r;
	u8 token[QUIC_TOKEN_MAX], scid[QUIC_SCID_LEN];
	struct quic_hdr rh = {};
	struct quic_cid odcid;
	struct sk_buff *skb;
	int n, tlen, err;

	odcid.len = hdr->dcid_len;
	memcpy(odcid.data, hdr->dcid, hdr->dcid_len);
	tlen = quic_token_retry(token, sizeof(token), dst, &odcid);
	if (tlen < 0)
		return;
	get_random_bytes(scid, sizeof(scid));
	rh.type = QUIC_PKT_RETRY;
	rh.version = hdr->version;
	rh.dcid = hdr->scid;
	rh.dcid_len = hdr->scid_len;
	rh.scid = scid;
	rh.scid_len = sizeof(scid);
	rh.token = token;
	rh.token_len = tlen;
	skb = quic_skb_alloc(256, GFP_ATOMIC);
	if (!skb)
		return;
	n = quic_hdr_encode(skb->data, 256 - QUIC_RETRY_TAG_LEN, &rh);
	if (n < 0)
		goto free;
	r = &quic_retry[hdr->version == QUIC_VERSION_V2];
	spin_lock_bh(&quic_retry_lock);
	err = quic_crypto_retry_tag(r, odcid.data, odcid.len, skb->data, n,
				    skb->data + n);
	spin_unlock_bh(&quic_retry_lock);
	if (err)
		goto free;
	skb_put(skb, n + QUIC_RETRY_TAG_LEN);
	quic_mib_inc(QUIC_MIB_RETRIES_SENT);
	quic_udp_xmit(read_pnet(&us->net), us->sock, us->bound_dev_if, skb,
		      src, dst);
	return;
free:
	kfree_skb(skb);
}

/**
 * quic_token_check_new - check a NEW_TOKEN token of a client's Initial
 * @token: the token
 * @len: its length
 * @peer: the client's address
 *
 * Return: 0 for a valid unexpired token this host gave to @peer's address,
 * -EINVAL.
 */
int quic_token_check_new(const u8 *token, size_t len,
			 const union quic_addr *peer)
{
	const size_t n = QUIC_TOKEN_NEW_LEN - QUIC_TOKEN_MAC_LEN;
	u8 mac[QUIC_TOKEN_MAC_LEN];

	if (len != QUIC_TOKEN_NEW_LEN || token[0] != QUIC_TOKEN_NEW ||
	    quic_token_mac(token, n, peer, mac) ||
	    crypto_memneq(mac, token + n, QUIC_TOKEN_MAC_LEN) ||
	    quic_get_be(token + 1, 8) < (u64)ktime_get_real_seconds())
		return -EINVAL;
	quic_mib_inc(QUIC_MIB_TOKENS_ACCEPTED);
	return 0;
}

/**
 * quic_token_issue - server: make a NEW_TOKEN token for the connection's
 *	peer address, kept in qs->token, and send it in a NEW_TOKEN frame
 *	(QUIC_SOCKOPT_TOKEN set with no value)
 * @sk: a server's connection socket, locked, in process context
 *
 * Return: 0 or a negative errno.
 */
int quic_token_issue(struct sock *sk)
{
	u64 expiry = ktime_get_real_seconds() + QUIC_TOKEN_NEW_LIFE;
	const size_t n = QUIC_TOKEN_NEW_LEN - QUIC_TOKEN_MAC_LEN;
	struct quic_sock *qs = quic_sk(sk);
	u8 *buf;
	int err;

	buf = kmalloc(QUIC_TOKEN_NEW_LEN, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	buf[0] = QUIC_TOKEN_NEW;
	quic_put_be(buf + 1, expiry, 8);
	get_random_bytes(buf + 9, QUIC_TOKEN_NONCE_LEN);
	err = quic_token_mac(buf, n, &qs->peer, buf + n);
	if (err) {
		kfree(buf);
		return err;
	}
	kfree(qs->token.data);
	qs->token.data = buf;
	qs->token.len = QUIC_TOKEN_NEW_LEN;
	set_bit(QUIC_F_NEW_TOKEN_SEND, &qs->flags);
	return 0;
}

/**
 * quic_token_received - client: a NEW_TOKEN frame; the token replaces the
 *	one on the socket (QUIC_SOCKOPT_TOKEN) and goes to the application as
 *	QUIC_EVENT_NEW_TOKEN
 * @sk: the client's socket, locked (softirq or process context)
 * @token: the token
 * @len: its length, 1..QUIC_TOKEN_MAX_LEN (longer ones are ignored)
 */
void quic_token_received(struct sock *sk, const u8 *token, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	u8 *p;

	if (!len || len > QUIC_TOKEN_MAX_LEN)
		return;
	p = kmemdup(token, len, GFP_ATOMIC);
	if (!p)
		return;
	kfree(qs->token.data);
	qs->token.data = p;
	qs->token.len = len;
	quic_event_queue(sk, QUIC_EVENT_NEW_TOKEN, token, len);
}
