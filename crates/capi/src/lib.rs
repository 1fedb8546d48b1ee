//! # ferrotls-capi — OpenSSL's libssl C API over ferrotls
//!
//! Builds `libferrotls_ssl` (a cdylib and a staticlib) exporting OpenSSL's
//! names, signatures and constants for the subset ferrotls implements, so
//! a C program written against `<openssl/ssl.h>` compiles against
//! `include/openssl/` here and links with `-lferrotls_ssl`. Functions that
//! are not implemented are absent from the headers: a program that needs
//! them fails to compile instead of failing at run time.
//!
//! Conventions (see `boundary`): every export catches panics and returns
//! its documented error value; every pointer is checked for NULL; `SSL` is
//! a `Box` freed by `SSL_free`, `SSL_CTX` and `BIO` are counted `Arc`
//! references (`*_up_ref` / `*_free`), `X509` is owned by the caller. Errors
//! go to a per-thread queue read with `ERR_get_error`, as in OpenSSL.
//!
//! This is the one crate of the workspace that uses `unsafe`; each block
//! says why it is sound.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
#![allow(non_snake_case)] // OpenSSL's function names

mod bio;
mod boundary;
mod callbacks;
pub mod consts;
mod ctx;
mod errors;
mod info;
mod session;
mod ssl;
mod verify;
mod x509;

use std::ffi::c_int;

pub use bio::{BIO, BIO_METHOD};
pub use callbacks::{AlpnSelectCb, KeylogCb, ServernameCb};
pub use ctx::{SSL_CTX, SSL_METHOD};
pub use info::SSL_CIPHER;
pub use session::SSL_SESSION;
pub use ssl::SSL;
pub use verify::{VerifyCb, X509_STORE_CTX};
pub use x509::{X509, X509_NAME};

/// `OPENSSL_INIT_SETTINGS` (never read: there is nothing to configure).
#[allow(non_camel_case_types)]
pub struct OPENSSL_INIT_SETTINGS {
    _private: (),
}

/// `int OPENSSL_init_ssl(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings)`:
/// ferrotls needs no global initialisation (error strings are built in);
/// returns 1. `SSL_library_init` and `SSL_load_error_strings` are macros
/// for it.
#[unsafe(no_mangle)]
pub extern "C" fn OPENSSL_init_ssl(_opts: u64, _settings: *const OPENSSL_INIT_SETTINGS) -> c_int {
    1
}

/// `int OPENSSL_init_crypto(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings)`: returns 1.
#[unsafe(no_mangle)]
pub extern "C" fn OPENSSL_init_crypto(
    _opts: u64,
    _settings: *const OPENSSL_INIT_SETTINGS,
) -> c_int {
    1
}
