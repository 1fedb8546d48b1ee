//! The application callbacks that receive an `SSL *`: the servername
//! callback (`SSL_CTX_set_tlsext_servername_callback`), the ALPN select
//! callback and the key log callback.
//!
//! The facade calls its hooks from inside the handshake, i.e. from inside
//! a C call (`SSL_accept`, `SSL_read`, ...) that holds the only `&mut SSL`.
//! The facade hooks do not know which connection they serve, so each export
//! that works on an `SSL` records it here for the length of the call
//! ([`enter`]); a hook hands that pointer to the C callback. Because the
//! connection is borrowed during the callback, calls on it from inside the
//! callback are refused with "not supported" (aliasing it would be
//! undefined behaviour) — except `SSL_get_servername` inside the servername
//! callback, which is answered from the callback's own argument.

use std::cell::{Cell, RefCell};
use std::ffi::{CString, c_char, c_int, c_long, c_uint, c_void};

use ferrotls::{AlpnDecision, SniResult, SslContextBuilder};
use ferrotls_core::AlertDescription;

use crate::boundary::ffi_boundary;
use crate::consts::*;
use crate::ctx::{SSL_CTX, with_settings};
use crate::errors::push_unsupported;
use crate::ssl::SSL;

/// `int (*)(SSL *s, int *al, void *arg)`: the servername callback.
pub type ServernameCb = unsafe extern "C" fn(*mut SSL, *mut c_int, *mut c_void) -> c_int;

/// `SSL_CTX_alpn_select_cb_func`.
pub type AlpnSelectCb = unsafe extern "C" fn(
    *mut SSL,
    *mut *const u8,
    *mut u8,
    *const u8,
    c_uint,
    *mut c_void,
) -> c_int;

/// `SSL_CTX_keylog_cb_func`: `void (*)(const SSL *ssl, const char *line)`.
pub type KeylogCb = unsafe extern "C" fn(*const SSL, *const c_char);

/// The application's `void *arg`, handed back verbatim and never
/// dereferenced here.
#[derive(Clone, Copy)]
pub(crate) struct Arg(pub *mut c_void);

// SAFETY: the pointer is opaque to us; whether the application's data may
// be used from the thread that runs the handshake is the application's
// contract, exactly as with OpenSSL.
unsafe impl Send for Arg {}
// SAFETY: as above; we only copy the pointer.
unsafe impl Sync for Arg {}

/// The callbacks of one `SSL_CTX`, replayed into each facade builder.
#[derive(Clone, Copy)]
pub(crate) struct Callbacks {
    pub servername: Option<ServernameCb>,
    pub servername_arg: Arg,
    pub alpn_select: Option<(AlpnSelectCb, Arg)>,
    pub keylog: Option<KeylogCb>,
}

impl Default for Callbacks {
    fn default() -> Self {
        Self {
            servername: None,
            servername_arg: Arg(std::ptr::null_mut()),
            alpn_select: None,
            keylog: None,
        }
    }
}

thread_local! {
    /// The connection whose export runs on this thread (null: none).
    static CURRENT: Cell<*mut SSL> = const { Cell::new(std::ptr::null_mut()) };
    /// The SNI seen by the servername callback that runs now, if any.
    static SNI: RefCell<Option<Option<CString>>> = const { RefCell::new(None) };
}

/// Restores the previous current connection when the call returns.
pub(crate) struct Entered(*mut SSL);

impl Drop for Entered {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.0));
    }
}

/// Records `s` as the connection of the running export.
pub(crate) fn enter(s: *mut SSL) -> Entered {
    Entered(CURRENT.with(|c| c.replace(s)))
}

/// True when `s` is borrowed by a call of this thread, i.e. we are inside
/// one of its callbacks.
pub(crate) fn is_busy(s: *const SSL) -> bool {
    !s.is_null() && CURRENT.with(|c| std::ptr::eq(c.get(), s))
}

fn current() -> *mut SSL {
    CURRENT.with(Cell::get)
}

/// Inside the servername callback of `s`: the name it sees (NULL when the
/// client sent none). `None` when not in that callback.
pub(crate) fn servername_in_callback(s: *const SSL) -> Option<*const c_char> {
    if !is_busy(s) {
        return None;
    }
    SNI.with(|n| {
        n.borrow()
            .as_ref()
            .map(|name| name.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()))
    })
}

/// Installs the C callbacks on a facade builder.
pub(crate) fn install(b: &mut SslContextBuilder, cbs: Callbacks) {
    if let Some(cb) = cbs.servername {
        let arg = cbs.servername_arg;
        b.set_servername_callback(move |name| servername(cb, arg, name));
    }
    if let Some((cb, arg)) = cbs.alpn_select {
        b.set_alpn_select_callback(move |offered| alpn_select(cb, arg, offered));
    }
    if let Some(cb) = cbs.keylog {
        b.set_keylog_callback(move |line| {
            if let Ok(line) = CString::new(line) {
                // SAFETY: the application's callback of the documented
                // type; `line` lives across the call.
                unsafe { cb(current(), line.as_ptr()) }
            }
        });
    }
}

/// Clears the servername seen by the callback when it returns.
struct SniScope;

impl Drop for SniScope {
    fn drop(&mut self) {
        SNI.with(|n| *n.borrow_mut() = None);
    }
}

fn servername(cb: ServernameCb, arg: Arg, name: Option<&str>) -> SniResult {
    SNI.with(|n| *n.borrow_mut() = Some(name.and_then(|s| CString::new(s).ok())));
    let _scope = SniScope;
    // OpenSSL presets the alert to unrecognized_name.
    let mut al: c_int = c_int::from(u8::from(AlertDescription::UnrecognizedName));
    // SAFETY: the application's callback of the documented type; `al`
    // outlives the call.
    let r = unsafe { cb(current(), &mut al, arg.0) };
    match r {
        SSL_TLSEXT_ERR_ALERT_FATAL => {
            let desc = u8::try_from(al).map_or(AlertDescription::InternalError, |a| {
                AlertDescription::from(a)
            });
            SniResult::AlertFatal(desc)
        }
        // OpenSSL 3 does not acknowledge the name in either case (and
        // sends a TLS 1.2 warning alert for ALERT_WARNING, which we do not).
        SSL_TLSEXT_ERR_ALERT_WARNING | SSL_TLSEXT_ERR_NOACK => SniResult::NoAck(None),
        // SSL_TLSEXT_ERR_OK, and as in OpenSSL any other value.
        _ => SniResult::Ok(None),
    }
}

fn alpn_select(cb: AlpnSelectCb, arg: Arg, offered: &[&[u8]]) -> AlpnDecision {
    // The client's list back in wire form, as OpenSSL passes it.
    let mut wire = Vec::new();
    for p in offered {
        if let Ok(n) = u8::try_from(p.len()) {
            wire.push(n);
            wire.extend_from_slice(p);
        }
    }
    let Ok(inlen) = c_uint::try_from(wire.len()) else {
        return AlpnDecision::Fatal;
    };
    let mut out: *const u8 = std::ptr::null();
    let mut outlen: u8 = 0;
    // SAFETY: the application's callback of the documented type; the
    // out-pointers and `wire` outlive the call.
    let r = unsafe {
        cb(
            current(),
            &mut out,
            &mut outlen,
            wire.as_ptr(),
            inlen,
            arg.0,
        )
    };
    match r {
        SSL_TLSEXT_ERR_OK if !out.is_null() && outlen > 0 => {
            // SAFETY: the callback points `out` at `outlen` bytes it owns
            // (or inside `wire`), valid until it returns to us; copied now.
            AlpnDecision::Select(unsafe { std::slice::from_raw_parts(out, outlen.into()) }.to_vec())
        }
        SSL_TLSEXT_ERR_NOACK => AlpnDecision::NoAck,
        _ => AlpnDecision::Fatal,
    }
}

/// `long SSL_CTX_callback_ctrl(SSL_CTX *ctx, int cmd, void (*fp)(void))`:
/// the command behind `SSL_CTX_set_tlsext_servername_callback`. Other
/// commands return 0 with "not supported".
///
/// # Safety
/// `ctx` null or live; for `SSL_CTRL_SET_TLSEXT_SERVERNAME_CB`, `fp` null
/// or a servername callback cast to `void (*)(void)` by the macro.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_callback_ctrl(
    ctx: *mut SSL_CTX,
    cmd: c_int,
    fp: Option<unsafe extern "C" fn()>,
) -> c_long {
    ffi_boundary!(0, {
        if cmd != SSL_CTRL_SET_TLSEXT_SERVERNAME_CB {
            push_unsupported(
                "SSL_CTX_callback_ctrl",
                format!("SSL_CTX_callback_ctrl command {cmd}"),
            );
            return 0;
        }
        // SAFETY: the macro cast a `ServernameCb` to `void (*)(void)`;
        // casting back gives the function its real type, as OpenSSL does.
        let cb =
            fp.map(|f| unsafe { std::mem::transmute::<unsafe extern "C" fn(), ServernameCb>(f) });
        // SAFETY: `ctx` null or live (caller contract).
        unsafe {
            with_settings(ctx, 0, |s| {
                s.callbacks.servername = cb;
                s.changed();
                1
            })
        }
    })
}

/// `void SSL_CTX_set_alpn_select_cb(SSL_CTX *ctx, SSL_CTX_alpn_select_cb_func cb, void *arg)`:
/// a server's choice among the client's protocols (NULL removes it). The
/// callback's `SSL *` may only be passed back to nothing: calls on it from
/// inside the callback are refused (see the module documentation).
///
/// # Safety
/// `ctx` null or live; `cb` null or a function of the documented type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_set_alpn_select_cb(
    ctx: *mut SSL_CTX,
    cb: Option<AlpnSelectCb>,
    arg: *mut c_void,
) {
    ffi_boundary!((), {
        // SAFETY: `ctx` null or live (caller contract).
        unsafe {
            with_settings(ctx, (), |s| {
                s.callbacks.alpn_select = cb.map(|cb| (cb, Arg(arg)));
                s.changed();
            })
        }
    })
}

/// `void SSL_CTX_set_keylog_callback(SSL_CTX *ctx, SSL_CTX_keylog_cb_func cb)`:
/// each secret as one NSS key log line (no newline), for Wireshark.
///
/// # Safety
/// `ctx` null or live; `cb` null or a function of the documented type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_set_keylog_callback(ctx: *mut SSL_CTX, cb: Option<KeylogCb>) {
    ffi_boundary!((), {
        // SAFETY: `ctx` null or live (caller contract).
        unsafe {
            with_settings(ctx, (), |s| {
                s.callbacks.keylog = cb;
                s.changed();
            })
        }
    })
}
