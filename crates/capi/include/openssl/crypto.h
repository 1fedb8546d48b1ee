/*
 * ferrotls: <openssl/crypto.h> subset — library init and OPENSSL_free for
 * memory this library allocates for the caller.
 */
#ifndef OPENSSL_CRYPTO_H
# define OPENSSL_CRYPTO_H

# include <stdint.h>
# include <openssl/types.h>

# ifdef __cplusplus
extern "C" {
# endif

# define OPENSSL_INIT_LOAD_CRYPTO_STRINGS 0x00000002L

int OPENSSL_init_crypto(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings);
void CRYPTO_free(void *ptr, const char *file, int line);

# define OPENSSL_free(addr) CRYPTO_free(addr, __FILE__, __LINE__)

# ifdef __cplusplus
}
# endif
#endif
