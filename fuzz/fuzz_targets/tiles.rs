//! What a mirror reads from a tiles endpoint it does not trust, and what a
//! witness reads from a log it does not trust: tile paths, hash tiles,
//! entry and payload bundles, `add-checkpoint` bodies and `text/x.tlog.size`
//! answers. Never a panic, never an allocation beyond the input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use temoin::tiles::{self, Tile};

fuzz_target!(|data: &[u8]| {
    // The first line is the path, the rest the tile's bytes.
    let (head, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    if let Ok(path) = std::str::from_utf8(head) {
        let _ = tiles::decode_index(path);
        if let Ok(tile) = Tile::parse(path) {
            assert_eq!(Tile::parse(&tile.path()).ok(), Some(tile));
            let _ = tile.entry_range();
            let _ = tiles::decode_hash_tile(&tile, body);
            if let Ok(entries) = tiles::decode_bundle(&tile, body) {
                assert!(entries.len() <= 256);
            }
            if let Ok(payloads) = tiles::decode_payloads(&tile, body) {
                assert!(payloads.len() <= 256);
            }
        }
    }
    let _ = temoin::witness::parse_add_checkpoint(data);
    let _ = temoin::witness::parse_size_body(data);
});
