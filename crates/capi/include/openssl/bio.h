/*
 * ferrotls: <openssl/bio.h> subset — memory BIOs, BIO pairs and socket
 * BIOs. BIOs are reference counted (BIO_up_ref / BIO_free).
 */
#ifndef OPENSSL_BIO_H
# define OPENSSL_BIO_H

# include <stddef.h>
# include <openssl/types.h>
# include <openssl/crypto.h>

# ifdef __cplusplus
extern "C" {
# endif

# define BIO_NOCLOSE 0x00
# define BIO_CLOSE 0x01

# define BIO_FLAGS_READ 0x01
# define BIO_FLAGS_WRITE 0x02
# define BIO_FLAGS_IO_SPECIAL 0x04
# define BIO_FLAGS_SHOULD_RETRY 0x08

# define BIO_CTRL_RESET 1
# define BIO_CTRL_EOF 2
# define BIO_CTRL_PENDING 10
# define BIO_CTRL_FLUSH 11
# define BIO_CTRL_WPENDING 13
# define BIO_C_SET_NBIO 102
# define BIO_C_SET_BUF_MEM_EOF_RETURN 130
# define BIO_C_GET_WRITE_GUARANTEE 140
# define BIO_C_GET_READ_REQUEST 141
# define BIO_C_SHUTDOWN_WR 142

const BIO_METHOD *BIO_s_mem(void);
BIO *BIO_new(const BIO_METHOD *type);
BIO *BIO_new_mem_buf(const void *buf, int len);
int BIO_new_bio_pair(BIO **bio1, size_t writebuf1, BIO **bio2, size_t writebuf2);
BIO *BIO_new_socket(int sock, int close_flag);
int BIO_read(BIO *b, void *data, int dlen);
int BIO_write(BIO *b, const void *data, int dlen);
int BIO_up_ref(BIO *a);
int BIO_free(BIO *a);
void BIO_free_all(BIO *a);
int BIO_test_flags(const BIO *b, int flags);
long BIO_ctrl(BIO *bp, int cmd, long larg, void *parg);
size_t BIO_ctrl_pending(BIO *b);
size_t BIO_ctrl_wpending(BIO *b);
size_t BIO_ctrl_get_write_guarantee(BIO *b);
size_t BIO_ctrl_get_read_request(BIO *b);
int BIO_set_tcp_ndelay(int sock, int turn_on);

# define BIO_should_read(a) BIO_test_flags(a, BIO_FLAGS_READ)
# define BIO_should_write(a) BIO_test_flags(a, BIO_FLAGS_WRITE)
# define BIO_should_io_special(a) BIO_test_flags(a, BIO_FLAGS_IO_SPECIAL)
# define BIO_should_retry(a) BIO_test_flags(a, BIO_FLAGS_SHOULD_RETRY)
# define BIO_pending(b) (int)BIO_ctrl(b, BIO_CTRL_PENDING, 0, NULL)
# define BIO_wpending(b) (int)BIO_ctrl(b, BIO_CTRL_WPENDING, 0, NULL)
# define BIO_flush(b) (int)BIO_ctrl(b, BIO_CTRL_FLUSH, 0, NULL)
# define BIO_reset(b) (int)BIO_ctrl(b, BIO_CTRL_RESET, 0, NULL)
# define BIO_eof(b) (int)BIO_ctrl(b, BIO_CTRL_EOF, 0, NULL)
# define BIO_set_mem_eof_return(b, v) BIO_ctrl(b, BIO_C_SET_BUF_MEM_EOF_RETURN, v, NULL)
# define BIO_set_nbio(b, n) BIO_ctrl(b, BIO_C_SET_NBIO, (n), NULL)
# define BIO_get_write_guarantee(b) (size_t)BIO_ctrl(b, BIO_C_GET_WRITE_GUARANTEE, 0, NULL)
# define BIO_get_read_request(b) (size_t)BIO_ctrl(b, BIO_C_GET_READ_REQUEST, 0, NULL)
# define BIO_shutdown_wr(b) (int)BIO_ctrl(b, BIO_C_SHUTDOWN_WR, 0, NULL)

# ifdef __cplusplus
}
# endif
#endif
