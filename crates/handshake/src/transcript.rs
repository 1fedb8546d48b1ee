//! The handshake transcript (RFC 8446 section 4.4.1).
//!
//! Neither side knows the transcript hash function when the first
//! ClientHello is made or read: it comes with the cipher suite. So the
//! transcript starts as a [`HandshakeHashBuffer`] that keeps the raw
//! messages, and becomes a running [`HandshakeHash`] once the suite is
//! fixed. The running hash can be read at any point without being consumed
//! (each secret and Finished takes the hash of a different prefix).

use core::fmt;

use ferrotls_core::HandshakeType;
use ferrotls_core::crypto::{Digest, Hash, HashContext};

/// The messages seen before the hash function is known.
#[derive(Default)]
pub struct HandshakeHashBuffer {
    buffer: Vec<u8>,
}

impl HandshakeHashBuffer {
    /// An empty transcript.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one encoded handshake message (header included).
    pub fn add(&mut self, message: &[u8]) {
        self.buffer.extend_from_slice(message);
    }

    /// The messages buffered so far (TLS 1.2 client authentication signs
    /// the messages themselves, not their hash).
    pub fn buffered(&self) -> &[u8] {
        &self.buffer
    }

    /// The suite is known: hash what was buffered and keep hashing.
    pub fn start_hash(self, hash: &'static dyn Hash) -> HandshakeHash {
        let mut ctx = hash.start();
        ctx.update(&self.buffer);
        HandshakeHash { hash, ctx }
    }
}

impl fmt::Debug for HandshakeHashBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HandshakeHashBuffer({} bytes)", self.buffer.len())
    }
}

/// A running transcript hash.
pub struct HandshakeHash {
    hash: &'static dyn Hash,
    ctx: Box<dyn HashContext>,
}

impl HandshakeHash {
    /// Adds one encoded handshake message (header included).
    pub fn add(&mut self, message: &[u8]) {
        self.ctx.update(message);
    }

    /// `Transcript-Hash` of everything added so far.
    pub fn current_hash(&self) -> Digest {
        self.ctx.fork_finish()
    }

    /// The transcript hash as it would be with `extra` appended, without
    /// appending it (CertificateVerify and Finished are computed over the
    /// transcript before the message that carries them).
    pub fn hash_given(&self, extra: &[u8]) -> Digest {
        let mut ctx = self.ctx.fork();
        ctx.update(extra);
        ctx.finish()
    }

    /// The hash function.
    pub fn algorithm(&self) -> &'static dyn Hash {
        self.hash
    }

    /// The HelloRetryRequest rule of section 4.4.1: the first ClientHello
    /// is replaced by the synthetic message
    /// `message_hash(254) || 00 00 Hash.length || Hash(ClientHello1)`.
    /// Call it when everything hashed so far is exactly ClientHello1, before
    /// the HelloRetryRequest itself is added.
    pub fn rollup_for_hrr(&mut self) {
        let ch1_hash = self.current_hash();
        let ch1_hash = ch1_hash.as_ref();
        let mut ctx = self.hash.start();
        // The hash length is at most 64, so it fits the u24 length field.
        let header = [HandshakeType::MessageHash.get(), 0, 0, ch1_hash.len() as u8];
        ctx.update(&header);
        ctx.update(ch1_hash);
        self.ctx = ctx;
    }
}

impl Clone for HandshakeHash {
    fn clone(&self) -> Self {
        Self {
            hash: self.hash,
            ctx: self.ctx.fork(),
        }
    }
}

impl fmt::Debug for HandshakeHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HandshakeHash({:?})", self.hash.algorithm())
    }
}
