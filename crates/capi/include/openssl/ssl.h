/*
 * ferrotls: <openssl/ssl.h> — the subset of OpenSSL's libssl API that
 * libferrotls_ssl implements, with OpenSSL 3's names, signatures and
 * constants. Functions not listed here are not implemented; a program
 * that uses them fails to compile rather than at run time.
 *
 * Build: cc prog.c $(pkg-config --cflags --libs ferrotls_ssl)
 */
#ifndef OPENSSL_SSL_H
# define OPENSSL_SSL_H

# include <stddef.h>
# include <stdint.h>
# include <openssl/types.h>
# include <openssl/crypto.h>
# include <openssl/bio.h>
# include <openssl/err.h>
# include <openssl/x509.h>

# ifdef __cplusplus
extern "C" {
# endif

/* SSL_get_error */
# define SSL_ERROR_NONE 0
# define SSL_ERROR_SSL 1
# define SSL_ERROR_WANT_READ 2
# define SSL_ERROR_WANT_WRITE 3
# define SSL_ERROR_SYSCALL 5
# define SSL_ERROR_ZERO_RETURN 6

/* SSL_want */
# define SSL_NOTHING 1
# define SSL_WRITING 2
# define SSL_READING 3

/* modes */
# define SSL_MODE_ENABLE_PARTIAL_WRITE 0x00000001U
# define SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER 0x00000002U
# define SSL_MODE_AUTO_RETRY 0x00000004U
# define SSL_MODE_RELEASE_BUFFERS 0x00000010U

/* verify */
# define SSL_VERIFY_NONE 0x00
# define SSL_VERIFY_PEER 0x01
# define SSL_VERIFY_FAIL_IF_NO_PEER_CERT 0x02
# define SSL_VERIFY_CLIENT_ONCE 0x04

# define SSL_FILETYPE_PEM 1
# define SSL_FILETYPE_ASN1 2

/* options: the versions below TLS 1.2 and compression are never used */
# define SSL_OP_ALLOW_CLIENT_RENEGOTIATION 0x00000100UL
# define SSL_OP_NO_TICKET 0x00004000UL
# define SSL_OP_NO_COMPRESSION 0x00020000UL
# define SSL_OP_NO_SSLv3 0x02000000UL
# define SSL_OP_NO_TLSv1 0x04000000UL
# define SSL_OP_NO_TLSv1_2 0x08000000UL
# define SSL_OP_NO_TLSv1_1 0x10000000UL
# define SSL_OP_NO_TLSv1_3 0x20000000UL
# define SSL_OP_NO_RENEGOTIATION 0x40000000UL

/* ctrl commands */
# define SSL_CTRL_MODE 33
# define SSL_CTRL_SET_TLSEXT_SERVERNAME_CB 53
# define SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG 54
# define SSL_CTRL_SET_TLSEXT_HOSTNAME 55
# define SSL_CTRL_CLEAR_MODE 78
# define SSL_CTRL_SET_MIN_PROTO_VERSION 123
# define SSL_CTRL_SET_MAX_PROTO_VERSION 124
# define SSL_CTRL_GET_MIN_PROTO_VERSION 130
# define SSL_CTRL_GET_MAX_PROTO_VERSION 131
# define TLSEXT_NAMETYPE_host_name 0

/* servername and ALPN select callback results */
# define SSL_TLSEXT_ERR_OK 0
# define SSL_TLSEXT_ERR_ALERT_WARNING 1
# define SSL_TLSEXT_ERR_ALERT_FATAL 2
# define SSL_TLSEXT_ERR_NOACK 3

/* alerts a servername callback may set in *al */
# define SSL_AD_HANDSHAKE_FAILURE 40
# define SSL_AD_INTERNAL_ERROR 80
# define SSL_AD_UNRECOGNIZED_NAME 112
# define SSL_AD_NO_APPLICATION_PROTOCOL 120

/* protocol versions (below TLS 1.2: accepted as a minimum only) */
# define SSL3_VERSION 0x0300
# define TLS1_VERSION 0x0301
# define TLS1_1_VERSION 0x0302
# define TLS1_2_VERSION 0x0303
# define TLS1_3_VERSION 0x0304
# define TLS_ANY_VERSION 0x10000

# define SSL_SENT_SHUTDOWN 1
# define SSL_RECEIVED_SHUTDOWN 2

# define SSL_KEY_UPDATE_NOT_REQUESTED 0
# define SSL_KEY_UPDATE_REQUESTED 1

# define OPENSSL_INIT_LOAD_SSL_STRINGS 0x00200000L

/* reasons (ERR_GET_REASON) this library reports */
# define SSL_AD_REASON_OFFSET 1000
# define SSL_R_BAD_EXTENSION 110
# define SSL_R_BAD_LENGTH 271
# define SSL_R_BAD_PACKET 240
# define SSL_R_BAD_SIGNATURE 123
# define SSL_R_BAD_WRITE_RETRY 127
# define SSL_R_BIO_NOT_SET 128
# define SSL_R_CERTIFICATE_VERIFY_FAILED 134
# define SSL_R_CONNECTION_TYPE_NOT_SET 144
# define SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC 281
# define SSL_R_DIGEST_CHECK_FAILED 149
# define SSL_R_ENCRYPTED_LENGTH_TOO_LONG 150
# define SSL_R_NO_APPLICATION_PROTOCOL 235
# define SSL_R_NO_SHARED_CIPHER 193
# define SSL_R_NO_SUITABLE_KEY_SHARE 101
# define SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM 118
# define SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE 199
# define SSL_R_PROTOCOL_IS_SHUTDOWN 207
# define SSL_R_SHUTDOWN_WHILE_IN_INIT 407
# define SSL_R_SSL_HANDSHAKE_FAILURE 229
# define SSL_R_UNEXPECTED_EOF_WHILE_READING 294
# define SSL_R_UNEXPECTED_MESSAGE 244
# define SSL_R_UNSUPPORTED_PROTOCOL 258
# define SSL_R_WRONG_VERSION_NUMBER 267
# define SSL_R_TLSV1_ALERT_UNKNOWN_CA 1048

typedef int (*SSL_verify_cb)(int preverify_ok, X509_STORE_CTX *x509_ctx);
typedef int (*SSL_CTX_alpn_select_cb_func)(SSL *ssl, const unsigned char **out, unsigned char *outlen, const unsigned char *in, unsigned int inlen, void *arg);
typedef void (*SSL_CTX_keylog_cb_func)(const SSL *ssl, const char *line);

/* library init */
int OPENSSL_init_ssl(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings);
# define SSL_library_init() OPENSSL_init_ssl(0, NULL)
# define SSL_load_error_strings() OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL)
# define OpenSSL_add_ssl_algorithms() SSL_library_init()
# define SSLeay_add_ssl_algorithms() SSL_library_init()

/* methods and contexts */
const SSL_METHOD *TLS_method(void);
const SSL_METHOD *TLS_client_method(void);
const SSL_METHOD *TLS_server_method(void);
SSL_CTX *SSL_CTX_new(const SSL_METHOD *meth);
int SSL_CTX_up_ref(SSL_CTX *ctx);
void SSL_CTX_free(SSL_CTX *ctx);
long SSL_CTX_ctrl(SSL_CTX *ctx, int cmd, long larg, void *parg);
uint64_t SSL_CTX_set_options(SSL_CTX *ctx, uint64_t op);
uint64_t SSL_CTX_clear_options(SSL_CTX *ctx, uint64_t op);
uint64_t SSL_CTX_get_options(const SSL_CTX *ctx);
int SSL_CTX_use_certificate_file(SSL_CTX *ctx, const char *file, int type);
int SSL_CTX_use_certificate_chain_file(SSL_CTX *ctx, const char *file);
int SSL_CTX_use_PrivateKey_file(SSL_CTX *ctx, const char *file, int type);
int SSL_CTX_load_verify_locations(SSL_CTX *ctx, const char *CAfile, const char *CApath);
int SSL_CTX_load_verify_file(SSL_CTX *ctx, const char *CAfile);
int SSL_CTX_load_verify_dir(SSL_CTX *ctx, const char *CApath);
int SSL_CTX_set_default_verify_paths(SSL_CTX *ctx);
void SSL_CTX_set_verify(SSL_CTX *ctx, int mode, SSL_verify_cb callback);
int SSL_CTX_get_verify_mode(const SSL_CTX *ctx);
void SSL_CTX_set_verify_depth(SSL_CTX *ctx, int depth);
int SSL_CTX_set_alpn_protos(SSL_CTX *ctx, const unsigned char *protos, unsigned int protos_len);
int SSL_CTX_set_ciphersuites(SSL_CTX *ctx, const char *str);
int SSL_CTX_set_cipher_list(SSL_CTX *ctx, const char *str);
int SSL_CTX_set_num_tickets(SSL_CTX *ctx, size_t num_tickets);
size_t SSL_CTX_get_num_tickets(const SSL_CTX *ctx);

/*
 * Callbacks. The SSL * they receive is busy: calling SSL functions on it
 * from inside the callback fails ("not supported"), except
 * SSL_get_servername inside the servername callback.
 */
long SSL_CTX_callback_ctrl(SSL_CTX *ctx, int cmd, void (*fp)(void));
void SSL_CTX_set_alpn_select_cb(SSL_CTX *ctx, SSL_CTX_alpn_select_cb_func cb, void *arg);
void SSL_CTX_set_keylog_callback(SSL_CTX *ctx, SSL_CTX_keylog_cb_func cb);
# define SSL_CTX_set_tlsext_servername_callback(ctx, cb) SSL_CTX_callback_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_CB, (void (*)(void))cb)
# define SSL_CTX_set_tlsext_servername_arg(ctx, arg) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG, 0, arg)

# define SSL_CTX_set_mode(ctx, op) SSL_CTX_ctrl((ctx), SSL_CTRL_MODE, (op), NULL)
# define SSL_CTX_clear_mode(ctx, op) SSL_CTX_ctrl((ctx), SSL_CTRL_CLEAR_MODE, (op), NULL)
# define SSL_CTX_get_mode(ctx) SSL_CTX_ctrl((ctx), SSL_CTRL_MODE, 0, NULL)
# define SSL_CTX_set_min_proto_version(ctx, version) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, version, NULL)
# define SSL_CTX_set_max_proto_version(ctx, version) SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, version, NULL)
# define SSL_CTX_get_min_proto_version(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_GET_MIN_PROTO_VERSION, 0, NULL)
# define SSL_CTX_get_max_proto_version(ctx) SSL_CTX_ctrl(ctx, SSL_CTRL_GET_MAX_PROTO_VERSION, 0, NULL)

/* connections */
SSL *SSL_new(SSL_CTX *ctx);
void SSL_free(SSL *ssl);
SSL_CTX *SSL_get_SSL_CTX(const SSL *ssl);
long SSL_ctrl(SSL *ssl, int cmd, long larg, void *parg);
void SSL_set_bio(SSL *s, BIO *rbio, BIO *wbio);
BIO *SSL_get_rbio(const SSL *s);
BIO *SSL_get_wbio(const SSL *s);
int SSL_set_fd(SSL *s, int fd);
int SSL_get_fd(const SSL *s);
void SSL_set_connect_state(SSL *s);
void SSL_set_accept_state(SSL *s);
int SSL_connect(SSL *ssl);
int SSL_accept(SSL *ssl);
int SSL_do_handshake(SSL *s);
int SSL_read(SSL *ssl, void *buf, int num);
int SSL_read_ex(SSL *ssl, void *buf, size_t num, size_t *readbytes);
int SSL_peek(SSL *ssl, void *buf, int num);
int SSL_peek_ex(SSL *ssl, void *buf, size_t num, size_t *readbytes);
int SSL_write(SSL *ssl, const void *buf, int num);
int SSL_write_ex(SSL *s, const void *buf, size_t num, size_t *written);
int SSL_pending(const SSL *s);
int SSL_has_pending(const SSL *s);
int SSL_shutdown(SSL *s);
int SSL_get_shutdown(const SSL *ssl);
int SSL_get_error(const SSL *s, int ret_code);
int SSL_want(const SSL *s);
int SSL_key_update(SSL *s, int updatetype);
int SSL_renegotiate(SSL *s);
int SSL_renegotiate_pending(const SSL *s);
void SSL_set_verify(SSL *s, int mode, SSL_verify_cb callback);
int SSL_get_verify_mode(const SSL *s);
int SSL_set1_host(SSL *s, const char *hostname);
int SSL_set_alpn_protos(SSL *ssl, const unsigned char *protos, unsigned int protos_len);
int SSL_is_init_finished(const SSL *s);
int SSL_is_server(const SSL *s);

# define SSL_set_mode(ssl, op) SSL_ctrl((ssl), SSL_CTRL_MODE, (op), NULL)
# define SSL_clear_mode(ssl, op) SSL_ctrl((ssl), SSL_CTRL_CLEAR_MODE, (op), NULL)
# define SSL_get_mode(ssl) SSL_ctrl((ssl), SSL_CTRL_MODE, 0, NULL)
# define SSL_set_tlsext_host_name(s, name) SSL_ctrl(s, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, (void *)name)
# define SSL_set_min_proto_version(s, version) SSL_ctrl(s, SSL_CTRL_SET_MIN_PROTO_VERSION, version, NULL)
# define SSL_set_max_proto_version(s, version) SSL_ctrl(s, SSL_CTRL_SET_MAX_PROTO_VERSION, version, NULL)
# define SSL_get_min_proto_version(s) SSL_ctrl(s, SSL_CTRL_GET_MIN_PROTO_VERSION, 0, NULL)
# define SSL_get_max_proto_version(s) SSL_ctrl(s, SSL_CTRL_GET_MAX_PROTO_VERSION, 0, NULL)
# define SSL_want_nothing(s) (SSL_want(s) == SSL_NOTHING)
# define SSL_want_read(s) (SSL_want(s) == SSL_READING)
# define SSL_want_write(s) (SSL_want(s) == SSL_WRITING)

/* what was negotiated */
long SSL_get_verify_result(const SSL *ssl);
X509 *SSL_get1_peer_certificate(const SSL *s);
const char *SSL_get_version(const SSL *s);
int SSL_version(const SSL *ssl);
const SSL_CIPHER *SSL_get_current_cipher(const SSL *s);
const char *SSL_CIPHER_get_name(const SSL_CIPHER *c);
const char *SSL_CIPHER_get_version(const SSL_CIPHER *c);
uint32_t SSL_CIPHER_get_id(const SSL_CIPHER *c);
void SSL_get0_alpn_selected(const SSL *ssl, const unsigned char **data, unsigned int *len);
const char *SSL_get_servername(const SSL *s, const int type);
int SSL_session_reused(const SSL *s);

/* sessions (TLS 1.3 tickets; a ticket is offered at most once) */
SSL_SESSION *SSL_get1_session(SSL *ssl);
int SSL_set_session(SSL *to, SSL_SESSION *session);
int SSL_SESSION_up_ref(SSL_SESSION *ses);
void SSL_SESSION_free(SSL_SESSION *ses);
int SSL_SESSION_get_protocol_version(const SSL_SESSION *s);
int SSL_SESSION_is_resumable(const SSL_SESSION *s);

# define SSL_get_peer_certificate SSL_get1_peer_certificate
# define SSL_get_cipher(s) SSL_CIPHER_get_name(SSL_get_current_cipher(s))
# define SSL_get_cipher_name(s) SSL_CIPHER_get_name(SSL_get_current_cipher(s))
# define SSL_get_cipher_version(s) SSL_CIPHER_get_version(SSL_get_current_cipher(s))

# ifdef __cplusplus
}
# endif
#endif
