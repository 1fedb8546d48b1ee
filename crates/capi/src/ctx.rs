//! `SSL_METHOD` and `SSL_CTX`; the calls that load certificates, keys and
//! CA files from disk are in [`files`].
//!
//! OpenSSL's `SSL_CTX` stays mutable while connections use it; the facade
//! freezes a builder into an immutable `SslContext`. The C handle therefore
//! keeps the settings as data ([`Settings`]), checks each one when it is
//! set (so a bad file fails in `SSL_CTX_use_certificate_file`, as in
//! OpenSSL), and builds the `SslContext` when `SSL_new` needs one — once,
//! until a setting changes. A connection keeps the settings it was made
//! with.

use std::ffi::{c_char, c_int, c_long, c_void};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use ferrotls::{Mode, SslContext, SslMethod, SslOptions, SslVersion, VerifyMode};
use ferrotls_core::{ApiMisuse, CertificateDer, Error, PrivateKeyDer};

use crate::boundary::{
    Handle, SharedArc, arc_into_raw, arc_take, c_str, check_null, ffi_boundary, lock, try_ref,
};
use crate::callbacks::{Arg, Callbacks};
use crate::consts::*;
use crate::errors::{or_queue, push_unsupported};
use crate::verify::{VerifyCb, X509_STORE_CTX};

mod files;

/// `SSL_METHOD`: which roles a context serves.
#[allow(non_camel_case_types)]
pub struct SSL_METHOD(SslMethod);

static TLS_METHOD: SSL_METHOD = SSL_METHOD(SslMethod::Tls);
static TLS_CLIENT_METHOD: SSL_METHOD = SSL_METHOD(SslMethod::TlsClient);
static TLS_SERVER_METHOD: SSL_METHOD = SSL_METHOD(SslMethod::TlsServer);

/// `const SSL_METHOD *TLS_method(void)`.
#[unsafe(no_mangle)]
pub extern "C" fn TLS_method() -> *const SSL_METHOD {
    &TLS_METHOD
}

/// `const SSL_METHOD *TLS_client_method(void)`.
#[unsafe(no_mangle)]
pub extern "C" fn TLS_client_method() -> *const SSL_METHOD {
    &TLS_CLIENT_METHOD
}

/// `const SSL_METHOD *TLS_server_method(void)`.
#[unsafe(no_mangle)]
pub extern "C" fn TLS_server_method() -> *const SSL_METHOD {
    &TLS_SERVER_METHOD
}

/// Options that only restate what ferrotls always does (no SSLv3, TLS 1.0,
/// TLS 1.1, no compression): accepted and reported back.
const OP_ALWAYS: u64 =
    SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 | SSL_OP_NO_COMPRESSION;
/// Options the facade implements, with OpenSSL's bit values.
const OP_FACADE: u64 =
    SSL_OP_NO_RENEGOTIATION | SSL_OP_ALLOW_CLIENT_RENEGOTIATION | SSL_OP_NO_TICKET;
/// Every option bit `SSL_CTX_set_options` accepts.
const OP_KNOWN: u64 = OP_ALWAYS | SSL_OP_NO_TLSv1_2 | SSL_OP_NO_TLSv1_3 | OP_FACADE;

/// The settings of one `SSL_CTX`, replayed into a facade builder.
pub(crate) struct Settings {
    method: SslMethod,
    min: Option<SslVersion>,
    max: Option<SslVersion>,
    options: u64,
    chain: Vec<CertificateDer>,
    key: Option<PrivateKeyDer>,
    anchors: Vec<CertificateDer>,
    ca_dirs: Vec<PathBuf>,
    default_paths: bool,
    pub(crate) verify_mode: c_int,
    pub(crate) verify_cb: Option<VerifyCb>,
    verify_depth: Option<usize>,
    mode: Mode,
    alpn: Option<Vec<u8>>,
    ciphersuites: Option<String>,
    cipher_list: Option<String>,
    pub(crate) callbacks: Callbacks,
    pub(crate) num_tickets: Option<usize>,
    built: Option<SslContext>,
}

/// `SSL_CTX`: counted (`SSL_CTX_up_ref`/`SSL_CTX_free`); every `SSL` holds
/// a reference, as in OpenSSL.
#[allow(non_camel_case_types)]
pub struct SSL_CTX {
    pub(crate) settings: Mutex<Settings>,
}

impl Handle for SSL_CTX {
    type Ownership = SharedArc;
}

pub(crate) fn version_of(v: SslVersion) -> c_long {
    match v {
        SslVersion::Tls12 => TLS1_2_VERSION.into(),
        SslVersion::Tls13 => TLS1_3_VERSION.into(),
    }
}

impl Settings {
    fn new(method: SslMethod) -> Self {
        Self {
            method,
            min: None,
            max: None,
            options: 0,
            chain: Vec::new(),
            key: None,
            anchors: Vec::new(),
            ca_dirs: Vec::new(),
            default_paths: false,
            verify_mode: SSL_VERIFY_NONE,
            verify_cb: None,
            verify_depth: None,
            mode: Mode::AUTO_RETRY,
            alpn: None,
            ciphersuites: None,
            cipher_list: None,
            callbacks: Callbacks::default(),
            num_tickets: None,
            built: None,
        }
    }

    /// The context's own version bounds (`SSL_new` copies them).
    pub(crate) fn bounds(&self) -> (Option<SslVersion>, Option<SslVersion>) {
        (self.min, self.max)
    }

    /// The version range of bounds `min`..`max` after the `SSL_OP_NO_*`
    /// options (an empty range fails when the context is built).
    fn versions(
        &self,
        min: Option<SslVersion>,
        max: Option<SslVersion>,
    ) -> (SslVersion, SslVersion) {
        let mut lo = min.unwrap_or(SslVersion::Tls12);
        let mut hi = max.unwrap_or(SslVersion::Tls13);
        if self.options & SSL_OP_NO_TLSv1_2 != 0 && lo == SslVersion::Tls12 {
            lo = SslVersion::Tls13;
        }
        if self.options & SSL_OP_NO_TLSv1_3 != 0 && hi == SslVersion::Tls13 {
            hi = SslVersion::Tls12;
        }
        (lo, hi)
    }

    /// The facade context for these settings (built once per change).
    pub(crate) fn context(&mut self) -> Result<SslContext, Error> {
        if let Some(c) = &self.built {
            return Ok(c.clone());
        }
        let ctx = self.fresh_context(self.min, self.max)?;
        self.built = Some(ctx.clone());
        Ok(ctx)
    }

    /// A new facade context for these settings with other version bounds
    /// (`SSL_set_min_proto_version` on one connection). Not cached: it has
    /// its own ticket keys, so tickets it issues resume only on itself.
    pub(crate) fn fresh_context(
        &self,
        min: Option<SslVersion>,
        max: Option<SslVersion>,
    ) -> Result<SslContext, Error> {
        let mut b = SslContext::builder(self.method);
        let (lo, hi) = self.versions(min, max);
        b.set_min_proto_version(Some(lo))?;
        b.set_max_proto_version(Some(hi))?;
        if !self.chain.is_empty() {
            b.set_certificate_chain(self.chain.clone())?;
        }
        if let Some(k) = &self.key {
            b.set_private_key(k)?;
        }
        for a in &self.anchors {
            b.add_trust_anchor(a)?;
        }
        for d in &self.ca_dirs {
            b.load_verify_locations(None, Some(d))?;
        }
        if self.default_paths {
            b.set_default_verify_paths()?;
        }
        let mode = VerifyMode::from_bits(self.verify_mode as u32);
        match self.verify_cb {
            Some(cb) => {
                b.set_verify_callback(mode, move |ok, ctx| X509_STORE_CTX::call(cb, ok, ctx));
            }
            None => {
                b.set_verify(mode);
            }
        }
        if let Some(d) = self.verify_depth {
            b.set_verify_depth(d);
        }
        b.clear_mode(Mode::from_bits(u32::MAX));
        b.set_mode(self.mode);
        if let Some(a) = &self.alpn {
            b.set_alpn_protos(a)?;
        }
        if let Some(s) = &self.ciphersuites {
            b.set_ciphersuites(s)?;
        }
        if let Some(s) = &self.cipher_list {
            b.set_cipher_list(s)?;
        }
        // The facade's `SslOptions` use OpenSSL's bits, all below 2^32.
        b.set_options(SslOptions::from_bits((self.options & OP_FACADE) as u32));
        if let Some(n) = self.num_tickets {
            b.set_num_tickets(n);
        }
        crate::callbacks::install(&mut b, self.callbacks);
        b.build()
    }

    pub(crate) fn changed(&mut self) {
        self.built = None;
    }
}

/// Runs `f` on the settings of `ctx`; returns `err` for a NULL `ctx`.
///
/// # Safety
/// `ctx` is null or a live `SSL_CTX` pointer.
pub(crate) unsafe fn with_settings<R>(
    ctx: *const SSL_CTX,
    err: R,
    f: impl FnOnce(&mut Settings) -> R,
) -> R {
    // SAFETY: the caller promises `ctx` is null or live.
    match unsafe { try_ref(ctx) } {
        Some(c) => f(&mut lock(&c.settings)),
        None => {
            crate::errors::push_null("ctx");
            err
        }
    }
}

/// `SSL_CTX *SSL_CTX_new(const SSL_METHOD *method)`.
///
/// # Safety
/// `method` is null or from `TLS_method` and friends.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_new(method: *const SSL_METHOD) -> *mut SSL_CTX {
    ffi_boundary!(std::ptr::null_mut(), {
        check_null!(std::ptr::null_mut(), method);
        // SAFETY: non-null method pointers only come from our statics.
        let m = unsafe { &*method }.0;
        arc_into_raw(Arc::new(SSL_CTX {
            settings: Mutex::new(Settings::new(m)),
        }))
    })
}

/// `int SSL_CTX_up_ref(SSL_CTX *ctx)`.
///
/// # Safety
/// `ctx` is null or a live `SSL_CTX`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_up_ref(ctx: *mut SSL_CTX) -> c_int {
    ffi_boundary!(0, {
        check_null!(0, ctx);
        // SAFETY: `ctx` is a live Arc pointer; the new reference goes to C.
        unsafe { Arc::increment_strong_count(ctx.cast_const()) };
        1
    })
}

/// `void SSL_CTX_free(SSL_CTX *ctx)`: drops one reference.
///
/// # Safety
/// `ctx` is null or a live `SSL_CTX` whose reference the caller gives up.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_free(ctx: *mut SSL_CTX) {
    ffi_boundary!((), {
        // SAFETY: C gives up one reference.
        drop(unsafe { arc_take(ctx.cast_const()) });
    })
}

/// Reports `r` as OpenSSL's 1 / 0, queueing the error.
fn ok_or_queue(location: &'static str, r: Result<(), Error>) -> c_int {
    or_queue(location, r.map(|()| 1), 0)
}

/// A setter that checks its input before keeping it: `change` runs on the
/// settings and, when it succeeds, the cached facade context is dropped so
/// the next `SSL_new` sees the change; a failure is queued and reported
/// as 0, with the settings as they were.
///
/// # Safety
/// `ctx` is null or a live `SSL_CTX` pointer.
unsafe fn change_settings(
    ctx: *const SSL_CTX,
    location: &'static str,
    change: impl FnOnce(&mut Settings) -> Result<(), Error>,
) -> c_int {
    // SAFETY: the caller promises `ctx` is null or live.
    unsafe {
        with_settings(ctx, 0, |s| {
            let r = change(s);
            if r.is_ok() {
                s.changed();
            }
            ok_or_queue(location, r)
        })
    }
}

/// A scratch builder to check a certificate or key the way `build` will.
fn probe(method: SslMethod) -> ferrotls::SslContextBuilder {
    SslContext::builder(method)
}

/// `void SSL_CTX_set_verify(SSL_CTX *ctx, int mode, SSL_verify_cb cb)`.
///
/// # Safety
/// `ctx` null or live; `cb` null or a function of the documented type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_set_verify(ctx: *mut SSL_CTX, mode: c_int, cb: Option<VerifyCb>) {
    ffi_boundary!((), {
        // SAFETY: `ctx` is null or live (caller contract).
        unsafe {
            with_settings(ctx, (), |s| {
                s.verify_mode = mode;
                s.verify_cb = cb;
                s.changed();
            })
        }
    })
}

/// `int SSL_CTX_get_verify_mode(const SSL_CTX *ctx)`.
///
/// # Safety
/// `ctx` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_get_verify_mode(ctx: *const SSL_CTX) -> c_int {
    // SAFETY: `ctx` is null or live (caller contract).
    ffi_boundary!(0, { unsafe { with_settings(ctx, 0, |s| s.verify_mode) } })
}

/// `void SSL_CTX_set_verify_depth(SSL_CTX *ctx, int depth)`.
///
/// # Safety
/// `ctx` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_set_verify_depth(ctx: *mut SSL_CTX, depth: c_int) {
    ffi_boundary!((), {
        // SAFETY: `ctx` is null or live (caller contract).
        unsafe {
            with_settings(ctx, (), |s| {
                s.verify_depth = usize::try_from(depth).ok();
                s.changed();
            })
        }
    })
}

/// `uint64_t SSL_CTX_set_options(SSL_CTX *ctx, uint64_t op)`: returns the
/// options now set. Bits ferrotls cannot honour are refused with a
/// "not supported" error on the queue and left unset.
///
/// # Safety
/// `ctx` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_set_options(ctx: *mut SSL_CTX, op: u64) -> u64 {
    ffi_boundary!(0, {
        // SAFETY: `ctx` is null or live (caller contract).
        unsafe {
            with_settings(ctx, 0, |s| {
                let unknown = op & !OP_KNOWN;
                if unknown != 0 {
                    push_unsupported("SSL_CTX_set_options", format!("option bits {unknown:#x}"));
                }
                s.options |= op & OP_KNOWN;
                s.changed();
                s.options
            })
        }
    })
}

/// `uint64_t SSL_CTX_clear_options(SSL_CTX *ctx, uint64_t op)`.
///
/// # Safety
/// `ctx` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_clear_options(ctx: *mut SSL_CTX, op: u64) -> u64 {
    ffi_boundary!(0, {
        // SAFETY: `ctx` is null or live (caller contract).
        unsafe {
            with_settings(ctx, 0, |s| {
                s.options &= !op;
                s.changed();
                s.options
            })
        }
    })
}

/// `uint64_t SSL_CTX_get_options(const SSL_CTX *ctx)`.
///
/// # Safety
/// `ctx` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_get_options(ctx: *const SSL_CTX) -> u64 {
    // SAFETY: `ctx` is null or live (caller contract).
    ffi_boundary!(0, { unsafe { with_settings(ctx, 0, |s| s.options) } })
}

/// Parses `SSL_CTX_set_min/max_proto_version`'s argument: 0 means "no
/// bound"; versions below TLS 1.2 are raised to TLS 1.2 for a minimum
/// (ferrotls never negotiates them, so the allowed set is the same) and
/// refused for a maximum (nothing would be left).
pub(crate) fn proto_bound(v: c_long, is_min: bool) -> Result<Option<SslVersion>, Error> {
    match v {
        0 => Ok(None),
        v if is_min && (0x0300..0x0303).contains(&v) => Ok(Some(SslVersion::Tls12)),
        v => u16::try_from(v)
            .map_err(|_| ApiMisuse::BadArgument("unknown protocol version").into())
            .and_then(SslVersion::from_raw)
            .map(Some),
    }
}

/// `long SSL_CTX_ctrl(SSL_CTX *ctx, int cmd, long larg, void *parg)`: the
/// commands behind `SSL_CTX_set_mode`, `SSL_CTX_clear_mode`,
/// `SSL_CTX_get_mode`, the protocol-version macros and
/// `SSL_CTX_set_tlsext_servername_arg`. Other commands
/// return 0 with a "not supported" error.
///
/// # Safety
/// `ctx` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_ctrl(
    ctx: *mut SSL_CTX,
    cmd: c_int,
    larg: c_long,
    parg: *mut c_void,
) -> c_long {
    ffi_boundary!(0, {
        // SAFETY: `ctx` is null or live (caller contract).
        unsafe {
            with_settings(ctx, 0, |s| {
                let r = match cmd {
                    SSL_CTRL_MODE => {
                        s.mode |= Mode::from_bits(larg as u32);
                        Ok(c_long::from(s.mode.bits()))
                    }
                    SSL_CTRL_CLEAR_MODE => {
                        s.mode = s.mode & !Mode::from_bits(larg as u32);
                        Ok(c_long::from(s.mode.bits()))
                    }
                    SSL_CTRL_SET_MIN_PROTO_VERSION => proto_bound(larg, true).map(|v| {
                        s.min = v;
                        1
                    }),
                    SSL_CTRL_SET_MAX_PROTO_VERSION => proto_bound(larg, false).map(|v| {
                        s.max = v;
                        1
                    }),
                    SSL_CTRL_GET_MIN_PROTO_VERSION => Ok(s.min.map_or(0, version_of)),
                    SSL_CTRL_GET_MAX_PROTO_VERSION => Ok(s.max.map_or(0, version_of)),
                    SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG => {
                        s.callbacks.servername_arg = Arg(parg);
                        Ok(1)
                    }
                    _ => {
                        push_unsupported("SSL_CTX_ctrl", format!("SSL_CTX_ctrl command {cmd}"));
                        return 0;
                    }
                };
                s.changed();
                or_queue("SSL_CTX_ctrl", r, 0)
            })
        }
    })
}

/// Reads an ALPN argument.
///
/// # Safety
/// `protos` null or valid for `len` bytes.
pub(crate) unsafe fn alpn_arg<'a>(protos: *const u8, len: u32) -> &'a [u8] {
    if protos.is_null() || len == 0 {
        return &[];
    }
    // SAFETY: the caller gives `len` readable bytes.
    unsafe { std::slice::from_raw_parts(protos, len as usize) }
}

/// `int SSL_CTX_set_alpn_protos(SSL_CTX *ctx, const unsigned char *protos, unsigned int len)`:
/// **0 on success**, as in OpenSSL. A client offers the list; a server
/// picks the first of this list that the client offered unless an
/// `SSL_CTX_set_alpn_select_cb` callback chooses.
///
/// # Safety
/// `ctx` null or live; `protos` null or valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_set_alpn_protos(
    ctx: *mut SSL_CTX,
    protos: *const u8,
    len: u32,
) -> c_int {
    ffi_boundary!(1, {
        // SAFETY: `ctx` is null or live; `protos` spans `len` bytes.
        unsafe {
            with_settings(ctx, 1, |s| {
                let wire = alpn_arg(protos, len);
                let r = probe(s.method).set_alpn_protos(wire).map(|_| {
                    s.alpn = Some(wire.to_vec());
                    s.changed();
                    0
                });
                or_queue("SSL_CTX_set_alpn_protos", r, 1)
            })
        }
    })
}

/// Shared body of the two cipher setters.
///
/// # Safety
/// `ctx` null or live; `list` null or a C string.
unsafe fn set_ciphers(ctx: *mut SSL_CTX, list: *const c_char, tls13: bool) -> c_int {
    // SAFETY: `ctx` is null or live (caller contract).
    unsafe {
        change_settings(ctx, "SSL_CTX_set_cipher_list", |s| {
            // SAFETY: `list` is null or a C string (caller contract).
            let l =
                c_str(list).ok_or(ApiMisuse::BadArgument("cipher list is NULL or not UTF-8"))?;
            let mut p = probe(s.method);
            if tls13 {
                p.set_ciphersuites(l)?;
                s.ciphersuites = Some(l.to_owned());
            } else {
                p.set_cipher_list(l)?;
                s.cipher_list = Some(l.to_owned());
            }
            Ok(())
        })
    }
}

/// `int SSL_CTX_set_ciphersuites(SSL_CTX *ctx, const char *str)`: TLS 1.3
/// suites by name; an unknown name fails the call.
///
/// # Safety
/// `ctx` null or live; `list` null or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_set_ciphersuites(ctx: *mut SSL_CTX, list: *const c_char) -> c_int {
    // SAFETY: same contract.
    ffi_boundary!(0, { unsafe { set_ciphers(ctx, list, true) } })
}

/// `int SSL_CTX_set_cipher_list(SSL_CTX *ctx, const char *str)`: TLS 1.2
/// suites by OpenSSL name; cipher-string keywords (`HIGH`, `!aNULL`) are
/// not supported and fail the call.
///
/// # Safety
/// `ctx` null or live; `list` null or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_set_cipher_list(ctx: *mut SSL_CTX, list: *const c_char) -> c_int {
    // SAFETY: same contract.
    ffi_boundary!(0, { unsafe { set_ciphers(ctx, list, false) } })
}
