//! Chains that must verify (SPEC P05).

mod common;

use common::*;
use ferrotls_core::verify::{ClientCertVerifier, ServerCertVerifier};
use ferrotls_core::{CertificateDer, ServerName};
use ferrotls_pki::WebPkiClientVerifier;
use rcgen::{ExtendedKeyUsagePurpose, SignatureAlgorithm};
use std::sync::Arc;

fn three_level(alg: &'static SignatureAlgorithm) {
    let r = root("Root", alg);
    let i = inter("Inter", alg, &r);
    let (l, _) = leaf(&["example.com"], alg, &i);
    let path = verify_server(&[&r], &l, std::slice::from_ref(&i.der), "example.com").unwrap();
    assert_eq!(path, vec![l.clone(), i.der.clone(), r.der.clone()]);
    // Through the trait as the handshake calls it.
    let v = server_verifier(&[&r]);
    let name = ServerName::try_from("example.com").unwrap();
    v.verify_server_cert(&l, std::slice::from_ref(&i.der), &name, now())
        .unwrap();
}

#[test]
fn p05_valid_ecdsa_p256_chain() {
    three_level(&P256);
}

#[test]
fn p05_valid_ecdsa_p384_chain() {
    three_level(&P384);
}

#[test]
fn p05_valid_rsa2048_chain() {
    three_level(&RSA);
}

#[test]
fn p05_valid_ed25519_chain() {
    three_level(&ED25519);
}

#[test]
fn p05_valid_mixed_algorithms() {
    let r = root("Root", &RSA);
    let i = inter("Inter", &P384, &r);
    let (l, _) = leaf(&["example.com"], &ED25519, &i);
    verify_server(&[&r], &l, std::slice::from_ref(&i.der), "example.com").unwrap();
}

#[test]
fn p05_leaf_directly_under_root() {
    let r = root("Root", &P256);
    let (l, _) = leaf(&["example.com"], &P256, &r);
    let path = verify_server(&[&r], &l, &[], "Example.COM.").unwrap();
    assert_eq!(path.len(), 2);
}

#[test]
fn p05_wildcard_leaf() {
    let r = root("Root", &P256);
    let (l, _) = leaf(&["*.example.com"], &P256, &r);
    verify_server(&[&r], &l, &[], "www.example.com").unwrap();
    expect_err(
        verify_server(&[&r], &l, &[], "example.com"),
        ferrotls_core::CertificateError::NotValidForName,
    );
    expect_err(
        verify_server(&[&r], &l, &[], "a.b.example.com"),
        ferrotls_core::CertificateError::NotValidForName,
    );
}

#[test]
fn p05_ip_san() {
    let r = root("Root", &P256);
    let (l, _) = leaf(&["192.0.2.7", "2001:db8::1", "example.com"], &P256, &r);
    verify_server(&[&r], &l, &[], "192.0.2.7").unwrap();
    verify_server(&[&r], &l, &[], "2001:db8::1").unwrap();
    verify_server(&[&r], &l, &[], "[2001:db8::1]").unwrap();
}

#[test]
fn p05_cross_ordered_chain_with_unrelated_extra() {
    let r = root("Root", &P256);
    let i1 = inter("Inter 1", &P256, &r);
    let i2 = inter("Inter 2", &P256, &i1);
    let i3 = inter("Inter 3", &P256, &i2);
    let (l, _) = leaf(&["example.com"], &P256, &i3);
    let other_root = root("Unrelated", &P256);
    let unrelated = inter("Unrelated Inter", &P256, &other_root);
    let sent = vec![
        i1.der.clone(),
        unrelated.der.clone(),
        i3.der.clone(),
        i2.der.clone(),
        l.clone(), // servers sometimes repeat the leaf
    ];
    let path = verify_server(&[&r], &l, &sent, "example.com").unwrap();
    assert_eq!(
        path,
        vec![
            l,
            i3.der.clone(),
            i2.der.clone(),
            i1.der.clone(),
            r.der.clone()
        ]
    );
}

/// Two certificates named "Inter" for the same key: the first one offered
/// chains to an untrusted root, the second to the trusted one. The builder
/// must back out of the first and succeed through the second.
#[test]
fn p05_backtracking_over_untrusted_cross_cert() {
    let trusted = root("Trusted Root", &P256);
    let untrusted = root("Untrusted Root", &P256);
    let params = ca_params("Inter");
    let key = key(&P256);
    let via_untrusted = params.signed_by(&key, &untrusted.issuer()).unwrap();
    let via_trusted = params.signed_by(&key, &trusted.issuer()).unwrap();
    let inter_ca = Ca {
        der: der(&via_trusted),
        params,
        key,
    };
    let (l, _) = leaf(&["example.com"], &P256, &inter_ca);
    let sent = vec![der(&via_untrusted), der(&via_trusted)];
    let path = verify_server(&[&trusted], &l, &sent, "example.com").unwrap();
    assert_eq!(path[1], der(&via_trusted));
    assert_eq!(path[2], trusted.der);
    // Without the good cross-cert the failure is reported as unknown issuer.
    expect_err(
        verify_server(&[&trusted], &l, &sent[..1], "example.com"),
        ferrotls_core::CertificateError::UnknownIssuer,
    );
}

/// Same name, different key: the first candidate's signature check fails,
/// the second candidate is the real issuer.
#[test]
fn p05_backtracking_over_wrong_key() {
    let r = root("Root", &P256);
    let real = inter("Inter", &P256, &r);
    let impostor = inter("Inter", &P256, &r);
    let (l, _) = leaf(&["example.com"], &P256, &real);
    let path = verify_server(
        &[&r],
        &l,
        &[impostor.der.clone(), real.der.clone()],
        "example.com",
    )
    .unwrap();
    assert_eq!(path[1], real.der);
}

/// An expired cross-certificate and a valid one for the same CA.
#[test]
fn p05_backtracking_over_expired_intermediate() {
    let r = root("Root", &P256);
    let mut old = ca_params("Inter");
    old.not_after = rcgen::date_time_ymd(2001, 1, 1);
    let key = key(&P256);
    let expired = old.signed_by(&key, &r.issuer()).unwrap();
    let fresh_params = ca_params("Inter");
    let fresh = fresh_params.signed_by(&key, &r.issuer()).unwrap();
    let ca = Ca {
        der: der(&fresh),
        params: fresh_params,
        key,
    };
    let (l, _) = leaf(&["example.com"], &P256, &ca);
    verify_server(&[&r], &l, &[der(&expired), der(&fresh)], "example.com").unwrap();
    expect_err(
        verify_server(&[&r], &l, &[der(&expired)], "example.com"),
        ferrotls_core::CertificateError::Expired,
    );
}

#[test]
fn p05_any_extended_key_usage_is_accepted() {
    let r = root("Root", &P256);
    let mut p = leaf_params(&["example.com"]);
    eku(&mut p, &[ExtendedKeyUsagePurpose::Any]);
    let (l, _) = leaf_with(p, &P256, &r);
    verify_server(&[&r], &l, &[], "example.com").unwrap();
}

#[test]
fn p05_self_signed_leaf_trusted_directly() {
    let key = key(&P256);
    let cert = leaf_params(&["example.com"]).self_signed(&key).unwrap();
    let mut s = ferrotls_pki::RootCertStore::new();
    s.add(&der(&cert)).unwrap();
    let path = ferrotls_pki::verify_chain(
        &s,
        provider(),
        &der(&cert),
        &[],
        Some(&ServerName::try_from("example.com").unwrap()),
        now(),
        &ferrotls_pki::VerifyOptions::new(ferrotls_pki::KeyPurpose::ServerAuth),
    )
    .unwrap();
    assert_eq!(path, vec![der(&cert)]);
}

#[test]
fn p05_depth_limit_allows_exactly_max_depth() {
    let r = root("Root", &P256);
    let i1 = inter("I1", &P256, &r);
    let i2 = inter("I2", &P256, &i1);
    let (l, _) = leaf(&["example.com"], &P256, &i2);
    let v = ferrotls_pki::WebPkiServerVerifier::builder(Arc::new(store(&[&r])), provider())
        .max_depth(2)
        .build();
    let name = ServerName::try_from("example.com").unwrap();
    let path = v
        .verify_server_chain(&l, &[i1.der.clone(), i2.der.clone()], &name, now())
        .unwrap();
    assert_eq!(path.len(), 4);
}

#[test]
fn p06_client_verifier_accepts_client_auth_leaf() {
    let r = root("Client Root", &P256);
    let mut p = leaf_params(&[]);
    eku(&mut p, &[ExtendedKeyUsagePurpose::ClientAuth]);
    let (l, _) = leaf_with(p, &P256, &r);
    let roots = Arc::new(store(&[&r]));
    let v = WebPkiClientVerifier::builder(roots.clone(), provider()).build();
    assert!(v.client_auth_mandatory());
    assert!(v.offer_client_auth());
    v.verify_client_cert(&l, &[], now()).unwrap();
    // The hint is the DER subject Name of the root.
    assert_eq!(v.root_hint_subjects().len(), 1);
    let subject = &v.root_hint_subjects()[0].0;
    assert_eq!(subject[0], 0x30);
    let r_der: &CertificateDer = &r.der;
    assert!(
        r_der
            .as_bytes()
            .windows(subject.len())
            .any(|w| w == subject.as_slice())
    );
    let optional = WebPkiClientVerifier::builder(roots, provider())
        .allow_unauthenticated()
        .build();
    assert!(!optional.client_auth_mandatory());
}
