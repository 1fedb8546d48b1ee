//! Starting and driving the handshake: building the per-connection
//! handshake configuration from the context, and the
//! `SSL_do_handshake` loop (flush our flight, read the peer's, repeat).

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use ferrotls_core::{ApiMisuse, Error, ServerName};
use ferrotls_handshake::{ClientConfig, Handshake, Offer, Role, ServerConfig};

use crate::engine::{Engine, Got, Step};
use crate::modes::{SslOptions, VerifyMode};
use crate::transport::Transport;
use crate::verify::{PkiContext, PolicyClientVerifier, PolicyServerVerifier};

/// Sets what a `ClientConfig` and a `ServerConfig` take from the context
/// and connection alike besides their [`Offer`]: ALPN, the record size
/// limit, the renegotiation policy and the key log. The two types share
/// these field names but no trait, so this is a macro rather than a
/// function.
macro_rules! shared_settings {
    ($engine:expr, $config:ident, $role:expr) => {{
        let inner = &$engine.ctx.inner;
        $config.alpn_protocols = $engine.alpn.clone();
        $config.record_size_limit = inner.record_size_limit;
        $config.renegotiation = $engine.renegotiation_policy($role);
        $config.key_log = inner.hooks.key_log.clone();
    }};
}

/// Room for one flight's actions: its records (hello, certificate, ...,
/// Finished, each a `Send`), ChangeCipherSpec and the key changes. Six
/// keep the list under a KiB, within the allocator's cache of small blocks.
const ACTIONS_PER_FLIGHT: usize = 6;

impl Engine {
    /// `SSL_do_handshake`: runs the handshake until it completes or a call
    /// on the transport would block.
    pub fn do_handshake(&mut self, t: &mut dyn Transport) -> Step<()> {
        self.check_alive("handshake")?;
        if self.shutdown_received && !self.is_init_finished() {
            // S06: the peer's close_notify ended the handshake; it stays
            // ended (0, ZERO_RETURN) rather than waiting for a peer that
            // will send nothing more.
            return Err(crate::engine::Stop::ZeroReturn);
        }
        self.start_handshake(t)?;
        loop {
            self.flush_out(t)?;
            if self.is_init_finished() {
                self.release_handshake_buffers();
                self.release_idle_buffers();
                return Ok(());
            }
            match self.read_record(t, "handshake")? {
                Got::CloseNotify => {
                    // S06: the handshake was shut down in a controlled way.
                    return Err(crate::engine::Stop::ZeroReturn);
                }
                Got::AppData | Got::Handshake | Got::Ccs | Got::IgnoredAlert => {}
            }
        }
    }

    /// Creates the handshake state on the first call.
    fn start_handshake(&mut self, t: &mut dyn Transport) -> Step<()> {
        if self.hs.is_some() {
            return Ok(());
        }
        let Some(role) = self.role else {
            return Err(self.misuse(ApiMisuse::NoRoleSet.into(), "handshake"));
        };
        // The handshake writes into the engine's own action list, sized
        // once for a whole flight (a few records and key changes), so that
        // neither a second list nor its regrowth is allocated.
        let mut actions = std::mem::take(&mut self.actions);
        actions.reserve(ACTIONS_PER_FLIGHT);
        let started = match role {
            Role::Client => self.client_config().and_then(|(config, name)| {
                // A TLS 1.2 session within its timeout may be offered any
                // number of times; a TLS 1.3 ticket once (take_ticket
                // marks it used).
                let now = self.ctx.now();
                let tls12 = self.session.as_ref().and_then(|s| s.tls12_resumption(now));
                let ticket = match tls12 {
                    Some(_) => None,
                    None => self.session.as_ref().and_then(|s| s.take_ticket()),
                };
                match (tls12, ticket) {
                    (Some(resume), _) => Handshake::new_client_resuming_tls12(
                        Arc::new(config),
                        name,
                        resume,
                        &mut actions,
                    ),
                    (None, Some(t)) => Handshake::new_client_resuming(
                        Arc::new(config),
                        name,
                        t,
                        self.ctx.now(),
                        &mut actions,
                    ),
                    (None, None) => {
                        Handshake::new_client(Arc::new(config), Some(name), &mut actions)
                    }
                }
            }),
            Role::Server => self
                .server_config()
                .map(|config| Handshake::new_server(Arc::new(config))),
        };
        self.actions = actions;
        match started {
            Ok(hs) => {
                self.hs = Some(hs);
                if let Err(e) = self.apply_actions() {
                    return Err(self.fail(t, e, "handshake"));
                }
                Ok(())
            }
            Err(e) => {
                // Nothing of a handshake that could not start is sent.
                self.actions.clear();
                Err(self.fail(t, e, "handshake"))
            }
        }
    }

    /// The client configuration of this connection, and the name given to
    /// the handshake (SNI and the verifier's reference).
    fn client_config(&self) -> Result<(ClientConfig, ServerName), Error> {
        let inner = &self.ctx.inner;
        if inner.method == crate::SslMethod::TlsServer {
            return Err(ApiMisuse::InvalidConfiguration(
                "a server-only context cannot connect".into(),
            )
            .into());
        }
        let host = match &self.verify_host {
            Some(h) => Some(parse_name(h)?),
            None => None,
        };
        let signatures = inner
            .frozen
            .server_verifier
            .clone()
            .unwrap_or_else(|| inner.pki_server_verifier());
        let verifier = PolicyServerVerifier {
            pki: self.pki_context(),
            signatures,
            settings: self.verify.clone(),
            result: self.verify_result_cell(),
            host: host.clone(),
        };
        let mut config = ClientConfig::with_offer(inner.provider, Arc::new(verifier), self.offer());
        shared_settings!(self, config, Role::Client);
        config.enable_tickets = !self.options.contains(SslOptions::NO_TICKET);
        config.client_cert_resolver = inner.hooks.client_cert.clone().map(|cb| {
            Arc::new(crate::callbacks::ClientCertAdapter(cb))
                as Arc<dyn ferrotls_handshake::ResolvesClientCert>
        });
        config.client_auth_cert = inner.frozen.certified.clone();
        // SNI comes from set_hostname only; a name to verify alone is not
        // sent (OpenSSL keeps the two apart as well).
        let name = match (&self.sni, host) {
            // The usual client sets both to one name: parsed once.
            (Some(sni), Some(h)) if self.verify_host.as_ref() == Some(sni) => h,
            (Some(sni), _) => parse_name(sni)?,
            (None, Some(h)) => {
                config.enable_sni = false;
                h
            }
            (None, None) => {
                // The handshake needs some reference name; an unspecified
                // address is never sent as SNI, and without set1_host the
                // name is not checked (see verify.rs).
                config.enable_sni = false;
                ServerName::IpAddress(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
            }
        };
        Ok((config, name))
    }

    fn server_config(&self) -> Result<ServerConfig, Error> {
        let inner = &self.ctx.inner;
        if inner.method == crate::SslMethod::TlsClient {
            return Err(ApiMisuse::InvalidConfiguration(
                "a client-only context cannot accept".into(),
            )
            .into());
        }
        let Some(cert) = inner.frozen.certified.clone() else {
            return Err(ApiMisuse::InvalidConfiguration(
                "no certificate and private key set for the server".into(),
            )
            .into());
        };
        let mut config = ServerConfig::with_offer(inner.provider, cert, self.offer());
        shared_settings!(self, config, Role::Server);
        config.tickets = inner.sessions.ticket_policy();
        if self.options.contains(SslOptions::NO_TICKET) {
            // OpenSSL 3 would send stateful TLS 1.3 tickets here; ferrotls
            // sends none (and TLS 1.2 resumes by session id only).
            config.tickets.tls12 = false;
            config.tickets.count = 0;
        }
        config.session_cache = inner.sessions.cache.clone().map(|cache| {
            Arc::new(crate::session::ServerCacheAdapter(cache))
                as Arc<dyn ferrotls_handshake::ServerSessionCache>
        });
        config.cert_resolver = inner.hooks.servername.clone().map(|callback| {
            Arc::new(crate::callbacks::SniAdapter {
                callback,
                switched: self
                    .switched_ctx
                    .get_or_init(|| Arc::new(std::sync::Mutex::new(None)))
                    .clone(),
            }) as Arc<dyn ferrotls_handshake::ResolvesServerCert>
        });
        config.alpn_selector = inner.hooks.alpn_select.clone().map(|cb| {
            Arc::new(crate::callbacks::AlpnAdapter(cb)) as Arc<dyn ferrotls_handshake::SelectsAlpn>
        });
        if self.verify.mode.contains(VerifyMode::PEER) {
            let base = inner
                .frozen
                .client_verifier
                .clone()
                .unwrap_or_else(|| inner.pki_client_verifier());
            let verifier = PolicyClientVerifier {
                pki: self.pki_context(),
                inner: base,
                settings: self.verify.clone(),
                result: self.verify_result_cell(),
            };
            config.client_verifier = Some(Arc::new(verifier));
        }
        Ok(config)
    }
}

impl Engine {
    /// Versions, suites, groups and signature schemes: the context's
    /// lists, shared rather than copied.
    fn offer(&self) -> Offer {
        let frozen = &self.ctx.inner.frozen;
        Offer {
            versions: frozen.versions.clone(),
            cipher_suites: frozen.suites.clone(),
            groups: frozen.groups.clone(),
            signature_schemes: frozen.signature_schemes.clone(),
        }
    }

    /// The trust store and provider chain building uses, for either role.
    fn pki_context(&self) -> PkiContext {
        PkiContext {
            roots: self.ctx.inner.roots.clone(),
            provider: self.ctx.inner.provider,
        }
    }

    /// The context's renegotiation policy with this connection's options:
    /// `NO_RENEGOTIATION` refuses every peer request; a server accepts a
    /// client's only with `ALLOW_CLIENT_RENEGOTIATION` (OpenSSL 3's
    /// default refusal). A server's own HelloRequest is answered whatever
    /// this says.
    fn renegotiation_policy(&self, role: Role) -> ferrotls_handshake::RenegotiationPolicy {
        let mut policy = self.ctx.inner.renegotiation.clone();
        policy.accept_peer_requests &= !self.options.contains(SslOptions::NO_RENEGOTIATION);
        if role == Role::Server {
            policy.accept_peer_requests &= self
                .options
                .contains(SslOptions::ALLOW_CLIENT_RENEGOTIATION);
        }
        policy
    }
}

fn parse_name(s: &str) -> Result<ServerName, Error> {
    ServerName::try_from_str(s)
        .map_err(|_| ApiMisuse::InvalidConfiguration(format!("invalid host name {s:?}")).into())
}
