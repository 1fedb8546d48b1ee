//! The numeric constants of the C headers, with OpenSSL 3's names and
//! values. [`ALL`] lists them so the header-drift test can compare every
//! `#define` of `include/openssl/*.h` with this table, and the signature
//! test compares the header against the system's OpenSSL headers.
#![allow(missing_docs)] // each name is OpenSSL's, documented by OpenSSL
#![allow(non_upper_case_globals)] // `SSL_OP_NO_TLSv1_3` and friends keep OpenSSL's case

use std::ffi::{c_int, c_long};

macro_rules! c_consts {
    ($($name:ident: $ty:ty = $v:expr;)*) => {
        $(pub const $name: $ty = $v;)*
        /// Every constant the headers define, by name.
        pub const ALL: &[(&str, i128)] = &[$((stringify!($name), $name as i128)),*];
    };
}

c_consts! {
    // ssl.h: SSL_get_error
    SSL_ERROR_NONE: c_int = 0;
    SSL_ERROR_SSL: c_int = 1;
    SSL_ERROR_WANT_READ: c_int = 2;
    SSL_ERROR_WANT_WRITE: c_int = 3;
    SSL_ERROR_SYSCALL: c_int = 5;
    SSL_ERROR_ZERO_RETURN: c_int = 6;
    // SSL_want
    SSL_NOTHING: c_int = 1;
    SSL_WRITING: c_int = 2;
    SSL_READING: c_int = 3;
    // modes
    SSL_MODE_ENABLE_PARTIAL_WRITE: c_long = 0x1;
    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER: c_long = 0x2;
    SSL_MODE_AUTO_RETRY: c_long = 0x4;
    SSL_MODE_RELEASE_BUFFERS: c_long = 0x10;
    // verify
    SSL_VERIFY_NONE: c_int = 0;
    SSL_VERIFY_PEER: c_int = 1;
    SSL_VERIFY_FAIL_IF_NO_PEER_CERT: c_int = 2;
    SSL_VERIFY_CLIENT_ONCE: c_int = 4;
    // file types
    SSL_FILETYPE_PEM: c_int = 1;
    SSL_FILETYPE_ASN1: c_int = 2;
    // options we honour (see ctx.rs)
    SSL_OP_ALLOW_CLIENT_RENEGOTIATION: u64 = 1 << 8;
    SSL_OP_NO_TICKET: u64 = 1 << 14;
    SSL_OP_NO_COMPRESSION: u64 = 1 << 17;
    SSL_OP_NO_SSLv3: u64 = 1 << 25;
    SSL_OP_NO_TLSv1: u64 = 1 << 26;
    SSL_OP_NO_TLSv1_2: u64 = 1 << 27;
    SSL_OP_NO_TLSv1_1: u64 = 1 << 28;
    SSL_OP_NO_TLSv1_3: u64 = 1 << 29;
    SSL_OP_NO_RENEGOTIATION: u64 = 1 << 30;
    // ctrl commands
    SSL_CTRL_MODE: c_int = 33;
    SSL_CTRL_SET_TLSEXT_SERVERNAME_CB: c_int = 53;
    SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG: c_int = 54;
    SSL_CTRL_SET_TLSEXT_HOSTNAME: c_int = 55;
    SSL_CTRL_CLEAR_MODE: c_int = 78;
    SSL_CTRL_SET_MIN_PROTO_VERSION: c_int = 123;
    SSL_CTRL_SET_MAX_PROTO_VERSION: c_int = 124;
    SSL_CTRL_GET_MIN_PROTO_VERSION: c_int = 130;
    SSL_CTRL_GET_MAX_PROTO_VERSION: c_int = 131;
    TLSEXT_NAMETYPE_host_name: c_int = 0;
    // servername and ALPN select callback results
    SSL_TLSEXT_ERR_OK: c_int = 0;
    SSL_TLSEXT_ERR_ALERT_WARNING: c_int = 1;
    SSL_TLSEXT_ERR_ALERT_FATAL: c_int = 2;
    SSL_TLSEXT_ERR_NOACK: c_int = 3;
    // alerts a servername callback may set
    SSL_AD_HANDSHAKE_FAILURE: c_int = 40;
    SSL_AD_INTERNAL_ERROR: c_int = 80;
    SSL_AD_UNRECOGNIZED_NAME: c_int = 112;
    SSL_AD_NO_APPLICATION_PROTOCOL: c_int = 120;
    // versions
    SSL3_VERSION: c_int = 0x0300;
    TLS1_VERSION: c_int = 0x0301;
    TLS1_1_VERSION: c_int = 0x0302;
    TLS1_2_VERSION: c_int = 0x0303;
    TLS1_3_VERSION: c_int = 0x0304;
    TLS_ANY_VERSION: c_int = 0x10000;
    // SSL_get_shutdown
    SSL_SENT_SHUTDOWN: c_int = 1;
    SSL_RECEIVED_SHUTDOWN: c_int = 2;
    // SSL_key_update
    SSL_KEY_UPDATE_NOT_REQUESTED: c_int = 0;
    SSL_KEY_UPDATE_REQUESTED: c_int = 1;
    // init
    OPENSSL_INIT_LOAD_CRYPTO_STRINGS: u64 = 0x2;
    OPENSSL_INIT_LOAD_SSL_STRINGS: u64 = 0x0020_0000;
    // x509
    X509_FILETYPE_PEM: c_int = 1;
    X509_FILETYPE_ASN1: c_int = 2;
    X509_V_OK: c_long = 0;
    X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: c_long = 18;
    X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: c_long = 20;
    X509_V_ERR_HOSTNAME_MISMATCH: c_long = 62;
    // bio.h
    BIO_NOCLOSE: c_int = 0;
    BIO_CLOSE: c_int = 1;
    BIO_FLAGS_READ: c_int = 0x01;
    BIO_FLAGS_WRITE: c_int = 0x02;
    BIO_FLAGS_IO_SPECIAL: c_int = 0x04;
    BIO_FLAGS_SHOULD_RETRY: c_int = 0x08;
    BIO_CTRL_RESET: c_int = 1;
    BIO_CTRL_EOF: c_int = 2;
    BIO_CTRL_PENDING: c_int = 10;
    BIO_CTRL_FLUSH: c_int = 11;
    BIO_CTRL_WPENDING: c_int = 13;
    BIO_C_SET_NBIO: c_int = 102;
    BIO_C_SET_BUF_MEM_EOF_RETURN: c_int = 130;
    BIO_C_GET_WRITE_GUARANTEE: c_int = 140;
    BIO_C_GET_READ_REQUEST: c_int = 141;
    BIO_C_SHUTDOWN_WR: c_int = 142;
    // err.h
    ERR_LIB_SYS: c_int = 2;
    ERR_LIB_SSL: c_int = 20;
    ERR_LIB_OFFSET: c_long = 23;
    ERR_LIB_MASK: c_int = 0xFF;
    ERR_REASON_MASK: c_int = 0x7F_FFFF;
    ERR_SYSTEM_FLAG: u32 = 0x8000_0000;
    ERR_SYSTEM_MASK: u32 = 0x7FFF_FFFF;
    ERR_R_SYS_LIB: c_int = 2 | (2 << 18);
    ERR_R_PASSED_NULL_PARAMETER: c_int = 258 | (3 << 18);
    ERR_R_INTERNAL_ERROR: c_int = 259 | (3 << 18);
    ERR_R_PASSED_INVALID_ARGUMENT: c_int = 262 | (2 << 18);
    ERR_R_UNSUPPORTED: c_int = 268 | (2 << 18);
    // sslerr.h: the reasons this library reports
    SSL_AD_REASON_OFFSET: c_int = 1000;
    SSL_R_BAD_EXTENSION: c_int = 110;
    SSL_R_BAD_LENGTH: c_int = 271;
    SSL_R_BAD_PACKET: c_int = 240;
    SSL_R_BAD_SIGNATURE: c_int = 123;
    SSL_R_BAD_WRITE_RETRY: c_int = 127;
    SSL_R_BIO_NOT_SET: c_int = 128;
    SSL_R_CERTIFICATE_VERIFY_FAILED: c_int = 134;
    SSL_R_CONNECTION_TYPE_NOT_SET: c_int = 144;
    SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC: c_int = 281;
    SSL_R_DIGEST_CHECK_FAILED: c_int = 149;
    SSL_R_ENCRYPTED_LENGTH_TOO_LONG: c_int = 150;
    SSL_R_NO_APPLICATION_PROTOCOL: c_int = 235;
    SSL_R_NO_SHARED_CIPHER: c_int = 193;
    SSL_R_NO_SUITABLE_KEY_SHARE: c_int = 101;
    SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM: c_int = 118;
    SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE: c_int = 199;
    SSL_R_PROTOCOL_IS_SHUTDOWN: c_int = 207;
    SSL_R_SHUTDOWN_WHILE_IN_INIT: c_int = 407;
    SSL_R_SSL_HANDSHAKE_FAILURE: c_int = 229;
    SSL_R_UNEXPECTED_EOF_WHILE_READING: c_int = 294;
    SSL_R_UNEXPECTED_MESSAGE: c_int = 244;
    SSL_R_UNSUPPORTED_PROTOCOL: c_int = 258;
    SSL_R_WRONG_VERSION_NUMBER: c_int = 267;
    SSL_R_TLSV1_ALERT_UNKNOWN_CA: c_int = 1048;
}
