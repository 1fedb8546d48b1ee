//! `X509` and `X509_NAME`: the peer certificate as C sees it — its DER
//! (`i2d_X509`) and its names in OpenSSL's one-line form.

use std::ffi::{CString, c_char, c_int, c_void};

use ferrotls_core::CertificateDer;
use x509_parser::objects::{oid_registry, oid2abbrev};
use x509_parser::prelude::{FromDer, X509Certificate, X509Name};

use crate::boundary::{
    Handle, OwnedBox, box_into_raw, check_null, ffi_boundary, free_box, try_ref,
};

/// `X509_NAME`: a name in OpenSSL's `/CN=.../O=...` form, borrowed from
/// its `X509`.
#[allow(non_camel_case_types)]
pub struct X509_NAME {
    oneline: CString,
}

/// `X509`: one certificate, owned by the caller (`X509_free`).
pub struct X509 {
    der: CertificateDer,
    subject: X509_NAME,
    issuer: X509_NAME,
}

impl Handle for X509 {
    type Ownership = OwnedBox;
}

/// OpenSSL's `X509_NAME_oneline` text: `/KEY=value` per attribute, with
/// bytes outside printable ASCII as `\xHH`.
fn oneline(name: &X509Name<'_>) -> String {
    let mut out = String::new();
    for rdn in name.iter() {
        for attr in rdn.iter() {
            let key = match oid2abbrev(attr.attr_type(), oid_registry()) {
                Ok("Email") => "emailAddress".to_owned(),
                Ok(k) => k.to_owned(),
                Err(_) => attr.attr_type().to_id_string(),
            };
            out.push('/');
            out.push_str(&key);
            out.push('=');
            let bytes = match attr.as_str() {
                Ok(s) => s.as_bytes(),
                Err(_) => attr.as_slice(),
            };
            for &b in bytes {
                if (0x20..0x7f).contains(&b) {
                    out.push(char::from(b));
                } else {
                    out.push_str(&format!("\\x{b:02X}"));
                }
            }
        }
    }
    out
}

fn c_string(s: String) -> CString {
    CString::new(s.replace('\0', "\\x00")).unwrap_or_default()
}

impl X509 {
    /// Parses `der`; `None` if it is not a certificate.
    pub(crate) fn from_der(der: &CertificateDer) -> Option<Self> {
        let (_, cert) = X509Certificate::from_der(der.as_bytes()).ok()?;
        Some(Self {
            der: der.clone(),
            subject: X509_NAME {
                oneline: c_string(oneline(cert.subject())),
            },
            issuer: X509_NAME {
                oneline: c_string(oneline(cert.issuer())),
            },
        })
    }

    /// Hands the certificate to C as an owned `X509 *`.
    pub(crate) fn into_raw(self) -> *mut X509 {
        box_into_raw(self)
    }
}

/// `void X509_free(X509 *a)`.
///
/// # Safety
/// `a` null or an `X509 *` from this library, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn X509_free(a: *mut X509) {
    // SAFETY: the caller gives up its owned pointer.
    ffi_boundary!((), { unsafe { free_box(a) } })
}

/// `X509_NAME *X509_get_subject_name(const X509 *a)`: borrowed from `a`.
///
/// # Safety
/// `a` null or a live `X509 *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn X509_get_subject_name(a: *const X509) -> *mut X509_NAME {
    ffi_boundary!(std::ptr::null_mut(), {
        // SAFETY: `a` null or live.
        match unsafe { try_ref(a) } {
            Some(x) => (&x.subject as *const X509_NAME).cast_mut(),
            None => std::ptr::null_mut(),
        }
    })
}

/// `X509_NAME *X509_get_issuer_name(const X509 *a)`: borrowed from `a`.
///
/// # Safety
/// `a` null or a live `X509 *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn X509_get_issuer_name(a: *const X509) -> *mut X509_NAME {
    ffi_boundary!(std::ptr::null_mut(), {
        // SAFETY: `a` null or live.
        match unsafe { try_ref(a) } {
            Some(x) => (&x.issuer as *const X509_NAME).cast_mut(),
            None => std::ptr::null_mut(),
        }
    })
}

unsafe extern "C" {
    fn malloc(n: usize) -> *mut c_void;
    fn free(p: *mut c_void);
}

/// `char *X509_NAME_oneline(const X509_NAME *a, char *buf, int size)`:
/// into `buf` (truncated to `size`), or, with `buf` NULL, into memory the
/// caller frees with `OPENSSL_free`.
///
/// # Safety
/// `a` null or live (borrowed from a live `X509`); `buf` null or valid for
/// `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn X509_NAME_oneline(
    a: *const X509_NAME,
    buf: *mut c_char,
    size: c_int,
) -> *mut c_char {
    ffi_boundary!(std::ptr::null_mut(), {
        check_null!(std::ptr::null_mut(), a);
        // SAFETY: `a` points into a live `X509` (caller contract).
        let text = unsafe { &*a }.oneline.as_bytes_with_nul();
        let (dst, cap) = if buf.is_null() {
            // SAFETY: plain allocation, released by CRYPTO_free.
            let p = unsafe { malloc(text.len()) }.cast::<c_char>();
            if p.is_null() {
                return std::ptr::null_mut();
            }
            (p, text.len())
        } else {
            match usize::try_from(size) {
                Ok(n) if n > 0 => (buf, n),
                _ => return std::ptr::null_mut(),
            }
        };
        let n = (text.len() - 1).min(cap - 1);
        // SAFETY: `dst` holds `cap > n` bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr().cast::<c_char>(), dst, n);
            *dst.add(n) = 0;
        }
        dst
    })
}

/// `int i2d_X509(const X509 *a, unsigned char **out)`: the DER length;
/// with `out` set, the DER is written at `*out` (advanced past it), or
/// into new memory (freed with `OPENSSL_free`) when `*out` is NULL.
///
/// # Safety
/// `a` null or live; `out` null or a valid pointer whose target is null or
/// has room for the DER.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn i2d_X509(a: *const X509, out: *mut *mut u8) -> c_int {
    ffi_boundary!(-1, {
        // SAFETY: `a` null or live.
        let Some(x) = (unsafe { try_ref(a) }) else {
            crate::errors::push_null("a");
            return -1;
        };
        let der = x.der.as_bytes();
        let Ok(len) = c_int::try_from(der.len()) else {
            return -1;
        };
        if out.is_null() {
            return len;
        }
        // SAFETY: `out` is a valid pointer (caller contract); its target
        // is either null (we allocate) or has room for `len` bytes.
        unsafe {
            if (*out).is_null() {
                let p = malloc(der.len()).cast::<u8>();
                if p.is_null() {
                    return -1;
                }
                std::ptr::copy_nonoverlapping(der.as_ptr(), p, der.len());
                *out = p;
            } else {
                std::ptr::copy_nonoverlapping(der.as_ptr(), *out, der.len());
                *out = (*out).add(der.len());
            }
        }
        len
    })
}

/// `void CRYPTO_free(void *ptr, const char *file, int line)`: releases
/// memory this library allocated for the caller (`OPENSSL_free`).
///
/// # Safety
/// `ptr` null or allocated by `X509_NAME_oneline`/`i2d_X509`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CRYPTO_free(ptr: *mut c_void, _file: *const c_char, _line: c_int) {
    // SAFETY: `ptr` came from `malloc` above (or is null).
    ffi_boundary!((), { unsafe { free(ptr) } })
}
