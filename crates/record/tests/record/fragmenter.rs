use ferrotls_record::{Fragmenter, MAX_PLAINTEXT};

#[test]
fn fragments_respect_the_limit() {
    let data: Vec<u8> = (0..40_000u32).map(|i| i as u8).collect();
    let f = Fragmenter::default();
    let sizes: Vec<usize> = f.fragments(&data).map(<[u8]>::len).collect();
    assert_eq!(sizes, [16384, 16384, 40_000 - 2 * 16384]);
    assert_eq!(
        f.fragments(&data).flatten().copied().collect::<Vec<_>>(),
        data
    );

    let f = Fragmenter::new(512);
    let sizes: Vec<usize> = f.fragments(&data[..1500]).map(<[u8]>::len).collect();
    assert_eq!(sizes, [512, 512, 476]);
    assert_eq!(f.fragments(&data[..1024]).count(), 2);
}

#[test]
fn fragmenter_limits_are_clamped() {
    assert_eq!(Fragmenter::new(0).max_fragment_len(), 1);
    assert_eq!(Fragmenter::new(1 << 20).max_fragment_len(), MAX_PLAINTEXT);
    let mut f = Fragmenter::default();
    f.set_max_fragment_len(64);
    assert_eq!(f.max_fragment_len(), 64);
    assert_eq!(f.fragments(&[]).count(), 0, "no empty record by accident");
    assert_eq!(Fragmenter::new(1).fragments(b"abc").count(), 3);
}
