//! Any bytes offered to `ingest`: a refusal or an entry, never a panic, and
//! a refusal changes nothing (the head stays where it was).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::{Mutex, OnceLock};
use temoin::keys::SecretKey;
use temoin::{Archive, Config, StatementFile};

struct Held {
    _dir: tempfile::TempDir,
    archive: Archive,
}

fn archive() -> &'static Mutex<Held> {
    static HELD: OnceLock<Mutex<Held>> = OnceLock::new();
    HELD.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let custodian = SecretKey::from_seed("custodian", &[1; 32]).unwrap();
        let config = Config::new("temoin.example/fuzz");
        let archive = Archive::init(&dir.path().join("A"), config, &custodian, "custodian").unwrap();
        Mutex::new(Held { _dir: dir, archive })
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(file) = StatementFile::from_bytes(data) else {
        return;
    };
    let mut held = archive().lock().unwrap();
    let before = held.archive.head().size;
    match held.archive.ingest_batch(&[file]) {
        Ok(outcomes) => {
            let appended = outcomes.iter().filter(|o| o.is_ok()).count() as u64;
            assert!(held.archive.head().size <= before + appended);
            if appended == 0 {
                assert_eq!(held.archive.head().size, before, "a refusal changed the head");
            }
        }
        Err(e) => panic!("ingest failed instead of refusing: {e}"),
    }
});
