//! An evidence bundle from anyone: parsing and verifying never panic or
//! hang. Seed the corpus with tests/vectors/bundles/*.bundle.json.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use temoin::bundle::{verify, Bundle};
use temoin::signed_note::VerifierKey;

/// The vector archive's key (tests/vectors/bundles/index.json).
const ARCHIVE_KEY: &str = "temoin.example/vectors+0f9f8610+AfJuwLX0aZNu1GPUM9WyOcZUHJJfHl3gi+sv6ZDenoZL";

fuzz_target!(|data: &[u8]| {
    static KEY: OnceLock<VerifierKey> = OnceLock::new();
    let key = KEY.get_or_init(|| VerifierKey::parse(ARCHIVE_KEY).unwrap());
    if let Ok(bundle) = Bundle::from_json(data) {
        let _ = verify(&bundle, key);
    }
});
