/*
 * A blocking server for `openssl s_client`: SSL_accept on a blocking
 * socket, read one line, answer, and close with two SSL_shutdown calls.
 * Usage: server CHAIN KEY. Prints the port it listens on to stderr, the
 * results to stdout.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <openssl/ssl.h>
#include <openssl/err.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: server CHAIN KEY\n");
        return 2;
    }
    alarm(60);
    signal(SIGPIPE, SIG_IGN);
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, argv[1]) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    SSL_CTX_set_ciphersuites(ctx, "TLS_AES_256_GCM_SHA384");

    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(lfd, 1) != 0
        || getsockname(lfd, (struct sockaddr *)&sa, &len) != 0) {
        perror("listen");
        return 1;
    }
    fprintf(stderr, "port %d\n", ntohs(sa.sin_port));
    fflush(stderr);
    int fd = accept(lfd, NULL, NULL);
    close(lfd);

    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    int ret = SSL_accept(ssl);
    printf("accept: %d\n", ret);
    if (ret != 1) {
        printf("error: %d\n", SSL_get_error(ssl, ret));
        ERR_print_errors_fp(stderr);
        return 1;
    }
    printf("version: %s cipher: %s sni: %s\n", SSL_get_version(ssl), SSL_get_cipher_name(ssl),
           SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name));

    char line[256];
    size_t have = 0;
    while (have == 0 || line[have - 1] != '\n') {
        size_t got = 0;
        if (SSL_read_ex(ssl, line + have, sizeof(line) - 1 - have, &got) != 1) {
            printf("read: failed error=%d\n", SSL_get_error(ssl, 0));
            return 1;
        }
        have += got;
    }
    line[have] = 0;
    printf("got: %s", line);
    char reply[300];
    int n = snprintf(reply, sizeof(reply), "pong: %s", line);
    printf("write: %d\n", SSL_write(ssl, reply, n) == n);

    ret = SSL_shutdown(ssl);
    printf("shutdown: first=%d\n", ret);
    if (ret == 0) {
        ret = SSL_shutdown(ssl);
        printf("shutdown: second=%d state=%d\n", ret, SSL_get_shutdown(ssl));
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    return 0;
}
