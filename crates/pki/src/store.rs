//! The trust store: certificates trusted as given, indexed by subject.
//!
//! As in OpenSSL, an anchor's own validity period and signature are not
//! checked; its name constraints and pathLenConstraint are.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use ferrotls_core::{CertificateDer, CertificateError, DistinguishedName, Error};

use crate::cert::{Cert, KU_KEY_CERT_SIGN};
use crate::constraints::NameConstraints;
use crate::load::{load_certs_file, load_certs_from_pem};

/// OpenSSL's compiled-in default bundle on Debian-family systems (its
/// `OPENSSLDIR/cert.pem` points here).
pub const DEFAULT_CERT_FILE: &str = "/etc/ssl/certs/ca-certificates.crt";
/// OpenSSL's compiled-in default hashed directory.
pub const DEFAULT_CERT_DIR: &str = "/etc/ssl/certs";

/// A trusted certificate, reduced to what path validation uses.
#[derive(Debug, Clone)]
pub struct TrustAnchor {
    der: CertificateDer,
    subject: Vec<u8>,
    spki: Vec<u8>,
    /// May it issue certificates: basicConstraints CA (or a v1 root, which
    /// predates extensions) and keyCertSign if keyUsage is present.
    pub(crate) can_sign_certs: bool,
    pub(crate) path_len: Option<u32>,
    pub(crate) name_constraints: Option<NameConstraints>,
}

impl TrustAnchor {
    /// Parses a certificate into an anchor.
    pub fn from_cert(der: &CertificateDer) -> Result<Self, CertificateError> {
        let c = Cert::parse(der.as_bytes())?;
        let v1 = c.x509.tbs_certificate.version.0 == 0;
        let ku_ok = c.key_usage.is_none_or(|k| k & KU_KEY_CERT_SIGN != 0);
        Ok(Self {
            der: der.clone(),
            subject: c.subject().to_vec(),
            spki: c.spki().to_vec(),
            can_sign_certs: (c.is_ca() || v1) && ku_ok,
            path_len: c.basic_constraints.and_then(|(_, p)| p),
            name_constraints: c.name_constraints.clone(),
        })
    }

    /// The certificate as added.
    pub fn cert(&self) -> &CertificateDer {
        &self.der
    }

    /// DER subject Name.
    pub fn subject(&self) -> &[u8] {
        &self.subject
    }

    /// DER SubjectPublicKeyInfo.
    pub fn spki(&self) -> &[u8] {
        &self.spki
    }
}

/// How many entries a bulk load took and how many it passed over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadStats {
    /// Certificates added (duplicates not counted).
    pub added: usize,
    /// Files or certificates that could not be read or parsed.
    pub skipped: usize,
}

/// A set of trust anchors.
#[derive(Debug, Clone, Default)]
pub struct RootCertStore {
    anchors: Vec<TrustAnchor>,
    by_subject: HashMap<Vec<u8>, Vec<usize>>,
}

impl RootCertStore {
    /// An empty store: every chain fails with `UnknownIssuer`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one certificate. Returns false if it was already present.
    pub fn add(&mut self, der: &CertificateDer) -> Result<bool, CertificateError> {
        let anchor = TrustAnchor::from_cert(der)?;
        let same = self.by_subject.get(&anchor.subject);
        if same.is_some_and(|v| v.iter().any(|&i| self.anchors[i].der == *der)) {
            return Ok(false);
        }
        self.by_subject
            .entry(anchor.subject.clone())
            .or_default()
            .push(self.anchors.len());
        self.anchors.push(anchor);
        Ok(true)
    }

    /// Adds every certificate in a PEM (or single-DER) file. Strict: a
    /// certificate that does not parse is an error, since a CA file is
    /// under the operator's control.
    pub fn add_pem_file(&mut self, path: impl AsRef<Path>) -> Result<usize, Error> {
        let mut n = 0;
        for der in load_certs_file(path)? {
            if self.add(&der)? {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Adds the certificates of a directory: c_rehash names (`5ad8a5d6.0`)
    /// and `*.pem`, `*.crt`, `*.cer` files. Like OpenSSL's directory
    /// lookup, unreadable or unparsable files are passed over (and
    /// counted), so one stray file does not disable the whole directory.
    pub fn add_dir(&mut self, dir: impl AsRef<Path>) -> Result<LoadStats, Error> {
        let dir = dir.as_ref();
        let entries =
            fs::read_dir(dir).map_err(|e| Error::General(format!("{}: {e}", dir.display())))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(is_cert_file_name)
            })
            .collect();
        paths.sort();
        let mut stats = LoadStats::default();
        for p in paths {
            if !p.is_file() {
                continue;
            }
            self.add_lenient(fs::read(&p).ok().as_deref(), &mut stats);
        }
        Ok(stats)
    }

    fn add_lenient(&mut self, bytes: Option<&[u8]>, stats: &mut LoadStats) {
        let Some(bytes) = bytes else {
            stats.skipped += 1;
            return;
        };
        let certs = match Cert::parse(bytes) {
            Ok(_) => vec![CertificateDer::from_vec(bytes.to_vec())],
            Err(_) => match load_certs_from_pem(bytes) {
                Ok(c) => c,
                Err(_) => {
                    stats.skipped += 1;
                    return;
                }
            },
        };
        if certs.is_empty() {
            stats.skipped += 1;
        }
        for der in certs {
            match self.add(&der) {
                Ok(true) => stats.added += 1,
                Ok(false) => {}
                Err(_) => stats.skipped += 1,
            }
        }
    }

    /// The system store, found as OpenSSL finds it: `SSL_CERT_FILE` and
    /// `SSL_CERT_DIR` (a `:`-separated list) when set, else the default
    /// bundle and directory. Fails only if nothing at all could be loaded.
    pub fn system() -> Result<(Self, LoadStats), Error> {
        let file = std::env::var_os("SSL_CERT_FILE")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CERT_FILE));
        let dirs: Vec<PathBuf> = match std::env::var_os("SSL_CERT_DIR") {
            Some(v) => std::env::split_paths(&v).collect(),
            None => vec![PathBuf::from(DEFAULT_CERT_DIR)],
        };
        let mut store = Self::new();
        let mut stats = LoadStats::default();
        if file.is_file() {
            store.add_lenient(fs::read(&file).ok().as_deref(), &mut stats);
        }
        for d in dirs.iter().filter(|d| d.is_dir()) {
            let s = store.add_dir(d)?;
            stats.added += s.added;
            stats.skipped += s.skipped;
        }
        if store.is_empty() {
            return Err(Error::General(format!(
                "no trust anchors found in {} or {:?}",
                file.display(),
                dirs
            )));
        }
        Ok((store, stats))
    }

    /// Number of anchors.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// No anchors at all.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// The DER subjects, for certificate_authorities / CertificateRequest.
    pub fn subjects(&self) -> Vec<DistinguishedName> {
        self.anchors
            .iter()
            .map(|a| DistinguishedName(a.subject.clone()))
            .collect()
    }

    /// Every anchor.
    pub fn anchors(&self) -> &[TrustAnchor] {
        &self.anchors
    }

    /// Anchors whose subject is exactly `name`.
    pub(crate) fn by_subject<'s>(&'s self, name: &[u8]) -> impl Iterator<Item = &'s TrustAnchor> {
        self.by_subject
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.anchors.get(i))
    }
}

/// `<8 hex digits>.<digits>` as c_rehash writes, or a certificate suffix.
fn is_cert_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if [".pem", ".crt", ".cer"].iter().any(|s| lower.ends_with(s)) {
        return true;
    }
    match name.split_once('.') {
        Some((hash, n)) => {
            hash.len() == 8
                && hash.bytes().all(|b| b.is_ascii_hexdigit())
                && !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rehash_names() {
        for ok in ["5ad8a5d6.0", "5AD8A5D6.12", "a.pem", "b.CRT", "c.cer"] {
            assert!(is_cert_file_name(ok), "{ok}");
        }
        for bad in [
            "5ad8a5d6",
            "5ad8a5d.0",
            "5ad8a5dz.0",
            "5ad8a5d6.r0",
            "README",
            "x.key",
        ] {
            assert!(!is_cert_file_name(bad), "{bad}");
        }
    }
}
