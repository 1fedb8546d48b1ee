/*
 * ferrotls: <openssl/x509_vfy.h> subset — verify result codes and what a
 * verify callback can read from its X509_STORE_CTX.
 */
#ifndef OPENSSL_X509_VFY_H
# define OPENSSL_X509_VFY_H

# include <openssl/types.h>

# ifdef __cplusplus
extern "C" {
# endif

# define X509_V_OK 0
# define X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT 18
# define X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY 20
# define X509_V_ERR_HOSTNAME_MISMATCH 62

int X509_STORE_CTX_get_error(const X509_STORE_CTX *ctx);
int X509_STORE_CTX_get_error_depth(const X509_STORE_CTX *ctx);
X509 *X509_STORE_CTX_get_current_cert(const X509_STORE_CTX *ctx);
const char *X509_verify_cert_error_string(long n);

# ifdef __cplusplus
}
# endif
#endif
