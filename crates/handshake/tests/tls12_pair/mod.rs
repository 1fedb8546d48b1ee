//! A TLS 1.2 client/server pair: unlike the TLS 1.3 pair, ChangeCipherSpec
//! is part of the handshake, so each side's output is kept as an ordered
//! list of records (handshake messages, CCS, alerts) and delivered in that
//! order; the TLS 1.2 keys installed on each side are recorded so that the
//! two sides can be checked to agree.

#![allow(dead_code)]

use std::sync::Arc;

use ferrotls_core::{ContentType, Error, UnixTime};
use ferrotls_handshake::{
    Action, ClientConfig, Handshake, HandshakeSummary, RecordKeys, ServerConfig, Tls12Resumption,
};

use super::common::{Step, now, server_name, split_messages, step_of};

/// One record's worth of output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rec {
    Hs(Vec<u8>),
    Ccs,
    Alert(Vec<u8>),
}

/// What one side did.
#[derive(Default)]
pub struct Side {
    /// Sends, key changes and record size limits, in order.
    pub steps: Vec<Step>,
    pub outbox: Vec<Rec>,
    /// Everything ever put in `outbox`, in order.
    pub sent: Vec<Rec>,
    /// (key, iv) of every key installation, in order.
    pub read_keys: Vec<(Vec<u8>, Vec<u8>)>,
    pub write_keys: Vec<(Vec<u8>, Vec<u8>)>,
    pub summaries: Vec<HandshakeSummary>,
}

impl Side {
    pub fn absorb(&mut self, actions: Vec<Action>) {
        for a in actions {
            if let Some(step) = step_of(&a) {
                self.steps.push(step);
            }
            match a {
                Action::Send {
                    content_type,
                    payload,
                } => match content_type {
                    ContentType::Handshake => {
                        for m in split_messages(&payload) {
                            self.sent.push(Rec::Hs(m.clone()));
                            self.outbox.push(Rec::Hs(m));
                        }
                    }
                    ContentType::ChangeCipherSpec => {
                        assert_eq!(payload, [1]);
                        self.sent.push(Rec::Ccs);
                        self.outbox.push(Rec::Ccs);
                    }
                    ContentType::Alert => {
                        self.sent.push(Rec::Alert(payload.clone()));
                        self.outbox.push(Rec::Alert(payload))
                    }
                    other => panic!("unexpected send of {other:?}"),
                },
                Action::SetReadKeys(RecordKeys::Tls12 { key, iv, .. }) => self
                    .read_keys
                    .push((key.as_bytes().to_vec(), iv.as_bytes().to_vec())),
                Action::SetWriteKeys(RecordKeys::Tls12 { key, iv, .. }) => self
                    .write_keys
                    .push((key.as_bytes().to_vec(), iv.as_bytes().to_vec())),
                Action::SetReadKeys(_) | Action::SetWriteKeys(_) => {
                    panic!("TLS 1.3 keys in a TLS 1.2 handshake")
                }
                Action::SetRecordSizeLimit { .. } => {}
                Action::HandshakeComplete(s) => self.summaries.push((*s).clone()),
                other => panic!("unexpected action {other:?}"),
            }
        }
    }
}

pub struct Pair12 {
    pub client: Handshake,
    pub server: Handshake,
    pub c: Side,
    pub s: Side,
    pub time: UnixTime,
}

fn deliver(hs: &mut Handshake, side: &mut Side, rec: &Rec, time: UnixTime) -> Result<(), Error> {
    let mut out = Vec::new();
    let r = match rec {
        Rec::Hs(m) => hs.handle_handshake(m, time, &mut out),
        Rec::Ccs => hs.handle_change_cipher_spec(&mut out),
        Rec::Alert(a) => {
            // The facade's part: a no_renegotiation warning to a client
            // that asked goes back to the established connection.
            assert_eq!(a, &[1, 100], "only no_renegotiation warnings are sent");
            hs.peer_declined_renegotiation();
            Ok(())
        }
    };
    side.absorb(out);
    r
}

impl Pair12 {
    pub fn new(client: ClientConfig, server: ServerConfig) -> Self {
        Self::start(server, |out| {
            Handshake::new_client(Arc::new(client), Some(server_name()), out)
        })
    }

    /// A pair whose client offers the TLS 1.2 session `resume`.
    pub fn resuming(client: ClientConfig, server: ServerConfig, resume: Tls12Resumption) -> Self {
        Self::start(server, |out| {
            Handshake::new_client_resuming_tls12(Arc::new(client), server_name(), resume, out)
        })
    }

    fn start(
        server: ServerConfig,
        client: impl FnOnce(&mut Vec<Action>) -> Result<Handshake, Error>,
    ) -> Self {
        let mut out = Vec::new();
        let client = client(&mut out).unwrap();
        let mut c = Side::default();
        c.absorb(out);
        Self {
            client,
            server: Handshake::new_server(Arc::new(server)),
            c,
            s: Side::default(),
            time: now(),
        }
    }

    pub fn client_to_server(&mut self) -> Result<(), Error> {
        for r in std::mem::take(&mut self.c.outbox) {
            deliver(&mut self.server, &mut self.s, &r, self.time)?;
        }
        Ok(())
    }

    pub fn server_to_client(&mut self) -> Result<(), Error> {
        for r in std::mem::take(&mut self.s.outbox) {
            deliver(&mut self.client, &mut self.c, &r, self.time)?;
        }
        Ok(())
    }

    pub fn run(&mut self) -> Result<(), Error> {
        while !self.c.outbox.is_empty() || !self.s.outbox.is_empty() {
            self.client_to_server()?;
            self.server_to_client()?;
        }
        Ok(())
    }

    /// Both sides finished with matching keys in matching order.
    pub fn assert_complete(&self) {
        assert!(!self.client.is_handshaking());
        assert!(!self.server.is_handshaking());
        assert!(!self.c.write_keys.is_empty());
        assert_eq!(self.c.write_keys, self.s.read_keys);
        assert_eq!(self.s.write_keys, self.c.read_keys);
        assert_eq!(self.c.summaries.len(), self.s.summaries.len());
    }

    /// Starts a renegotiation on `client` (true) or the server.
    pub fn renegotiate(&mut self, by_client: bool) -> Result<(), Error> {
        let mut out = Vec::new();
        let r = if by_client {
            self.client.renegotiate(&mut out)
        } else {
            self.server.renegotiate(&mut out)
        };
        if by_client {
            self.c.absorb(out)
        } else {
            self.s.absorb(out)
        }
        r
    }
}
