//! What a connection negotiated: version, cipher, ALPN, SNI, the peer's
//! certificate and its verification result, resumption.

use std::ffi::{CStr, CString, c_char, c_int, c_long, c_uint};

use ferrotls::SslVersion;

use crate::boundary::{check_null, ffi_boundary};
use crate::consts::*;
use crate::ssl::{SSL, with_ssl, with_ssl_ref};
use crate::x509::X509;

/// `SSL_CIPHER`: one entry of a static table, so pointers stay valid for
/// the life of the program, as OpenSSL's do.
#[allow(non_camel_case_types)]
pub struct SSL_CIPHER {
    name: &'static CStr,
    version: &'static CStr,
    id: u32,
}

macro_rules! ciphers {
    ($($name:literal, $v:literal, $id:literal;)*) => {
        static CIPHERS: &[SSL_CIPHER] = &[$(SSL_CIPHER { name: $name, version: $v, id: 0x0300_0000 | $id }),*];
    };
}

ciphers! {
    c"TLS_AES_128_GCM_SHA256", c"TLSv1.3", 0x1301;
    c"TLS_AES_256_GCM_SHA384", c"TLSv1.3", 0x1302;
    c"TLS_CHACHA20_POLY1305_SHA256", c"TLSv1.3", 0x1303;
    c"ECDHE-ECDSA-AES128-GCM-SHA256", c"TLSv1.2", 0xC02B;
    c"ECDHE-ECDSA-AES256-GCM-SHA384", c"TLSv1.2", 0xC02C;
    c"ECDHE-RSA-AES128-GCM-SHA256", c"TLSv1.2", 0xC02F;
    c"ECDHE-RSA-AES256-GCM-SHA384", c"TLSv1.2", 0xC030;
    c"ECDHE-ECDSA-CHACHA20-POLY1305", c"TLSv1.2", 0xCCA9;
    c"ECDHE-RSA-CHACHA20-POLY1305", c"TLSv1.2", 0xCCA8;
}

/// `long SSL_get_verify_result(const SSL *ssl)`: `X509_V_OK` or an
/// `X509_V_ERR_*` code.
///
/// # Safety
/// `ssl` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_get_verify_result(ssl: *const SSL) -> c_long {
    ffi_boundary!(X509_V_OK, {
        // SAFETY: `ssl` null or live.
        unsafe {
            with_ssl_ref(ssl, X509_V_OK, |s| {
                c_long::try_from(s.ssl.verify_result()).unwrap_or(c_long::MAX)
            })
        }
    })
}

/// `X509 *SSL_get1_peer_certificate(const SSL *s)`: a new `X509` the
/// caller frees, or NULL (`SSL_get_peer_certificate` is a macro for it).
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_get1_peer_certificate(s: *const SSL) -> *mut X509 {
    ffi_boundary!(std::ptr::null_mut(), {
        // SAFETY: `s` null or live.
        unsafe {
            with_ssl_ref(s, std::ptr::null_mut(), |s| {
                s.ssl
                    .peer_certificate()
                    .and_then(X509::from_der)
                    .map_or(std::ptr::null_mut(), X509::into_raw)
            })
        }
    })
}

/// `const char *SSL_get_version(const SSL *s)`: "TLSv1.3", "TLSv1.2", or
/// "unknown" before the handshake.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_get_version(s: *const SSL) -> *const c_char {
    ffi_boundary!(c"unknown".as_ptr(), {
        // SAFETY: `s` null or live.
        unsafe {
            with_ssl_ref(s, c"unknown".as_ptr(), |s| match s.ssl.version() {
                Some(SslVersion::Tls13) => c"TLSv1.3".as_ptr(),
                Some(SslVersion::Tls12) => c"TLSv1.2".as_ptr(),
                None => c"unknown".as_ptr(),
            })
        }
    })
}

/// `int SSL_version(const SSL *s)`: `TLS1_3_VERSION`/`TLS1_2_VERSION`, or
/// `TLS_ANY_VERSION` before the handshake (as OpenSSL's `TLS_method`).
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_version(s: *const SSL) -> c_int {
    ffi_boundary!(0, {
        // SAFETY: `s` null or live.
        unsafe {
            with_ssl_ref(s, 0, |s| match s.ssl.version() {
                Some(SslVersion::Tls13) => TLS1_3_VERSION,
                Some(SslVersion::Tls12) => TLS1_2_VERSION,
                None => TLS_ANY_VERSION,
            })
        }
    })
}

/// `const SSL_CIPHER *SSL_get_current_cipher(const SSL *s)`: NULL before
/// the handshake.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_get_current_cipher(s: *const SSL) -> *const SSL_CIPHER {
    ffi_boundary!(std::ptr::null(), {
        // SAFETY: `s` null or live.
        unsafe {
            with_ssl_ref(s, std::ptr::null(), |s| {
                let Some(c) = s.ssl.current_cipher() else {
                    return std::ptr::null();
                };
                CIPHERS
                    .iter()
                    .find(|e| e.name.to_bytes() == c.name().as_bytes())
                    .map_or(std::ptr::null(), |e| e as *const SSL_CIPHER)
            })
        }
    })
}

/// `const char *SSL_CIPHER_get_name(const SSL_CIPHER *c)`: "(NONE)" for NULL.
///
/// # Safety
/// `c` null or from `SSL_get_current_cipher`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CIPHER_get_name(c: *const SSL_CIPHER) -> *const c_char {
    // SAFETY: non-null cipher pointers come from the static table.
    ffi_boundary!(c"(NONE)".as_ptr(), {
        unsafe { c.as_ref() }.map_or(c"(NONE)".as_ptr(), |c| c.name.as_ptr())
    })
}

/// `const char *SSL_CIPHER_get_version(const SSL_CIPHER *c)`: "(NONE)" for NULL.
///
/// # Safety
/// `c` null or from `SSL_get_current_cipher`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CIPHER_get_version(c: *const SSL_CIPHER) -> *const c_char {
    // SAFETY: non-null cipher pointers come from the static table.
    ffi_boundary!(c"(NONE)".as_ptr(), {
        unsafe { c.as_ref() }.map_or(c"(NONE)".as_ptr(), |c| c.version.as_ptr())
    })
}

/// `uint32_t SSL_CIPHER_get_id(const SSL_CIPHER *c)`: `0x0300XXXX`.
///
/// # Safety
/// `c` null or from `SSL_get_current_cipher`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CIPHER_get_id(c: *const SSL_CIPHER) -> u32 {
    // SAFETY: non-null cipher pointers come from the static table.
    ffi_boundary!(0, { unsafe { c.as_ref() }.map_or(0, |c| c.id) })
}

/// `void SSL_get0_alpn_selected(const SSL *ssl, const unsigned char **data, unsigned int *len)`:
/// the protocol, borrowed from the connection; NULL/0 when none.
///
/// # Safety
/// `ssl` null or live; `data` and `len` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_get0_alpn_selected(
    ssl: *const SSL,
    data: *mut *const u8,
    len: *mut c_uint,
) {
    ffi_boundary!((), {
        check_null!((), data, len);
        // SAFETY: `ssl` null or live; the out-pointers are writable.
        unsafe {
            let (p, n) = with_ssl_ref(ssl, (std::ptr::null(), 0), |s| {
                match s.ssl.selected_alpn() {
                    Some(a) => (a.as_ptr(), a.len() as c_uint),
                    None => (std::ptr::null(), 0),
                }
            });
            *data = p;
            *len = n;
        }
    })
}

/// `const char *SSL_get_servername(const SSL *s, const int type)`: the
/// SNI sent (client) or received (server), borrowed until the next call
/// (inside the servername callback: the name being judged).
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_get_servername(s: *mut SSL, ty: c_int) -> *const c_char {
    ffi_boundary!(std::ptr::null(), {
        if ty != TLSEXT_NAMETYPE_host_name {
            return std::ptr::null();
        }
        // Inside the servername callback: the name the callback is judging.
        if let Some(name) = crate::callbacks::servername_in_callback(s) {
            return name;
        }
        // SAFETY: `s` null or live.
        unsafe {
            with_ssl(s, std::ptr::null(), |s| {
                let name = s.ssl.servername().map(str::to_owned);
                s.servername = name.and_then(|n| CString::new(n).ok());
                s.servername
                    .as_ref()
                    .map_or(std::ptr::null(), |c| c.as_ptr())
            })
        }
    })
}

/// `int SSL_session_reused(const SSL *s)`.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_session_reused(s: *const SSL) -> c_int {
    // SAFETY: `s` null or live.
    ffi_boundary!(0, {
        unsafe { with_ssl_ref(s, 0, |s| c_int::from(s.ssl.session_reused())) }
    })
}

/// `int SSL_is_init_finished(const SSL *s)`.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_is_init_finished(s: *const SSL) -> c_int {
    // SAFETY: `s` null or live.
    ffi_boundary!(0, {
        unsafe { with_ssl_ref(s, 0, |s| c_int::from(s.ssl.is_init_finished())) }
    })
}

/// `int SSL_is_server(const SSL *s)`.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_is_server(s: *const SSL) -> c_int {
    // SAFETY: `s` null or live.
    ffi_boundary!(0, {
        unsafe { with_ssl_ref(s, 0, |s| c_int::from(s.ssl.is_server())) }
    })
}
