//! The TLS 1.2 transcript: a running hash for Finished and the extended
//! master secret, plus — only while a CertificateVerify may still be made
//! or checked — the messages themselves, because a TLS 1.2
//! CertificateVerify signs `handshake_messages` with the signature
//! scheme's own hash, which need not be the PRF hash (RFC 5246 7.4.8).

use ferrotls_core::crypto::{Digest, Hash};

use crate::transcript::{HandshakeHash, HandshakeHashBuffer};

pub(crate) struct Transcript {
    hash: HandshakeHash,
    raw: Option<Vec<u8>>,
}

impl Transcript {
    /// Starts from the buffered ClientHello once the suite is known.
    pub fn new(buffer: HandshakeHashBuffer, hash: &'static dyn Hash, keep_raw: bool) -> Self {
        let raw = keep_raw.then(|| buffer.buffered().to_vec());
        Self {
            hash: buffer.start_hash(hash),
            raw,
        }
    }

    pub fn add(&mut self, message: &[u8]) {
        self.hash.add(message);
        if let Some(raw) = &mut self.raw {
            raw.extend_from_slice(message);
        }
    }

    pub fn current_hash(&self) -> Digest {
        self.hash.current_hash()
    }

    /// The messages so far, if they are being kept.
    pub fn raw(&self) -> Option<&[u8]> {
        self.raw.as_deref()
    }

    /// No CertificateVerify is to come: stop keeping the messages.
    pub fn drop_raw(&mut self) {
        self.raw = None;
    }
}
