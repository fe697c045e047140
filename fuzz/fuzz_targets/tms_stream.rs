//! A `.tms` file from anyone, read as a stream (docs/FORMAT.md §3.7):
//! never a panic; the stream reader reads exactly what the whole-file
//! decoder decodes; and the archive reaches the same verdict on the file
//! whether it reads it whole (`ingest`) or streams it (`ingest_stream`),
//! a refusal leaving the head and the parts file as they were.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::io::Read;
use std::sync::{Mutex, OnceLock};
use temoin::keys::SecretKey;
use temoin::tms::TmsReader;
use temoin::{Archive, Config, StatementFile};

struct Held {
    dir: tempfile::TempDir,
    whole: Archive,
    streamed: Archive,
}

fn archives() -> &'static Mutex<Held> {
    static HELD: OnceLock<Mutex<Held>> = OnceLock::new();
    HELD.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let custodian = SecretKey::from_seed("custodian", &[1; 32]).unwrap();
        let init = |name: &str| {
            let config = Config::new("temoin.example/fuzz");
            Archive::init(&dir.path().join(name), config, &custodian, "custodian").unwrap()
        };
        let (whole, streamed) = (init("W"), init("S"));
        Mutex::new(Held {
            dir,
            whole,
            streamed,
        })
    })
}

type Streamed = (temoin::statement::SignedStatement, Vec<(String, [u8; 32], Vec<u8>)>);

fn stream(data: &[u8]) -> Option<Streamed> {
    let (mut r, st) = TmsReader::open(data).ok()?;
    let mut parts = Vec::new();
    while let Some(h) = r.next_part().ok()? {
        let mut c = Vec::new();
        r.content().read_to_end(&mut c).ok()?;
        parts.push((h.label, h.salt, c));
    }
    r.finish().ok()?;
    Some((st, parts))
}

fuzz_target!(|data: &[u8]| {
    let whole = StatementFile::from_bytes(data).ok();
    let streamed = stream(data);
    match (&whole, &streamed) {
        (Some(w), Some((st, parts))) => {
            assert_eq!(&w.statement, st);
            assert_eq!(w.parts.len(), parts.len());
            for (p, (l, s, c)) in w.parts.iter().zip(parts) {
                assert_eq!((&p.label, &p.salt, &p.content), (l, s, c));
            }
        }
        (None, Some(_)) => panic!("the stream reader read a file the decoder refuses"),
        // The stream reader refuses labels longer than any a body commits.
        (Some(w), None) => assert!(w.parts.iter().any(|p| p.label.len() > 40)),
        (None, None) => {}
    }
    let Some(file) = whole else { return };
    let mut held = archives().lock().unwrap();
    let parts_len = |held: &Held| {
        std::fs::metadata(held.dir.path().join("S").join("parts"))
            .map(|m| m.len())
            .unwrap_or(0)
    };
    let (before, parts_before) = (held.streamed.head().size, parts_len(&held));
    let w = held.whole.ingest(&file).expect("ingest failed instead of refusing");
    let s = held
        .streamed
        .ingest_stream(data)
        .expect("ingest_stream failed instead of refusing");
    assert_eq!(w.is_ok(), s.is_ok(), "whole: {w:?}, streamed: {s:?}");
    if s.is_err() {
        assert_eq!(held.streamed.head().size, before, "a refusal changed the head");
        assert_eq!(parts_len(&held), parts_before, "a refusal left bytes in the parts file");
    }
});
