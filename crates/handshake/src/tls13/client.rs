//! The TLS 1.3 client (RFC 8446 section 2, figure 1 and 2):
//!
//! ```text
//! ClientHello            -->  ExpectServerHello (HelloRetryRequest: once, back to it)
//!                             ExpectEncryptedExtensions
//!                             ExpectCertificateOrCertReq
//!                             ExpectCertificate (after CertificateRequest)
//!                             ExpectCertificateVerify
//!                             ExpectFinished
//! [Certificate, CertificateVerify,] Finished  -->  Traffic
//! ```
//!
//! Each state is a struct consumed by value: whatever it owned (key
//! exchange, secrets) is dropped, and so zeroized, as soon as it is used.
//! The states from ExpectCertificateOrCertReq on, and the client's second
//! flight, are in `client_flight.rs`.

use std::sync::Arc;

use ferrotls_core::crypto::{Secret, SupportedCipherSuite, Tls13CipherSuite};
use ferrotls_core::{
    ContentType, Error, HandshakeType, NamedGroup, PeerIncompatible, PeerMisbehaved,
    ProtocolVersion, ServerName, UnixTime,
};

use super::client_flight::{ExpectCertificate, ExpectCertificateVerify, ExpectFinished};
use super::client_hello::{self, Offer};
use super::common;
use super::psk::{self, OfferedPsk};
use super::traffic::Traffic;
use super::{decode, send_fake_ccs};
use crate::action::{Action, RecordKeys, Tls12Resumption, Tls13SessionTicket};
use crate::config::ClientConfig;
use crate::handshake::Message;
use crate::key_schedule::KeyScheduleHandshake;
use crate::msgs::{EncryptedExtensions, ServerExtension, ServerHelloPayload};
use crate::record_limit::RecordSizeLimits;
use crate::transcript::{HandshakeHash, HandshakeHashBuffer};

/// The client's states.
pub(crate) enum ClientState {
    ExpectServerHello(Box<ExpectServerHello>),
    ExpectEncryptedExtensions(Box<ExpectEncryptedExtensions>),
    ExpectCertificateOrCertReq(Box<ExpectCertificate>),
    ExpectCertificate(Box<ExpectCertificate>),
    ExpectCertificateVerify(Box<ExpectCertificateVerify>),
    ExpectFinished(Box<ExpectFinished>),
    Traffic(Box<Traffic>),
    /// The server chose TLS 1.2; `Handshake` moves this out at once.
    Tls12(Box<crate::tls12::Tls12>),
}

impl ClientState {
    pub fn handle(
        self,
        msg: &Message<'_>,
        now: UnixTime,
        out: &mut Vec<Action>,
    ) -> Result<Self, Error> {
        match self {
            Self::ExpectServerHello(s) => s.handle(msg, out),
            Self::ExpectEncryptedExtensions(s) => s.handle(msg, out),
            Self::ExpectCertificateOrCertReq(s) => s.handle(msg, now, true),
            Self::ExpectCertificate(s) => s.handle(msg, now, false),
            Self::ExpectCertificateVerify(s) => s.handle(msg),
            Self::ExpectFinished(s) => s.handle(msg, out),
            Self::Traffic(mut t) => {
                t.handle(msg, now, out)?;
                Ok(Self::Traffic(t))
            }
            Self::Tls12(t) => t.handle(msg, now, out).map(|t| Self::Tls12(Box::new(t))),
        }
    }

    /// A stray ChangeCipherSpec is dropped from the first ClientHello until
    /// the server's Finished (RFC 8446 section 5).
    pub fn accepts_change_cipher_spec(&self) -> bool {
        !matches!(self, Self::Traffic(_) | Self::Tls12(_))
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::ExpectServerHello(_) => "ExpectServerHello",
            Self::ExpectEncryptedExtensions(_) => "ExpectEncryptedExtensions",
            Self::ExpectCertificateOrCertReq(_) => "ExpectCertificateOrCertReq",
            Self::ExpectCertificate(_) => "ExpectCertificate",
            Self::ExpectCertificateVerify(_) => "ExpectCertificateVerify",
            Self::ExpectFinished(_) => "ExpectFinished",
            Self::Traffic(_) => "Traffic",
            Self::Tls12(t) => t.name(),
        }
    }
}

/// Sends the first ClientHello.
pub(crate) fn start(
    config: Arc<ClientConfig>,
    server_name: ServerName,
    out: &mut Vec<Action>,
) -> Result<ClientState, Error> {
    start_with(config, server_name, None, None, out)
}

/// Sends the first ClientHello offering the TLS 1.2 session `resume` (its
/// session id and/or RFC 5077 ticket) when it was made with this server
/// name and its suite is offered; TLS 1.3 is offered as configured, and a
/// server choosing it does a full TLS 1.3 handshake.
pub(crate) fn start_resuming_tls12(
    config: Arc<ClientConfig>,
    server_name: ServerName,
    resume: Tls12Resumption,
    out: &mut Vec<Action>,
) -> Result<ClientState, Error> {
    start_with(config, server_name, None, Some(resume), out)
}

/// Sends the first ClientHello offering `ticket` (psk_dhe_ke) when it is
/// still valid at `now`, for this server name and a suite we offer;
/// otherwise the handshake is a full one.
pub(crate) fn start_resuming(
    config: Arc<ClientConfig>,
    server_name: ServerName,
    ticket: &Tls13SessionTicket,
    now: UnixTime,
    out: &mut Vec<Action>,
) -> Result<ClientState, Error> {
    let resume = match (
        psk::obfuscated_age(ticket, now),
        config.provider.suite(ticket.suite.suite),
    ) {
        (Some(age), Some(SupportedCipherSuite::Tls13(suite))) => Some((
            OfferedPsk {
                suite,
                psk: ticket.psk.clone(),
                ticket: ticket.clone(),
            },
            age,
        )),
        _ => None,
    };
    start_with(config, server_name, resume, None, out)
}

fn start_with(
    config: Arc<ClientConfig>,
    server_name: ServerName,
    resume: Option<(OfferedPsk, u32)>,
    tls12: Option<Tls12Resumption>,
    out: &mut Vec<Action>,
) -> Result<ClientState, Error> {
    config.check()?;
    let (offer, encoded) = client_hello::first_hello(&config, &server_name, resume, tls12)?;
    let mut transcript = HandshakeHashBuffer::new();
    transcript.add(&encoded);
    out.push(Action::Send {
        content_type: ContentType::Handshake,
        payload: encoded,
    });
    Ok(ClientState::ExpectServerHello(Box::new(
        ExpectServerHello {
            shared: Shared {
                config,
                server_name,
                sent_ccs: false,
                hello_retry_request: false,
            },
            offer,
            transcript: Transcript::Buffer(transcript),
            retry: None,
        },
    )))
}

/// What every state carries.
pub(super) struct Shared {
    pub(super) config: Arc<ClientConfig>,
    pub(super) server_name: ServerName,
    sent_ccs: bool,
    pub(super) hello_retry_request: bool,
}

impl Shared {
    /// The fake ChangeCipherSpec goes once, before our second flight.
    fn maybe_send_ccs(&mut self, out: &mut Vec<Action>) {
        if self.config.compatibility_mode && !self.sent_ccs {
            send_fake_ccs(out);
            self.sent_ccs = true;
        }
    }
}

enum Transcript {
    Buffer(HandshakeHashBuffer),
    Hash(HandshakeHash),
}

/// What a HelloRetryRequest fixed for the ServerHello that follows.
struct Retry {
    suite: &'static Tls13CipherSuite,
    group: Option<NamedGroup>,
}

pub(crate) struct ExpectServerHello {
    shared: Shared,
    offer: Offer,
    transcript: Transcript,
    retry: Option<Retry>,
}

impl ExpectServerHello {
    fn handle(mut self, msg: &Message<'_>, out: &mut Vec<Action>) -> Result<ClientState, Error> {
        msg.require(HandshakeType::ServerHello)?;
        let sh = decode(msg.body, "ServerHello", ServerHelloPayload::parse)?;
        let (tls13, tls12) = (self.offer.offered_tls13, self.offer.offered_tls12);
        if crate::tls12::client::is_tls12_server_hello(&sh, tls13, tls12)? && self.retry.is_none() {
            let Transcript::Buffer(buffer) = self.transcript else {
                return Err(Error::General("TLS 1.2 after a hashed transcript".into()));
            };
            let Shared {
                config,
                server_name,
                ..
            } = self.shared;
            return crate::tls12::client::start(config, server_name, self.offer, buffer, &sh, msg)
                .map(|t| ClientState::Tls12(Box::new(crate::tls12::Tls12::Client(t))));
        }
        self.check_version(&sh)?;
        if sh.legacy_version != ProtocolVersion::TLSv1_2 {
            return Err(illegal("ServerHello.legacy_version is not 0x0303"));
        }
        if sh.session_id != self.offer.hello.session_id {
            return Err(illegal("legacy_session_id_echo differs from ours"));
        }
        let Some(suite) = self.offer.suite(&self.shared.config, sh.cipher_suite) else {
            return Err(illegal("server chose a cipher suite we did not offer"));
        };
        if sh.is_hello_retry_request() {
            return self.handle_hello_retry_request(&sh, suite, msg, out);
        }
        for ext in &sh.extensions {
            match ext {
                ServerExtension::SupportedVersions(_) | ServerExtension::KeyShare(_) => {}
                ServerExtension::PreSharedKey(_) if self.offer.psk.is_some() => {}
                other => return Err(unsolicited(other)),
            }
        }
        if let Some(retry) = &self.retry {
            if retry.suite.suite != suite.suite {
                return Err(illegal("ServerHello suite differs from HelloRetryRequest"));
            }
        }
        let Some(share) = sh.key_share() else {
            return Err(PeerMisbehaved::MissingExtension("key_share").into());
        };
        if let Some(Retry {
            group: Some(group), ..
        }) = &self.retry
        {
            if share.group != *group {
                return Err(illegal("key_share group differs from HelloRetryRequest"));
            }
        }
        let Some(at) = self
            .offer
            .key_shares
            .iter()
            .position(|kx| kx.group() == share.group)
        else {
            return Err(illegal("key_share for a group we sent no share for"));
        };
        let kx = self.offer.key_shares.swap_remove(at);
        let group = kx.group();
        let shared_secret = kx.complete(share.payload.bytes())?;
        // The other shares are dropped here, unused.
        self.offer.key_shares.clear();

        let mut transcript = match self.transcript {
            Transcript::Buffer(b) => b.start_hash(suite.hash),
            Transcript::Hash(h) => h,
        };
        transcript.add(msg.encoded);
        // RFC 8446 4.2.11: the one identity we sent, with a suite of its hash.
        let resumed = match sh.psk_index() {
            None => None,
            Some(0) => match self.offer.psk.take() {
                Some(p) if p.suite.hash.output_len() == suite.hash.output_len() => Some(p),
                _ => return Err(illegal("server selected a PSK we cannot use")),
            },
            Some(_) => return Err(illegal("selected_identity out of range")),
        };
        let client_random = self.offer.hello.random.0;
        let common::HandshakeSecrets {
            key_schedule,
            client: client_hs,
            server: server_hs,
        } = common::handshake_secrets(
            suite,
            resumed.as_ref().map(|p| p.psk.as_bytes()),
            shared_secret.as_bytes(),
            &transcript.current_hash(),
            self.shared.config.key_log.as_deref(),
            &client_random,
        )?;
        out.push(Action::SetReadKeys(RecordKeys::Tls13 {
            suite,
            traffic_secret: server_hs.clone(),
        }));
        // Our write side moves to the handshake keys now, not with the
        // second flight: an alert for a failure in the server's flight
        // (a bad certificate, say) must be protected too (RFC 8446 5.1
        // and 6). The compatibility CCS still goes first, in plaintext.
        self.shared.maybe_send_ccs(out);
        out.push(Action::SetWriteKeys(RecordKeys::Tls13 {
            suite,
            traffic_secret: client_hs.clone(),
        }));
        Ok(ClientState::ExpectEncryptedExtensions(Box::new(
            ExpectEncryptedExtensions {
                hs: Handshaking {
                    shared: self.shared,
                    sni: self.offer.sni,
                    suite,
                    group,
                    transcript,
                    key_schedule,
                    client_hs,
                    server_hs,
                    alpn: None,
                    record_size_limit: None,
                    client_random,
                    resumed: resumed.map(|p| p.ticket),
                },
            },
        )))
    }

    /// Version selection (RFC 8446 4.1.3, 4.2.1), including the downgrade
    /// sentinel, once a TLS 1.2 answer was handed to `tls12` (which is
    /// only possible before a HelloRetryRequest).
    fn check_version(&self, sh: &ServerHelloPayload) -> Result<(), Error> {
        match sh.supported_versions() {
            Some(ProtocolVersion::TLSv1_3) if self.offer.offered_tls13 => Ok(()),
            Some(_) => Err(illegal(
                "supported_versions selected a version we did not offer",
            )),
            None => {
                if sh.has_downgrade_sentinel() {
                    Err(PeerMisbehaved::DowngradeDetected.into())
                } else if sh.legacy_version == ProtocolVersion::TLSv1_2 && self.offer.offered_tls12
                {
                    Err(illegal("TLS 1.2 ServerHello after a HelloRetryRequest"))
                } else {
                    Err(PeerIncompatible::NoCommonVersion.into())
                }
            }
        }
    }

    fn handle_hello_retry_request(
        mut self,
        hrr: &ServerHelloPayload,
        suite: &'static Tls13CipherSuite,
        msg: &Message<'_>,
        out: &mut Vec<Action>,
    ) -> Result<ClientState, Error> {
        if self.retry.is_some() {
            return Err(PeerMisbehaved::TooManyHelloRetryRequests.into());
        }
        for ext in &hrr.extensions {
            match ext {
                ServerExtension::SupportedVersions(_)
                | ServerExtension::HelloRetryKeyShare(_)
                | ServerExtension::Cookie(_) => {}
                other => return Err(unsolicited(other)),
            }
        }
        let group = hrr.requested_group();
        let cookie = hrr.cookie();
        if group.is_none() && cookie.is_none() {
            return Err(illegal("HelloRetryRequest would change nothing"));
        }
        if let Some(group) = group {
            if !self.offer.groups.contains(&group) {
                return Err(illegal(
                    "HelloRetryRequest selected a group we did not offer",
                ));
            }
            if self.offer.key_shares.iter().any(|kx| kx.group() == group) {
                return Err(illegal(
                    "HelloRetryRequest selected a group we already sent a share for",
                ));
            }
        }
        let mut transcript = match self.transcript {
            Transcript::Buffer(b) => b.start_hash(suite.hash),
            Transcript::Hash(h) => h,
        };
        transcript.rollup_for_hrr();
        transcript.add(msg.encoded);

        let encoded = client_hello::retry_hello(
            &self.shared.config,
            &mut self.offer,
            group,
            cookie,
            &transcript,
        )?;
        transcript.add(&encoded);
        self.shared.maybe_send_ccs(out);
        out.push(Action::Send {
            content_type: ContentType::Handshake,
            payload: encoded,
        });
        self.shared.hello_retry_request = true;
        Ok(ClientState::ExpectServerHello(Box::new(
            ExpectServerHello {
                shared: self.shared,
                offer: self.offer,
                transcript: Transcript::Hash(transcript),
                retry: Some(Retry { suite, group }),
            },
        )))
    }
}

/// The handshake once the keys are agreed.
pub(super) struct Handshaking {
    pub(super) shared: Shared,
    pub(super) sni: Option<String>,
    pub(super) suite: &'static Tls13CipherSuite,
    pub(super) group: NamedGroup,
    pub(super) transcript: HandshakeHash,
    pub(super) key_schedule: KeyScheduleHandshake,
    pub(super) client_hs: Secret,
    pub(super) server_hs: Secret,
    pub(super) alpn: Option<Vec<u8>>,
    pub(super) record_size_limit: Option<u16>,
    /// For the key log.
    pub(super) client_random: [u8; 32],
    /// The ticket the server accepted: no Certificate follows, and its
    /// chain stands for the server's.
    pub(super) resumed: Option<Tls13SessionTicket>,
}

pub(crate) struct ExpectEncryptedExtensions {
    hs: Handshaking,
}

impl ExpectEncryptedExtensions {
    fn handle(mut self, msg: &Message<'_>, out: &mut Vec<Action>) -> Result<ClientState, Error> {
        msg.require(HandshakeType::EncryptedExtensions)?;
        let ee = decode(msg.body, "EncryptedExtensions", EncryptedExtensions::parse)?;
        let config = &self.hs.shared.config;
        for ext in &ee.0 {
            match ext {
                ServerExtension::ServerNameAck if self.hs.sni.is_some() => {}
                ServerExtension::SupportedGroups(_) => {}
                ServerExtension::RecordSizeLimit(limit) if config.record_size_limit.is_some() => {
                    self.hs.record_size_limit = Some(*limit);
                }
                ServerExtension::Alpn(p) if !config.alpn_protocols.is_empty() => {
                    if !config.alpn_protocols.iter().any(|o| o == p.as_bytes()) {
                        return Err(illegal("server chose an ALPN protocol we did not offer"));
                    }
                    self.hs.alpn = Some(p.as_bytes().to_vec());
                }
                other => return Err(unsolicited(other)),
            }
        }
        self.hs.transcript.add(msg.encoded);
        // RFC 8449 section 4: the rest of the server's flight obeys our
        // limit, and our second flight must obey the server's.
        let limits = RecordSizeLimits::agreed(config.record_size_limit, self.hs.record_size_limit);
        if let Some(l) = limits {
            out.push(l.tls13_action());
        }
        if let Some(ticket) = &self.hs.resumed {
            let chain = ticket.peer_certificates.clone();
            return Ok(ClientState::ExpectFinished(Box::new(ExpectFinished {
                hs: self.hs,
                cert_request: None,
                chain,
                scheme: None,
            })));
        }
        Ok(ClientState::ExpectCertificateOrCertReq(Box::new(
            ExpectCertificate {
                hs: self.hs,
                cert_request: None,
            },
        )))
    }
}

pub(super) fn illegal(why: &'static str) -> Error {
    PeerMisbehaved::IllegalParameter(why).into()
}

fn unsolicited(ext: &ServerExtension) -> Error {
    use crate::msgs::Extension;
    PeerMisbehaved::UnsolicitedExtension(ext.ext_type()).into()
}
