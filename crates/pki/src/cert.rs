//! One certificate, parsed once into exactly the facts path validation
//! needs. Parsing rejects anything we cannot interpret safely: trailing
//! bytes, malformed known extensions, duplicate extensions, malformed SANs.

use ferrotls_core::CertificateError;
use ferrotls_core::crypto::VerifyAlgorithm;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;

use crate::constraints::NameConstraints;
use crate::sigalg::signature_algorithm;

/// What a certificate is being used for, as extendedKeyUsage names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPurpose {
    /// id-kp-serverAuth: a TLS server.
    ServerAuth,
    /// id-kp-clientAuth: a TLS client.
    ClientAuth,
}

/// extendedKeyUsage reduced to what TLS asks of it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Eku {
    any: bool,
    server: bool,
    client: bool,
}

impl Eku {
    pub(crate) fn allows(self, purpose: KeyPurpose) -> bool {
        self.any
            || match purpose {
                KeyPurpose::ServerAuth => self.server,
                KeyPurpose::ClientAuth => self.client,
            }
    }
}

/// SAN name forms that name constraints of an unimplemented type could
/// restrict; we remember whether they occur so such constraints can fail
/// loudly instead of being ignored.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OtherNameForms {
    pub(crate) email: bool,
    pub(crate) uri: bool,
    pub(crate) other: bool,
}

/// A parsed certificate borrowing from its DER.
pub(crate) struct Cert<'a> {
    pub(crate) der: &'a [u8],
    pub(crate) x509: X509Certificate<'a>,
    pub(crate) basic_constraints: Option<(bool, Option<u32>)>,
    pub(crate) key_usage: Option<u16>,
    pub(crate) eku: Option<Eku>,
    pub(crate) dns_sans: Vec<&'a str>,
    pub(crate) ip_sans: Vec<&'a [u8]>,
    pub(crate) other_sans: OtherNameForms,
    pub(crate) name_constraints: Option<NameConstraints>,
    pub(crate) unhandled_critical: bool,
}

/// keyUsage bit positions as x509-parser numbers them (bit 0 = first
/// named bit in RFC 5280 section 4.2.1.3).
pub(crate) const KU_DIGITAL_SIGNATURE: u16 = 1 << 0;
pub(crate) const KU_KEY_CERT_SIGN: u16 = 1 << 5;

impl<'a> Cert<'a> {
    /// Parses `der`, which must be exactly one certificate.
    pub(crate) fn parse(der: &'a [u8]) -> Result<Self, CertificateError> {
        let (rest, x509) =
            X509Certificate::from_der(der).map_err(|_| CertificateError::BadEncoding)?;
        let tbs = crate::der::certificate_outer(der).ok_or(CertificateError::BadEncoding)?;
        if !rest.is_empty() || tbs != x509.tbs_certificate.as_ref() {
            return Err(CertificateError::BadEncoding);
        }
        // The signed and unsigned copies of the algorithm must agree
        // (RFC 5280 section 4.1.1.2), else the signature covers a
        // different claim than the one we would act on.
        if x509.signature_algorithm != x509.tbs_certificate.signature {
            return Err(CertificateError::BadEncoding);
        }
        let mut c = Cert {
            der,
            x509,
            basic_constraints: None,
            key_usage: None,
            eku: None,
            dns_sans: Vec::new(),
            ip_sans: Vec::new(),
            other_sans: OtherNameForms::default(),
            name_constraints: None,
            unhandled_critical: false,
        };
        c.read_extensions()?;
        Ok(c)
    }

    fn read_extensions(&mut self) -> Result<(), CertificateError> {
        let exts = self.x509.tbs_certificate.extensions();
        for (i, ext) in exts.iter().enumerate() {
            if exts[..i].iter().any(|e| e.oid == ext.oid) {
                return Err(CertificateError::BadEncoding);
            }
            match ext.parsed_extension() {
                ParsedExtension::BasicConstraints(bc) => {
                    self.basic_constraints = Some((bc.ca, bc.path_len_constraint));
                }
                ParsedExtension::KeyUsage(ku) => self.key_usage = Some(ku.flags),
                ParsedExtension::ExtendedKeyUsage(eku) => {
                    self.eku = Some(Eku {
                        any: eku.any,
                        server: eku.server_auth,
                        client: eku.client_auth,
                    });
                }
                ParsedExtension::SubjectAlternativeName(san) => {
                    for name in &san.general_names {
                        match name {
                            GeneralName::DNSName(d) => self.dns_sans.push(d),
                            GeneralName::IPAddress(ip) => {
                                if ip.len() != 4 && ip.len() != 16 {
                                    return Err(CertificateError::BadEncoding);
                                }
                                self.ip_sans.push(ip);
                            }
                            GeneralName::RFC822Name(_) => self.other_sans.email = true,
                            GeneralName::URI(_) => self.other_sans.uri = true,
                            GeneralName::Invalid(..) => return Err(CertificateError::BadEncoding),
                            _ => self.other_sans.other = true,
                        }
                    }
                }
                ParsedExtension::NameConstraints(nc) => {
                    self.name_constraints = Some(NameConstraints::from_x509(nc)?);
                }
                ParsedExtension::ParseError { .. } => return Err(CertificateError::BadEncoding),
                // Understood and deliberately without effect on the path:
                // identifiers only help chain building, and no policy is
                // required (OpenSSL's default).
                ParsedExtension::SubjectKeyIdentifier(_)
                | ParsedExtension::AuthorityKeyIdentifier(_)
                | ParsedExtension::CertificatePolicies(_) => {}
                _ => {
                    if ext.critical {
                        self.unhandled_critical = true;
                    }
                }
            }
        }
        Ok(())
    }

    /// DER subject Name, tag and length included.
    pub(crate) fn subject(&self) -> &'a [u8] {
        self.x509.tbs_certificate.subject.as_raw()
    }

    /// DER issuer Name, tag and length included.
    pub(crate) fn issuer(&self) -> &'a [u8] {
        self.x509.tbs_certificate.issuer.as_raw()
    }

    /// DER SubjectPublicKeyInfo.
    pub(crate) fn spki(&self) -> &'a [u8] {
        self.x509.tbs_certificate.subject_pki.raw
    }

    /// The signed bytes.
    pub(crate) fn tbs(&self) -> &[u8] {
        self.x509.tbs_certificate.as_ref()
    }

    /// Subject and issuer are the same name (RFC 5280 "self-issued").
    pub(crate) fn is_self_issued(&self) -> bool {
        self.subject() == self.issuer()
    }

    /// basicConstraints says CA. A v1 certificate has no extensions at all
    /// and is accepted as a CA only as a trust anchor (see `store`).
    pub(crate) fn is_ca(&self) -> bool {
        matches!(self.basic_constraints, Some((true, _)))
    }

    /// The signature algorithm and the signature bits.
    pub(crate) fn signature(&self) -> Result<(VerifyAlgorithm, &[u8]), CertificateError> {
        let alg = signature_algorithm(&self.x509.signature_algorithm)?;
        let sig = &self.x509.signature_value;
        if sig.unused_bits != 0 {
            return Err(CertificateError::BadEncoding);
        }
        Ok((alg, sig.data.as_ref()))
    }

    /// notBefore <= now <= notAfter, in seconds since the epoch.
    pub(crate) fn check_validity(&self, now: u64) -> Result<(), CertificateError> {
        let v = &self.x509.tbs_certificate.validity;
        let now = i128::from(now);
        if now < i128::from(v.not_before.timestamp()) {
            return Err(CertificateError::NotValidYet);
        }
        if now > i128::from(v.not_after.timestamp()) {
            return Err(CertificateError::Expired);
        }
        Ok(())
    }
}
