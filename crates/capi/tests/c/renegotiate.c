/*
 * TLS 1.2 renegotiation between two SSL over BIO_new_bio_pair: started by
 * the client, then by the server, each with SSL_renegotiate and driven by
 * SSL_do_handshake (the side that starts) and SSL_read (the other side),
 * as the SSL_renegotiate page describes. Also the refusals (TLS 1.3,
 * SSL_OP_NO_RENEGOTIATION), a per-connection maximum version, and (in
 * TLS 1.3) the servername, ALPN select and key log callbacks.
 * Usage: renegotiate CA SERVER_CHAIN SERVER_KEY
 * Prints only results, so the output is the same with any libssl.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>

#include "pair.h"

/* Both handshakes; 1 when both finished. */
static int handshake(struct pair *p)
{
    int cr, sr;
    return handshake_both(p, &cr, &sr);
}

/* SSL_read on a side that expects no application data: 1 if it wants more. */
static int idle_read(SSL *s)
{
    char buf[16];
    int n = SSL_read(s, buf, sizeof(buf));
    return n <= 0 && wants(s, n);
}

/* `from` writes `msg`, `to` reads it back; prints the result. */
static void exchange(struct pair *p, const char *who, SSL *from, SSL *to, const char *msg)
{
    char buf[64];
    int w = SSL_write(from, msg, (int)strlen(msg));
    int n = -1;
    for (int i = 0; i < 20; i++) {
        pump_both(p);
        n = SSL_read(to, buf, sizeof(buf));
        if (n > 0 || !wants(to, n))
            break;
    }
    printf("%s: write=%d read=%d %.*s\n", who, w, n, n > 0 ? n : 0, buf);
}

/* The client renegotiates: SSL_do_handshake on the client, SSL_read on the server. */
static void client_renegotiates(struct pair *p)
{
    int r = SSL_renegotiate(p->c);
    printf("client reneg: start=%d pending=%d\n", r, SSL_renegotiate_pending(p->c));
    int cr = -1, idle = 1;
    for (int i = 0; i < 100 && cr != 1; i++) {
        cr = SSL_do_handshake(p->c);
        if (cr != 1 && !wants(p->c, cr))
            break;
        pump_both(p);
        idle &= idle_read(p->s);
        pump_both(p);
    }
    /* The server finishes once the client's Finished is read. */
    for (int i = 0; i < 5; i++) {
        idle &= idle_read(p->s);
        pump_both(p);
    }
    printf("client reneg: handshake=%d server read wants=%d pending=%d/%d version=%s\n", cr, idle,
           SSL_renegotiate_pending(p->c), SSL_renegotiate_pending(p->s), SSL_get_version(p->c));
    ERR_print_errors_fp(stderr);
}

/* The server renegotiates: a HelloRequest from SSL_do_handshake, the client answers in SSL_read. */
static void server_renegotiates(struct pair *p)
{
    int r = SSL_renegotiate(p->s);
    printf("server reneg: start=%d pending=%d\n", r, SSL_renegotiate_pending(p->s));
    int sr = SSL_do_handshake(p->s);
    int ok = sr == 1 || wants(p->s, sr), idle = 1;
    /* Until both ends are done (which finishes first depends on whether
     * the client resumes: OpenSSL's answer to a HelloRequest does). */
    for (int i = 0; i < 100 && ok && (SSL_renegotiate_pending(p->s) || SSL_renegotiate_pending(p->c));
         i++) {
        pump_both(p);
        idle &= idle_read(p->c);
        pump_both(p);
        idle &= idle_read(p->s);
    }
    printf("server reneg: ok=%d idle reads=%d pending=%d/%d version=%s\n", ok, idle,
           SSL_renegotiate_pending(p->s), SSL_renegotiate_pending(p->c), SSL_get_version(p->s));
    ERR_print_errors_fp(stderr);
}

static int sni_calls;
static char sni_seen[64];

static int servername_cb(SSL *s, int *al, void *arg)
{
    const char *name = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
    (void)al;
    if (sni_calls++ == 0)
        snprintf(sni_seen, sizeof(sni_seen), "%s/%s", name ? name : "(none)", (const char *)arg);
    return SSL_TLSEXT_ERR_OK;
}

/* Picks "http/1.1" if the client offers it. */
static int alpn_select_cb(SSL *s, const unsigned char **out, unsigned char *outlen,
                          const unsigned char *in, unsigned int inlen, void *arg)
{
    (void)s;
    (void)arg;
    for (unsigned int i = 0; i < inlen; i += 1 + in[i]) {
        if (in[i] == 8 && i + 9 <= inlen && memcmp(in + i + 1, "http/1.1", 8) == 0) {
            *out = in + i + 1;
            *outlen = in[i];
            return SSL_TLSEXT_ERR_OK;
        }
    }
    return SSL_TLSEXT_ERR_NOACK;
}

static int keylog_lines;

static void keylog_cb(const SSL *s, const char *line)
{
    (void)s;
    if (strchr(line, ' ') != NULL)
        keylog_lines++;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: renegotiate CA CHAIN KEY\n");
        return 2;
    }
    alarm(60);
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(sctx, argv[2]) != 1
        || SSL_CTX_use_PrivateKey_file(sctx, argv[3], SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
#ifdef SSL_OP_ALLOW_CLIENT_RENEGOTIATION
    /* OpenSSL 3 refuses client-initiated renegotiation without it. */
    SSL_CTX_set_options(sctx, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
#endif
    SSL_CTX_set_tlsext_servername_callback(sctx, servername_cb);
    SSL_CTX_set_tlsext_servername_arg(sctx, "arg");
    SSL_CTX_set_alpn_select_cb(sctx, alpn_select_cb, NULL);

    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_load_verify_locations(cctx, argv[1], NULL);
    SSL_CTX_set_keylog_callback(cctx, keylog_cb);
    static const unsigned char alpn[] = "\x02h2\x08http/1.1";
    SSL_CTX_set_alpn_protos(cctx, alpn, sizeof(alpn) - 1);

    /* TLS 1.2 through the client connection's own maximum. */
    struct pair p;
    make_pair(&p, cctx, sctx, 4096);
    long set = SSL_set_max_proto_version(p.c, TLS1_2_VERSION);
    printf("tls12: set max=%ld max=%#lx ctx max=%ld\n", set, SSL_get_max_proto_version(p.c),
           SSL_CTX_get_max_proto_version(cctx));
    SSL_set_tlsext_host_name(p.c, "localhost");
    SSL_set1_host(p.c, "localhost");
    int ok = handshake(&p);
    printf("tls12: handshake=%d version=%s verify=%ld\n", ok, SSL_get_version(p.c),
           SSL_get_verify_result(p.c));
    exchange(&p, "before", p.c, p.s, "one");
    client_renegotiates(&p);
    exchange(&p, "after client reneg", p.c, p.s, "two");
    exchange(&p, "after client reneg", p.s, p.c, "three");
    server_renegotiates(&p);
    exchange(&p, "after server reneg", p.c, p.s, "four");
    exchange(&p, "after server reneg", p.s, p.c, "five");
    SSL_shutdown(p.c);
    free_pair(&p);

    /* Refused: TLS 1.3 has no renegotiation, and SSL_OP_NO_RENEGOTIATION. */
    sni_calls = 0;
    keylog_lines = 0;
    make_pair(&p, cctx, sctx, 4096);
    SSL_set_tlsext_host_name(p.c, "localhost");
    ok = handshake(&p);
    const unsigned char *proto = NULL;
    unsigned int proto_len = 0;
    SSL_get0_alpn_selected(p.c, &proto, &proto_len);
    printf("tls13: alpn=%.*s sni cb=%s keylog=%d\n", (int)proto_len, proto, sni_seen,
           keylog_lines > 0);
    printf("tls13: handshake=%d version=%s renegotiate=%d pending=%d\n", ok, SSL_get_version(p.c),
           SSL_renegotiate(p.c), SSL_renegotiate_pending(p.c));
    ERR_clear_error();
    exchange(&p, "tls13 after refusal", p.c, p.s, "six");
    free_pair(&p);

    SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
    uint64_t op = SSL_CTX_set_options(cctx, SSL_OP_NO_RENEGOTIATION);
    printf("no reneg: option set=%d\n", (op & SSL_OP_NO_RENEGOTIATION) != 0);
    make_pair(&p, cctx, sctx, 4096);
    ok = handshake(&p);
    printf("no reneg: handshake=%d version=%s renegotiate=%d pending=%d\n", ok,
           SSL_get_version(p.c), SSL_renegotiate(p.c), SSL_renegotiate_pending(p.c));
    ERR_clear_error();
    exchange(&p, "no reneg after refusal", p.c, p.s, "seven");
    free_pair(&p);

    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
