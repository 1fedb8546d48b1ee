/*
 * The SSL_connect page's non-blocking client: SSL_connect on a
 * non-blocking socket, repeated after select() says the socket is ready
 * for what SSL_get_error asked (WANT_READ / WANT_WRITE). Then one line is
 * sent to `openssl s_server -rev` and its reversal read back the same way.
 * Usage: nb_client PORT CAFILE. Prints only results.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <openssl/ssl.h>
#include <openssl/err.h>

/* Waits until `fd` is ready for what `err` asks; 0 if err is no want. */
static int wait_for(int fd, int err)
{
    fd_set fds;
    struct timeval tv = { 10, 0 };
    FD_ZERO(&fds);
    FD_SET(fd, &fds);
    if (err == SSL_ERROR_WANT_READ)
        return select(fd + 1, &fds, NULL, NULL, &tv) == 1;
    if (err == SSL_ERROR_WANT_WRITE)
        return select(fd + 1, NULL, &fds, NULL, &tv) == 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: nb_client PORT CAFILE\n");
        return 2;
    }
    alarm(60);
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (SSL_CTX_load_verify_locations(ctx, argv[2], NULL) != 1) {
        ERR_print_errors_fp(stderr);
        return 1;
    }

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)atoi(argv[1]));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        perror("connect");
        return 1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    printf("tcp_nodelay: %d\n", BIO_set_tcp_ndelay(fd, 1));

    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    printf("fd: same=%d\n", SSL_get_fd(ssl) == fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    SSL_set1_host(ssl, "localhost");

    int ret, err, wants = 0;
    for (;;) {
        ret = SSL_connect(ssl);
        if (ret == 1)
            break;
        err = SSL_get_error(ssl, ret);
        if (!wait_for(fd, err)) {
            printf("connect: failed ret=%d error=%d\n", ret, err);
            ERR_print_errors_fp(stderr);
            return 1;
        }
        wants++;
    }
    printf("connect: %d\n", ret);
    fprintf(stderr, "connect: waited %d times\n", wants);
    printf("version: %s cipher: %s verify: %ld\n", SSL_get_version(ssl), SSL_get_cipher_name(ssl),
           SSL_get_verify_result(ssl));
    X509 *peer = SSL_get1_peer_certificate(ssl);
    char *name = X509_NAME_oneline(X509_get_subject_name(peer), NULL, 0);
    printf("peer: %s\n", name);
    OPENSSL_free(name);
    X509_free(peer);

    const char *msg = "hello from c\n";
    for (;;) {
        ret = SSL_write(ssl, msg, (int)strlen(msg));
        if (ret > 0)
            break;
        if (!wait_for(fd, SSL_get_error(ssl, ret))) {
            printf("write: failed\n");
            return 1;
        }
    }
    printf("write: %d\n", ret);

    char line[256];
    size_t have = 0;
    while (have == 0 || line[have - 1] != '\n') {
        ret = SSL_read(ssl, line + have, (int)(sizeof(line) - 1 - have));
        if (ret > 0) {
            have += (size_t)ret;
            continue;
        }
        err = SSL_get_error(ssl, ret);
        if (!wait_for(fd, err)) {
            printf("read: failed ret=%d error=%d\n", ret, err);
            return 1;
        }
    }
    line[have] = 0;
    printf("read: %s", line);

    ret = SSL_shutdown(ssl);
    printf("shutdown: %d\n", ret);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    return 0;
}
