//! Per-connection settings: verification, the expected host, SNI, ALPN
//! and the `SSL_ctrl` commands. Each goes through [`SSL::apply`] or
//! [`SSL::try_apply`] so that a version change before the handshake can
//! replay it onto a new facade `Ssl`.

use std::ffi::{c_char, c_int, c_long, c_void};

use ferrotls::{Mode, VerifyMode};
use ferrotls_core::{ApiMisuse, Error};

use super::{SSL, with_ssl, with_ssl_ref};
use crate::boundary::{c_str, ffi_boundary};
use crate::consts::*;
use crate::errors::{or_queue, push_unsupported};
use crate::verify::{VerifyCb, X509_STORE_CTX};

/// `void SSL_set_verify(SSL *s, int mode, SSL_verify_cb cb)`.
///
/// # Safety
/// `s` null or live; `cb` null or a function of the documented type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_set_verify(s: *mut SSL, mode: c_int, cb: Option<VerifyCb>) {
    ffi_boundary!((), {
        // SAFETY: `s` null or live.
        unsafe {
            with_ssl(s, (), |s| {
                let m = VerifyMode::from_bits(mode as u32);
                s.verify_mode = mode;
                match cb {
                    Some(cb) => s.apply(move |ssl| {
                        ssl.set_verify_callback(m, move |ok, ctx| X509_STORE_CTX::call(cb, ok, ctx))
                    }),
                    None => s.apply(move |ssl| ssl.set_verify(m)),
                }
            })
        }
    })
}

/// `int SSL_get_verify_mode(const SSL *s)`.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_get_verify_mode(s: *const SSL) -> c_int {
    // SAFETY: `s` null or live.
    ffi_boundary!(0, { unsafe { with_ssl_ref(s, 0, |s| s.verify_mode) } })
}

/// `int SSL_set1_host(SSL *s, const char *hostname)`: the name the peer's
/// certificate must match. Clearing it (NULL) is not supported.
///
/// # Safety
/// `s` null or live; `hostname` null or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_set1_host(s: *mut SSL, hostname: *const c_char) -> c_int {
    ffi_boundary!(0, {
        // SAFETY: `s` null or live; `hostname` null or a C string.
        unsafe {
            with_ssl(s, 0, |s| match c_str(hostname) {
                Some(h) => {
                    let h = h.to_owned();
                    let r = s.try_apply(move |ssl| ssl.set1_host(&h));
                    or_queue("SSL_set1_host", r.map(|()| 1), 0)
                }
                None => {
                    push_unsupported("SSL_set1_host", "clearing the expected host name".into());
                    0
                }
            })
        }
    })
}

/// `int SSL_set_alpn_protos(SSL *s, const unsigned char *protos, unsigned int len)`:
/// 0 on success, as in OpenSSL.
///
/// # Safety
/// `s` null or live; `protos` null or valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_set_alpn_protos(s: *mut SSL, protos: *const u8, len: u32) -> c_int {
    ffi_boundary!(1, {
        // SAFETY: `s` null or live; `protos` spans `len` bytes.
        unsafe {
            with_ssl(s, 1, |s| {
                let wire = crate::ctx::alpn_arg(protos, len).to_vec();
                let r = s.try_apply(move |ssl| ssl.set_alpn_protos(&wire));
                or_queue("SSL_set_alpn_protos", r.map(|()| 0), 1)
            })
        }
    })
}

fn set_hostname(s: &mut SSL, larg: c_long, parg: *mut c_void) -> Result<c_long, Error> {
    if larg != c_long::from(TLSEXT_NAMETYPE_host_name) {
        return Err(
            ApiMisuse::BadArgument("server name type must be TLSEXT_NAMETYPE_host_name").into(),
        );
    }
    // SAFETY: the macro passes the host name as a C string.
    let name = unsafe { c_str(parg.cast::<c_char>()) }
        .ok_or(ApiMisuse::BadArgument("host name is NULL or not UTF-8"))?;
    let name = name.to_owned();
    s.try_apply(move |ssl| ssl.set_hostname(&name))?;
    Ok(1)
}

/// `long SSL_ctrl(SSL *s, int cmd, long larg, void *parg)`: the commands
/// behind `SSL_set_mode`, `SSL_clear_mode`, `SSL_get_mode`,
/// `SSL_set_tlsext_host_name` and `SSL_set/get_min/max_proto_version`. Others return 0 with "not supported".
///
/// # Safety
/// `s` null or live; `parg` as the command requires.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_ctrl(
    s: *mut SSL,
    cmd: c_int,
    larg: c_long,
    parg: *mut c_void,
) -> c_long {
    ffi_boundary!(0, {
        // SAFETY: `s` null or live.
        unsafe {
            with_ssl(s, 0, |s| {
                let r = match cmd {
                    SSL_CTRL_MODE => {
                        let m = Mode::from_bits(larg as u32);
                        s.apply(move |ssl| {
                            ssl.set_mode(m);
                        });
                        Ok(c_long::from(s.ssl.mode().bits()))
                    }
                    SSL_CTRL_CLEAR_MODE => {
                        let m = Mode::from_bits(larg as u32);
                        s.apply(move |ssl| {
                            ssl.clear_mode(m);
                        });
                        Ok(c_long::from(s.ssl.mode().bits()))
                    }
                    SSL_CTRL_SET_TLSEXT_HOSTNAME => set_hostname(s, larg, parg),
                    SSL_CTRL_SET_MIN_PROTO_VERSION => s.set_proto_bound(larg, true),
                    SSL_CTRL_SET_MAX_PROTO_VERSION => s.set_proto_bound(larg, false),
                    SSL_CTRL_GET_MIN_PROTO_VERSION => Ok(s.min.map_or(0, crate::ctx::version_of)),
                    SSL_CTRL_GET_MAX_PROTO_VERSION => Ok(s.max.map_or(0, crate::ctx::version_of)),
                    _ => {
                        push_unsupported("SSL_ctrl", format!("SSL_ctrl command {cmd}"));
                        return 0;
                    }
                };
                or_queue("SSL_ctrl", r, 0)
            })
        }
    })
}
