//! C2SP signed notes, vkeys and key files from anyone: never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use temoin::signed_note::{open_note, VerifierKey};

const ARCHIVE_KEY: &str = "temoin.example/vectors+0f9f8610+AfJuwLX0aZNu1GPUM9WyOcZUHJJfHl3gi+sv6ZDenoZL";

fuzz_target!(|data: &[u8]| {
    static KEY: OnceLock<VerifierKey> = OnceLock::new();
    let key = KEY.get_or_init(|| VerifierKey::parse(ARCHIVE_KEY).unwrap());
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(opened) = open_note(text, std::slice::from_ref(key)) {
        let _ = temoin::checkpoint::Checkpoint::parse_body(&opened.text);
    }
    let _ = temoin::checkpoint::Checkpoint::parse_body(text);
    let _ = VerifierKey::parse(text);
    let _ = temoin::keys::SecretKey::parse_file(text);
    let _ = temoin::keys::NamedPublicKey::parse_file(text);
});
