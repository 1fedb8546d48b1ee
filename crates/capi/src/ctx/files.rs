//! `SSL_CTX`'s calls that take a file or directory name: the certificate,
//! chain and private-key files, the CA file and directory, and the system
//! store. Each reads and checks its input when it is called (so a bad file
//! fails here, as in OpenSSL) and keeps the result in the context's
//! [`Settings`](super::Settings). Certificates and keys are kept as parsed
//! data; CA directories and the system store are kept as a name and a flag,
//! and loaded again each time the context is built.

use std::ffi::{c_char, c_int};
use std::path::PathBuf;

use ferrotls::FileType;
use ferrotls_core::{ApiMisuse, CertificateDer, Error};

use super::{SSL_CTX, change_settings, ok_or_queue, probe, with_settings};
use crate::boundary::{c_str, check_null, ffi_boundary};
use crate::consts::*;

fn file_type(ty: c_int) -> Result<FileType, Error> {
    match ty {
        SSL_FILETYPE_PEM => Ok(FileType::Pem),
        SSL_FILETYPE_ASN1 => Ok(FileType::Asn1),
        _ => Err(
            ApiMisuse::BadArgument("file type must be SSL_FILETYPE_PEM or SSL_FILETYPE_ASN1")
                .into(),
        ),
    }
}

fn path_arg(p: *const c_char) -> Result<PathBuf, Error> {
    // SAFETY: callers pass C strings from the application.
    match unsafe { c_str(p) } {
        Some(s) => Ok(PathBuf::from(s)),
        None => Err(ApiMisuse::BadArgument("file name is NULL or not UTF-8").into()),
    }
}

/// `int SSL_CTX_use_certificate_file(SSL_CTX *ctx, const char *file, int type)`.
///
/// # Safety
/// `ctx` null or live; `file` null or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_use_certificate_file(
    ctx: *mut SSL_CTX,
    file: *const c_char,
    ty: c_int,
) -> c_int {
    ffi_boundary!(0, {
        // SAFETY: `ctx` is null or live (caller contract).
        unsafe {
            change_settings(ctx, "SSL_CTX_use_certificate_file", |s| {
                let path = path_arg(file)?;
                let leaf = match file_type(ty)? {
                    FileType::Pem => ferrotls_pki::load_certs_file(&path)?
                        .into_iter()
                        .next()
                        .ok_or_else(|| Error::General("no certificate in PEM file".into()))?,
                    FileType::Asn1 => CertificateDer::from_vec(read(&path)?),
                };
                if s.chain.is_empty() {
                    s.chain.push(leaf);
                } else {
                    s.chain[0] = leaf;
                }
                Ok(())
            })
        }
    })
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::General(format!("cannot read {}: {e}", path.display())))
}

/// `int SSL_CTX_use_certificate_chain_file(SSL_CTX *ctx, const char *file)`.
///
/// # Safety
/// `ctx` null or live; `file` null or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_use_certificate_chain_file(
    ctx: *mut SSL_CTX,
    file: *const c_char,
) -> c_int {
    ffi_boundary!(0, {
        // SAFETY: `ctx` is null or live (caller contract).
        unsafe {
            change_settings(ctx, "SSL_CTX_use_certificate_chain_file", |s| {
                let chain = ferrotls_pki::load_certs_file(path_arg(file)?)?;
                probe(s.method).set_certificate_chain(chain.clone())?;
                s.chain = chain;
                Ok(())
            })
        }
    })
}

/// `int SSL_CTX_use_PrivateKey_file(SSL_CTX *ctx, const char *file, int type)`.
///
/// # Safety
/// `ctx` null or live; `file` null or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_use_PrivateKey_file(
    ctx: *mut SSL_CTX,
    file: *const c_char,
    ty: c_int,
) -> c_int {
    ffi_boundary!(0, {
        // SAFETY: `ctx` is null or live (caller contract).
        unsafe {
            change_settings(ctx, "SSL_CTX_use_PrivateKey_file", |s| {
                let path = path_arg(file)?;
                let key = match file_type(ty)? {
                    FileType::Pem => ferrotls_pki::load_private_key_file(&path)?,
                    FileType::Asn1 => ferrotls_pki::load_private_key_der(read(&path)?)?,
                };
                probe(s.method).set_private_key(&key)?;
                s.key = Some(key);
                Ok(())
            })
        }
    })
}

/// `int SSL_CTX_load_verify_locations(SSL_CTX *ctx, const char *CAfile, const char *CApath)`.
///
/// # Safety
/// `ctx` null or live; the paths null or C strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_load_verify_locations(
    ctx: *mut SSL_CTX,
    ca_file: *const c_char,
    ca_path: *const c_char,
) -> c_int {
    ffi_boundary!(0, {
        // SAFETY: `ctx` is null or live (caller contract).
        unsafe {
            change_settings(ctx, "SSL_CTX_load_verify_locations", |s| {
                if ca_file.is_null() && ca_path.is_null() {
                    return Err(
                        ApiMisuse::BadArgument("neither a CA file nor a CA directory").into(),
                    );
                }
                let mut anchors = Vec::new();
                if !ca_file.is_null() {
                    anchors = ferrotls_pki::load_certs_file(path_arg(ca_file)?)?;
                    let mut p = probe(s.method);
                    for a in &anchors {
                        p.add_trust_anchor(a)?;
                    }
                }
                let dir = if ca_path.is_null() {
                    None
                } else {
                    let d = path_arg(ca_path)?;
                    probe(s.method).load_verify_locations(None, Some(&d))?;
                    Some(d)
                };
                s.anchors.extend(anchors);
                s.ca_dirs.extend(dir);
                Ok(())
            })
        }
    })
}

/// `int SSL_CTX_load_verify_file(SSL_CTX *ctx, const char *CAfile)`.
///
/// # Safety
/// As [`SSL_CTX_load_verify_locations`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_load_verify_file(
    ctx: *mut SSL_CTX,
    ca_file: *const c_char,
) -> c_int {
    check_null!(0, ca_file);
    // SAFETY: same contract.
    unsafe { SSL_CTX_load_verify_locations(ctx, ca_file, std::ptr::null()) }
}

/// `int SSL_CTX_load_verify_dir(SSL_CTX *ctx, const char *CApath)`.
///
/// # Safety
/// As [`SSL_CTX_load_verify_locations`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_load_verify_dir(
    ctx: *mut SSL_CTX,
    ca_path: *const c_char,
) -> c_int {
    check_null!(0, ca_path);
    // SAFETY: same contract.
    unsafe { SSL_CTX_load_verify_locations(ctx, std::ptr::null(), ca_path) }
}

/// `int SSL_CTX_set_default_verify_paths(SSL_CTX *ctx)`: the system store.
///
/// # Safety
/// `ctx` null or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SSL_CTX_set_default_verify_paths(ctx: *mut SSL_CTX) -> c_int {
    ffi_boundary!(0, {
        // SAFETY: `ctx` is null or live (caller contract).
        unsafe {
            with_settings(ctx, 0, |s| {
                s.default_paths = true;
                s.changed();
                let r = s.context().map(|_| ());
                if r.is_err() {
                    s.default_paths = false;
                    s.changed();
                }
                ok_or_queue("SSL_CTX_set_default_verify_paths", r)
            })
        }
    })
}
