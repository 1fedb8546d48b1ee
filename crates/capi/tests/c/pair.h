/*
 * Two SSL in one process, each on its own BIO_new_bio_pair, with the bytes
 * between the two network ends moved by hand (the SSL_connect page's
 * "buffering BIO" case). Shared by the programs that drive both sides;
 * static inline, so a program that leaves a function unused still builds
 * with -Wall -Werror.
 */
#ifndef FERROTLS_TESTS_PAIR_H
#define FERROTLS_TESTS_PAIR_H

#include <stdio.h>
#include <openssl/ssl.h>
#include <openssl/bio.h>

struct pair {
    SSL *c, *s;
    BIO *cnet, *snet;
};

/* Moves what `from` holds into `to`, as much as `to` takes. */
static inline void pump(BIO *from, BIO *to)
{
    char buf[300];
    for (;;) {
        size_t room = BIO_ctrl_get_write_guarantee(to);
        size_t avail = BIO_ctrl_pending(from);
        size_t n = sizeof(buf);
        if (room == 0 || avail == 0)
            return;
        if (n > room)
            n = room;
        if (n > avail)
            n = avail;
        int got = BIO_read(from, buf, (int)n);
        if (got <= 0)
            return;
        if (BIO_write(to, buf, got) != got) {
            printf("pump: short write\n");
            return;
        }
    }
}

/* Moves the bytes both ways. */
static inline void pump_both(struct pair *p)
{
    pump(p->cnet, p->snet);
    pump(p->snet, p->cnet);
}

/* Whether `ret` from a call on `s` only asks to be called again. */
static inline int wants(SSL *s, int ret)
{
    int e = SSL_get_error(s, ret);
    return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
}

/* A client on `cctx` and a server on `sctx`, each over a pair with
 * `bufsize`-byte buffers. */
static inline void make_pair(struct pair *p, SSL_CTX *cctx, SSL_CTX *sctx, size_t bufsize)
{
    BIO *cint, *sint;
    BIO_new_bio_pair(&cint, bufsize, &p->cnet, bufsize);
    BIO_new_bio_pair(&sint, bufsize, &p->snet, bufsize);
    p->c = SSL_new(cctx);
    p->s = SSL_new(sctx);
    SSL_set_bio(p->c, cint, cint);
    SSL_set_bio(p->s, sint, sint);
    SSL_set_connect_state(p->c);
    SSL_set_accept_state(p->s);
}

static inline void free_pair(struct pair *p)
{
    SSL_free(p->c);
    SSL_free(p->s);
    BIO_free(p->cnet);
    BIO_free(p->snet);
}

/* Runs both handshakes, pumping between steps; the last return values are
 * left in *cr and *sr. Returns 1 when both finished. */
static inline int handshake_both(struct pair *p, int *cr, int *sr)
{
    *cr = *sr = -1;
    for (int i = 0; i < 1000 && (*cr != 1 || *sr != 1); i++) {
        if (*cr != 1) {
            *cr = SSL_do_handshake(p->c);
            if (*cr != 1 && !wants(p->c, *cr))
                return 0;
        }
        if (*sr != 1) {
            *sr = SSL_do_handshake(p->s);
            if (*sr != 1 && !wants(p->s, *sr))
                return 0;
        }
        pump_both(p);
    }
    return *cr == 1 && *sr == 1;
}

#endif
