//! RFC 6125 host name matching edge cases (SPEC P05).

use ferrotls_pki::dns_name_matches;

#[test]
fn p05_hostname_matching_table() {
    // (presented SAN, reference name, expected)
    let table: &[(&str, &str, bool)] = &[
        ("example.com", "example.com", true),
        ("Example.COM", "example.com", true),
        ("example.com", "EXAMPLE.com", true),
        ("example.com.", "example.com", true),
        ("example.com", "example.com.", true),
        ("example.com", "example.org", false),
        ("example.com", "www.example.com", false),
        ("www.example.com", "example.com", false),
        // Empty labels never match.
        ("", "", false),
        ("example..com", "example..com", false),
        (".example.com", "a.example.com", false),
        ("example.com", "example.com..", false),
        // Wildcards: the whole left-most label, exactly one label.
        ("*.example.com", "www.example.com", true),
        ("*.Example.com", "WWW.example.COM.", true),
        ("*.example.com", "example.com", false),
        ("*.example.com", "a.b.example.com", false),
        ("*.example.com", ".example.com", false),
        // Partial wildcards are not honoured.
        ("f*.example.com", "foo.example.com", false),
        ("*o.example.com", "foo.example.com", false),
        ("f*o.example.com", "foo.example.com", false),
        // Not below a one-label parent.
        ("*.com", "example.com", false),
        ("*", "example", false),
        ("*.", "example.", false),
        // Not in or over IDNA A-labels.
        ("*.example.com", "xn--bcher-kva.example.com", false),
        ("xn--*.example.com", "xn--bcher-kva.example.com", false),
        (
            "xn--bcher-kva.example.com",
            "xn--bcher-kva.example.com",
            true,
        ),
        // Only the left-most label may be a wildcard.
        ("www.*.com", "www.example.com", false),
        ("*.*.example.com", "a.b.example.com", false),
        // The reference itself is never a pattern.
        ("www.example.com", "*.example.com", false),
        ("*.example.com", "*.example.com", false),
        // Non-ASCII is refused rather than case-folded.
        ("bücher.example", "bücher.example", false),
    ];
    for &(presented, reference, want) in table {
        assert_eq!(
            dns_name_matches(presented, reference),
            want,
            "{presented:?} vs {reference:?}"
        );
    }
}

#[test]
fn p05_ip_matching() {
    use ferrotls_pki::ip_matches;
    use std::net::IpAddr;
    let v4: IpAddr = "192.0.2.1".parse().unwrap();
    let v6: IpAddr = "2001:db8::1".parse().unwrap();
    let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
    assert!(ip_matches(&[192, 0, 2, 1], v4));
    assert!(!ip_matches(&[192, 0, 2, 2], v4));
    assert!(!ip_matches(&[192, 0, 2, 1], mapped));
    let mut b = [0u8; 16];
    b[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
    b[15] = 1;
    assert!(ip_matches(&b, v6));
    assert!(!ip_matches(&b, v4));
}
