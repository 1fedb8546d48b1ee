//! Every rejection is its own CertificateError, with the OpenSSL verify
//! result code and the alert OpenSSL would send (SPEC P05, R01).

mod common;

use std::sync::Arc;

use common::*;
use ferrotls_core::verify::ClientCertVerifier;
use ferrotls_core::{AlertDescription as A, CertificateError as E, ServerName};
use ferrotls_pki::{WebPkiClientVerifier, WebPkiServerVerifier};
use rcgen::{
    BasicConstraints, CidrSubnet, CustomExtension, ExtendedKeyUsagePurpose, GeneralSubtree, IsCa,
    KeyUsagePurpose, NameConstraints,
};

#[test]
fn p05_error_codes_and_alerts() {
    let cases = [
        (E::Expired, 10, A::CertificateExpired),
        (E::NotValidYet, 9, A::BadCertificate),
        (E::UnknownIssuer, 20, A::UnknownCa),
        (E::SelfSignedLeaf, 18, A::UnknownCa),
        (E::BadSignature, 7, A::DecryptError),
        (E::NotValidForName, 62, A::BadCertificate),
        (E::IpAddressMismatch, 64, A::BadCertificate),
        (E::NotCa, 79, A::UnknownCa),
        (E::PathLenExceeded, 25, A::UnknownCa),
        (E::ChainTooLong, 22, A::UnknownCa),
        (E::InvalidPurpose, 26, A::UnsupportedCertificate),
        (E::UnhandledCriticalExtension, 34, A::BadCertificate),
        (E::NameConstraintPermittedViolation, 47, A::BadCertificate),
        (E::NameConstraintExcludedViolation, 48, A::BadCertificate),
        (
            E::UnsupportedSignatureAlgorithm,
            76,
            A::UnsupportedCertificate,
        ),
        (E::CaUsedAsLeaf, 37, A::BadCertificate),
    ];
    for (e, code, alert) in cases {
        assert_eq!(e.verify_result_code(), code, "{e:?}");
        assert_eq!(e.alert(), alert, "{e:?}");
    }
}

#[test]
fn p05_expired_leaf() {
    let r = root("Root", &P256);
    let mut p = leaf_params(&["example.com"]);
    p.not_before = rcgen::date_time_ymd(1999, 1, 1);
    p.not_after = rcgen::date_time_ymd(2000, 1, 1);
    let (l, _) = leaf_with(p, &P256, &r);
    expect_err(verify_server(&[&r], &l, &[], "example.com"), E::Expired);
}

#[test]
fn p05_not_yet_valid_leaf() {
    let r = root("Root", &P256);
    let mut p = leaf_params(&["example.com"]);
    p.not_before = rcgen::date_time_ymd(2200, 1, 1);
    let (l, _) = leaf_with(p, &P256, &r);
    expect_err(verify_server(&[&r], &l, &[], "example.com"), E::NotValidYet);
}

#[test]
fn p05_expired_intermediate() {
    let r = root("Root", &P256);
    let mut p = ca_params("Inter");
    p.not_after = rcgen::date_time_ymd(2000, 1, 1);
    let i = inter_with(p, &P256, &r);
    expect_err(
        leaf_via(&r, &i, &["example.com"], "example.com"),
        E::Expired,
    );
}

#[test]
fn p05_unknown_issuer() {
    let r = root("Root", &P256);
    let other = root("Other Root", &P256);
    let i = inter("Inter", &P256, &other);
    let (l, _) = leaf(&["example.com"], &P256, &i);
    expect_err(
        verify_server(&[&r], &l, std::slice::from_ref(&i.der), "example.com"),
        E::UnknownIssuer,
    );
    // Missing intermediate.
    expect_err(
        verify_server(&[&other], &l, &[], "example.com"),
        E::UnknownIssuer,
    );
    // Empty store.
    expect_err(
        verify_server(&[], &l, std::slice::from_ref(&i.der), "example.com"),
        E::UnknownIssuer,
    );
}

#[test]
fn p05_self_signed_leaf() {
    let r = root("Root", &P256);
    let key = key(&P256);
    let l = der(&leaf_params(&["example.com"]).self_signed(&key).unwrap());
    expect_err(
        verify_server(&[&r], &l, &[], "example.com"),
        E::SelfSignedLeaf,
    );
}

#[test]
fn p05_bad_signature() {
    // An impostor CA with the trusted root's exact name but its own key.
    let r = root("Root", &P256);
    let impostor = root("Root", &P256);
    let (l, _) = leaf(&["example.com"], &P256, &impostor);
    expect_err(
        verify_server(&[&r], &l, &[], "example.com"),
        E::BadSignature,
    );

    // A flipped bit inside the signature value.
    let (l, _) = leaf(&["example.com"], &ED25519, &r);
    let mut bytes = l.as_bytes().to_vec();
    let n = bytes.len();
    bytes[n - 5] ^= 0x01;
    let l = ferrotls_core::CertificateDer::from_vec(bytes);
    expect_err(
        verify_server(&[&r], &l, &[], "example.com"),
        E::BadSignature,
    );
}

#[test]
fn p05_name_mismatch() {
    let r = root("Root", &P256);
    let (l, _) = leaf(&["example.com"], &P256, &r);
    expect_err(
        verify_server(&[&r], &l, &[], "example.org"),
        E::NotValidForName,
    );
    // The CN is never used: the leaf's CN is "leaf".
    expect_err(verify_server(&[&r], &l, &[], "leaf"), E::NotValidForName);
    let v = server_verifier(&[&r]);
    let name = ServerName::try_from("example.org").unwrap();
    let err =
        ferrotls_core::verify::ServerCertVerifier::verify_server_cert(&*v, &l, &[], &name, now())
            .unwrap_err();
    assert_eq!(err, as_core(E::NotValidForName));
    assert_eq!(err.alert(), Some(A::BadCertificate));
}

#[test]
fn p05_ip_mismatch() {
    let r = root("Root", &P256);
    expect_err(
        leaf_of(&r, &["192.0.2.7", "example.com"], "192.0.2.8"),
        E::IpAddressMismatch,
    );
    // A DNS SAN spelled like an address never matches an IP reference.
    expect_err(
        leaf_of(&r, &["example.com"], "10.0.0.1"),
        E::IpAddressMismatch,
    );
    expect_err(
        leaf_of(&r, &["192.0.2.7"], "::ffff:192.0.2.7"),
        E::IpAddressMismatch,
    );
}

#[test]
fn p05_issuer_not_a_ca() {
    let r = root("Root", &P256);
    let mut p = ca_params("Inter");
    p.is_ca = IsCa::ExplicitNoCa;
    let i = inter_with(p, &P256, &r);
    expect_err(leaf_via(&r, &i, &["example.com"], "example.com"), E::NotCa);

    // A CA whose keyUsage lacks keyCertSign.
    let mut p = ca_params("Inter");
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let i = inter_with(p, &P256, &r);
    expect_err(leaf_via(&r, &i, &["example.com"], "example.com"), E::NotCa);

    // No basicConstraints at all on a v3 intermediate.
    let mut p = ca_params("Inter");
    p.is_ca = IsCa::NoCa;
    p.key_usages.clear();
    let i = inter_with(p, &P256, &r);
    expect_err(leaf_via(&r, &i, &["example.com"], "example.com"), E::NotCa);
}

#[test]
fn p05_ca_used_as_leaf() {
    let r = root("Root", &P256);
    let mut p = ca_params("Leaf CA");
    p.subject_alt_names = leaf_params(&["example.com"]).subject_alt_names;
    let (l, _) = leaf_with(p, &P256, &r);
    expect_err(
        verify_server(&[&r], &l, &[], "example.com"),
        E::CaUsedAsLeaf,
    );
}

#[test]
fn p05_path_len_exceeded() {
    let mut rp = ca_params("Root");
    rp.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    let r = root_with(rp, &P256);
    let i = inter("Inter", &P256, &r);
    expect_err(
        leaf_via(&r, &i, &["example.com"], "example.com"),
        E::PathLenExceeded,
    );
    // pathLen 0 still allows a leaf directly below.
    let (l, _) = leaf(&["example.com"], &P256, &r);
    verify_server(&[&r], &l, &[], "example.com").unwrap();

    // On an intermediate: pathLen 0 forbids another CA below it.
    let r = root("Root", &P256);
    let mut ip = ca_params("I1");
    ip.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    let i1 = inter_with(ip, &P256, &r);
    let i2 = inter("I2", &P256, &i1);
    let (l, _) = leaf(&["example.com"], &P256, &i2);
    expect_err(
        verify_server(&[&r], &l, &[i1.der.clone(), i2.der.clone()], "example.com"),
        E::PathLenExceeded,
    );
}

#[test]
fn p05_chain_too_long() {
    let r = root("Root", &P256);
    let i1 = inter("I1", &P256, &r);
    let i2 = inter("I2", &P256, &i1);
    let (l, _) = leaf(&["example.com"], &P256, &i2);
    let v = WebPkiServerVerifier::builder(Arc::new(store(&[&r])), provider())
        .max_depth(1)
        .build();
    let name = ServerName::try_from("example.com").unwrap();
    let err = v
        .verify_server_chain(&l, &[i1.der.clone(), i2.der.clone()], &name, now())
        .unwrap_err();
    assert_eq!(err, as_core(E::ChainTooLong));
}

#[test]
fn p05_invalid_purpose() {
    let r = root("Root", &P256);
    // Client-only leaf presented by a server.
    let mut p = leaf_params(&["example.com"]);
    eku(&mut p, &[ExtendedKeyUsagePurpose::ClientAuth]);
    let (l, _) = leaf_with(p, &P256, &r);
    expect_err(
        verify_server(&[&r], &l, &[], "example.com"),
        E::InvalidPurpose,
    );

    // Server-only leaf presented by a client.
    let mut p = leaf_params(&["example.com"]);
    eku(&mut p, &[ExtendedKeyUsagePurpose::ServerAuth]);
    let (l, _) = leaf_with(p, &P256, &r);
    let v = WebPkiClientVerifier::builder(Arc::new(store(&[&r])), provider()).build();
    assert_eq!(
        v.verify_client_cert(&l, &[], now()).unwrap_err(),
        as_core(E::InvalidPurpose)
    );
    verify_server(&[&r], &l, &[], "example.com").unwrap();

    // keyUsage present without digitalSignature.
    let mut p = leaf_params(&["example.com"]);
    p.key_usages = vec![KeyUsagePurpose::KeyEncipherment];
    let (l, _) = leaf_with(p, &P256, &r);
    expect_err(
        verify_server(&[&r], &l, &[], "example.com"),
        E::InvalidPurpose,
    );

    // An intermediate restricted to clientAuth cannot issue server certs.
    let mut ip = ca_params("Inter");
    eku(&mut ip, &[ExtendedKeyUsagePurpose::ClientAuth]);
    let i = inter_with(ip, &P256, &r);
    expect_err(
        leaf_via(&r, &i, &["example.com"], "example.com"),
        E::InvalidPurpose,
    );
}

#[test]
fn p05_unhandled_critical_extension() {
    let r = root("Root", &P256);
    let mut p = leaf_params(&["example.com"]);
    let mut ext =
        CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 55555, 1], vec![0x05, 0x00]);
    ext.set_criticality(true);
    p.custom_extensions = vec![ext.clone()];
    let (l, _) = leaf_with(p, &P256, &r);
    expect_err(
        verify_server(&[&r], &l, &[], "example.com"),
        E::UnhandledCriticalExtension,
    );
    // The same extension, not critical, is ignored.
    let mut p = leaf_params(&["example.com"]);
    ext.set_criticality(false);
    p.custom_extensions = vec![ext.clone()];
    let (l, _) = leaf_with(p, &P256, &r);
    verify_server(&[&r], &l, &[], "example.com").unwrap();
    // Critical on an intermediate.
    let mut ip = ca_params("Inter");
    ext.set_criticality(true);
    ip.custom_extensions = vec![ext];
    let i = inter_with(ip, &P256, &r);
    expect_err(
        leaf_via(&r, &i, &["example.com"], "example.com"),
        E::UnhandledCriticalExtension,
    );
}

fn constrained_inter(r: &Ca, nc: NameConstraints) -> Ca {
    let mut p = ca_params("Constrained");
    p.name_constraints = Some(nc);
    inter_with(p, &P256, r)
}

#[test]
fn p05_name_constraints_dns() {
    let r = root("Root", &P256);
    let i = constrained_inter(
        &r,
        NameConstraints {
            permitted_subtrees: vec![GeneralSubtree::DnsName("example.com".into())],
            excluded_subtrees: vec![GeneralSubtree::DnsName("bad.example.com".into())],
        },
    );
    let chain = [i.der.clone()];
    let (ok, _) = leaf(&["www.example.com", "example.com"], &P256, &i);
    verify_server(&[&r], &ok, &chain, "www.example.com").unwrap();

    expect_err(
        leaf_via(
            &r,
            &i,
            &["www.example.com", "www.other.com"],
            "www.example.com",
        ),
        E::NameConstraintPermittedViolation,
    );
    expect_err(
        leaf_via(&r, &i, &["evilexample.com"], "evilexample.com"),
        E::NameConstraintPermittedViolation,
    );
    expect_err(
        leaf_via(&r, &i, &["x.bad.example.com"], "x.bad.example.com"),
        E::NameConstraintExcludedViolation,
    );
    // A wildcard that could stand for the excluded name.
    expect_err(
        leaf_via(&r, &i, &["*.example.com"], "www.example.com"),
        E::NameConstraintExcludedViolation,
    );
}

#[test]
fn p05_name_constraints_ip() {
    let r = root("Root", &P256);
    let i = constrained_inter(
        &r,
        NameConstraints {
            permitted_subtrees: vec![GeneralSubtree::IpAddress(CidrSubnet::V4(
                [10, 0, 0, 0],
                [255, 0, 0, 0],
            ))],
            excluded_subtrees: vec![GeneralSubtree::IpAddress(CidrSubnet::V4(
                [10, 9, 0, 0],
                [255, 255, 0, 0],
            ))],
        },
    );
    let chain = [i.der.clone()];
    let (ok, _) = leaf(&["10.1.2.3"], &P256, &i);
    verify_server(&[&r], &ok, &chain, "10.1.2.3").unwrap();
    expect_err(
        leaf_via(&r, &i, &["192.168.1.1"], "192.168.1.1"),
        E::NameConstraintPermittedViolation,
    );
    expect_err(
        leaf_via(&r, &i, &["10.9.1.1"], "10.9.1.1"),
        E::NameConstraintExcludedViolation,
    );
}

#[test]
fn p05_name_constraints_on_trust_anchor() {
    let mut rp = ca_params("Constrained Root");
    rp.name_constraints = Some(NameConstraints {
        permitted_subtrees: vec![GeneralSubtree::DnsName("corp.example".into())],
        excluded_subtrees: vec![],
    });
    let r = root_with(rp, &P256);
    let i = inter("Inter", &P256, &r);
    let (ok, _) = leaf(&["host.corp.example"], &P256, &i);
    verify_server(
        &[&r],
        &ok,
        std::slice::from_ref(&i.der),
        "host.corp.example",
    )
    .unwrap();
    expect_err(
        leaf_via(&r, &i, &["bank.example"], "bank.example"),
        E::NameConstraintPermittedViolation,
    );
}

/// Rewrites every sha256WithRSAEncryption OID (in both signatureAlgorithm
/// fields) to sha1WithRSAEncryption.
fn as_sha1(der: &[u8]) -> Vec<u8> {
    let sha256 = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b,
    ];
    let mut out = der.to_vec();
    let mut n = 0;
    for i in 0..out.len().saturating_sub(sha256.len()) {
        if out[i..i + sha256.len()] == sha256 {
            out[i + sha256.len() - 1] = 0x05;
            n += 1;
        }
    }
    assert_eq!(n, 2);
    out
}

#[test]
fn p05_unsupported_signature_algorithm() {
    let r = root("Root", &RSA);
    let (l, _) = leaf(&["example.com"], &P256, &r);
    let l = ferrotls_core::CertificateDer::from_vec(as_sha1(l.as_bytes()));
    expect_err(
        verify_server(&[&r], &l, &[], "example.com"),
        E::UnsupportedSignatureAlgorithm,
    );
}

#[test]
fn p05_client_verifier_errors() {
    let r = root("Root", &P256);
    let other = root("Other", &P256);
    let (l, _) = leaf(&[], &P256, &other);
    let v = WebPkiClientVerifier::builder(Arc::new(store(&[&r])), provider()).build();
    assert_eq!(
        v.verify_client_cert(&l, &[], now()).unwrap_err(),
        as_core(E::UnknownIssuer)
    );
}
