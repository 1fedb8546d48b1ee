//! `SSL`: the connection handle, its BIOs and the calls that do I/O.
//!
//! An `SSL *` owns a `Box` (OpenSSL's `SSL_free` frees it) holding the
//! facade `Ssl`, one reference to its `SSL_CTX`, and the BIO references
//! `SSL_set_bio` consumed. Every call that can fail moves the connection's
//! error entries to the thread's `ERR` queue before returning.

use std::ffi::{CString, c_char, c_int, c_long, c_void};
use std::sync::Arc;

use ferrotls::{Mode, Ssl, SslVersion, VerifyMode, Want};
use ferrotls_core::{ApiMisuse, Error};

use crate::bio::{BIO, Inner, SharedBio, socket_bio};
use crate::boundary::{
    Handle, OwnedBox, arc_clone, arc_take, box_into_raw, c_str, check_null, ffi_boundary, free_box,
    lock, try_mut, try_ref,
};
use crate::consts::*;
use crate::ctx::SSL_CTX;
use crate::errors::{drain, push_error, push_unsupported};
use crate::verify::{VerifyCb, X509_STORE_CTX};

/// A per-connection setting, kept so it can be applied again to a new
/// facade `Ssl` (see [`SSL::set_proto_bound`]).
type Replay = Box<dyn Fn(&mut Ssl)>;

/// `SSL`.
pub struct SSL {
    pub(crate) ssl: Ssl,
    pub(crate) ctx: Arc<SSL_CTX>,
    rbio: Option<Arc<BIO>>,
    wbio: Option<Arc<BIO>>,
    fd: c_int,
    pub(crate) verify_mode: c_int,
    pub(crate) servername: Option<CString>,
    /// This connection's version bounds (`SSL_set_min/max_proto_version`).
    min: Option<SslVersion>,
    max: Option<SslVersion>,
    /// Set by the first call that may start the handshake; the settings
    /// below stop being recorded then.
    started: bool,
    replay: Vec<Replay>,
    /// `SSL_renegotiate` succeeded and the renegotiation has not finished:
    /// `None`, or whether the facade has reported it running yet (a
    /// server's HelloRequest is out before the client answers).
    reneg_requested: Option<bool>,
}

impl Handle for SSL {
    type Ownership = OwnedBox;
}

/// Runs `f` on the connection behind `s`, then drains its errors.
///
/// # Safety
/// `s` null or a live `SSL *` not in use by another call.
pub(crate) unsafe fn with_ssl<R>(s: *mut SSL, err: R, f: impl FnOnce(&mut SSL) -> R) -> R {
    if refuse_reentry(s) {
        return err;
    }
    let _current = crate::callbacks::enter(s);
    // SAFETY: the caller promises `s` is null or live, and `refuse_reentry`
    // rules out the borrow of a call still running on this thread.
    match unsafe { try_mut(s) } {
        Some(s) => {
            let r = f(s);
            s.track_renegotiation();
            drain(&mut s.ssl);
            r
        }
        None => {
            crate::errors::push_null("ssl");
            err
        }
    }
}

/// Runs `f` on a shared borrow of the connection behind `s`.
///
/// # Safety
/// `s` null or a live `SSL *`.
pub(crate) unsafe fn with_ssl_ref<R>(s: *const SSL, err: R, f: impl FnOnce(&SSL) -> R) -> R {
    if refuse_reentry(s) {
        return err;
    }
    // SAFETY: the caller promises `s` is null or live; no call on it is
    // running on this thread (checked above).
    match unsafe { try_ref(s) } {
        Some(s) => f(s),
        None => {
            crate::errors::push_null("ssl");
            err
        }
    }
}

/// A call on the connection from inside one of its own callbacks would
/// alias the `&mut SSL` of the running call: refused loudly.
fn refuse_reentry(s: *const SSL) -> bool {
    let busy = crate::callbacks::is_busy(s);
    if busy {
        push_unsupported(
            "callback",
            "calls on the SSL from inside its own callback".into(),
        );
    }
    busy
}

fn same(a: &Option<Arc<BIO>>, p: *mut BIO) -> bool {
    match a {
        Some(a) => std::ptr::eq(Arc::as_ptr(a), p),
        None => p.is_null(),
    }
}

impl SSL {
    /// Applies a per-connection setting and, before the handshake, keeps
    /// it for [`set_proto_bound`](Self::set_proto_bound).
    pub(crate) fn apply(&mut self, op: impl Fn(&mut Ssl) + 'static) {
        op(&mut self.ssl);
        if !self.started {
            self.replay.push(Box::new(op));
        }
    }

    /// As [`apply`](Self::apply) for a setting that can fail; kept only
    /// when it succeeded.
    pub(crate) fn try_apply(
        &mut self,
        op: impl Fn(&mut Ssl) -> Result<(), Error> + 'static,
    ) -> Result<(), Error> {
        op(&mut self.ssl)?;
        if !self.started {
            self.replay.push(Box::new(move |s| {
                // It succeeded once with the same input.
                let _ = op(s);
            }));
        }
        Ok(())
    }

    /// Marks the handshake as (possibly) started: the version bounds are
    /// fixed from now on.
    pub(crate) fn begin(&mut self) -> &mut Ssl {
        if !self.started {
            self.started = true;
            self.replay = Vec::new();
        }
        &mut self.ssl
    }

    /// `SSL_set_min/max_proto_version`. The facade fixes the versions when
    /// a connection is made, so before the handshake a new facade `Ssl` is
    /// made from the context's settings with these bounds, and this
    /// connection's own settings and BIOs are applied to it again.
    fn set_proto_bound(&mut self, larg: c_long, is_min: bool) -> Result<c_long, Error> {
        if self.started {
            return Err(Error::NotSupported(
                "changing a connection's protocol versions after its handshake started",
            ));
        }
        let v = crate::ctx::proto_bound(larg, is_min)?;
        let (min, max) = if is_min { (v, self.max) } else { (self.min, v) };
        let ctx = lock(&self.ctx.settings).fresh_context(min, max)?;
        let mut ssl = Ssl::new(&ctx);
        for op in &self.replay {
            op(&mut ssl);
        }
        drain(&mut self.ssl);
        self.ssl = ssl;
        (self.min, self.max) = (min, max);
        self.install_bios();
        Ok(1)
    }

    /// Follows a renegotiation this side asked for until the facade has
    /// run it to its end, for `SSL_renegotiate_pending`: OpenSSL reports
    /// it pending from the request on, the facade only while the new
    /// handshake runs. It always spans several calls (it needs the peer's
    /// answers), so "seen running, now not" is its end.
    fn track_renegotiation(&mut self) {
        let running = self.ssl.renegotiate_pending();
        self.reneg_requested = match self.reneg_requested {
            Some(seen) if running || !seen => Some(seen || running),
            _ => None,
        };
    }

    /// Gives the facade the BIOs now held.
    fn install_bios(&mut self) {
        match (&self.rbio, &self.wbio) {
            (Some(r), Some(w)) if Arc::ptr_eq(r, w) => {
                self.ssl.set_bio_single(SharedBio(r.clone()))
            }
            (Some(r), Some(w)) => self.ssl.set_bio(SharedBio(r.clone()), SharedBio(w.clone())),
            // One direction only: the facade cannot run half a transport,
            // so I/O reports "BIO not set" until both are given.
            _ => drop(self.ssl.take_bios()),
        }
    }

    /// `SSL_set_bio` with OpenSSL's reference rules (see its man page).
    ///
    /// # Safety
    /// `r`, `w` null or live `BIO *`s whose references the rules consume.
    unsafe fn set_bio(&mut self, r: *mut BIO, w: *mut BIO) {
        let (r_same, w_same) = (same(&self.rbio, r), same(&self.wbio, w));
        if r_same && w_same {
            return;
        }
        let old_same = match (&self.rbio, &self.wbio) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        // SAFETY (each `arc_take`): `r`/`w` are null or live, and these are
        // exactly the references OpenSSL documents as consumed.
        let (new_r, new_w) = unsafe {
            if r == w {
                let nr = if r_same {
                    self.rbio.clone()
                } else {
                    arc_take(r)
                };
                (nr.clone(), nr)
            } else if r_same {
                (self.rbio.clone(), arc_take(w))
            } else if w_same && old_same {
                (arc_take(r), self.wbio.clone())
            } else {
                (arc_take(r), arc_take(w))
            }
        };
        self.rbio = new_r;
        self.wbio = new_w;
        self.install_bios();
    }
}

/// `SSL *SSL_new(SSL_CTX *ctx)`: NULL (with the reason queued) if the
/// context's settings do not make a usable context (e.g. a certificate
/// without its key).
///
/// # Safety
/// `ctx` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_new(ctx: *mut SSL_CTX) -> *mut SSL {
    ffi_boundary!(std::ptr::null_mut(), {
        // SAFETY: `ctx` null or live; the SSL keeps its own reference.
        let Some(ctx) = (unsafe { arc_clone(ctx.cast_const()) }) else {
            crate::errors::push_null("ctx");
            return std::ptr::null_mut();
        };
        let (built, verify_mode, (min, max)) = {
            let mut s = lock(&ctx.settings);
            (s.context(), s.verify_mode, s.bounds())
        };
        match built {
            Ok(c) => box_into_raw(SSL {
                ssl: Ssl::new(&c),
                ctx,
                rbio: None,
                wbio: None,
                fd: -1,
                verify_mode,
                servername: None,
                min,
                max,
                started: false,
                replay: Vec::new(),
                reneg_requested: None,
            }),
            Err(e) => {
                push_error("SSL_new", &e);
                std::ptr::null_mut()
            }
        }
    })
}

/// `void SSL_free(SSL *ssl)`: frees the connection, its BIO references
/// and its `SSL_CTX` reference. No close_notify is sent.
///
/// # Safety
/// `ssl` null or live, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_free(ssl: *mut SSL) {
    // SAFETY: the caller gives up its owned pointer.
    ffi_boundary!((), { unsafe { free_box(ssl) } })
}

/// `SSL_CTX *SSL_get_SSL_CTX(const SSL *ssl)`: borrowed.
///
/// # Safety
/// `ssl` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_get_SSL_CTX(ssl: *const SSL) -> *mut SSL_CTX {
    ffi_boundary!(std::ptr::null_mut(), {
        // SAFETY: `ssl` null or live.
        unsafe {
            with_ssl_ref(ssl, std::ptr::null_mut(), |s| {
                Arc::as_ptr(&s.ctx).cast_mut()
            })
        }
    })
}

/// `void SSL_set_bio(SSL *s, BIO *rbio, BIO *wbio)`.
///
/// # Safety
/// `s` null or live; the BIOs null or live, with references per OpenSSL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_set_bio(s: *mut SSL, rbio: *mut BIO, wbio: *mut BIO) {
    ffi_boundary!((), {
        // SAFETY: pointers as promised by the caller.
        unsafe { with_ssl(s, (), |s| s.set_bio(rbio, wbio)) }
    })
}

/// `BIO *SSL_get_rbio(const SSL *s)`: borrowed.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_get_rbio(s: *const SSL) -> *mut BIO {
    ffi_boundary!(std::ptr::null_mut(), {
        // SAFETY: `s` null or live.
        unsafe {
            with_ssl_ref(s, std::ptr::null_mut(), |s| {
                s.rbio
                    .as_ref()
                    .map_or(std::ptr::null_mut(), |b| Arc::as_ptr(b).cast_mut())
            })
        }
    })
}

/// `BIO *SSL_get_wbio(const SSL *s)`: borrowed.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_get_wbio(s: *const SSL) -> *mut BIO {
    ffi_boundary!(std::ptr::null_mut(), {
        // SAFETY: `s` null or live.
        unsafe {
            with_ssl_ref(s, std::ptr::null_mut(), |s| {
                s.wbio
                    .as_ref()
                    .map_or(std::ptr::null_mut(), |b| Arc::as_ptr(b).cast_mut())
            })
        }
    })
}

/// `int SSL_set_fd(SSL *s, int fd)`: a socket BIO over `fd` for both
/// directions; the descriptor stays the program's (not closed by
/// `SSL_free`), blocking or not as the program set it.
///
/// # Safety
/// `s` null or live; `fd` an open socket descriptor.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_set_fd(s: *mut SSL, fd: c_int) -> c_int {
    ffi_boundary!(0, {
        // SAFETY: `s` null or live.
        unsafe {
            with_ssl(s, 0, |s| {
                let Some(sock) = socket_bio(fd, BIO_NOCLOSE) else {
                    return 0;
                };
                let b = BIO::new(Inner::Socket(sock));
                s.rbio = Some(b.clone());
                s.wbio = Some(b);
                s.fd = fd;
                s.install_bios();
                1
            })
        }
    })
}

/// `int SSL_get_fd(const SSL *s)`: the descriptor of `SSL_set_fd`, or -1.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_get_fd(s: *const SSL) -> c_int {
    // SAFETY: `s` null or live.
    ffi_boundary!(-1, { unsafe { with_ssl_ref(s, -1, |s| s.fd) } })
}

/// `void SSL_set_connect_state(SSL *s)`.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_set_connect_state(s: *mut SSL) {
    // SAFETY: `s` null or live.
    ffi_boundary!((), {
        unsafe { with_ssl(s, (), |s| s.apply(Ssl::set_connect_state)) }
    })
}

/// `void SSL_set_accept_state(SSL *s)`.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_set_accept_state(s: *mut SSL) {
    // SAFETY: `s` null or live.
    ffi_boundary!((), {
        unsafe { with_ssl(s, (), |s| s.apply(Ssl::set_accept_state)) }
    })
}

/// `int SSL_connect(SSL *s)`: 1 done, 0 controlled shutdown, <0 failure or
/// would-block (see `SSL_get_error`).
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_connect(s: *mut SSL) -> c_int {
    // SAFETY: `s` null or live.
    ffi_boundary!(-1, { unsafe { with_ssl(s, -1, |s| s.begin().connect()) } })
}

/// `int SSL_accept(SSL *s)`.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_accept(s: *mut SSL) -> c_int {
    // SAFETY: `s` null or live.
    ffi_boundary!(-1, { unsafe { with_ssl(s, -1, |s| s.begin().accept()) } })
}

/// `int SSL_do_handshake(SSL *s)`.
///
/// # Safety
/// `s` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_do_handshake(s: *mut SSL) -> c_int {
    // SAFETY: `s` null or live.
    ffi_boundary!(-1, {
        unsafe { with_ssl(s, -1, |s| s.begin().do_handshake()) }
    })
}

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

/// `int SSL_read(SSL *s, void *buf, int num)`.
///
/// # Safety
/// `s` null or live; `buf` valid for `num` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_read(s: *mut SSL, buf: *mut c_void, num: c_int) -> c_int {
    ffi_boundary!(-1, {
        check_null!(-1, buf);
        let n = usize::try_from(num).unwrap_or(0);
        // SAFETY: pointers as promised by the caller.
        unsafe { with_ssl(s, -1, |s| s.begin().read(out_slice(buf, n))) }
    })
}

/// `int SSL_peek(SSL *s, void *buf, int num)`.
///
/// # Safety
/// `s` null or live; `buf` valid for `num` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_peek(s: *mut SSL, buf: *mut c_void, num: c_int) -> c_int {
    ffi_boundary!(-1, {
        check_null!(-1, buf);
        let n = usize::try_from(num).unwrap_or(0);
        // SAFETY: pointers as promised by the caller.
        unsafe { with_ssl(s, -1, |s| s.begin().peek(out_slice(buf, n))) }
    })
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
    ffi_boundary!(0, {
        check_null!(0, buf);
        // SAFETY: pointers as promised by the caller.
        unsafe {
            with_ssl(s, 0, |s| match s.begin().try_read(out_slice(buf, num)) {
                Ok(n) => {
                    put(readbytes, n);
                    1
                }
                Err(_) => {
                    put(readbytes, 0);
                    0
                }
            })
        }
    })
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
    ffi_boundary!(0, {
        check_null!(0, buf);
        // SAFETY: pointers as promised by the caller.
        unsafe {
            with_ssl(s, 0, |s| match s.begin().try_peek(out_slice(buf, num)) {
                Ok(n) => {
                    put(readbytes, n);
                    1
                }
                Err(_) => {
                    put(readbytes, 0);
                    0
                }
            })
        }
    })
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
            with_ssl(s, 0, |s| match s.begin().try_write(in_slice(buf, num)) {
                Ok(n) => {
                    put(written, n);
                    1
                }
                Err(_) => {
                    put(written, 0);
                    0
                }
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
                Some(h) => match s.try_apply({
                    let h = h.to_owned();
                    move |ssl| ssl.set1_host(&h)
                }) {
                    Ok(()) => 1,
                    Err(e) => {
                        push_error("SSL_set1_host", &e);
                        0
                    }
                },
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
                match s.try_apply(move |ssl| ssl.set_alpn_protos(&wire)) {
                    Ok(()) => 0,
                    Err(e) => {
                        push_error("SSL_set_alpn_protos", &e);
                        1
                    }
                }
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
                r.unwrap_or_else(|e| {
                    push_error("SSL_ctrl", &e);
                    0
                })
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
