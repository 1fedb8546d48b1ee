//! An established TLS 1.2 connection: what both roles keep after a
//! handshake (the master secret for the exporter, both Finished values for
//! the next renegotiation, the negotiated parameters) and the rate limit
//! on renegotiations the peer asks for.

use ferrotls_core::{CertificateDer, Error, UnixTime};

use super::keys::{MasterSecret, VERIFY_DATA_LEN};
use crate::action::HandshakeSummary;
use crate::config::RenegotiationPolicy;

pub(crate) struct Traffic {
    pub master: MasterSecret,
    pub client_random: [u8; 32],
    pub server_random: [u8; 32],
    pub client_verify_data: [u8; VERIFY_DATA_LEN],
    pub server_verify_data: [u8; VERIFY_DATA_LEN],
    /// Whether the master secret is an extended one (RFC 7627 section 5.3:
    /// a renegotiation of such a connection must use EMS again).
    pub ems: bool,
    pub summary: std::sync::Arc<HandshakeSummary>,
    pub limiter: Limiter,
    /// Server: a HelloRequest was sent and no ClientHello answered it yet;
    /// that ClientHello is ours to accept, whatever the peer limit says.
    pub hello_request_sent: bool,
}

impl Traffic {
    /// `renegotiation_info` as a server sends it in a renegotiation
    /// ServerHello: client then server verify_data (RFC 5746 3.7).
    pub fn both_verify_data(&self) -> Vec<u8> {
        let mut v = self.client_verify_data.to_vec();
        v.extend_from_slice(&self.server_verify_data);
        v
    }

    /// RFC 5705 exporter over this connection's master secret.
    pub fn export_keying_material(
        &self,
        label: &[u8],
        context: Option<&[u8]>,
        out: &mut [u8],
    ) -> Result<(), Error> {
        self.master.export(
            &self.client_random,
            &self.server_random,
            label,
            context,
            out,
        )
    }

    /// Refuses a new peer leaf on renegotiation unless the policy allows a
    /// change: a renegotiation that switched identities would let data
    /// sent before and after it be attributed to one peer.
    pub fn check_same_peer(
        &self,
        policy: &RenegotiationPolicy,
        new_leaf: Option<&CertificateDer>,
    ) -> Result<(), Error> {
        if policy.allow_cert_change {
            return Ok(());
        }
        match (self.summary.peer_certificates.first(), new_leaf) {
            (None, _) => Ok(()),
            (Some(old), Some(new)) if old == new => Ok(()),
            _ => Err(super::illegal("peer certificate changed on renegotiation")),
        }
    }
}

/// Counts renegotiations requested by the peer in a fixed window.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Limiter {
    window_start: u64,
    count: u32,
}

impl Limiter {
    /// True if one more peer-requested renegotiation is allowed now (and
    /// counts it).
    pub fn allow(&mut self, policy: &RenegotiationPolicy, now: UnixTime) -> bool {
        if !policy.accept_peer_requests {
            return false;
        }
        let t = now.as_secs();
        let expired = t < self.window_start
            || t.saturating_sub(self.window_start) >= policy.window_secs.max(1);
        if expired {
            self.window_start = t;
            self.count = 0;
        }
        if self.count >= policy.max_per_window {
            return false;
        }
        self.count += 1;
        true
    }
}
