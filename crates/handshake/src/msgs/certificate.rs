//! Certificate and CertificateRequest, whose layouts differ between TLS 1.2
//! (RFC 5246 sections 7.4.2 and 7.4.4) and TLS 1.3 (RFC 8446 sections 4.4.2
//! and 4.3.2).

use ferrotls_core::codec::{ListLength, encode_nested, encode_opaque, encode_vec};
use ferrotls_core::der::{CertificateDer, DistinguishedName};
use ferrotls_core::enums::{ExtensionType, SignatureScheme};

use super::base::{PResult, Payload, codec, list, opaque};
use super::ext_codec::{
    Extension, distinguished_names, encode_distinguished_names, encode_extensions, extensions,
    signature_schemes,
};
use super::other_ext::{CertReqExtension, CertificateExtension};
use super::types::ClientCertificateType;

/// `opaque ASN1Cert<1..2^24-1>`.
fn asn1_cert(i: &[u8]) -> PResult<'_, CertificateDer> {
    opaque(ListLength::U24, 1, 0xff_ffff, "ASN1Cert")(i)
        .map(|(r, c)| (r, CertificateDer::from_vec(c.to_vec())))
}

/// TLS 1.2 `Certificate`: a plain chain, leaf first.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CertificatePayload(pub Vec<CertificateDer>);

impl CertificatePayload {
    /// Appends the body.
    pub fn encode(&self, out: &mut Vec<u8>) {
        Self::encode_chain(out, &self.0);
    }

    /// Appends the body of a Certificate message for `chain`, straight from
    /// the caller's certificates (no copy of the chain first).
    pub fn encode_chain(out: &mut Vec<u8>, chain: &[CertificateDer]) {
        encode_nested(out, ListLength::U24, |o| {
            for c in chain {
                encode_opaque(o, ListLength::U24, c.as_bytes());
            }
        });
    }

    pub(crate) fn parse(i: &[u8]) -> PResult<'_, Self> {
        list(ListLength::U24, 0, 0xff_ffff, "certificate_list", asn1_cert)(i)
            .map(|(r, v)| (r, Self(v)))
    }
}

/// `CertificateEntry` of TLS 1.3.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateEntry {
    /// `cert_data`: an X.509 certificate (raw public keys are not supported).
    pub cert: CertificateDer,
    /// Per-certificate extensions (OCSP status, SCTs).
    pub extensions: Vec<CertificateExtension>,
}

impl CertificateEntry {
    /// An entry without extensions.
    pub fn new(cert: CertificateDer) -> Self {
        Self {
            cert,
            extensions: Vec::new(),
        }
    }

    fn parse(i: &[u8]) -> PResult<'_, Self> {
        let (i, cert) = asn1_cert(i)?;
        let (i, exts) = extensions(
            0,
            0xffff,
            "CertificateEntry extensions",
            CertificateExtension::decode,
        )(i)?;
        Ok((
            i,
            Self {
                cert,
                extensions: exts,
            },
        ))
    }
}

/// TLS 1.3 `Certificate`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CertificatePayloadTls13 {
    /// `certificate_request_context<0..2^8-1>`: empty from a server, the
    /// CertificateRequest's context from a client.
    pub context: Payload,
    /// `certificate_list<0..2^24-1>`, leaf first.
    pub entries: Vec<CertificateEntry>,
}

impl CertificatePayloadTls13 {
    /// A certificate message for `chain` with the given context.
    pub fn new(context: Vec<u8>, chain: Vec<CertificateDer>) -> Self {
        Self {
            context: Payload(context),
            entries: chain.into_iter().map(CertificateEntry::new).collect(),
        }
    }

    /// The certificates, leaf first.
    pub fn chain(&self) -> Vec<CertificateDer> {
        self.entries.iter().map(|e| e.cert.clone()).collect()
    }

    /// Appends the body of a Certificate message for `chain` with the
    /// given context and no per-certificate extensions, straight from the
    /// caller's certificates (what `new(..).encode(..)` gives, without
    /// copying the chain first).
    pub fn encode_chain(out: &mut Vec<u8>, context: &[u8], chain: &[CertificateDer]) {
        encode_opaque(out, ListLength::U8, context);
        encode_nested(out, ListLength::U24, |o| {
            for cert in chain {
                encode_opaque(o, ListLength::U24, cert.as_bytes());
                // An empty extensions list.
                o.extend_from_slice(&[0, 0]);
            }
        });
    }

    /// Appends the body.
    pub fn encode(&self, out: &mut Vec<u8>) {
        encode_opaque(out, ListLength::U8, &self.context.0);
        encode_nested(out, ListLength::U24, |o| {
            for e in &self.entries {
                encode_opaque(o, ListLength::U24, e.cert.as_bytes());
                encode_extensions(o, &e.extensions);
            }
        });
    }

    pub(crate) fn parse(i: &[u8]) -> PResult<'_, Self> {
        let (i, context) = opaque(ListLength::U8, 0, 255, "certificate_request_context")(i)?;
        let (i, entries) = list(
            ListLength::U24,
            0,
            0xff_ffff,
            "certificate_list",
            CertificateEntry::parse,
        )(i)?;
        Ok((
            i,
            Self {
                context: Payload::new(context),
                entries,
            },
        ))
    }
}

/// TLS 1.2 `CertificateRequest`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRequestPayload {
    /// `certificate_types<1..2^8-1>`.
    pub certificate_types: Vec<ClientCertificateType>,
    /// `supported_signature_algorithms<2..2^16-2>`.
    pub sigschemes: Vec<SignatureScheme>,
    /// `certificate_authorities<0..2^16-1>`.
    pub canames: Vec<DistinguishedName>,
}

impl CertificateRequestPayload {
    /// Appends the body.
    pub fn encode(&self, out: &mut Vec<u8>) {
        encode_vec(out, ListLength::U8, &self.certificate_types);
        encode_vec(out, ListLength::U16, &self.sigschemes);
        encode_distinguished_names(out, &self.canames);
    }

    pub(crate) fn parse(i: &[u8]) -> PResult<'_, Self> {
        let (i, certificate_types) = list(
            ListLength::U8,
            1,
            255,
            "certificate_types",
            codec::<ClientCertificateType>,
        )(i)?;
        let (i, sigschemes) = signature_schemes(i)?;
        let (i, canames) = distinguished_names(0)(i)?;
        Ok((
            i,
            Self {
                certificate_types,
                sigschemes,
                canames,
            },
        ))
    }
}

/// TLS 1.3 `CertificateRequest`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRequestPayloadTls13 {
    /// `certificate_request_context<0..2^8-1>`.
    pub context: Payload,
    /// `extensions<2..2^16-1>`; signature_algorithms is required.
    pub extensions: Vec<CertReqExtension>,
}

impl CertificateRequestPayloadTls13 {
    /// Appends the body.
    pub fn encode(&self, out: &mut Vec<u8>) {
        encode_opaque(out, ListLength::U8, &self.context.0);
        encode_extensions(out, &self.extensions);
    }

    /// signature_algorithms being mandatory (RFC 8446 section 4.3.2), its
    /// absence is missing_extension, reported by the state machine; the
    /// decoder only checks the syntax.
    pub(crate) fn parse(i: &[u8]) -> PResult<'_, Self> {
        let (i, context) = opaque(ListLength::U8, 0, 255, "certificate_request_context")(i)?;
        let (i, exts) = extensions(
            2,
            0xffff,
            "CertificateRequest extensions",
            CertReqExtension::decode,
        )(i)?;
        Ok((
            i,
            Self {
                context: Payload::new(context),
                extensions: exts,
            },
        ))
    }

    /// The first extension of type `typ`.
    pub fn find_extension(&self, typ: ExtensionType) -> Option<&CertReqExtension> {
        self.extensions.iter().find(|e| e.ext_type() == typ)
    }

    /// signature_algorithms.
    pub fn sigschemes(&self) -> Option<&[SignatureScheme]> {
        self.extensions.iter().find_map(|e| match e {
            CertReqExtension::SignatureAlgorithms(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// signature_algorithms_cert.
    pub fn sigschemes_cert(&self) -> Option<&[SignatureScheme]> {
        self.extensions.iter().find_map(|e| match e {
            CertReqExtension::SignatureAlgorithmsCert(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// certificate_authorities.
    pub fn authorities(&self) -> Option<&[DistinguishedName]> {
        self.extensions.iter().find_map(|e| match e {
            CertReqExtension::CertificateAuthorities(v) => Some(v.as_slice()),
            _ => None,
        })
    }
}
