/*
 * ferrotls: the opaque types of the OpenSSL API subset in libferrotls_ssl.
 * Struct tags are OpenSSL's, so code that forward-declares them compiles.
 */
#ifndef OPENSSL_TYPES_H
# define OPENSSL_TYPES_H

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_method_st SSL_METHOD;
typedef struct ssl_cipher_st SSL_CIPHER;
typedef struct ssl_session_st SSL_SESSION;
typedef struct bio_st BIO;
typedef struct bio_method_st BIO_METHOD;
typedef struct x509_st X509;
typedef struct X509_name_st X509_NAME;
typedef struct x509_store_ctx_st X509_STORE_CTX;
typedef struct ossl_init_settings_st OPENSSL_INIT_SETTINGS;

#endif
