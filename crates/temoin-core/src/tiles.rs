//! The log as C2SP tlog-tiles (DESIGN §12, docs/FORMAT.md §15): hash tiles
//! `tile/<L>/<N>[.p/<W>]`, entry bundles `tile/entries/<N>[.p/<W>]` holding
//! the exact `entry_bytes` (each a big-endian `u16` length, then the bytes),
//! and temoin's companion payload bundles `payload/<N>[.p/<W>]` (the
//! `payload` part of each entry, which the rules read to replay authority).
//!
//! A hash tile at level `l` holds the Merkle tree hashes of consecutive
//! perfect subtrees of height `8·l` (RFC 9162 `MTH`, the nodes temoin
//! stores at that height); a full tile is 256 hashes, 8,192 bytes. Nothing
//! here touches storage or the network: the writer builds tiles from
//! leaves, the reader checks what it fetched against the leaves it hashed
//! itself and the signed checkpoint's root.

use crate::merkle::{self, Hash};

/// Hashes in a full tile; entries in a full bundle.
pub const TILE_WIDTH: u64 = 256;
/// Merkle levels a tile spans.
pub const TILE_HEIGHT: u32 = 8;

/// What a tile holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TileKind {
    /// Hashes at tile level `l` (Merkle height `8·l`).
    Hash(u8),
    /// Entry bundle: the entries themselves.
    Entries,
    /// temoin's payload bundle (not part of tlog-tiles): each entry's
    /// `payload` part as `salt || content`.
    Payloads,
}

/// One tile (or bundle): its kind, index within its level and width
/// (1..=256; 256 is a full tile, served without `.p/`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tile {
    pub kind: TileKind,
    pub index: u64,
    pub width: u16,
}

/// Why a tile path is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path:?} is not a tile path: {why}")]
pub struct TilePathError {
    pub path: String,
    pub why: &'static str,
}

/// Why tile data does not decode or does not match.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TileError {
    #[error("{path}: {len} bytes, expected {expected}")]
    HashTileLength {
        path: String,
        len: usize,
        expected: usize,
    },
    #[error("{path}: the bundle is cut short at its entry {at} (of {width})")]
    Truncated { path: String, at: u64, width: u64 },
    #[error("{path}: {extra} bytes after the bundle's last entry")]
    Trailing { path: String, extra: usize },
    #[error("entry {seq} is {len} bytes, over the entry limit of 65,535: it cannot be put in an entry bundle")]
    EntryTooLarge { seq: u64, len: usize },
}

impl Tile {
    pub fn is_full(&self) -> bool {
        u64::from(self.width) == TILE_WIDTH
    }

    /// Its path under the log's prefix, e.g. `tile/0/x001/x234/067.p/8`.
    pub fn path(&self) -> String {
        let dir = match self.kind {
            TileKind::Hash(l) => format!("tile/{l}"),
            TileKind::Entries => "tile/entries".to_string(),
            TileKind::Payloads => "payload".to_string(),
        };
        let mut p = format!("{dir}/{}", encode_index(self.index));
        if !self.is_full() {
            p.push_str(&format!(".p/{}", self.width));
        }
        p
    }

    /// The tile at `path` (as [`Tile::path`] writes it; a leading `/` is
    /// allowed).
    pub fn parse(path: &str) -> Result<Tile, TilePathError> {
        let err = |why| TilePathError {
            path: path.to_string(),
            why,
        };
        let p = path.strip_prefix('/').unwrap_or(path);
        let (kind, rest) = if let Some(rest) = p.strip_prefix("tile/entries/") {
            (TileKind::Entries, rest)
        } else if let Some(rest) = p.strip_prefix("payload/") {
            (TileKind::Payloads, rest)
        } else if let Some(rest) = p.strip_prefix("tile/") {
            let (l, rest) = rest.split_once('/').ok_or(err("no index"))?;
            let level = parse_decimal(l, 63).ok_or(err("the level is not 0-63"))?;
            (TileKind::Hash(level as u8), rest)
        } else {
            return Err(err("not under tile/ nor payload/"));
        };
        let (n, width) = match rest.split_once(".p/") {
            None => (rest, TILE_WIDTH as u16),
            Some((n, w)) => {
                let w = parse_decimal(w, 255)
                    .filter(|&w| w >= 1)
                    .ok_or(err("a partial width is 1-255"))?;
                (n, w as u16)
            }
        };
        let index = decode_index(n).ok_or(err("the index is not x-prefixed 3-digit groups"))?;
        Ok(Tile { kind, index, width })
    }

    /// The entries a bundle (or level-0 tile) covers.
    pub fn entry_range(&self) -> std::ops::Range<u64> {
        let start = self.index.saturating_mul(TILE_WIDTH);
        start..start.saturating_add(u64::from(self.width))
    }
}

/// A decimal with no leading zeroes, at most `max`.
fn parse_decimal(s: &str, max: u64) -> Option<u64> {
    if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if s.len() > 1 && s.starts_with('0') {
        return None;
    }
    s.parse::<u64>().ok().filter(|&v| v <= max)
}

/// A tile index as tlog-tiles writes it: zero-padded 3-digit groups, all
/// but the last prefixed with `x` (1234067 → `x001/x234/067`).
pub fn encode_index(mut n: u64) -> String {
    let mut groups = vec![format!("{:03}", n % 1000)];
    n /= 1000;
    while n > 0 {
        groups.push(format!("x{:03}", n % 1000));
        n /= 1000;
    }
    groups.reverse();
    groups.join("/")
}

/// The inverse of [`encode_index`], accepting only its exact output.
pub fn decode_index(s: &str) -> Option<u64> {
    let groups: Vec<&str> = s.split('/').collect();
    let mut n: u64 = 0;
    for (i, g) in groups.iter().enumerate() {
        let last = i + 1 == groups.len();
        let digits = if last { *g } else { g.strip_prefix('x')? };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        n = n
            .checked_mul(1000)?
            .checked_add(digits.parse::<u64>().ok()?)?;
    }
    // No leading zero groups: exactly what encode_index writes.
    (encode_index(n) == s).then_some(n)
}

/// Hashes at tile level `level` in a tree of `size` leaves:
/// `floor(size / 256^level)`.
pub fn level_count(size: u64, level: u8) -> u64 {
    let shift = u32::from(level) * TILE_HEIGHT;
    if shift >= 64 {
        0
    } else {
        size >> shift
    }
}

/// The tiles of level `kind` (a hash level, or bundles: level 0's count)
/// that a tree of `size` leaves has, full ones then the partial one.
pub fn tiles_of(kind: TileKind, size: u64) -> Vec<Tile> {
    let count = match kind {
        TileKind::Hash(l) => level_count(size, l),
        TileKind::Entries | TileKind::Payloads => size,
    };
    let mut out = Vec::new();
    let full = count / TILE_WIDTH;
    for index in 0..full {
        out.push(Tile {
            kind,
            index,
            width: TILE_WIDTH as u16,
        });
    }
    let w = count % TILE_WIDTH;
    if w > 0 {
        out.push(Tile {
            kind,
            index: full,
            width: w as u16,
        });
    }
    out
}

/// The hash-tile levels a tree of `size` leaves has (level `l` exists
/// while `floor(size / 256^l) > 0`).
pub fn hash_levels(size: u64) -> Vec<u8> {
    (0u8..8).filter(|&l| level_count(size, l) > 0).collect()
}

/// Every tile (hash tiles of every level, entry and payload bundles) of a
/// tree of `size` leaves.
pub fn all_tiles(size: u64) -> Vec<Tile> {
    let mut out = Vec::new();
    for l in hash_levels(size) {
        out.extend(tiles_of(TileKind::Hash(l), size));
    }
    out.extend(tiles_of(TileKind::Entries, size));
    out.extend(tiles_of(TileKind::Payloads, size));
    out
}

/// The tiles a tree of `new` leaves has that one of `old` leaves did not
/// have, byte for byte: new full tiles and the partial tiles of `new`
/// (tiles full at `old` are immutable).
pub fn new_tiles(old: u64, new: u64) -> Vec<Tile> {
    let old_set: std::collections::HashSet<Tile> = all_tiles(old).into_iter().collect();
    all_tiles(new)
        .into_iter()
        .filter(|t| !old_set.contains(t))
        .collect()
}

/// Every level's hashes of a tree, computed from its leaves: `levels[l]`
/// holds the `floor(size / 256^l)` hashes of level `l`.
pub struct Levels {
    pub levels: Vec<Vec<Hash>>,
}

impl Levels {
    pub fn from_leaves(leaves: Vec<Hash>) -> Levels {
        let mut levels = vec![leaves];
        loop {
            let below = levels.last().map(Vec::as_slice).unwrap_or(&[]);
            let up: Vec<Hash> = below
                .chunks_exact(TILE_WIDTH as usize)
                .map(merkle::root_of)
                .collect();
            if up.is_empty() {
                break;
            }
            levels.push(up);
        }
        Levels { levels }
    }

    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// The bytes of hash tile `tile` (its hashes concatenated), `None` if
    /// the tree does not have it.
    pub fn hash_tile(&self, tile: &Tile) -> Option<Vec<u8>> {
        let TileKind::Hash(l) = tile.kind else {
            return None;
        };
        let level = self.levels.get(usize::from(l))?;
        let r = tile.entry_range();
        let hashes = level.get(usize::try_from(r.start).ok()?..usize::try_from(r.end).ok()?)?;
        Some(hashes.concat())
    }

    /// The root of the first `size` leaves (RFC 9162 MTH), from level 0.
    pub fn root_at(&self, size: u64) -> Option<Hash> {
        let leaves = self.levels.first()?;
        Some(merkle::root_of(leaves.get(..usize::try_from(size).ok()?)?))
    }
}

/// An entry bundle of these entries: each a big-endian `u16` length, then
/// its bytes. `first` is the seq of the first (for the error).
pub fn encode_bundle<'a>(
    first: u64,
    entries: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Vec<u8>, TileError> {
    let mut out = Vec::new();
    for (i, e) in entries.into_iter().enumerate() {
        let len = u16::try_from(e.len()).map_err(|_| TileError::EntryTooLarge {
            seq: first + i as u64,
            len: e.len(),
        })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(e);
    }
    Ok(out)
}

/// The entries of bundle `tile`, which must hold exactly `tile.width`.
pub fn decode_bundle<'a>(tile: &Tile, bytes: &'a [u8]) -> Result<Vec<&'a [u8]>, TileError> {
    decode_framed(tile, bytes, 2)
}

/// A payload bundle: for each entry a big-endian `u32` length, then
/// `salt || content` of its `payload` part (length 0: the entry commits no
/// payload).
pub fn encode_payloads<'a>(payloads: impl IntoIterator<Item = Option<&'a [u8]>>) -> Vec<u8> {
    let mut out = Vec::new();
    for p in payloads {
        let p = p.unwrap_or(&[]);
        out.extend_from_slice(&(p.len() as u32).to_be_bytes());
        out.extend_from_slice(p);
    }
    out
}

/// The payloads of payload bundle `tile` (an empty slice: none).
pub fn decode_payloads<'a>(tile: &Tile, bytes: &'a [u8]) -> Result<Vec<&'a [u8]>, TileError> {
    decode_framed(tile, bytes, 4)
}

fn decode_framed<'a>(
    tile: &Tile,
    mut bytes: &'a [u8],
    prefix: usize,
) -> Result<Vec<&'a [u8]>, TileError> {
    let width = u64::from(tile.width);
    let mut out = Vec::with_capacity(usize::from(tile.width));
    for at in 0..width {
        let truncated = || TileError::Truncated {
            path: tile.path(),
            at,
            width,
        };
        let len_bytes = bytes.get(..prefix).ok_or_else(truncated)?;
        let len = len_bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        let rest = &bytes[prefix..];
        let item = rest.get(..len).ok_or_else(truncated)?;
        out.push(item);
        bytes = &rest[len..];
    }
    if !bytes.is_empty() {
        return Err(TileError::Trailing {
            path: tile.path(),
            extra: bytes.len(),
        });
    }
    Ok(out)
}

/// The hashes of a hash tile's bytes (`tile.width` of them).
pub fn decode_hash_tile(tile: &Tile, bytes: &[u8]) -> Result<Vec<Hash>, TileError> {
    let expected = usize::from(tile.width) * 32;
    if bytes.len() != expected {
        return Err(TileError::HashTileLength {
            path: tile.path(),
            len: bytes.len(),
            expected,
        });
    }
    Ok(bytes
        .chunks_exact(32)
        .map(|c| {
            let mut h = [0u8; 32];
            h.copy_from_slice(c);
            h
        })
        .collect())
}

/// How tiles are fetched: a path under the log's prefix (`checkpoint`,
/// `tile/0/000`) → its bytes, `None` if the endpoint has no such file.
pub type Fetch<'a, E> = dyn FnMut(&str) -> Result<Option<Vec<u8>>, E> + 'a;

/// Why a log could not be read from tiles, or does not match its checkpoint.
#[derive(Debug, thiserror::Error)]
pub enum ReadError<E: std::error::Error + 'static> {
    #[error("cannot fetch {path}: {source}")]
    Fetch {
        path: String,
        #[source]
        source: E,
    },
    #[error("{path} is missing (the log's checkpoint of size {size} needs it)")]
    Missing { path: String, size: u64 },
    #[error(transparent)]
    Tile(#[from] TileError),
    #[error("the entries served hash to another root than the checkpoint's (size {size}): a tile was altered, or the log rewrote its history")]
    RootMismatch { size: u64 },
    #[error("{path} does not hold the hashes of the entries served (the tile was altered)")]
    TileMismatch { path: String },
}

/// A log read from tiles and checked against its checkpoint's root: every
/// level's hashes, and the entries read (from `first` on) with their
/// payload bundle items.
pub struct TileLog {
    pub levels: Levels,
    /// Seq of `entries[0]`.
    pub first: u64,
    pub entries: Vec<Vec<u8>>,
    pub payloads: Vec<Vec<u8>>,
    /// Every tile fetched, as fetched (all checked).
    pub fetched: Vec<(Tile, Vec<u8>)>,
}

/// Read a log of `size` leaves with root `root` through `fetch` (a tile's
/// path → its bytes, `None` if absent), knowing the leaves `held` of an
/// earlier tree (checked then): the bundles from the one holding leaf
/// `held.len()` on are fetched, their entries hashed; the root of all the
/// leaves must be `root`; every hash tile the tree has that the held tree
/// had not is fetched and must be exactly what the leaves give. The caller
/// checks that the held tree is a prefix (`levels.root_at(held size)`).
pub fn read_log<E: std::error::Error + 'static>(
    fetch: &mut Fetch<'_, E>,
    held: &[Hash],
    size: u64,
    root: &Hash,
) -> Result<TileLog, ReadError<E>> {
    let held_size = held.len() as u64;
    let first_bundle = held_size.min(size) / TILE_WIDTH;
    let first = first_bundle * TILE_WIDTH;
    let mut get = |t: &Tile| -> Result<Vec<u8>, ReadError<E>> {
        let path = t.path();
        match fetch(&path) {
            Ok(Some(b)) => Ok(b),
            Ok(None) => Err(ReadError::Missing { path, size }),
            Err(source) => Err(ReadError::Fetch { path, source }),
        }
    };
    let mut leaves: Vec<Hash> = held[..first as usize].to_vec();
    let mut entries = Vec::new();
    let mut payloads = Vec::new();
    let mut fetched = Vec::new();
    for t in tiles_of(TileKind::Entries, size)
        .into_iter()
        .filter(|t| t.index >= first_bundle)
    {
        let bytes = get(&t)?;
        let pt = Tile {
            kind: TileKind::Payloads,
            ..t
        };
        let pbytes = get(&pt)?;
        for e in decode_bundle(&t, &bytes)? {
            leaves.push(merkle::leaf_hash(e));
            entries.push(e.to_vec());
        }
        payloads.extend(
            decode_payloads(&pt, &pbytes)?
                .into_iter()
                .map(<[u8]>::to_vec),
        );
        fetched.push((t, bytes));
        fetched.push((pt, pbytes));
    }
    let levels = Levels::from_leaves(leaves);
    if levels.root_at(size).as_ref() != Some(root) {
        return Err(ReadError::RootMismatch { size });
    }
    for t in new_tiles(held_size.min(size), size) {
        if !matches!(t.kind, TileKind::Hash(_)) {
            continue;
        }
        let bytes = get(&t)?;
        if levels.hash_tile(&t).as_deref() != Some(bytes.as_slice()) {
            return Err(ReadError::TileMismatch { path: t.path() });
        }
        fetched.push((t, bytes));
    }
    Ok(TileLog {
        levels,
        first,
        entries,
        payloads,
        fetched,
    })
}

/// The root the level-0 tiles served for a tree of `size` give, if they
/// are all there and well formed: whether a log whose entries do not match
/// its checkpoint at least signed the tree its tiles show (a rewritten
/// history), or served altered tiles. Also returns those leaves.
pub fn served_leaves<E: std::error::Error + 'static>(
    fetch: &mut Fetch<'_, E>,
    size: u64,
) -> Option<Vec<Hash>> {
    let mut leaves = Vec::new();
    for t in tiles_of(TileKind::Hash(0), size) {
        let bytes = fetch(&t.path()).ok()??;
        leaves.extend(decode_hash_tile(&t, &bytes).ok()?);
    }
    Some(leaves)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_encoding_is_the_spec_s() {
        assert_eq!(encode_index(1234067), "x001/x234/067");
        assert_eq!(encode_index(0), "000");
        assert_eq!(encode_index(999), "999");
        assert_eq!(encode_index(1000), "x001/000");
        assert_eq!(decode_index("x001/x234/067"), Some(1234067));
        assert_eq!(decode_index("000"), Some(0));
        // Not the canonical form: refused.
        for bad in [
            "x000/001",
            "1",
            "0001",
            "x001",
            "001/002",
            "x01/002",
            "",
            "x001/x002/",
        ] {
            assert_eq!(decode_index(bad), None, "{bad}");
        }
        assert_eq!(decode_index(&encode_index(u64::MAX)), Some(u64::MAX));
    }

    #[test]
    fn tile_paths_round_trip() {
        let cases = [
            ("tile/0/x001/x234/067", TileKind::Hash(0), 1234067, 256),
            ("tile/1/000.p/17", TileKind::Hash(1), 0, 17),
            ("tile/entries/x001/000.p/255", TileKind::Entries, 1000, 255),
            ("payload/273", TileKind::Payloads, 273, 256),
        ];
        for (path, kind, index, width) in cases {
            let t = Tile::parse(path).expect(path);
            assert_eq!(t, Tile { kind, index, width });
            assert_eq!(t.path(), path);
            assert_eq!(Tile::parse(&format!("/{path}")), Ok(t));
        }
        for bad in [
            "tile/64/000",
            "tile/01/000",
            "tile/0/000.p/0",
            "tile/0/000.p/256",
            "tile/0/000.p/07",
            "tile/0/0",
            "tile/x/000",
            "checkpoint",
            "tile/0",
        ] {
            assert!(Tile::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tiles_of_a_70000_tree_are_the_spec_s() {
        // "273 full level 0 tiles, one partial level 0 tile of width 112,
        // one full level 1 tile, one partial level 1 tile of width 17, and
        // one partial level 2 tile of width 1".
        let l0 = tiles_of(TileKind::Hash(0), 70_000);
        assert_eq!(l0.len(), 274);
        assert_eq!(l0.iter().filter(|t| t.is_full()).count(), 273);
        assert_eq!(l0.last().map(|t| (t.index, t.width)), Some((273, 112)));
        let l1 = tiles_of(TileKind::Hash(1), 70_000);
        assert_eq!(
            l1.iter().map(|t| (t.index, t.width)).collect::<Vec<_>>(),
            vec![(0, 256), (1, 17)]
        );
        let l2 = tiles_of(TileKind::Hash(2), 70_000);
        assert_eq!(
            l2.iter().map(|t| (t.index, t.width)).collect::<Vec<_>>(),
            vec![(0, 1)]
        );
        assert_eq!(hash_levels(70_000), vec![0, 1, 2]);
        // "a tree of size 256 will be represented by a full level 0 tile
        // and a partial level 1 tile of width 1".
        assert_eq!(
            hash_levels(256)
                .into_iter()
                .flat_map(|l| tiles_of(TileKind::Hash(l), 256))
                .map(|t| t.path())
                .collect::<Vec<_>>(),
            vec!["tile/0/000", "tile/1/000.p/1"]
        );
        assert!(all_tiles(0).is_empty());
    }

    #[test]
    fn new_tiles_keep_full_tiles_and_replace_partials() {
        let paths = |v: Vec<Tile>| v.into_iter().map(|t| t.path()).collect::<Vec<_>>();
        assert_eq!(
            paths(new_tiles(10, 300)),
            vec![
                "tile/0/000",
                "tile/0/001.p/44",
                "tile/1/000.p/1",
                "tile/entries/000",
                "tile/entries/001.p/44",
                "payload/000",
                "payload/001.p/44"
            ]
        );
        assert_eq!(
            paths(new_tiles(300, 301)),
            vec![
                "tile/0/001.p/45",
                "tile/entries/001.p/45",
                "payload/001.p/45"
            ]
        );
        assert!(new_tiles(300, 300).is_empty());
    }

    #[test]
    fn level_hashes_are_the_merkle_nodes() {
        let leaves: Vec<Hash> = (0u32..70_000)
            .map(|i| merkle::leaf_hash(&i.to_le_bytes()))
            .collect();
        let store = merkle::MemoryStore::from_leaves(leaves.iter().copied()).expect("tree");
        let levels = Levels::from_leaves(leaves.clone());
        assert_eq!(levels.levels.len(), 3);
        assert_eq!(levels.levels[1].len(), 273);
        assert_eq!(levels.levels[2].len(), 1);
        // A level-1 hash is the root of 256 leaves; level 2, of 65,536.
        assert_eq!(
            levels.levels[1][5],
            merkle::root_of(&leaves[5 * 256..6 * 256])
        );
        assert_eq!(levels.levels[2][0], merkle::root_of(&leaves[..65_536]));
        assert_eq!(levels.root_at(70_000), store.root().ok());
        let t = Tile::parse("tile/1/001.p/17").expect("tile");
        let bytes = levels.hash_tile(&t).expect("has it");
        assert_eq!(bytes.len(), 17 * 32);
        assert_eq!(
            decode_hash_tile(&t, &bytes).expect("decodes")[0],
            levels.levels[1][256]
        );
        assert!(levels
            .hash_tile(&Tile::parse("tile/1/001.p/18").expect("tile"))
            .is_none());
    }

    #[test]
    fn bundles_frame_entries_exactly() {
        let entries: Vec<Vec<u8>> = vec![vec![1, 2, 3], vec![], vec![7; 300]];
        let bytes = encode_bundle(0, entries.iter().map(Vec::as_slice)).expect("fits");
        assert_eq!(&bytes[..5], &[0, 3, 1, 2, 3]);
        assert_eq!(&bytes[5..9], &[0, 0, 1, 44]);
        let t = Tile {
            kind: TileKind::Entries,
            index: 0,
            width: 3,
        };
        let back = decode_bundle(&t, &bytes).expect("decodes");
        assert_eq!(back, entries.iter().map(Vec::as_slice).collect::<Vec<_>>());
        // One entry short, a byte missing, a byte extra: refused.
        let t4 = Tile { width: 4, ..t };
        assert!(matches!(
            decode_bundle(&t4, &bytes),
            Err(TileError::Truncated { at: 3, .. })
        ));
        assert!(decode_bundle(&t, &bytes[..bytes.len() - 1]).is_err());
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(matches!(
            decode_bundle(&t, &extra),
            Err(TileError::Trailing { extra: 1, .. })
        ));
        // An entry over 65,535 bytes has no place in a bundle.
        let big = vec![0u8; 65_536];
        assert!(matches!(
            encode_bundle(7, [big.as_slice()]),
            Err(TileError::EntryTooLarge {
                seq: 7,
                len: 65_536
            })
        ));
        let p = encode_payloads([Some(&b"ab"[..]), None]);
        assert_eq!(p, vec![0, 0, 0, 2, b'a', b'b', 0, 0, 0, 0]);
        let tp = Tile {
            kind: TileKind::Payloads,
            index: 0,
            width: 2,
        };
        assert_eq!(
            decode_payloads(&tp, &p).expect("decodes"),
            vec![&b"ab"[..], &[][..]]
        );
    }

    #[derive(Debug, thiserror::Error)]
    #[error("never")]
    struct Never;

    fn site(n: u32) -> (std::collections::HashMap<String, Vec<u8>>, Hash) {
        let entries: Vec<Vec<u8>> = (0..n).map(|i| i.to_le_bytes().to_vec()).collect();
        let leaves: Vec<Hash> = entries.iter().map(|e| merkle::leaf_hash(e)).collect();
        let levels = Levels::from_leaves(leaves);
        let mut m = std::collections::HashMap::new();
        for t in all_tiles(u64::from(n)) {
            let r = t.entry_range();
            let bytes = match t.kind {
                TileKind::Hash(_) => levels.hash_tile(&t).expect("tile"),
                TileKind::Entries => encode_bundle(
                    r.start,
                    entries[r.start as usize..r.end as usize]
                        .iter()
                        .map(Vec::as_slice),
                )
                .expect("fits"),
                TileKind::Payloads => encode_payloads((r.start..r.end).map(|_| None)),
            };
            m.insert(t.path(), bytes);
        }
        (m, levels.root_at(u64::from(n)).expect("root"))
    }

    #[test]
    fn a_log_reads_back_from_its_tiles_and_an_altered_tile_is_caught() {
        let (m, root) = site(600);
        let mut fetch = |p: &str| Ok::<_, Never>(m.get(p).cloned());
        let log = read_log(&mut fetch, &[], 600, &root).expect("reads");
        assert_eq!(log.entries.len(), 600);
        assert_eq!(log.entries[599], 599u32.to_le_bytes().to_vec());
        // Incremental: from 300 held leaves, only bundle 1 on is fetched.
        let held = &log.levels.levels[0][..300];
        let again = read_log(&mut fetch, held, 600, &root).expect("reads");
        assert_eq!(again.first, 256);
        assert_eq!(again.entries.len(), 600 - 256);
        // The wrong root: refused.
        assert!(matches!(
            read_log(&mut fetch, &[], 600, &[0u8; 32]),
            Err(ReadError::RootMismatch { size: 600 })
        ));
        // One byte of an entry flipped: the root no longer matches.
        let mut bad = m.clone();
        if let Some(b) = bad.get_mut("tile/entries/001") {
            b[5] ^= 1;
        }
        let mut fetch_bad = |p: &str| Ok::<_, Never>(bad.get(p).cloned());
        assert!(matches!(
            read_log(&mut fetch_bad, &[], 600, &root),
            Err(ReadError::RootMismatch { .. })
        ));
        // A hash tile altered, entries intact: that tile is named.
        let mut bad = m.clone();
        if let Some(b) = bad.get_mut("tile/0/001") {
            b[0] ^= 1;
        }
        let mut fetch_bad = |p: &str| Ok::<_, Never>(bad.get(p).cloned());
        assert!(matches!(
            read_log(&mut fetch_bad, &[], 600, &root),
            Err(ReadError::TileMismatch { path }) if path == "tile/0/001"
        ));
        // A tile missing.
        let mut gone = m.clone();
        gone.remove("tile/1/000.p/2");
        let mut fetch_gone = |p: &str| Ok::<_, Never>(gone.get(p).cloned());
        assert!(matches!(
            read_log(&mut fetch_gone, &[], 600, &root),
            Err(ReadError::Missing { .. })
        ));
        assert_eq!(
            served_leaves(&mut fetch, 600).map(|l| merkle::root_of(&l)),
            Some(root)
        );
    }
}
