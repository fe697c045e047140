//! Sealed parts' companions and reader keys from anyone (docs/FORMAT.md
//! §3.8, §7.2): checking never panics; a readers list that is accepted is
//! exactly the list written back; a ciphertext that is accepted opens with
//! no key but ours as "not for this identity" or "damaged", never a panic
//! or a plaintext.
#![no_main]
use libfuzzer_sys::fuzz_target;
use temoin::seal::{
    companion_fault, parse_readers, readers_content, unseal, ReaderIdentity, UnsealError,
};
use temoin::statement::PartCommitment;

fuzz_target!(|data: &[u8]| {
    if let Ok(readers) = parse_readers(data) {
        assert_eq!(readers_content(&readers), data, "one spelling per list");
        assert_eq!(companion_fault("w.to", data), None);
    } else {
        assert!(companion_fault("w.to", data).is_some());
    }
    let accepted = companion_fault("w.age", data).is_none();
    if accepted {
        static ID: std::sync::OnceLock<ReaderIdentity> = std::sync::OnceLock::new();
        let id = ID.get_or_init(ReaderIdentity::generate);
        let c = PartCommitment {
            label: "w".into(),
            digest: [0; 32],
            length: 16,
        };
        match unseal(data, id, &c) {
            Err(UnsealError::NotForThisIdentity | UnsealError::Damaged(_)) => {}
            // Only a file sealed to this identity opens; the digest check
            // then refuses what it holds.
            Err(UnsealError::Mismatch(_)) => {}
            other => panic!("unexpected: {other:?}"),
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ReaderIdentity::parse_file(text);
    }
});
