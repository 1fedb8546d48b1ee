//! Path building and validation (RFC 5280 section 6, as profiled for TLS).
//!
//! The peer's intermediates may come in any order, with unrelated extras.
//! We search depth-first from the end-entity towards a trust anchor,
//! checking each candidate issuer fully before going up through it, and
//! backtrack to the next candidate when one fails (cross-signed CAs make
//! several issuers with one name normal). The search has budgets so that a
//! hostile set of same-named certificates cannot make it exponential.

use std::cell::Cell;

use ferrotls_core::crypto::CryptoProvider;
use ferrotls_core::{CertificateDer, CertificateError, Error, ServerName, UnixTime};

use crate::cert::{Cert, KU_DIGITAL_SIGNATURE, KU_KEY_CERT_SIGN, KeyPurpose};
use crate::constraints::NameConstraints;
use crate::name::verify_name;
use crate::store::{RootCertStore, TrustAnchor};

/// OpenSSL's default verify depth: at most this many intermediates.
pub const DEFAULT_MAX_DEPTH: usize = 100;
/// Signature checks one verification may spend.
const MAX_SIGNATURE_CHECKS: usize = 100;
/// Candidate issuers one verification may consider.
const MAX_CANDIDATES: usize = 200;

/// What a chain must be good for and how long it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    /// serverAuth or clientAuth.
    pub purpose: KeyPurpose,
    /// The most intermediates allowed between leaf and anchor, as
    /// `SSL_CTX_set_verify_depth` counts them.
    pub max_depth: usize,
}

impl VerifyOptions {
    /// `purpose` with the default depth.
    pub fn new(purpose: KeyPurpose) -> Self {
        Self {
            purpose,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

/// Verifies `end_entity` (and, if given, `server_name` against its SANs)
/// and returns the path that was built: leaf first, anchor last.
pub fn verify_chain(
    roots: &RootCertStore,
    provider: &CryptoProvider,
    end_entity: &CertificateDer,
    intermediates: &[CertificateDer],
    server_name: Option<&ServerName>,
    now: UnixTime,
    options: &VerifyOptions,
) -> Result<Vec<CertificateDer>, CertificateError> {
    validate(
        roots,
        provider,
        end_entity,
        intermediates,
        server_name,
        now,
        options,
        true,
    )
}

/// [`verify_chain`] for a caller that needs only the verdict: the same
/// checks, without copying the certificates of the path.
pub fn check_chain(
    roots: &RootCertStore,
    provider: &CryptoProvider,
    end_entity: &CertificateDer,
    intermediates: &[CertificateDer],
    server_name: Option<&ServerName>,
    now: UnixTime,
    options: &VerifyOptions,
) -> Result<(), CertificateError> {
    validate(
        roots,
        provider,
        end_entity,
        intermediates,
        server_name,
        now,
        options,
        false,
    )
    .map(|_| ())
}

/// The checks of [`verify_chain`]; the path is returned only when
/// `collect_path` asks for it (else the vector is empty).
#[allow(clippy::too_many_arguments)]
fn validate(
    roots: &RootCertStore,
    provider: &CryptoProvider,
    end_entity: &CertificateDer,
    intermediates: &[CertificateDer],
    server_name: Option<&ServerName>,
    now: UnixTime,
    options: &VerifyOptions,
    collect_path: bool,
) -> Result<Vec<CertificateDer>, CertificateError> {
    let leaf = Cert::parse(end_entity.as_bytes())?;
    let inters = intermediates
        .iter()
        .map(|c| Cert::parse(c.as_bytes()))
        .collect::<Result<Vec<_>, _>>()?;
    if leaf.unhandled_critical {
        return Err(CertificateError::UnhandledCriticalExtension);
    }
    // The name is matched now and its verdict reported below, in order.
    // Signatures that passed before may be answered from the verifier's
    // memory only when the leaf is for the name being checked: otherwise
    // a server could present another site's chain and learn from the
    // client's timing whether the client had verified it lately.
    let name_check = server_name.map(|n| verify_name(&leaf.dns_sans, &leaf.ip_sans, n));
    let remember = matches!(name_check, Some(Ok(())));

    let search = Search {
        roots,
        provider,
        leaf: &leaf,
        inters: &inters,
        now: now.as_secs(),
        options,
        remember,
        signatures_left: Cell::new(MAX_SIGNATURE_CHECKS),
        candidates_left: Cell::new(MAX_CANDIDATES),
    };
    let directly_trusted = roots
        .by_subject(leaf.subject())
        .find(|a| a.cert().as_bytes() == leaf.der);
    let mut path = Vec::new();
    let anchor = match directly_trusted {
        Some(a) => a,
        None => match search.extend(&mut path) {
            Ok(a) => a,
            Err(CertificateError::UnknownIssuer) if leaf.is_self_issued() => {
                return Err(CertificateError::SelfSignedLeaf);
            }
            Err(e) => return Err(e),
        },
    };

    // End-entity checks, in OpenSSL's order: purpose, then name, then time.
    if leaf.is_ca() {
        return Err(CertificateError::CaUsedAsLeaf);
    }
    if leaf.eku.is_some_and(|e| !e.allows(options.purpose)) {
        return Err(CertificateError::InvalidPurpose);
    }
    if leaf
        .key_usage
        .is_some_and(|k| k & KU_DIGITAL_SIGNATURE == 0)
    {
        return Err(CertificateError::InvalidPurpose);
    }
    if let Some(verdict) = name_check {
        verdict?;
    }
    leaf.check_validity(now.as_secs())?;

    if !collect_path {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(path.len() + 2);
    out.push(end_entity.clone());
    if directly_trusted.is_none() {
        out.extend(path.iter().map(|&i| intermediates[i].clone()));
        out.push(anchor.cert().clone());
    }
    Ok(out)
}

/// Checks only that `issuer`'s key made `cert`'s signature (nothing about
/// names, validity or constraints). For tools, and for checking that a
/// root is really self-signed (pass it twice).
pub fn verify_signed_by(
    cert: &CertificateDer,
    issuer: &CertificateDer,
    provider: &CryptoProvider,
) -> Result<(), CertificateError> {
    let child = Cert::parse(cert.as_bytes())?;
    let parent = Cert::parse(issuer.as_bytes())?;
    signature_check(provider, &child, parent.spki(), false)
}

/// Checks `child`'s signature with `issuer_spki`; `remember` lets the
/// verifier answer a signature it has seen pass
/// (`SignatureVerifier::verify_certificate_signature`).
fn signature_check(
    provider: &CryptoProvider,
    child: &Cert<'_>,
    issuer_spki: &[u8],
    remember: bool,
) -> Result<(), CertificateError> {
    let (alg, sig) = child.signature()?;
    let verifier = provider.signature_verifier;
    let result = if remember {
        verifier.verify_certificate_signature(alg, issuer_spki, child.tbs(), sig)
    } else {
        verifier.verify(alg, issuer_spki, child.tbs(), sig)
    };
    match result {
        Ok(()) => Ok(()),
        Err(Error::InvalidCertificate(CertificateError::UnsupportedSignatureAlgorithm)) => {
            Err(CertificateError::UnsupportedSignatureAlgorithm)
        }
        Err(_) => Err(CertificateError::BadSignature),
    }
}

/// Extracts the SubjectPublicKeyInfo of a certificate, for handshake
/// signature checks.
///
/// A handshake checks the chain and then the peer's signature with the
/// leaf's key, so parsing the leaf in full again would repeat work: a
/// strict DER walk finds the key. A certificate the walk does not accept
/// is parsed in full, which reports what is wrong with it.
pub(crate) fn with_spki<T>(
    cert: &CertificateDer,
    f: impl FnOnce(&[u8]) -> Result<T, Error>,
) -> Result<T, Error> {
    let der = cert.as_bytes();
    if let Some(spki) = crate::der::subject_public_key_info(der) {
        return f(spki);
    }
    let c = Cert::parse(der)?;
    f(c.spki())
}

struct Search<'s, 'a> {
    roots: &'s RootCertStore,
    provider: &'s CryptoProvider,
    leaf: &'s Cert<'a>,
    inters: &'s [Cert<'a>],
    now: u64,
    options: &'s VerifyOptions,
    /// Whether signatures may be answered from the verifier's memory.
    remember: bool,
    signatures_left: Cell<usize>,
    candidates_left: Cell<usize>,
}

/// `Other` errors (budgets exhausted, unsupported constraints) end the
/// whole search rather than one branch of it.
///
/// Keeps the first specific reason; `UnknownIssuer` only if nothing better
/// was found, so a user hears "intermediate expired" rather than "unknown".
fn keep(best: &mut Option<CertificateError>, e: CertificateError) {
    if best.is_none() || best.as_ref() == Some(&CertificateError::UnknownIssuer) {
        *best = Some(e);
    }
}

impl<'s, 'a> Search<'s, 'a> {
    /// The certificate at the top of the partial path.
    fn top(&self, path: &[usize]) -> &'s Cert<'a> {
        match path.last() {
            Some(&i) => &self.inters[i],
            None => self.leaf,
        }
    }

    fn spend(cell: &Cell<usize>, what: &'static str) -> Result<(), CertificateError> {
        match cell.get().checked_sub(1) {
            Some(n) => {
                cell.set(n);
                Ok(())
            }
            None => Err(CertificateError::Other(format!(
                "path building exceeded its {what} budget"
            ))),
        }
    }

    /// Finds an anchor above the partial `path`, extending it with
    /// intermediates; on success `path` holds the intermediates used.
    fn extend(&self, path: &mut Vec<usize>) -> Result<&'s TrustAnchor, CertificateError> {
        let child = self.top(path);
        let mut best = None;

        for anchor in self.roots.by_subject(child.issuer()) {
            Self::spend(&self.candidates_left, "candidate")?;
            match self.check_anchor(path, child, anchor) {
                Ok(()) => return Ok(anchor),
                Err(e @ CertificateError::Other(_)) => return Err(e),
                Err(e) => keep(&mut best, e),
            }
        }

        for (i, cand) in self.inters.iter().enumerate() {
            if cand.subject() != child.issuer() || path.contains(&i) || cand.der == self.leaf.der {
                continue;
            }
            if path.len() >= self.options.max_depth {
                keep(&mut best, CertificateError::ChainTooLong);
                continue;
            }
            Self::spend(&self.candidates_left, "candidate")?;
            match self.check_intermediate(path, child, cand) {
                Ok(()) => {}
                Err(e @ CertificateError::Other(_)) => return Err(e),
                Err(e) => {
                    keep(&mut best, e);
                    continue;
                }
            }
            path.push(i);
            match self.extend(path) {
                Ok(a) => return Ok(a),
                Err(e @ CertificateError::Other(_)) => return Err(e),
                Err(e) => keep(&mut best, e),
            }
            path.pop();
        }
        Err(best.unwrap_or(CertificateError::UnknownIssuer))
    }

    fn check_anchor(
        &self,
        path: &[usize],
        child: &Cert<'a>,
        anchor: &TrustAnchor,
    ) -> Result<(), CertificateError> {
        if !anchor.can_sign_certs {
            return Err(CertificateError::NotCa);
        }
        self.check_path_len(path, anchor.path_len)?;
        if let Some(nc) = &anchor.name_constraints {
            self.check_constraints(path, nc)?;
        }
        self.check_signature(child, anchor.spki())
    }

    fn check_intermediate(
        &self,
        path: &[usize],
        child: &Cert<'a>,
        cand: &Cert<'a>,
    ) -> Result<(), CertificateError> {
        if cand.unhandled_critical {
            return Err(CertificateError::UnhandledCriticalExtension);
        }
        if !cand.is_ca() || cand.key_usage.is_some_and(|k| k & KU_KEY_CERT_SIGN == 0) {
            return Err(CertificateError::NotCa);
        }
        self.check_path_len(path, cand.basic_constraints.and_then(|(_, p)| p))?;
        if cand.eku.is_some_and(|e| !e.allows(self.options.purpose)) {
            return Err(CertificateError::InvalidPurpose);
        }
        if let Some(nc) = &cand.name_constraints {
            self.check_constraints(path, nc)?;
        }
        cand.check_validity(self.now)?;
        self.check_signature(child, cand.spki())
    }

    /// pathLenConstraint counts the non-self-issued intermediates below
    /// the CA (RFC 5280 section 6.1.4 (l), (m)); the leaf does not count.
    fn check_path_len(&self, path: &[usize], limit: Option<u32>) -> Result<(), CertificateError> {
        let Some(limit) = limit else {
            return Ok(());
        };
        let below = path
            .iter()
            .filter(|&&i| !self.inters[i].is_self_issued())
            .count();
        if below > limit as usize {
            return Err(CertificateError::PathLenExceeded);
        }
        Ok(())
    }

    /// A CA's constraints apply to every certificate below it: the leaf
    /// always, intermediates unless self-issued (RFC 5280 section 6.1.3 (b)).
    fn check_constraints(
        &self,
        path: &[usize],
        nc: &NameConstraints,
    ) -> Result<(), CertificateError> {
        nc.check(self.leaf)?;
        for &i in path {
            let c = &self.inters[i];
            if !c.is_self_issued() {
                nc.check(c)?;
            }
        }
        Ok(())
    }

    fn check_signature(
        &self,
        child: &Cert<'a>,
        issuer_spki: &[u8],
    ) -> Result<(), CertificateError> {
        child.signature()?;
        Self::spend(&self.signatures_left, "signature")?;
        signature_check(self.provider, child, issuer_spki, self.remember)
    }
}
