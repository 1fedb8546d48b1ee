/*
 * ferrotls: <openssl/err.h> subset — the per-thread error queue, with
 * OpenSSL 3's code packing (library << 23 | reason; system errors as
 * ERR_SYSTEM_FLAG | errno).
 */
#ifndef OPENSSL_ERR_H
# define OPENSSL_ERR_H

# include <stddef.h>
# include <stdio.h>
# include <openssl/types.h>
# include <openssl/crypto.h>

# ifdef __cplusplus
extern "C" {
# endif

# define ERR_LIB_SYS 2
# define ERR_LIB_SSL 20

# define ERR_LIB_OFFSET 23L
# define ERR_LIB_MASK 0xFF
# define ERR_REASON_MASK 0X7FFFFF
# define ERR_SYSTEM_FLAG 0x80000000U
# define ERR_SYSTEM_MASK 0x7FFFFFFFU
# define ERR_SYSTEM_ERROR(errcode) (((errcode) & ERR_SYSTEM_FLAG) != 0)

# define ERR_R_SYS_LIB 524290
# define ERR_R_PASSED_NULL_PARAMETER 786690
# define ERR_R_INTERNAL_ERROR 786691
# define ERR_R_PASSED_INVALID_ARGUMENT 524550
# define ERR_R_UNSUPPORTED 524556

static inline int ERR_GET_LIB(unsigned long errcode)
{
    if (ERR_SYSTEM_ERROR(errcode))
        return ERR_LIB_SYS;
    return (errcode >> ERR_LIB_OFFSET) & ERR_LIB_MASK;
}

static inline int ERR_GET_REASON(unsigned long errcode)
{
    if (ERR_SYSTEM_ERROR(errcode))
        return errcode & ERR_SYSTEM_MASK;
    return errcode & ERR_REASON_MASK;
}

unsigned long ERR_get_error(void);
unsigned long ERR_peek_error(void);
unsigned long ERR_peek_last_error(void);
void ERR_clear_error(void);
char *ERR_error_string(unsigned long e, char *buf);
void ERR_error_string_n(unsigned long e, char *buf, size_t len);
const char *ERR_reason_error_string(unsigned long e);
void ERR_print_errors_fp(FILE *fp);

# define ERR_load_crypto_strings() OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL)

# ifdef __cplusplus
}
# endif
#endif
