//! Writes the seed corpora of the state-machine targets (`client`,
//! `server`, `client_det`, `server_det`) and of `session_decode` by
//! recording real in-memory handshakes: for every scenario of
//! `ferrotls_fuzz::tls`, a client and a server talk over memory BIOs
//! (handshake, application data both ways, a KeyUpdate, close_notify) and
//! each side's bytes become a seed of the target that plays the other
//! side; the sessions and tickets they make become `session_decode` seeds.
//!
//! The `_det` seeds are recorded with the deterministic provider, so they
//! replay to the end in the fuzz targets; the others with the real one,
//! where only the first flight means anything to the target.
//!
//! Run from fuzz/: `cargo run --example make_tls_seeds` (or `cargo xtask
//! fuzz seed`). Prints one line per seed and whether replaying it through
//! the fuzz target's driver completes the handshake.

use std::fs;
use std::path::Path;

use ferrotls::core_types::{CertificateDer, UnixTime};
use ferrotls_core::crypto::{CryptoProvider, Secret};
use ferrotls_core::{CipherSuite, ProtocolVersion};
use ferrotls_fuzz::identity::identities;
use ferrotls_fuzz::pair::{connect, pump_both};
use ferrotls_fuzz::session::ticket_keys;
use ferrotls_fuzz::tls::{NOW_SECS, SCENARIOS, Scenario, Side, drive};
use ferrotls_handshake::session::ServerSessionValue;

/// A whole connection: (client's bytes, server's bytes, the client's
/// session if resumable).
type Recording = (Vec<u8>, Vec<u8>, Option<Vec<u8>>);

fn record(
    scenario: &'static Scenario,
    provider: &'static CryptoProvider,
) -> Result<Recording, String> {
    let (mut c, mut s) = connect(scenario, provider, true)?;
    let want = scenario.max_version.name();
    if c.ssl.version_str() != want {
        return Err(format!("negotiated {}, not {want}", c.ssl.version_str()));
    }
    // Under the real provider each context draws its own ticket key, so
    // the server of the recorded connection cannot open the ticket the
    // earlier connection's server issued: a full handshake after a
    // refused PSK, which is a seed worth having too.
    let deterministic = std::ptr::eq(provider, ferrotls_crypto::fuzzing::provider());
    if scenario.resume && deterministic && !c.ssl.session_reused() {
        return Err("the session was not resumed".into());
    }
    let session = c
        .ssl
        .session()
        .filter(|s| s.is_resumable())
        .map(|s| s.to_bytes());
    // A KeyUpdate that asks the peer to update too (TLS 1.3 only).
    if c.ssl.key_update(true).is_ok() {
        c.ssl.write(b"after key update");
        pump_both(&mut c, &mut s);
        s.drain();
        s.ssl.write(b"updated too");
        pump_both(&mut c, &mut s);
        c.drain();
    }
    c.ssl.shutdown();
    pump_both(&mut c, &mut s);
    s.drain();
    s.ssl.shutdown();
    pump_both(&mut c, &mut s);
    Ok((c.sent, s.sent, session))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    fs::create_dir_all(dir).expect("create corpus dir");
    fs::write(dir.join(name), bytes).expect("write seed");
}

/// Replays `peer` into a fresh `side` the way the fuzz target does.
fn replays(
    scenario: &'static Scenario,
    side: Side,
    provider: &'static CryptoProvider,
    peer: &[u8],
) -> bool {
    let ctx = scenario.context(side, provider);
    let (mut ssl, rbio, wbio) = scenario.ssl(&ctx, side, provider);
    drive(&mut ssl, &rbio, &wbio, peer, 0).finished
}

/// `session_decode` seeds of the ticket kind: a server's ticket state,
/// sealed (mode 1) and bare (mode 3).
fn ticket_seeds(dir: &Path) {
    let value = ServerSessionValue {
        version: ProtocolVersion::TLSv1_3,
        suite: CipherSuite::TLS13_AES_128_GCM_SHA256,
        psk: Secret::from_slice(&[0x70; 32]).expect("32 bytes"),
        created: UnixTime::from_secs(NOW_SECS),
        age_add: 0x0102_0304,
        lifetime: 7200,
        alpn: Some(b"h2".to_vec()),
        sni: Some("localhost".into()),
        peer_certificates: vec![CertificateDer::from_vec(
            identities().client.cert_der.clone(),
        )],
    };
    let plain = value.encode();
    let sealed = ticket_keys()
        .seal(&plain, UnixTime::from_secs(NOW_SECS))
        .expect("sealing under the fixed key");
    for (name, mode, bytes) in [("ticket_sealed", 1u8, sealed), ("ticket_state", 3, plain)] {
        let mut seed = vec![mode];
        seed.extend_from_slice(&bytes);
        write(dir, name, &seed);
        println!("session_decode/{name}: {} bytes", seed.len());
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let providers: [(&str, &'static CryptoProvider); 2] = [
        ("", ferrotls_crypto::default_provider()),
        ("_det", ferrotls_crypto::fuzzing::provider()),
    ];
    let mut failed = false;
    for (index, scenario) in SCENARIOS.iter().enumerate() {
        for (suffix, provider) in providers {
            let (client_bytes, server_bytes, session) = match record(scenario, provider) {
                Ok(recording) => recording,
                Err(why) => {
                    println!("{}{suffix}: not recorded: {why}", scenario.name);
                    failed = true;
                    continue;
                }
            };
            for (side, target, peer) in [
                (Side::Client, "client", &server_bytes),
                (Side::Server, "server", &client_bytes),
            ] {
                let mut seed = vec![index as u8, 0];
                seed.extend_from_slice(peer);
                write(
                    &root.join(format!("{target}{suffix}")),
                    scenario.name,
                    &seed,
                );
                let finished = replays(scenario, side, provider, peer);
                println!(
                    "{target}{suffix}/{}: {} bytes, replay completes the handshake: {finished}",
                    scenario.name,
                    seed.len()
                );
            }
            if let (Some(bytes), "_det") = (session, suffix) {
                let mut seed = vec![0u8];
                seed.extend_from_slice(&bytes);
                let name = format!("session_{}", scenario.name);
                write(&root.join("session_decode"), &name, &seed);
                println!("session_decode/{name}: {} bytes", seed.len());
            }
        }
    }
    ticket_seeds(&root.join("session_decode"));
    if failed {
        std::process::exit(1);
    }
}
