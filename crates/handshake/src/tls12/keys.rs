//! The TLS 1.2 key derivation (RFC 5246 sections 6.3, 7.4.9 and 8.1,
//! RFC 7627, RFC 5705): everything is the suite's PRF over the master
//! secret, which exists only inside [`MasterSecret`] and is zeroized with it.

use ferrotls_core::crypto::{Digest, KeyedPrf, Secret, Tls12CipherSuite};
use ferrotls_core::{Error, PeerMisbehaved};

use zeroize::Zeroizing;

use crate::action::RecordKeys;

/// The master secret length (RFC 5246 section 8.1).
pub(crate) const MASTER_SECRET_LEN: usize = 48;
/// The Finished `verify_data` length of every TLS 1.2 suite we implement.
pub(crate) const VERIFY_DATA_LEN: usize = 12;

/// The 48-byte master secret of one handshake.
pub(crate) struct MasterSecret {
    suite: &'static Tls12CipherSuite,
    secret: Secret,
    /// The PRF keyed with `secret` once for the key block, both Finished
    /// values and exports (a resumed handshake is mostly these).
    prf: Box<dyn KeyedPrf>,
}

/// How the master secret is bound to the handshake.
pub(crate) enum MasterSecretInput<'a> {
    /// RFC 7627: `session_hash`, the transcript hash through
    /// ClientKeyExchange.
    Extended(&'a Digest),
    /// RFC 5246 8.1: only the two randoms (when EMS is neither offered
    /// by both nor required).
    Legacy {
        client_random: &'a [u8; 32],
        server_random: &'a [u8; 32],
    },
}

impl MasterSecret {
    /// `PRF(pre_master_secret, label, seed)[0..48]`.
    pub fn derive(
        suite: &'static Tls12CipherSuite,
        pre_master_secret: &[u8],
        input: MasterSecretInput<'_>,
    ) -> Result<Self, Error> {
        let mut secret = Secret::zeroed(MASTER_SECRET_LEN);
        match input {
            MasterSecretInput::Extended(session_hash) => suite.prf.prf(
                secret.as_mut_bytes(),
                pre_master_secret,
                b"extended master secret",
                session_hash.as_ref(),
            )?,
            MasterSecretInput::Legacy {
                client_random,
                server_random,
            } => suite.prf.prf(
                secret.as_mut_bytes(),
                pre_master_secret,
                b"master secret",
                &join(client_random, server_random),
            )?,
        }
        Ok(Self::keyed(suite, secret))
    }

    fn keyed(suite: &'static Tls12CipherSuite, secret: Secret) -> Self {
        let prf = suite.prf.keyed(secret.as_bytes());
        Self { suite, secret, prf }
    }

    /// The master secret of a session being resumed (RFC 5246 7.3: an
    /// abbreviated handshake derives new keys from the old secret and the
    /// new randoms). The length is checked by the session decoders.
    pub fn resumed(suite: &'static Tls12CipherSuite, secret: Secret) -> Result<Self, Error> {
        if secret.len() != MASTER_SECRET_LEN {
            return Err(Error::General(
                "resumed master secret of a wrong length".into(),
            ));
        }
        Ok(Self::keyed(suite, secret))
    }

    /// RFC 5246 8.1 / NSS key log: `CLIENT_RANDOM <client_random>
    /// <master_secret>`, enough for Wireshark to decrypt the connection.
    pub fn log(&self, key_log: Option<&dyn crate::hooks::KeyLog>, client_random: &[u8; 32]) {
        if let Some(log) = key_log {
            log.log(
                crate::hooks::labels::CLIENT_RANDOM,
                client_random,
                self.secret.as_bytes(),
            );
        }
    }

    /// The secret, for the session summary.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The key block (section 6.3) cut into (client write, server write)
    /// keys; AEAD suites have no MAC keys, and the IVs are the implicit
    /// parts of the nonce.
    pub fn record_keys(
        &self,
        client_random: &[u8; 32],
        server_random: &[u8; 32],
    ) -> Result<(RecordKeys, RecordKeys), Error> {
        let key_len = self.suite.aead.key_len();
        let iv_len = self.suite.aead_kind.fixed_iv_len();
        // Up to 88 bytes (ChaCha20: 2 x (32 + 12)), more than a `Secret`.
        let mut buf = Zeroizing::new([0u8; KEY_BLOCK_MAX]);
        let block = buf
            .get_mut(..2 * (key_len + iv_len))
            .ok_or(Error::NotSupported("a TLS 1.2 key block over 128 bytes"))?;
        self.prf
            .prf(block, b"key expansion", &join(server_random, client_random))?;
        let (client_key, rest) = block.split_at(key_len);
        let (server_key, rest) = rest.split_at(key_len);
        let (client_iv, server_iv) = rest.split_at(iv_len);
        let keys = |key: &[u8], iv: &[u8]| -> Result<RecordKeys, Error> {
            Ok(RecordKeys::Tls12 {
                suite: self.suite,
                key: Secret::from_slice(key)?,
                iv: Secret::from_slice(iv)?,
            })
        };
        Ok((keys(client_key, client_iv)?, keys(server_key, server_iv)?))
    }

    /// Finished `verify_data` (section 7.4.9) over `handshake_hash`.
    pub fn verify_data(
        &self,
        client: bool,
        handshake_hash: &Digest,
    ) -> Result<[u8; VERIFY_DATA_LEN], Error> {
        let label: &[u8] = match client {
            true => b"client finished",
            false => b"server finished",
        };
        let mut out = [0u8; VERIFY_DATA_LEN];
        self.prf.prf(&mut out, label, handshake_hash.as_ref())?;
        Ok(out)
    }

    /// Checks the peer's Finished; the comparison is constant-time.
    pub fn check_finished(
        &self,
        client: bool,
        handshake_hash: &Digest,
        received: &[u8],
    ) -> Result<[u8; VERIFY_DATA_LEN], Error> {
        let expected = self.verify_data(client, handshake_hash)?;
        if received.len() != VERIFY_DATA_LEN || Digest::new(received) != Digest::new(&expected) {
            return Err(PeerMisbehaved::BadFinished.into());
        }
        Ok(expected)
    }

    /// RFC 5705 exporter: `PRF(master_secret, label, client_random +
    /// server_random [+ context_length + context])`.
    pub fn export(
        &self,
        client_random: &[u8; 32],
        server_random: &[u8; 32],
        label: &[u8],
        context: Option<&[u8]>,
        out: &mut [u8],
    ) -> Result<(), Error> {
        let mut seed = join(client_random, server_random).to_vec();
        if let Some(ctx) = context {
            let len = u16::try_from(ctx.len()).map_err(|_| {
                ferrotls_core::ApiMisuse::BadArgument("exporter context over 65535 bytes")
            })?;
            seed.extend_from_slice(&len.to_be_bytes());
            seed.extend_from_slice(ctx);
        }
        self.prf.prf(out, label, &seed)
    }
}

/// Room for the largest key block: two AEAD keys and implicit IVs.
const KEY_BLOCK_MAX: usize = 128;

fn join(a: &[u8; 32], b: &[u8; 32]) -> [u8; 64] {
    let mut v = [0u8; 64];
    v[..32].copy_from_slice(a);
    v[32..].copy_from_slice(b);
    v
}
