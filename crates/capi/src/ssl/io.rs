//! The calls that move application data or drive the connection after
//! setup: read, peek, write, shutdown, the error and want queries, key
//! update and renegotiation. Each one is a thin translation of OpenSSL's
//! return conventions onto the facade `Ssl`.

use std::ffi::{c_int, c_void};

use ferrotls::{Ssl, SslError, Want};
use ferrotls_core::ApiMisuse;

use super::{SSL, with_ssl, with_ssl_ref};
use crate::boundary::{check_null, ffi_boundary};
use crate::consts::*;
use crate::errors::push_error;

/// A mutable byte slice from C arguments (empty for a zero length).
///
/// # Safety
/// `buf` valid for `n` bytes when `n > 0`.
unsafe fn out_slice<'a>(buf: *mut c_void, n: usize) -> &'a mut [u8] {
    if n == 0 || buf.is_null() {
        return &mut [];
    }
    // SAFETY: as promised by the caller.
    unsafe { std::slice::from_raw_parts_mut(buf.cast::<u8>(), n) }
}

/// A byte slice from C arguments (empty for a zero length).
///
/// # Safety
/// `buf` valid for `n` bytes when `n > 0`.
unsafe fn in_slice<'a>(buf: *const c_void, n: usize) -> &'a [u8] {
    if n == 0 || buf.is_null() {
        return &[];
    }
    // SAFETY: as promised by the caller.
    unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), n) }
}

/// The body of `SSL_read` and `SSL_peek`, which differ only in whether
/// the bytes stay buffered.
///
/// # Safety
/// `s` null or live; `buf` valid for `num` bytes.
unsafe fn read_with(
    s: *mut SSL,
    buf: *mut c_void,
    num: c_int,
    op: fn(&mut Ssl, &mut [u8]) -> c_int,
) -> c_int {
    ffi_boundary!(-1, {
        check_null!(-1, buf);
        let n = usize::try_from(num).unwrap_or(0);
        // SAFETY: pointers as promised by the caller.
        unsafe { with_ssl(s, -1, |s| op(s.begin(), out_slice(buf, n))) }
    })
}

/// `int SSL_read(SSL *s, void *buf, int num)`.
///
/// # Safety
/// `s` null or live; `buf` valid for `num` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_read(s: *mut SSL, buf: *mut c_void, num: c_int) -> c_int {
    // SAFETY: same contract.
    unsafe { read_with(s, buf, num, Ssl::read) }
}

/// `int SSL_peek(SSL *s, void *buf, int num)`.
///
/// # Safety
/// `s` null or live; `buf` valid for `num` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_peek(s: *mut SSL, buf: *mut c_void, num: c_int) -> c_int {
    // SAFETY: same contract.
    unsafe { read_with(s, buf, num, Ssl::peek) }
}

/// Stores `v` through an optional out-pointer.
///
/// # Safety
/// `out` null or valid for a write.
unsafe fn put<T>(out: *mut T, v: T) {
    if !out.is_null() {
        // SAFETY: as promised by the caller.
        unsafe { out.write(v) };
    }
}

/// The `_ex` convention: 1 with the byte count stored, or 0 with 0
/// stored (OpenSSL writes the count on failure too).
///
/// # Safety
/// `out` null or valid for a write.
unsafe fn ex_result(r: Result<usize, SslError>, out: *mut usize) -> c_int {
    let (ok, n) = match r {
        Ok(n) => (1, n),
        Err(_) => (0, 0),
    };
    // SAFETY: as promised by the caller.
    unsafe { put(out, n) };
    ok
}

/// The body of `SSL_read_ex` and `SSL_peek_ex`.
///
/// # Safety
/// As [`SSL_read_ex`].
unsafe fn read_ex_with(
    s: *mut SSL,
    buf: *mut c_void,
    num: usize,
    readbytes: *mut usize,
    op: fn(&mut Ssl, &mut [u8]) -> Result<usize, SslError>,
) -> c_int {
    ffi_boundary!(0, {
        check_null!(0, buf);
        // SAFETY: pointers as promised by the caller.
        unsafe {
            with_ssl(s, 0, |s| {
                ex_result(op(s.begin(), out_slice(buf, num)), readbytes)
            })
        }
    })
}

/// `int SSL_read_ex(SSL *s, void *buf, size_t num, size_t *readbytes)`: 1
/// on success.
///
/// # Safety
/// `s` null or live; `buf` valid for `num` bytes; `readbytes` null or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_read_ex(
    s: *mut SSL,
    buf: *mut c_void,
    num: usize,
    readbytes: *mut usize,
) -> c_int {
    // SAFETY: same contract.
    unsafe { read_ex_with(s, buf, num, readbytes, Ssl::try_read) }
}

/// `int SSL_peek_ex(SSL *s, void *buf, size_t num, size_t *readbytes)`.
///
/// # Safety
/// As [`SSL_read_ex`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_peek_ex(
    s: *mut SSL,
    buf: *mut c_void,
    num: usize,
    readbytes: *mut usize,
) -> c_int {
    // SAFETY: same contract.
    unsafe { read_ex_with(s, buf, num, readbytes, Ssl::try_peek) }
}

/// `int SSL_write(SSL *s, const void *buf, int num)`: `num` 0 sends
/// nothing and returns 0 with `SSL_ERROR_SSL` ("bad length", SPEC S13);
/// a negative `num` fails the same way with -1.
///
/// # Safety
/// `s` null or live; `buf` valid for `num` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_write(s: *mut SSL, buf: *const c_void, num: c_int) -> c_int {
    ffi_boundary!(-1, {
        check_null!(-1, buf);
        // SAFETY: pointers as promised by the caller.
        unsafe {
            with_ssl(s, -1, |s| match usize::try_from(num) {
                Ok(n) => s.begin().write(in_slice(buf, n)),
                Err(_) => {
                    s.begin().write(&[]);
                    -1
                }
            })
        }
    })
}

/// `int SSL_write_ex(SSL *s, const void *buf, size_t num, size_t *written)`.
///
/// # Safety
/// `s` null or live; `buf` valid for `num` bytes; `written` null or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_write_ex(
    s: *mut SSL,
    buf: *const c_void,
    num: usize,
    written: *mut usize,
) -> c_int {
    ffi_boundary!(0, {
        check_null!(0, buf);
        // SAFETY: pointers as promised by the caller.
        unsafe {
            with_ssl(s, 0, |s| {
                ex_result(s.begin().try_write(in_slice(buf, num)), written)
            })
        }
    })
}

/// `int SSL_pending(const SSL *s)`: decrypted bytes ready to read.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_pending(s: *const SSL) -> c_int {
    ffi_boundary!(0, {
        // SAFETY: `s` null or live.
        unsafe {
            with_ssl_ref(s, 0, |s| {
                c_int::try_from(s.ssl.pending()).unwrap_or(c_int::MAX)
            })
        }
    })
}

/// `int SSL_has_pending(const SSL *s)`: anything buffered, decrypted or not.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_has_pending(s: *const SSL) -> c_int {
    // SAFETY: `s` null or live.
    ffi_boundary!(0, {
        unsafe { with_ssl_ref(s, 0, |s| c_int::from(s.ssl.has_pending())) }
    })
}

/// `int SSL_shutdown(SSL *s)`: 0 after sending close_notify, 1 once the
/// peer's arrived, -1 on failure or would-block.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_shutdown(s: *mut SSL) -> c_int {
    // SAFETY: `s` null or live.
    ffi_boundary!(-1, { unsafe { with_ssl(s, -1, |s| s.begin().shutdown()) } })
}

/// `int SSL_get_shutdown(const SSL *s)`: `SSL_SENT_SHUTDOWN` |
/// `SSL_RECEIVED_SHUTDOWN`.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_get_shutdown(s: *const SSL) -> c_int {
    ffi_boundary!(0, {
        // SAFETY: `s` null or live.
        unsafe {
            with_ssl_ref(s, 0, |s| {
                let (sent, received) = s.ssl.get_shutdown();
                (if sent { SSL_SENT_SHUTDOWN } else { 0 })
                    | (if received { SSL_RECEIVED_SHUTDOWN } else { 0 })
            })
        }
    })
}

/// `int SSL_get_error(const SSL *s, int ret)`. Call it before draining
/// the error queue, as with OpenSSL.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_get_error(s: *const SSL, ret: c_int) -> c_int {
    ffi_boundary!(SSL_ERROR_SSL, {
        // SAFETY: `s` null or live.
        let code = unsafe { with_ssl_ref(s, SSL_ERROR_SSL, |s| s.ssl.get_error(ret).as_raw()) };
        // As OpenSSL, an `SSL` failure is judged by the thread's queue: a
        // system error there means SYSCALL, and an already drained queue
        // leaves nothing to report but SYSCALL. Would-blocks and
        // close_notify never look at the queue (SPEC S06).
        if code != SSL_ERROR_SSL {
            return code;
        }
        let e = crate::errors::ERR_peek_error();
        let sys = e & std::ffi::c_ulong::from(ERR_SYSTEM_FLAG) != 0
            || (e >> ERR_LIB_OFFSET) as c_int & ERR_LIB_MASK == ERR_LIB_SYS;
        if e == 0 || sys {
            SSL_ERROR_SYSCALL
        } else {
            SSL_ERROR_SSL
        }
    })
}

/// `int SSL_want(const SSL *s)`: `SSL_NOTHING`, `SSL_READING`, `SSL_WRITING`.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_want(s: *const SSL) -> c_int {
    ffi_boundary!(SSL_NOTHING, {
        // SAFETY: `s` null or live.
        unsafe {
            with_ssl_ref(s, SSL_NOTHING, |s| match s.ssl.want() {
                Want::Nothing => SSL_NOTHING,
                Want::Reading => SSL_READING,
                Want::Writing => SSL_WRITING,
            })
        }
    })
}

/// `int SSL_key_update(SSL *s, int updatetype)`: queues a TLS 1.3
/// KeyUpdate, sent with the next I/O; 1 on success.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_key_update(s: *mut SSL, updatetype: c_int) -> c_int {
    ffi_boundary!(0, {
        // SAFETY: `s` null or live.
        unsafe {
            with_ssl(s, 0, |s| {
                let request = match updatetype {
                    SSL_KEY_UPDATE_NOT_REQUESTED => false,
                    SSL_KEY_UPDATE_REQUESTED => true,
                    _ => {
                        push_error(
                            "SSL_key_update",
                            &ApiMisuse::BadArgument("invalid key update type").into(),
                        );
                        return 0;
                    }
                };
                c_int::from(s.begin().key_update(request).is_ok())
            })
        }
    })
}

/// `int SSL_renegotiate(SSL *s)`: starts a TLS 1.2 renegotiation (RFC 5746
/// secure renegotiation): a client queues a new ClientHello, a server a
/// HelloRequest. It goes out with the next `SSL_do_handshake`,
/// `SSL_read` or `SSL_write`, and the handshake runs inside those calls.
/// 0 (with the reason queued, the connection unharmed) on TLS 1.3, before
/// or during a handshake, and under `SSL_OP_NO_RENEGOTIATION`.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_renegotiate(s: *mut SSL) -> c_int {
    // SAFETY: `s` null or live.
    ffi_boundary!(0, {
        unsafe {
            with_ssl(s, 0, |s| match s.begin().renegotiate() {
                Ok(()) => {
                    s.reneg_requested = Some(false);
                    1
                }
                Err(_) => 0,
            })
        }
    })
}

/// `int SSL_renegotiate_pending(const SSL *s)`: 1 while a renegotiation
/// started (by either side) has not finished.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_renegotiate_pending(s: *const SSL) -> c_int {
    // SAFETY: `s` null or live.
    ffi_boundary!(0, {
        unsafe {
            with_ssl_ref(s, 0, |s| {
                c_int::from(s.reneg_requested.is_some() || s.ssl.renegotiate_pending())
            })
        }
    })
}
