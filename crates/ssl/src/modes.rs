//! Bit sets mirroring `SSL_MODE_*`, `SSL_VERIFY_*` and the protocol version
//! constants, with OpenSSL's numeric values so the C ABI can map them 1:1.

use std::ops::{BitAnd, BitOr, BitOrAssign, Not};

macro_rules! bitset {
    ($(#[$m:meta])* $name:ident { $($(#[$cm:meta])* $c:ident = $v:expr,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name(u32);

        impl $name {
            $($(#[$cm])* pub const $c: $name = $name($v);)*
            /// No bits set.
            pub const EMPTY: $name = $name(0);

            /// From OpenSSL's integer; unknown bits are kept so they round-trip.
            pub const fn from_bits(bits: u32) -> Self {
                Self(bits)
            }
            /// The OpenSSL integer.
            pub const fn bits(self) -> u32 {
                self.0
            }
            /// True if every bit of `other` is set.
            pub const fn contains(self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }
        }
        impl BitOr for $name {
            type Output = Self;
            fn bitor(self, rhs: Self) -> Self {
                Self(self.0 | rhs.0)
            }
        }
        impl BitOrAssign for $name {
            fn bitor_assign(&mut self, rhs: Self) {
                self.0 |= rhs.0;
            }
        }
        impl BitAnd for $name {
            type Output = Self;
            fn bitand(self, rhs: Self) -> Self {
                Self(self.0 & rhs.0)
            }
        }
        impl Not for $name {
            type Output = Self;
            fn not(self) -> Self {
                Self(!self.0)
            }
        }
    };
}

bitset! {
    /// `SSL_MODE_*`: how `read`/`write` behave.
    Mode {
        /// `write` succeeds after each completed record and returns its
        /// length, instead of only when the whole buffer was written (S09).
        ENABLE_PARTIAL_WRITE = 0x1,
        /// A retried `write` may pass a different buffer holding the same
        /// bytes (S10).
        ACCEPT_MOVING_WRITE_BUFFER = 0x2,
        /// A blocking `read`/`write` that processed only non-application
        /// records keeps going instead of returning `WANT_READ` (S12).
        /// On by default, as in OpenSSL 1.1.1 and later.
        AUTO_RETRY = 0x4,
        /// Free the record buffers while the connection is idle.
        RELEASE_BUFFERS = 0x10,
    }
}

bitset! {
    /// `SSL_VERIFY_*`: whether and how the peer's certificate is checked.
    VerifyMode {
        /// `SSL_VERIFY_NONE` (0). Client: the server chain is still
        /// verified and the result recorded, but a failure does not stop
        /// the handshake. Server: no certificate is requested.
        NONE = 0x0,
        /// `SSL_VERIFY_PEER`: a failed verification aborts the handshake;
        /// a server requests a client certificate.
        PEER = 0x1,
        /// `SSL_VERIFY_FAIL_IF_NO_PEER_CERT`: server only, with `PEER`: a
        /// client without a certificate is refused.
        FAIL_IF_NO_PEER_CERT = 0x2,
        /// `SSL_VERIFY_CLIENT_ONCE`: server only: do not ask again on
        /// renegotiation.
        CLIENT_ONCE = 0x4,
    }
}

bitset! {
    /// `SSL_OP_*`: protocol options.
    SslOptions {
        /// `SSL_OP_NO_RENEGOTIATION`: refuse TLS 1.2 renegotiation, both
        /// the peer's requests (answered with a no_renegotiation warning)
        /// and our own (`Ssl::renegotiate` fails).
        NO_RENEGOTIATION = 0x4000_0000,
        /// `SSL_OP_ALLOW_CLIENT_RENEGOTIATION`: a server accepts
        /// renegotiations the client starts. Off by default, as in
        /// OpenSSL 3 (each costs the server a full handshake); without it
        /// a client's renegotiating ClientHello gets a no_renegotiation
        /// warning and the connection carries on. Renegotiations the
        /// server starts, and a client answering HelloRequest, are not
        /// affected (only `NO_RENEGOTIATION` refuses those).
        ALLOW_CLIENT_RENEGOTIATION = 0x100,
        /// `SSL_OP_NO_TICKET`: no TLS 1.2 RFC 5077 tickets (a client does
        /// not send session_ticket, a server issues none and resumes
        /// by session id only); a TLS 1.3 server sends no tickets.
        NO_TICKET = 0x4000,
    }
}

/// A protocol version that can be enabled (`TLS1_2_VERSION`,
/// `TLS1_3_VERSION`). Older versions are deliberately absent (SPEC S16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SslVersion {
    /// TLS 1.2 (0x0303).
    Tls12,
    /// TLS 1.3 (0x0304).
    Tls13,
}

impl SslVersion {
    /// The wire value.
    pub fn to_wire(self) -> ferrotls_core::ProtocolVersion {
        match self {
            Self::Tls12 => ferrotls_core::ProtocolVersion::TLSv1_2,
            Self::Tls13 => ferrotls_core::ProtocolVersion::TLSv1_3,
        }
    }

    /// OpenSSL's `*_VERSION` integer. Values below TLS 1.2 are refused,
    /// because ferrotls never negotiates them (SPEC S16).
    pub fn from_raw(v: u16) -> Result<Self, ferrotls_core::Error> {
        match v {
            0x0303 => Ok(Self::Tls12),
            0x0304 => Ok(Self::Tls13),
            0x0300..=0x0302 | 0x0002 => Err(ferrotls_core::Error::NotSupported(
                "protocol versions below TLS 1.2",
            )),
            _ => Err(ferrotls_core::ApiMisuse::BadArgument("unknown protocol version").into()),
        }
    }

    /// The name `SSL_get_version` prints.
    pub fn name(self) -> &'static str {
        match self {
            Self::Tls12 => "TLSv1.2",
            Self::Tls13 => "TLSv1.3",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_bits_match_openssl() {
        assert_eq!(Mode::ENABLE_PARTIAL_WRITE.bits(), 1);
        assert_eq!(Mode::ACCEPT_MOVING_WRITE_BUFFER.bits(), 2);
        assert_eq!(Mode::AUTO_RETRY.bits(), 4);
        assert_eq!(Mode::RELEASE_BUFFERS.bits(), 0x10);
        let m = Mode::AUTO_RETRY | Mode::ENABLE_PARTIAL_WRITE;
        assert!(m.contains(Mode::AUTO_RETRY));
        assert!(!(m & !Mode::AUTO_RETRY).contains(Mode::AUTO_RETRY));
    }

    #[test]
    fn s16_old_versions_refused() {
        for v in [0x0002u16, 0x0300, 0x0301, 0x0302] {
            assert!(matches!(
                SslVersion::from_raw(v),
                Err(ferrotls_core::Error::NotSupported(_))
            ));
        }
        assert_eq!(SslVersion::from_raw(0x0304).ok(), Some(SslVersion::Tls13));
    }
}
