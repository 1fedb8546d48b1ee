//! Key exchange round trips and rejection of malformed shares. (The
//! RFC 7748 and RFC 8448 X25519 vectors need an injected private key and
//! are unit tests in `src/kx`.)

use ferrotls_core::crypto::SupportedKxGroup;
use ferrotls_core::{Error, NamedGroup, PeerMisbehaved};
use ferrotls_crypto::kx::{SECP256R1, SECP384R1, X25519, X25519MLKEM768};

fn invalid_share() -> Error {
    Error::PeerMisbehaved(PeerMisbehaved::InvalidKeyShare)
}

/// Client and server of an (EC)DH group agree, both with `start` +
/// `complete` (TLS 1.2 style) and with `start_and_complete` (TLS 1.3
/// server).
fn round_trip(group: &dyn SupportedKxGroup, share_len: usize, secret_len: usize) {
    let client = group.start().unwrap();
    let server = group.start().unwrap();
    assert_eq!(client.group(), group.name());
    assert_eq!(client.pub_key().len(), share_len);
    let client_pub = client.pub_key().to_vec();
    let server_pub = server.pub_key().to_vec();
    let a = client.complete(&server_pub).unwrap();
    let b = server.complete(&client_pub).unwrap();
    assert_eq!(a.as_bytes(), b.as_bytes());
    assert_eq!(a.as_bytes().len(), secret_len);

    let client = group.start().unwrap();
    let done = group.start_and_complete(client.pub_key()).unwrap();
    assert_eq!(done.group, group.name());
    let c = client.complete(&done.pub_key).unwrap();
    assert_eq!(c.as_bytes(), done.secret.as_bytes());
}

#[test]
fn x25519_round_trip() {
    round_trip(&X25519, 32, 32);
}

#[test]
fn secp256r1_round_trip() {
    round_trip(&SECP256R1, 65, 32);
}

#[test]
fn secp384r1_round_trip() {
    round_trip(&SECP384R1, 97, 48);
}

#[test]
fn x25519mlkem768_round_trip() {
    assert_eq!(X25519MLKEM768.name(), NamedGroup::X25519MLKEM768);
    assert_eq!(X25519MLKEM768.name().get(), 0x11ec);
    let client = X25519MLKEM768.start().unwrap();
    assert_eq!(client.pub_key().len(), 1184 + 32);
    assert_eq!(client.group(), NamedGroup::X25519MLKEM768);

    let server = X25519MLKEM768.start_and_complete(client.pub_key()).unwrap();
    assert_eq!(server.pub_key.len(), 1088 + 32);
    assert_eq!(server.secret.as_bytes().len(), 64);

    let secret = client.complete(&server.pub_key).unwrap();
    assert_eq!(secret.as_bytes(), server.secret.as_bytes());
    // Two fresh exchanges do not share a secret.
    let other_client = X25519MLKEM768.start().unwrap();
    let other = X25519MLKEM768
        .start_and_complete(other_client.pub_key())
        .unwrap();
    assert_ne!(other.secret.as_bytes(), server.secret.as_bytes());
}

#[test]
fn x25519mlkem768_secret_is_mlkem_then_x25519() {
    // The X25519 half is the last 32 bytes: replacing the server's X25519
    // public key with another key's changes exactly those bytes.
    let client = X25519MLKEM768.start().unwrap();
    let client_share = client.pub_key().to_vec();
    let server = X25519MLKEM768.start_and_complete(&client_share).unwrap();
    let mut share = server.pub_key.clone();
    let stranger = X25519.start().unwrap();
    share[1088..].copy_from_slice(stranger.pub_key());
    let secret = client.complete(&share).unwrap();
    assert_eq!(secret.as_bytes()[..32], server.secret.as_bytes()[..32]);
    assert_ne!(secret.as_bytes()[32..], server.secret.as_bytes()[32..]);
}

#[test]
fn wrong_length_shares_are_rejected() {
    // Client receiving a 1119-byte server share.
    let client = X25519MLKEM768.start().unwrap();
    let server = X25519MLKEM768.start_and_complete(client.pub_key()).unwrap();
    assert_eq!(
        client.complete(&server.pub_key[..1119]).unwrap_err(),
        invalid_share()
    );
    // Server receiving a 1215-byte client share.
    let client = X25519MLKEM768.start().unwrap();
    assert_eq!(
        X25519MLKEM768
            .start_and_complete(&client.pub_key()[..1215])
            .unwrap_err(),
        invalid_share()
    );
    // Too long, and a pure X25519 share sent to the hybrid group.
    let mut long = client.pub_key().to_vec();
    long.push(0);
    assert_eq!(
        X25519MLKEM768.start_and_complete(&long).unwrap_err(),
        invalid_share()
    );
    assert_eq!(
        X25519MLKEM768.start_and_complete(&[9u8; 32]).unwrap_err(),
        invalid_share()
    );

    for (group, len) in [(&X25519, 32usize), (&SECP256R1, 65), (&SECP384R1, 97)] {
        let peer = group.start().unwrap().pub_key().to_vec();
        assert_eq!(peer.len(), len);
        for bad in [&peer[..len - 1], &[][..]] {
            let kx = group.start().unwrap();
            assert_eq!(
                kx.complete(bad).unwrap_err(),
                invalid_share(),
                "{:?}",
                group.name()
            );
            assert_eq!(group.start_and_complete(bad).unwrap_err(), invalid_share());
        }
        let mut long = peer.clone();
        long.push(1);
        assert_eq!(
            group.start().unwrap().complete(&long).unwrap_err(),
            invalid_share()
        );
    }
}

#[test]
fn ec_points_must_be_uncompressed_and_on_the_curve() {
    for group in [&SECP256R1, &SECP384R1] {
        let peer = group.start().unwrap().pub_key().to_vec();
        // The same point, compressed (02/03 || x): valid SEC1 but not TLS.
        let coord_len = (peer.len() - 1) / 2;
        let mut compressed = vec![0x02 | (peer[peer.len() - 1] & 1)];
        compressed.extend_from_slice(&peer[1..1 + coord_len]);
        assert_eq!(
            group.start().unwrap().complete(&compressed).unwrap_err(),
            invalid_share()
        );
        // Right length, wrong prefix.
        let mut hybrid_form = peer.clone();
        hybrid_form[0] = 0x06;
        assert_eq!(
            group.start().unwrap().complete(&hybrid_form).unwrap_err(),
            invalid_share()
        );
        // Right form, not on the curve.
        let mut off_curve = peer.clone();
        let last = off_curve.len() - 1;
        off_curve[last] ^= 1;
        assert_eq!(
            group.start().unwrap().complete(&off_curve).unwrap_err(),
            invalid_share()
        );
        // The point at infinity's encodings and all-zero coordinates.
        let mut zeros = vec![0u8; peer.len()];
        zeros[0] = 4;
        assert_eq!(
            group.start().unwrap().complete(&zeros).unwrap_err(),
            invalid_share()
        );
        assert_eq!(
            group.start().unwrap().complete(&[0]).unwrap_err(),
            invalid_share()
        );
    }
}

#[test]
fn garbage_in_either_half_of_a_hybrid_share_does_not_panic() {
    // Server answer whose X25519 part is a low-order point (all zero):
    // the client must fail cleanly.
    let client = X25519MLKEM768.start().unwrap();
    let server = X25519MLKEM768.start_and_complete(client.pub_key()).unwrap();
    let mut share = server.pub_key.clone();
    share[1088..].fill(0);
    assert_eq!(client.complete(&share).unwrap_err(), invalid_share());

    // Client share whose X25519 part is all zero: the server fails cleanly.
    let client = X25519MLKEM768.start().unwrap();
    let mut share = client.pub_key().to_vec();
    share[1184..].fill(0);
    assert_eq!(
        X25519MLKEM768.start_and_complete(&share).unwrap_err(),
        invalid_share()
    );

    // A corrupted ML-KEM ciphertext: ML-KEM's implicit rejection gives the
    // client a different (pseudo-random) ML-KEM secret, never a panic, so
    // the handshake later fails at Finished.
    let client = X25519MLKEM768.start().unwrap();
    let server = X25519MLKEM768.start_and_complete(client.pub_key()).unwrap();
    let mut share = server.pub_key.clone();
    share[0] ^= 0xff;
    let secret = client.complete(&share).unwrap();
    assert_ne!(secret.as_bytes()[..32], server.secret.as_bytes()[..32]);
    assert_eq!(secret.as_bytes()[32..], server.secret.as_bytes()[32..]);

    // An encapsulation key whose coefficients are all 0xfff (>= q): FIPS
    // 203's modulus check rejects it.
    let mut share = vec![0xffu8; 1184];
    share.extend_from_slice(X25519.start().unwrap().pub_key());
    assert_eq!(
        X25519MLKEM768.start_and_complete(&share).unwrap_err(),
        invalid_share()
    );
}
