//! Which certificate signatures the verifier may answer from memory
//! (SPEC P05): only those of a chain whose leaf carries the name being
//! checked, so that a peer presenting someone else's chain cannot learn
//! from timing what the client verified before.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use ferrotls_core::crypto::{CryptoProvider, SignatureVerifier, VerifyAlgorithm};
use ferrotls_core::{CertificateDer, CertificateError, Error, ServerName};
use ferrotls_pki::{KeyPurpose, VerifyOptions, check_chain, verify_signed_by};

/// The default verifier, counting which entry point each check came by.
#[derive(Default)]
struct Recorder {
    plain: AtomicUsize,
    certificate: AtomicUsize,
}

impl SignatureVerifier for Recorder {
    fn verify(
        &self,
        alg: VerifyAlgorithm,
        spki: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        self.plain.fetch_add(1, Ordering::Relaxed);
        provider()
            .signature_verifier
            .verify(alg, spki, message, signature)
    }

    fn verify_certificate_signature(
        &self,
        alg: VerifyAlgorithm,
        issuer_spki: &[u8],
        tbs: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        self.certificate.fetch_add(1, Ordering::Relaxed);
        provider()
            .signature_verifier
            .verify_certificate_signature(alg, issuer_spki, tbs, signature)
    }
}

/// A provider of its own per test (tests run in parallel).
fn recording_provider() -> (&'static Recorder, &'static CryptoProvider) {
    let recorder: &'static Recorder = Box::leak(Box::default());
    let provider = Box::leak(Box::new(CryptoProvider {
        signature_verifier: recorder,
        ..*provider()
    }));
    (recorder, provider)
}

fn counts(r: &Recorder) -> (usize, usize) {
    (
        r.plain.load(Ordering::Relaxed),
        r.certificate.load(Ordering::Relaxed),
    )
}

fn check(
    provider: &CryptoProvider,
    roots: &[&Ca],
    leaf: &CertificateDer,
    inters: &[CertificateDer],
    name: Option<&str>,
) -> Result<(), CertificateError> {
    let name = name.map(|n| ServerName::try_from(n).expect("name"));
    check_chain(
        &store(roots),
        provider,
        leaf,
        inters,
        name.as_ref(),
        now(),
        &VerifyOptions::new(KeyPurpose::ServerAuth),
    )
}

/// A chain for the name being checked goes through the certificate entry
/// point (both signatures: leaf and intermediate), and again the second
/// time, with the same verdict.
#[test]
fn p05_chain_for_the_checked_name_may_be_remembered() {
    let (rec, p) = recording_provider();
    let r = root("Memo Root", &P256);
    let i = inter("Memo Inter", &P256, &r);
    let (l, _) = leaf(&["memo.example"], &P256, &i);
    for round in 1..=2 {
        check(
            p,
            &[&r],
            &l,
            std::slice::from_ref(&i.der),
            Some("memo.example"),
        )
        .expect("valid chain");
        assert_eq!(counts(rec), (0, 2 * round));
    }
}

/// A chain whose leaf does not carry the name, and a check without a name
/// (a server verifying a client), never consult the memory: every
/// signature is verified afresh, even one remembered from a check that
/// could use it.
#[test]
fn p05_other_names_and_unnamed_checks_verify_afresh() {
    let (rec, p) = recording_provider();
    let r = root("Memo Root 2", &P256);
    let (l, _) = leaf(&["bank.example"], &P256, &r);
    check(p, &[&r], &l, &[], Some("bank.example")).expect("valid chain");
    assert_eq!(counts(rec), (0, 1));
    assert_eq!(
        check(p, &[&r], &l, &[], Some("evil.example")),
        Err(CertificateError::NotValidForName)
    );
    assert_eq!(counts(rec), (1, 1));
    check(p, &[&r], &l, &[], None).expect("valid chain, no name");
    assert_eq!(counts(rec), (2, 1));
    verify_signed_by(&l, &r.der, p).expect("signed by the root");
    assert_eq!(counts(rec), (3, 1));
}

/// A bad signature fails every time through the certificate entry point:
/// nothing about a failure is remembered.
#[test]
fn p05_bad_signature_fails_every_time() {
    let (rec, p) = recording_provider();
    let r = root("Memo Root 3", &P256);
    let impostor = root("Memo Root 3", &P256);
    let (l, _) = leaf(&["memo3.example"], &P256, &impostor);
    for round in 1..=2 {
        assert_eq!(
            check(p, &[&r], &l, &[], Some("memo3.example")),
            Err(CertificateError::BadSignature)
        );
        assert_eq!(counts(rec), (0, round));
    }
}
