//! `SSL_SESSION`: a resumable session (a TLS 1.3 ticket on a client),
//! counted like OpenSSL's (`SSL_SESSION_up_ref` / `SSL_SESSION_free`).

use std::ffi::c_int;
use std::sync::Arc;

use ferrotls::SslSession;

use crate::boundary::{
    Handle, SharedArc, arc_into_raw, arc_take, check_null, ffi_boundary, try_ref,
};
use crate::ctx::{SSL_CTX, with_settings};
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
            with_ssl(s, 0, |s| {
                match s.try_apply({
                    let session = sess.session.clone();
                    move |ssl| ssl.set_session(&session)
                }) {
                    Ok(()) => 1,
                    Err(e) => {
                        push_error("SSL_set_session", &e);
                        0
                    }
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

/// `int SSL_SESSION_get_protocol_version(const SSL_SESSION *s)`:
/// `TLS1_3_VERSION` or `TLS1_2_VERSION`; 0 for NULL.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_SESSION_get_protocol_version(s: *const SSL_SESSION) -> c_int {
    ffi_boundary!(0, {
        check_null!(0, s);
        // SAFETY: `s` is a live session (caller contract).
        let v = unsafe { &*s }.session.protocol_version();
        c_int::from(v.get())
    })
}

/// `int SSL_SESSION_is_resumable(const SSL_SESSION *s)`: 1 when it holds
/// a TLS 1.3 ticket not yet offered (a ticket is offered at most once).
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_SESSION_is_resumable(s: *const SSL_SESSION) -> c_int {
    ffi_boundary!(0, {
        check_null!(0, s);
        // SAFETY: `s` is a live session (caller contract).
        c_int::from(unsafe { &*s }.session.is_resumable())
    })
}

/// `int SSL_CTX_set_num_tickets(SSL_CTX *ctx, size_t num_tickets)`: how
/// many TLS 1.3 tickets a server sends after each full handshake.
///
/// # Safety
/// `ctx` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_set_num_tickets(ctx: *mut SSL_CTX, num_tickets: usize) -> c_int {
    ffi_boundary!(0, {
        // SAFETY: `ctx` null or live (caller contract).
        unsafe {
            with_settings(ctx, 0, |s| {
                s.num_tickets = Some(num_tickets);
                s.changed();
                1
            })
        }
    })
}

/// `size_t SSL_CTX_get_num_tickets(const SSL_CTX *ctx)`.
///
/// # Safety
/// `ctx` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_get_num_tickets(ctx: *const SSL_CTX) -> usize {
    ffi_boundary!(0, {
        // SAFETY: `ctx` null or live (caller contract).
        unsafe {
            with_settings(ctx, 0, |s| match s.num_tickets {
                Some(n) => n,
                // The facade's default, read from a built context.
                None => s.context().map_or(0, |c| c.num_tickets()),
            })
        }
    })
}
