/*
 * ferrotls: <openssl/x509.h> subset — a certificate's DER and names.
 */
#ifndef OPENSSL_X509_H
# define OPENSSL_X509_H

# include <openssl/types.h>
# include <openssl/crypto.h>
# include <openssl/x509_vfy.h>

# ifdef __cplusplus
extern "C" {
# endif

# define X509_FILETYPE_PEM 1
# define X509_FILETYPE_ASN1 2

void X509_free(X509 *a);
X509_NAME *X509_get_subject_name(const X509 *a);
X509_NAME *X509_get_issuer_name(const X509 *a);
char *X509_NAME_oneline(const X509_NAME *a, char *buf, int size);
int i2d_X509(const X509 *a, unsigned char **out);

# ifdef __cplusplus
}
# endif
#endif
