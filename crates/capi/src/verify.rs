//! The verify callback of `SSL_CTX_set_verify` / `SSL_set_verify` and the
//! slice of `X509_STORE_CTX` it can read.
//!
//! The facade calls the callback once, for the leaf, with the verdict on
//! the whole chain (see `ferrotls::VerifyCallback`); the C callback sees
//! exactly that: `preverify_ok`, the `X509_V_ERR_*` code and depth 0.

use std::ffi::{c_int, c_long};

use ferrotls::X509StoreContext;

use crate::boundary::{check_null, ffi_boundary};
use crate::x509::X509;

/// `SSL_verify_cb`: `int (*)(int preverify_ok, X509_STORE_CTX *ctx)`.
pub type VerifyCb = unsafe extern "C" fn(c_int, *mut X509_STORE_CTX) -> c_int;

/// `X509_STORE_CTX`, as the verify callback sees it.
#[allow(non_camel_case_types)]
pub struct X509_STORE_CTX {
    error: c_int,
    depth: c_int,
    current: Option<X509>,
}

impl X509_STORE_CTX {
    /// Calls the C callback for one verdict; its nonzero return accepts.
    pub(crate) fn call(cb: VerifyCb, ok: bool, ctx: &X509StoreContext<'_>) -> bool {
        let mut c = X509_STORE_CTX {
            error: c_int::try_from(ctx.error).unwrap_or(c_int::MAX),
            depth: c_int::try_from(ctx.error_depth).unwrap_or(c_int::MAX),
            current: X509::from_der(ctx.current_cert),
        };
        // SAFETY: `cb` is the application's callback of the documented
        // type; `c` outlives the call.
        unsafe { cb(c_int::from(ok), &mut c) != 0 }
    }
}

/// `int X509_STORE_CTX_get_error(const X509_STORE_CTX *ctx)`.
///
/// # Safety
/// `ctx` null or the pointer passed to a verify callback.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn X509_STORE_CTX_get_error(ctx: *const X509_STORE_CTX) -> c_int {
    ffi_boundary!(0, {
        check_null!(0, ctx);
        // SAFETY: valid during the callback (caller contract).
        unsafe { &*ctx }.error
    })
}

/// `int X509_STORE_CTX_get_error_depth(const X509_STORE_CTX *ctx)`.
///
/// # Safety
/// `ctx` null or the pointer passed to a verify callback.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn X509_STORE_CTX_get_error_depth(ctx: *const X509_STORE_CTX) -> c_int {
    ffi_boundary!(0, {
        check_null!(0, ctx);
        // SAFETY: valid during the callback (caller contract).
        unsafe { &*ctx }.depth
    })
}

/// `X509 *X509_STORE_CTX_get_current_cert(const X509_STORE_CTX *ctx)`:
/// borrowed, valid during the callback.
///
/// # Safety
/// `ctx` null or the pointer passed to a verify callback.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn X509_STORE_CTX_get_current_cert(ctx: *const X509_STORE_CTX) -> *mut X509 {
    ffi_boundary!(std::ptr::null_mut(), {
        check_null!(std::ptr::null_mut(), ctx);
        // SAFETY: valid during the callback (caller contract).
        match &unsafe { &*ctx }.current {
            Some(x) => (x as *const X509).cast_mut(),
            None => std::ptr::null_mut(),
        }
    })
}

/// `const char *X509_verify_cert_error_string(long n)`.
#[unsafe(no_mangle)]
pub extern "C" fn X509_verify_cert_error_string(n: c_long) -> *const std::ffi::c_char {
    ffi_boundary!(std::ptr::null(), {
        let s: &'static std::ffi::CStr = match n {
            0 => c"ok",
            1 => c"unspecified certificate verification error",
            7 => c"certificate signature failure",
            9 => c"certificate is not yet valid",
            10 => c"certificate has expired",
            18 => c"self-signed certificate",
            20 => c"unable to get local issuer certificate",
            22 => c"certificate chain too long",
            23 => c"certificate revoked",
            25 => c"path length constraint exceeded",
            26 => c"unsuitable certificate purpose",
            34 => c"unhandled critical extension",
            37 => c"invalid non-CA certificate (has CA markings)",
            47 => c"permitted subtree violation",
            48 => c"excluded subtree violation",
            50 => c"application verification failure",
            62 => c"hostname mismatch",
            64 => c"IP address mismatch",
            76 => c"unsupported signature algorithm",
            79 => c"invalid CA certificate",
            _ => c"unknown certificate verification error",
        };
        s.as_ptr()
    })
}
