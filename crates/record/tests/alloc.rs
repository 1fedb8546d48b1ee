//! Record protection allocates nothing per record once buffers exist
//! (SPEC B: allocations per record). A test binary of its own, because it
//! installs a counting global allocator.

use std::alloc::System;

use ferrotls_core::ContentType;
use ferrotls_core::crypto::Secret;
use ferrotls_crypto::{
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    TLS13_AES_128_GCM_SHA256, TLS13_AES_256_GCM_SHA384, TLS13_CHACHA20_POLY1305_SHA256,
};
use ferrotls_record::{
    Deframer, MAX_PLAINTEXT, MessageDecrypter, MessageEncrypter, tls12_decrypter, tls12_encrypter,
    tls13_decrypter, tls13_encrypter,
};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const RECORDS: usize = 50;

/// Seals and opens `RECORDS` records, counting allocations in the loop only.
fn allocations_per_run(
    mut enc: Box<dyn MessageEncrypter>,
    mut dec: Box<dyn MessageDecrypter>,
) -> usize {
    let plaintext = vec![0x61u8; MAX_PLAINTEXT];
    let mut out = Vec::with_capacity(MAX_PLAINTEXT + enc.overhead());
    let mut deframer = Deframer::new();
    // Warm up once outside the measured region (lazy initialisation in the
    // provider is not a per-record cost).
    enc.encrypt(ContentType::ApplicationData, &plaintext, &mut out)
        .unwrap();
    deframer.push(&out);
    dec.decrypt(deframer.next_record().unwrap().unwrap())
        .unwrap();

    let region = Region::new(GLOBAL);
    for i in 0..RECORDS {
        out.clear();
        let len = MAX_PLAINTEXT - i * 100;
        enc.encrypt(ContentType::ApplicationData, &plaintext[..len], &mut out)
            .unwrap();
        assert_eq!(deframer.push(&out), out.len());
        let rec = deframer.next_record().unwrap().unwrap();
        let plain = dec.decrypt(rec).unwrap();
        assert_eq!(plain.payload.len(), len);
    }
    let stats = region.change();
    stats.allocations + stats.reallocations
}

/// One test function only: the counter is global, so a test running on
/// another thread at the same time would be counted too.
#[test]
fn no_allocation_per_record() {
    // First prove the counter works, so the zeros below are measured.
    let region = Region::new(GLOBAL);
    let v: Vec<u8> = Vec::with_capacity(100);
    std::hint::black_box(&v);
    assert!(region.change().allocations >= 1);
    drop(v);

    for suite in [
        &TLS13_AES_128_GCM_SHA256,
        &TLS13_AES_256_GCM_SHA384,
        &TLS13_CHACHA20_POLY1305_SHA256,
    ] {
        let secret = Secret::from_slice(&vec![7; suite.hash.output_len()]).unwrap();
        let enc = tls13_encrypter(suite, &secret).unwrap();
        let dec = tls13_decrypter(suite, &secret).unwrap();
        assert_eq!(allocations_per_run(enc, dec), 0, "{suite:?}");
    }
    for suite in [
        &TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        &TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ] {
        let key = vec![3; suite.aead.key_len()];
        let iv = vec![4; suite.aead_kind.fixed_iv_len()];
        let enc = tls12_encrypter(suite, &key, &iv).unwrap();
        let dec = tls12_decrypter(suite, &key, &iv).unwrap();
        assert_eq!(allocations_per_run(enc, dec), 0, "{suite:?}");
    }
}
