//! `SSL`: the connection handle, its BIOs and the handshake calls; the
//! data calls are in [`io`], the per-connection settings in [`ctrl`].
//!
//! An `SSL *` owns a `Box` (OpenSSL's `SSL_free` frees it) holding the
//! facade `Ssl`, one reference to its `SSL_CTX`, and the BIO references
//! `SSL_set_bio` consumed. Every call that can fail moves the connection's
//! error entries to the thread's `ERR` queue before returning.

use std::ffi::{CString, c_int, c_long};
use std::sync::Arc;

use ferrotls::{Ssl, SslVersion};
use ferrotls_core::Error;

use crate::bio::{BIO, Inner, SharedBio, socket_bio};
use crate::boundary::{
    Handle, OwnedBox, arc_clone, arc_take, box_into_raw, ffi_boundary, free_box, lock, try_mut,
    try_ref,
};
use crate::consts::*;
use crate::ctx::SSL_CTX;
use crate::errors::{drain, push_error, push_unsupported};

mod ctrl;
mod io;

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

/// The borrowed `BIO *` that `SSL_get_rbio` / `SSL_get_wbio` hand out.
fn bio_ptr(b: &Option<Arc<BIO>>) -> *mut BIO {
    b.as_ref()
        .map_or(std::ptr::null_mut(), |b| Arc::as_ptr(b).cast_mut())
}

/// Whether `p` is the BIO already held in `a` (`SSL_set_bio` must not
/// consume a reference it already owns).
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
        unsafe { with_ssl_ref(s, std::ptr::null_mut(), |s| bio_ptr(&s.rbio)) }
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
        unsafe { with_ssl_ref(s, std::ptr::null_mut(), |s| bio_ptr(&s.wbio)) }
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
