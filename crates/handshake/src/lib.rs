//! # ferrotls-handshake
//!
//! The TLS handshake, sans-IO: handshake messages in, [`Action`]s out (send
//! these bytes, install these keys, the handshake is complete, a ticket
//! arrived). The record layer and the transport belong to the caller (the
//! `ferrotls` facade), which makes every handshake deterministic given the
//! provider's randomness and the time passed in.
//!
//! - [`msgs`]: every handshake message and extension, with their codecs,
//!   and [`msgs::HandshakeJoiner`] to reassemble messages from records.
//! - [`key_schedule`] and [`transcript`]: RFC 8446 section 7 and 4.4.1.
//! - [`Handshake`]: the client and server state machines.
//!
//! On any error the state machine is dead: every later call returns the
//! same error, and the caller sends that error's `alert()` and nothing else.
//!
//! ## Driving it (the facade's side of the contract)
//!
//! ```text
//! client: Handshake::new_client(config, Some(name), &mut actions)?   // ClientHello
//! server: Handshake::new_server(config)
//! loop:
//!   perform `actions` in order:
//!     Send { content_type, payload }  -> frame + protect with the write keys in force
//!     SetWriteKeys(keys)              -> switch the write side (RFC 8446 7.3 derives key/iv)
//!     SetReadKeys(keys)               -> first check joiner.is_empty(), else fail with
//!                                        PeerMisbehaved::KeyChangeWithPendingData
//!     SetRecordSizeLimit{send,receive}-> RFC 8449: cut our records at `send`, refuse
//!                                        protected records over `receive`
//!     HandshakeComplete(summary)      -> application data may flow
//!     SessionTicket(ticket)           -> keep for resumption
//!   read a record:
//!     Handshake        -> joiner.push(payload)?; while let Some(m) = joiner.next_message()
//!                         { hs.handle_handshake(&m, now, &mut actions)? }
//!     ChangeCipherSpec -> hs.handle_change_cipher_spec(&mut actions)?
//!     other types      -> allowed only if in hs.acceptable_content_types()
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod action;
mod config;
mod handshake;
pub mod hooks;
pub mod key_schedule;
pub mod msgs;
mod record_limit;
pub mod session;
mod tls12;
mod tls13;
pub mod transcript;

pub use action::{
    Action, HandshakeSummary, RecordKeys, Role, Tls12Resumption, Tls12Session, Tls13SessionTicket,
};
pub use config::{
    CertifiedKey, ClientConfig, DEFAULT_GROUPS, DEFAULT_SIGNATURE_SCHEMES, Offer,
    RenegotiationPolicy, ServerConfig,
};
pub use handshake::Handshake;
pub use hooks::{
    AlpnDecision, KeyLog, ResolvesClientCert, ResolvesServerCert, SelectsAlpn, SniDecision,
};
pub use msgs::HandshakeJoiner;
pub use session::{ServerSessionCache, TicketKeys, TicketPolicy, Tls12ServerSession};
