//! Receipts and consistency proof files from anyone: parsing and verifying
//! never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use temoin::signed_note::VerifierKey;
use temoin::receipt::{ConsistencyProof, Receipt};

const ARCHIVE_KEY: &str = "temoin.example/vectors+0f9f8610+AfJuwLX0aZNu1GPUM9WyOcZUHJJfHl3gi+sv6ZDenoZL";

fuzz_target!(|data: &[u8]| {
    static KEY: OnceLock<VerifierKey> = OnceLock::new();
    let key = KEY.get_or_init(|| VerifierKey::parse(ARCHIVE_KEY).unwrap());
    if let Ok(receipt) = Receipt::from_json(data) {
        let _ = receipt.verify(key);
    }
    if let Ok(proof) = ConsistencyProof::from_json(data) {
        let _ = proof.hashes();
        let _ = proof.signed_checkpoint(key);
    }
});
