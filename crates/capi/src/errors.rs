//! OpenSSL's per-thread error queue (`ERR_get_error` and friends).
//!
//! The facade keeps one queue per `Ssl` because a Rust library should not
//! own thread-local state for its caller; C programs, though, drain a
//! per-thread queue with `ERR_get_error`. After every call on an `SSL` the
//! connection's entries move here, packed into OpenSSL 3's codes
//! (`ERR_PACK(lib, 0, reason)`, system errors as `ERR_SYSTEM_FLAG | errno`)
//! with the `SSL_R_*` reasons programs compare against.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::ffi::{CStr, c_char, c_int, c_ulong, c_void};

use ferrotls::{ErrorEntry, Library, Ssl};
use ferrotls_core::{ApiMisuse, Error, PeerIncompatible, PeerMisbehaved};

use crate::boundary::ffi_boundary;
use crate::consts::*;

/// The bound on queued entries, so a program that never drains the queue
/// does not grow it without limit (OpenSSL keeps 16).
const MAX_QUEUE: usize = 16;

/// One queued error: OpenSSL's packed code plus our detail text.
struct Entry {
    code: c_ulong,
    location: &'static str,
    detail: String,
}

thread_local! {
    static QUEUE: RefCell<VecDeque<Entry>> = const { RefCell::new(VecDeque::new()) };
    static STRING_BUF: RefCell<[u8; 256]> = const { RefCell::new([0; 256]) };
}

fn push(code: c_ulong, location: &'static str, detail: String) {
    QUEUE.with(|q| {
        let mut q = q.borrow_mut();
        if q.len() == MAX_QUEUE {
            q.pop_front();
        }
        q.push_back(Entry {
            code,
            location,
            detail,
        });
    });
}

/// `ERR_PACK(lib, 0, reason)`.
const fn pack(lib: c_int, reason: c_int) -> c_ulong {
    (((lib as c_ulong) & 0xFF) << 23) | ((reason as c_ulong) & 0x7F_FFFF)
}

/// Queues a failure of the C layer itself (a setter refusing its input).
pub(crate) fn push_error(location: &'static str, err: &Error) {
    push(pack(ERR_LIB_SSL, reason_of(err)), location, err.to_string());
}

/// `r`'s value, or `failed` with the error queued: the C calls report a
/// failure as a return value and leave the reason on the `ERR` queue, so
/// every fallible setter ends the same way.
pub(crate) fn or_queue<T>(location: &'static str, r: Result<T, Error>, failed: T) -> T {
    r.unwrap_or_else(|e| {
        push_error(location, &e);
        failed
    })
}

/// Queues "passed a null parameter" for argument `what`.
pub(crate) fn push_null(what: &'static str) {
    push(
        pack(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER),
        "argument check",
        format!("{what} is NULL"),
    );
}

/// Queues an internal error (a caught panic).
pub(crate) fn push_internal(why: &'static str) {
    push(
        pack(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR),
        "boundary",
        why.into(),
    );
}

/// Queues "not supported: `what`" — used where OpenSSL would act and we
/// refuse loudly instead of ignoring the request.
pub(crate) fn push_unsupported(location: &'static str, what: String) {
    push(
        pack(ERR_LIB_SSL, ERR_R_UNSUPPORTED),
        location,
        format!("not supported: {what}"),
    );
}

/// Moves the connection's queued errors to the thread's queue.
pub(crate) fn drain(ssl: &mut Ssl) {
    while let Some(e) = ssl.take_error() {
        push(code_of(&e), e.location, detail_of(&e));
    }
}

fn detail_of(e: &ErrorEntry) -> String {
    match e.alert {
        Some(a) if a.sent => format!("{} (sent alert {:?})", e.text, a.description),
        Some(a) => format!("{} (received alert {:?})", e.text, a.description),
        None => e.text.clone(),
    }
}

/// The packed code of a facade queue entry.
fn code_of(e: &ErrorEntry) -> c_ulong {
    match (&e.reason, e.library) {
        (Some(err), _) => pack(ERR_LIB_SSL, reason_of(err)),
        (None, Library::Sys) => match os_error(&e.text) {
            Some(errno) => ERR_SYSTEM_FLAG as c_ulong | errno as c_ulong,
            None => pack(ERR_LIB_SYS, ERR_R_SYS_LIB),
        },
        (None, _) if e.text.contains("unexpected eof") => {
            pack(ERR_LIB_SSL, SSL_R_UNEXPECTED_EOF_WHILE_READING)
        }
        (None, _) => pack(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR),
    }
}

/// The errno inside an `io::Error`'s text ("... (os error 104)").
fn os_error(text: &str) -> Option<c_int> {
    let start = text.rfind("(os error ")? + "(os error ".len();
    let end = start + text[start..].find(')')?;
    text[start..end].parse().ok()
}

/// The `SSL_R_*` (or common `ERR_R_*`) reason OpenSSL 3 uses for `err`.
fn reason_of(err: &Error) -> c_int {
    match err {
        Error::InvalidCertificate(_) => SSL_R_CERTIFICATE_VERIFY_FAILED,
        Error::AlertReceived(a) => SSL_AD_REASON_OFFSET + c_int::from(u8::from(*a)),
        Error::DecryptError => SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC,
        Error::InappropriateMessage { .. } | Error::InappropriateHandshakeMessage { .. } => {
            SSL_R_UNEXPECTED_MESSAGE
        }
        Error::InvalidMessage(ferrotls_core::InvalidMessage::UnknownProtocolVersion) => {
            SSL_R_WRONG_VERSION_NUMBER
        }
        Error::InvalidMessage(_) => SSL_R_BAD_PACKET,
        Error::PeerMisbehaved(PeerMisbehaved::BadFinished) => SSL_R_DIGEST_CHECK_FAILED,
        Error::PeerMisbehaved(PeerMisbehaved::BadSignature) => SSL_R_BAD_SIGNATURE,
        Error::PeerMisbehaved(PeerMisbehaved::RecordOverflow) => SSL_R_ENCRYPTED_LENGTH_TOO_LONG,
        Error::PeerMisbehaved(
            PeerMisbehaved::MissingExtension(_) | PeerMisbehaved::UnsolicitedExtension(_),
        ) => SSL_R_BAD_EXTENSION,
        Error::PeerMisbehaved(_) => SSL_R_BAD_PACKET,
        Error::PeerIncompatible(p) => match p {
            PeerIncompatible::NoCommonVersion => SSL_R_UNSUPPORTED_PROTOCOL,
            PeerIncompatible::NoCommonCipherSuite => SSL_R_NO_SHARED_CIPHER,
            PeerIncompatible::NoCommonGroup => SSL_R_NO_SUITABLE_KEY_SHARE,
            PeerIncompatible::NoCommonSignatureScheme => SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM,
            PeerIncompatible::NoApplicationProtocol => SSL_R_NO_APPLICATION_PROTOCOL,
            _ => SSL_R_SSL_HANDSHAKE_FAILURE,
        },
        Error::NoCertificatesPresented => SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE,
        Error::ApiMisuse(m) => match m {
            ApiMisuse::NoBio => SSL_R_BIO_NOT_SET,
            ApiMisuse::NoRoleSet => SSL_R_CONNECTION_TYPE_NOT_SET,
            ApiMisuse::BadWriteRetry => SSL_R_BAD_WRITE_RETRY,
            ApiMisuse::HandshakeNotComplete => SSL_R_SHUTDOWN_WHILE_IN_INIT,
            ApiMisuse::BadArgument(w) if w.starts_with("bad length") => SSL_R_BAD_LENGTH,
            ApiMisuse::BadArgument(w) if w.starts_with("protocol is shutdown") => {
                SSL_R_PROTOCOL_IS_SHUTDOWN
            }
            _ => ERR_R_PASSED_INVALID_ARGUMENT,
        },
        Error::NotSupported(_) => ERR_R_UNSUPPORTED,
        _ => ERR_R_INTERNAL_ERROR,
    }
}

/// OpenSSL's text for a reason code (what `ERR_reason_error_string` gives).
fn reason_text(code: c_ulong) -> Option<&'static CStr> {
    if code & ERR_SYSTEM_FLAG as c_ulong != 0 {
        return Some(c"system error");
    }
    let reason = (code & 0x7F_FFFF) as c_int;
    Some(match reason {
        SSL_R_CERTIFICATE_VERIFY_FAILED => c"certificate verify failed",
        SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC => c"decryption failed or bad record mac",
        SSL_R_UNEXPECTED_MESSAGE => c"unexpected message",
        SSL_R_WRONG_VERSION_NUMBER => c"wrong version number",
        SSL_R_BAD_PACKET => c"bad packet",
        SSL_R_DIGEST_CHECK_FAILED => c"digest check failed",
        SSL_R_BAD_SIGNATURE => c"bad signature",
        SSL_R_ENCRYPTED_LENGTH_TOO_LONG => c"encrypted length too long",
        SSL_R_BAD_EXTENSION => c"bad extension",
        SSL_R_UNSUPPORTED_PROTOCOL => c"unsupported protocol",
        SSL_R_NO_SHARED_CIPHER => c"no shared cipher",
        SSL_R_NO_SUITABLE_KEY_SHARE => c"no suitable key share",
        SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM => c"no suitable signature algorithm",
        SSL_R_NO_APPLICATION_PROTOCOL => c"no application protocol",
        SSL_R_SSL_HANDSHAKE_FAILURE => c"ssl handshake failure",
        SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE => c"peer did not return a certificate",
        SSL_R_BIO_NOT_SET => c"bio not set",
        SSL_R_CONNECTION_TYPE_NOT_SET => c"connection type not set",
        SSL_R_BAD_WRITE_RETRY => c"bad write retry",
        SSL_R_SHUTDOWN_WHILE_IN_INIT => c"shutdown while in init",
        SSL_R_BAD_LENGTH => c"bad length",
        SSL_R_PROTOCOL_IS_SHUTDOWN => c"protocol is shutdown",
        SSL_R_UNEXPECTED_EOF_WHILE_READING => c"unexpected eof while reading",
        ERR_R_PASSED_NULL_PARAMETER => c"passed a null parameter",
        ERR_R_PASSED_INVALID_ARGUMENT => c"passed invalid argument",
        ERR_R_UNSUPPORTED => c"unsupported",
        ERR_R_INTERNAL_ERROR => c"internal error",
        ERR_R_SYS_LIB => c"system lib",
        r if r > SSL_AD_REASON_OFFSET => return alert_text(r - SSL_AD_REASON_OFFSET),
        _ => return None,
    })
}

/// OpenSSL's names of the alert reasons (`SSL_R_SSLV3_ALERT_*`,
/// `SSL_R_TLSV1_ALERT_*`).
fn alert_text(alert: c_int) -> Option<&'static CStr> {
    Some(match alert {
        0 => c"ssl/tls alert close notify",
        10 => c"sslv3 alert unexpected message",
        20 => c"sslv3 alert bad record mac",
        40 => c"sslv3 alert handshake failure",
        42 => c"sslv3 alert bad certificate",
        43 => c"sslv3 alert unsupported certificate",
        44 => c"sslv3 alert certificate revoked",
        45 => c"sslv3 alert certificate expired",
        46 => c"sslv3 alert certificate unknown",
        47 => c"sslv3 alert illegal parameter",
        48 => c"tlsv1 alert unknown ca",
        49 => c"tlsv1 alert access denied",
        50 => c"tlsv1 alert decode error",
        51 => c"tlsv1 alert decrypt error",
        70 => c"tlsv1 alert protocol version",
        71 => c"tlsv1 alert insufficient security",
        80 => c"tlsv1 alert internal error",
        86 => c"tlsv1 alert inappropriate fallback",
        90 => c"tlsv1 alert user cancelled",
        109 => c"tlsv13 alert missing extension",
        110 => c"tlsv1 unsupported extension",
        112 => c"tlsv1 unrecognized name",
        116 => c"tlsv13 alert certificate required",
        120 => c"tlsv1 alert no application protocol",
        _ => return None,
    })
}

fn lib_name(code: c_ulong) -> &'static str {
    if code & ERR_SYSTEM_FLAG as c_ulong != 0 {
        return "system library";
    }
    match ((code >> 23) & 0xFF) as c_int {
        ERR_LIB_SSL => "SSL routines",
        ERR_LIB_SYS => "system library",
        _ => "unknown library",
    }
}

/// `error:0A000086:SSL routines::certificate verify failed`, as OpenSSL 3.
fn error_string(code: c_ulong) -> String {
    let reason = match reason_text(code) {
        Some(t) => t.to_string_lossy().into_owned(),
        None => format!("reason({})", code & 0x7F_FFFF),
    };
    format!("error:{code:08X}:{}::{reason}", lib_name(code))
}

/// Copies `s` into `buf` (at most `len` bytes with the NUL), truncating.
///
/// # Safety
/// `buf` is valid for `len` writable bytes.
unsafe fn copy_c_string(s: &str, buf: *mut c_char, len: usize) {
    if buf.is_null() || len == 0 {
        return;
    }
    let n = s.len().min(len - 1);
    // SAFETY: `buf` holds `len > n` bytes; the source is `n` bytes of `s`.
    unsafe {
        std::ptr::copy_nonoverlapping(s.as_ptr().cast::<c_char>(), buf, n);
        *buf.add(n) = 0;
    }
}

/// `unsigned long ERR_get_error(void)`: removes and returns the oldest
/// code, 0 when the queue is empty.
#[unsafe(no_mangle)]
pub extern "C" fn ERR_get_error() -> c_ulong {
    ffi_boundary!(0, {
        QUEUE.with(|q| q.borrow_mut().pop_front().map_or(0, |e| e.code))
    })
}

/// `unsigned long ERR_peek_error(void)`: the oldest code, left queued.
#[unsafe(no_mangle)]
pub extern "C" fn ERR_peek_error() -> c_ulong {
    ffi_boundary!(0, {
        QUEUE.with(|q| q.borrow().front().map_or(0, |e| e.code))
    })
}

/// `unsigned long ERR_peek_last_error(void)`: the newest code, left queued.
#[unsafe(no_mangle)]
pub extern "C" fn ERR_peek_last_error() -> c_ulong {
    ffi_boundary!(0, {
        QUEUE.with(|q| q.borrow().back().map_or(0, |e| e.code))
    })
}

/// `void ERR_clear_error(void)`.
#[unsafe(no_mangle)]
pub extern "C" fn ERR_clear_error() {
    ffi_boundary!((), {
        QUEUE.with(|q| q.borrow_mut().clear());
    })
}

/// `void ERR_error_string_n(unsigned long e, char *buf, size_t len)`.
///
/// # Safety
/// `buf` is null or valid for `len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ERR_error_string_n(e: c_ulong, buf: *mut c_char, len: usize) {
    ffi_boundary!((), {
        // SAFETY: the caller gives `len` writable bytes at `buf`.
        unsafe { copy_c_string(&error_string(e), buf, len) };
    })
}

/// `char *ERR_error_string(unsigned long e, char *buf)`: into `buf` (at
/// least 256 bytes, as OpenSSL requires) or, when `buf` is NULL, into a
/// per-thread buffer valid until the next such call.
///
/// # Safety
/// `buf` is null or valid for 256 writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ERR_error_string(e: c_ulong, buf: *mut c_char) -> *mut c_char {
    ffi_boundary!(std::ptr::null_mut(), {
        let s = error_string(e);
        if !buf.is_null() {
            // SAFETY: OpenSSL documents `buf` as at least 256 bytes.
            unsafe { copy_c_string(&s, buf, 256) };
            return buf;
        }
        STRING_BUF.with(|b| {
            let mut b = b.borrow_mut();
            let p = b.as_mut_ptr().cast::<c_char>();
            // SAFETY: the thread-local buffer holds 256 bytes and lives as
            // long as the thread.
            unsafe { copy_c_string(&s, p, 256) };
            p
        })
    })
}

/// `const char *ERR_reason_error_string(unsigned long e)`: NULL for a
/// reason without text.
#[unsafe(no_mangle)]
pub extern "C" fn ERR_reason_error_string(e: c_ulong) -> *const c_char {
    ffi_boundary!(std::ptr::null(), {
        reason_text(e).map_or(std::ptr::null(), CStr::as_ptr)
    })
}

unsafe extern "C" {
    fn fputs(s: *const c_char, stream: *mut c_void) -> c_int;
}

/// `void ERR_print_errors_fp(FILE *fp)`: prints and empties the queue, one
/// line per entry with the detail OpenSSL would give as "data".
///
/// # Safety
/// `fp` is null or an open `FILE *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ERR_print_errors_fp(fp: *mut c_void) {
    ffi_boundary!((), {
        crate::boundary::check_null!((), fp);
        let entries: Vec<Entry> = QUEUE.with(|q| q.borrow_mut().drain(..).collect());
        for e in entries {
            let line = format!(
                "{}:{}:{}\n",
                error_string(e.code).replacen("::", &format!(":{}:", e.location), 1),
                "ferrotls",
                e.detail.replace('\0', " ")
            );
            if let Ok(c) = std::ffi::CString::new(line) {
                // SAFETY: `c` is NUL-terminated; `fp` is an open stream.
                unsafe { fputs(c.as_ptr(), fp) };
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_pack_as_openssl_3() {
        assert_eq!(
            pack(ERR_LIB_SSL, SSL_R_CERTIFICATE_VERIFY_FAILED),
            0x0A00_0086
        );
        assert_eq!(
            error_string(0x0A00_0086),
            "error:0A000086:SSL routines::certificate verify failed"
        );
        assert_eq!(os_error("Connection reset (os error 104)"), Some(104));
        assert_eq!(os_error("nothing"), None);
    }

    #[test]
    fn queue_is_fifo_per_thread() {
        ERR_clear_error();
        push_null("x");
        push_internal("y");
        assert_eq!(
            ERR_peek_error(),
            pack(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER)
        );
        assert_eq!(
            ERR_peek_last_error(),
            pack(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR)
        );
        assert_eq!(
            ERR_get_error(),
            pack(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER)
        );
        assert_eq!(ERR_get_error(), pack(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR));
        assert_eq!(ERR_get_error(), 0);
        std::thread::spawn(|| push_null("other thread"))
            .join()
            .expect("thread");
        assert_eq!(ERR_get_error(), 0);
    }
}
