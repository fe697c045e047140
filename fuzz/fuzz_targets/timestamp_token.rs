//! RFC 3161 timestamp tokens and TSA replies from anyone (docs/FORMAT.md
//! §6.3): parsing and verifying never panic, and a token that verifies is
//! over the very imprint asked for and from the trusted TSA. Seed the
//! corpus with the tokens of tests/vectors/timestamp.json (base64-decoded).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use temoin::timestamp::{
    accept_reply, claimed_imprint, verify_token, verify_token_over, TrustedTsa,
};

/// The vectors' note and TSA certificates.
fn vectors() -> &'static (String, Vec<TrustedTsa>) {
    static V: OnceLock<(String, Vec<TrustedTsa>)> = OnceLock::new();
    V.get_or_init(|| {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/vectors/timestamp.json")).unwrap();
        let mut trusted = Vec::new();
        for c in ["rsa", "p256"] {
            trusted.extend(TrustedTsa::parse_all(v["certs"][c].as_str().unwrap().as_bytes()).unwrap());
        }
        (v["note"].as_str().unwrap().to_string(), trusted)
    })
}

fuzz_target!(|data: &[u8]| {
    let (note, trusted) = vectors();
    let _ = claimed_imprint(data);
    let _ = TrustedTsa::parse_all(data);
    if let Ok(v) = verify_token(data, note, trusted) {
        assert!(
            v.tsa.contains("temoin test TSA"),
            "verified by an untrusted TSA: {}",
            v.tsa
        );
        let imprint = temoin::timestamp::imprint_of_note(note).unwrap();
        assert_eq!(claimed_imprint(data).unwrap(), hex_of(&imprint));
    }
    let _ = verify_token_over(data, &[0; 32], trusted);
    let _ = accept_reply(data, &[0; 32], 1, trusted);
});

fn hex_of(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
