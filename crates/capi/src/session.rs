//! `SSL_SESSION`: a resumable session (a TLS 1.3 ticket on a client),
//! counted like OpenSSL's (`SSL_SESSION_up_ref` / `SSL_SESSION_free`).

use std::ffi::c_int;
use std::sync::Arc;

use ferrotls::SslSession;

use crate::boundary::{
    Handle, SharedArc, arc_into_raw, arc_take, check_null, ffi_boundary, try_ref,
};
use crate::errors::{push_error, push_unsupported};
use crate::ssl::{SSL, with_ssl, with_ssl_ref};

/// `SSL_SESSION`.
#[allow(non_camel_case_types)]
pub struct SSL_SESSION {
    session: SslSession,
}

impl Handle for SSL_SESSION {
    type Ownership = SharedArc;
}

/// `SSL_SESSION *SSL_get1_session(SSL *s)`: a new reference the caller
/// frees, or NULL before the handshake.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_get1_session(s: *const SSL) -> *mut SSL_SESSION {
    ffi_boundary!(std::ptr::null_mut(), {
        // SAFETY: `s` null or live.
        unsafe {
            with_ssl_ref(s, std::ptr::null_mut(), |s| match s.ssl.session() {
                Some(session) => arc_into_raw(Arc::new(SSL_SESSION { session })),
                None => std::ptr::null_mut(),
            })
        }
    })
}

/// `int SSL_set_session(SSL *s, SSL_SESSION *session)`: the session to
/// resume (client, before the handshake); the caller keeps its
/// reference. Clearing (NULL) is not supported.
///
/// # Safety
/// `s` null or live; `session` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_set_session(s: *mut SSL, session: *mut SSL_SESSION) -> c_int {
    ffi_boundary!(0, {
        // SAFETY: `session` null or live.
        let Some(sess) = (unsafe { try_ref(session.cast_const()) }) else {
            push_unsupported("SSL_set_session", "clearing the session (NULL)".into());
            return 0;
        };
        // SAFETY: `s` null or live.
        unsafe {
            with_ssl(s, 0, |s| match s.ssl.set_session(&sess.session) {
                Ok(()) => 1,
                Err(e) => {
                    push_error("SSL_set_session", &e);
                    0
                }
            })
        }
    })
}

/// `int SSL_SESSION_up_ref(SSL_SESSION *ses)`.
///
/// # Safety
/// `ses` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_SESSION_up_ref(ses: *mut SSL_SESSION) -> c_int {
    ffi_boundary!(0, {
        check_null!(0, ses);
        // SAFETY: `ses` is a live Arc pointer; the new reference goes to C.
        unsafe { Arc::increment_strong_count(ses.cast_const()) };
        1
    })
}

/// `void SSL_SESSION_free(SSL_SESSION *ses)`: drops one reference.
///
/// # Safety
/// `ses` null or live, its reference given up.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_SESSION_free(ses: *mut SSL_SESSION) {
    // SAFETY: C gives up one reference.
    ffi_boundary!((), { drop(unsafe { arc_take(ses.cast_const()) }) })
}
