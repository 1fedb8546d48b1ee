/*
 * Two SSL objects over BIO_new_bio_pair, bytes moved by hand between the
 * network ends (the SSL_connect page's "buffering BIO" case), plus the
 * memory-BIO basics. Usage: bio_pair CA SERVER_CHAIN SERVER_KEY OTHER_CA
 * Prints only results, so the output is the same with any libssl.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>

#include "pair.h"

static void mem_bios(void)
{
    char buf[64];
    BIO *m = BIO_new(BIO_s_mem());
    int w = BIO_write(m, "hello", 5);
    int pending = (int)BIO_ctrl_pending(m);
    int r = BIO_read(m, buf, sizeof(buf));
    printf("mem: write=%d pending=%d read=%d data=%.*s\n", w, pending, r, r > 0 ? r : 0, buf);
    r = BIO_read(m, buf, sizeof(buf));
    printf("mem: empty read=%d retry=%d should_read=%d\n", r, BIO_should_retry(m) != 0,
           BIO_should_read(m) != 0);
    BIO_set_mem_eof_return(m, 0);
    r = BIO_read(m, buf, sizeof(buf));
    printf("mem: eof read=%d retry=%d\n", r, BIO_should_retry(m) != 0);
    BIO_free(m);

    m = BIO_new_mem_buf("abcd", -1);
    r = BIO_read(m, buf, sizeof(buf));
    int again = BIO_read(m, buf + 4, sizeof(buf) - 4);
    printf("membuf: read=%d data=%.4s next=%d retry=%d\n", r, buf, again, BIO_should_retry(m) != 0);
    BIO_free(m);
}

/* Reads one message on `s`, pumping between attempts. */
static int read_msg(struct pair *p, SSL *s, char *buf, int len)
{
    for (int i = 0; i < 100; i++) {
        int n = SSL_read(s, buf, len);
        if (n > 0 || !wants(s, n))
            return n;
        pump_both(p);
    }
    return -1;
}

static void good_pair(SSL_CTX *cctx, SSL_CTX *sctx)
{
    struct pair p;
    int cr, sr;
    char buf[64];

    make_pair(&p, cctx, sctx, 512);
    SSL_set_tlsext_host_name(p.c, "localhost");
    SSL_set1_host(p.c, "localhost");
    printf("pair: before handshake want_nothing=%d finished=%d\n", SSL_want_nothing(p.c),
           SSL_is_init_finished(p.c));
    int ok = handshake_both(&p, &cr, &sr);
    printf("handshake: ok=%d client=%d server=%d\n", ok, cr, sr);
    printf("client: version=%s cipher=%s verify=%ld reused=%d\n", SSL_get_version(p.c),
           SSL_get_cipher_name(p.c), SSL_get_verify_result(p.c), SSL_session_reused(p.c));
    printf("server: version=%s sni=%s is_server=%d\n", SSL_get_version(p.s),
           SSL_get_servername(p.s, TLSEXT_NAMETYPE_host_name), SSL_is_server(p.s));

    X509 *peer = SSL_get_peer_certificate(p.c);
    char name[256];
    X509_NAME_oneline(X509_get_subject_name(peer), name, sizeof(name));
    printf("peer: subject=%s", name);
    X509_NAME_oneline(X509_get_issuer_name(peer), name, sizeof(name));
    printf(" issuer=%s der=%d\n", name, i2d_X509(peer, NULL) > 100);
    X509_free(peer);
    printf("server peer cert: %s\n", SSL_get_peer_certificate(p.s) == NULL ? "none" : "some");

    size_t written = 0;
    int w = SSL_write_ex(p.c, "ping", 4, &written);
    pump(p.cnet, p.snet);
    int n = read_msg(&p, p.s, buf, sizeof(buf));
    printf("data: write_ex=%d written=%zu server read=%d %.*s\n", w, written, n, n > 0 ? n : 0, buf);
    w = SSL_write(p.s, "pong!", 5);
    pump(p.snet, p.cnet);
    n = SSL_peek(p.c, buf, 2);
    printf("data: server write=%d client peek=%d %.*s pending=%d\n", w, n, n > 0 ? n : 0, buf,
           SSL_pending(p.c));
    size_t got = 0;
    int r = SSL_read_ex(p.c, buf, sizeof(buf), &got);
    printf("data: client read_ex=%d got=%zu %.*s\n", r, got, (int)got, buf);

    printf("write 0: ret=%d\n", SSL_write(p.c, "", 0) > 0);
    ERR_clear_error();

    SSL_SESSION *sess = SSL_get1_session(p.c);
    printf("session: got=%d version=%#x resumable=%d\n", sess != NULL,
           SSL_SESSION_get_protocol_version(sess), SSL_SESSION_is_resumable(sess));

    r = SSL_shutdown(p.c);
    printf("shutdown: client first=%d state=%d\n", r, SSL_get_shutdown(p.c));
    pump(p.cnet, p.snet);
    n = read_msg(&p, p.s, buf, sizeof(buf));
    printf("shutdown: server read=%d error=%d\n", n, SSL_get_error(p.s, n));
    r = SSL_shutdown(p.s);
    printf("shutdown: server=%d state=%d\n", r, SSL_get_shutdown(p.s));
    pump(p.snet, p.cnet);
    r = SSL_shutdown(p.c);
    printf("shutdown: client second=%d state=%d\n", r, SSL_get_shutdown(p.c));
    free_pair(&p);

    /* Resumption with the ticket the client received. */
    make_pair(&p, cctx, sctx, 512);
    SSL_set_tlsext_host_name(p.c, "localhost");
    printf("session: set=%d\n", SSL_set_session(p.c, sess));
    SSL_SESSION_free(sess);
    ok = handshake_both(&p, &cr, &sr);
    printf("resumed: ok=%d client reused=%d server reused=%d\n", ok, SSL_session_reused(p.c),
           SSL_session_reused(p.s));
    free_pair(&p);
}

static void untrusted_pair(SSL_CTX *cctx, SSL_CTX *sctx)
{
    struct pair p;
    int cr, sr;

    ERR_clear_error();
    make_pair(&p, cctx, sctx, 512);
    int ok = handshake_both(&p, &cr, &sr);
    int err = SSL_get_error(p.c, cr);
    unsigned long e = ERR_get_error();
    printf("untrusted: ok=%d client=%d error=%d verify=%ld lib=%d reason=%d\n", ok, cr, err,
           SSL_get_verify_result(p.c), ERR_GET_LIB(e), ERR_GET_REASON(e));
    ERR_clear_error();
    printf("untrusted: drained queue error=%d\n", SSL_get_error(p.c, cr));
    /* The server fails once it reads the client's alert. */
    pump(p.cnet, p.snet);
    sr = SSL_do_handshake(p.s);
    int serr = SSL_get_error(p.s, sr);
    e = ERR_get_error();
    printf("untrusted: server=%d error=%d lib=%d reason=%d\n", sr, serr, ERR_GET_LIB(e),
           ERR_GET_REASON(e));
    ERR_clear_error();
    free_pair(&p);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: bio_pair CA CHAIN KEY OTHER_CA\n");
        return 2;
    }
    alarm(60);
    SSL_library_init();
    SSL_load_error_strings();
    mem_bios();

    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(sctx, argv[2]) != 1
        || SSL_CTX_use_PrivateKey_file(sctx, argv[3], SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    SSL_CTX_set_ciphersuites(sctx, "TLS_AES_128_GCM_SHA256");
    printf("ctx: bad key file=%d\n", SSL_CTX_use_PrivateKey_file(sctx, "/nonexistent.pem", SSL_FILETYPE_PEM));
    ERR_clear_error();

    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    printf("ctx: verify mode=%d\n", SSL_CTX_get_verify_mode(cctx));
    printf("ctx: load ca=%d\n", SSL_CTX_load_verify_locations(cctx, argv[1], NULL));
    long min_before = SSL_CTX_get_min_proto_version(cctx);
    long set = SSL_CTX_set_min_proto_version(cctx, TLS1_2_VERSION);
    printf("ctx: min=%ld set=%ld min=%#lx\n", min_before, set, SSL_CTX_get_min_proto_version(cctx));
    long mode = SSL_CTX_set_mode(cctx, SSL_MODE_ENABLE_PARTIAL_WRITE);
    printf("ctx: mode has partial=%d auto_retry=%d\n", (mode & SSL_MODE_ENABLE_PARTIAL_WRITE) != 0,
           (mode & SSL_MODE_AUTO_RETRY) != 0);
    SSL_CTX_clear_mode(cctx, SSL_MODE_ENABLE_PARTIAL_WRITE);
    printf("ctx: options no_sslv3=%d\n", (SSL_CTX_set_options(cctx, SSL_OP_NO_SSLv3) & SSL_OP_NO_SSLv3) != 0);
    good_pair(cctx, sctx);

    SSL_CTX *octx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(octx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_load_verify_locations(octx, argv[4], NULL);
    untrusted_pair(octx, sctx);

    SSL_CTX_free(octx);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
