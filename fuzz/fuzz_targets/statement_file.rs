//! A `.tms` file from anyone: decoding never panics, and only the one
//! canonical encoding of a statement file decodes (FORMAT.md §2).
#![no_main]
use libfuzzer_sys::fuzz_target;
use temoin::statement::StatementBody;
use temoin::StatementFile;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = StatementFile::from_bytes(data) {
        assert_eq!(file.to_bytes(), data, "a non-canonical statement file decoded");
        if let Ok(body) = StatementBody::decode(&file.statement.body_bytes) {
            let _ = body.check_shape();
            let _ = file.statement.verify_signature(&body);
        }
    }
    if let Ok(entry) = temoin::entry::Entry::from_bytes(data) {
        assert_eq!(entry.to_bytes(), data, "a non-canonical entry decoded");
    }
});
