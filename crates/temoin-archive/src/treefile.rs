//! The Merkle tree's stored nodes: an append-only file, `DIR/tree`
//! (docs/FORMAT.md §8.1).
//!
//! Why a file and not sled rows: an inclusion proof reads about log2(n)
//! stored nodes. As sled rows, each cold read loaded and deserialised a
//! whole sled page; here a node is
//! one 32-byte `pread` at an offset computed from its address. Ingest
//! appends the nodes each entry completes, which are contiguous at the end
//! of the file, so a batch is one write.
//!
//! Layout: the perfect subtrees `(level, index)` (§5 of FORMAT.md) in
//! post-order, 32 bytes each, nothing else. The node completed last by
//! leaf `m` sits right after the leaf itself and its lower ancestors:
//! `position(level, index) = 2m − popcount(m) + level`, where
//! `m = (index + 1) · 2^level − 1` is the last leaf it covers. A tree of
//! `n` leaves has [`node_count`]`(n) = 2n − popcount(n)` nodes.
//!
//! Durability: see `appendfile`; the committed length is that of the
//! head's size, `32 × node_count(size)`.

pub use crate::appendfile::Access;
use crate::appendfile::{AppendFile, AppendFileError};
use std::path::Path;

/// Bytes per node.
pub const NODE: u64 = 32;

/// Nodes stored for a tree of `size` leaves: every perfect subtree.
pub fn node_count(size: u64) -> u64 {
    // size <= 2^62 in any real archive; saturate rather than overflow.
    size.saturating_mul(2) - u64::from(size.count_ones())
}

/// Post-order position of node `(level, index)`; `None` if it cannot exist
/// in a tree of fewer than 2^63 leaves.
pub fn position(level: u8, index: u64) -> Option<u64> {
    let width = 1u64.checked_shl(u32::from(level))?;
    let last_leaf = index.checked_add(1)?.checked_mul(width)? - 1;
    let before = last_leaf.checked_mul(2)? - u64::from(last_leaf.count_ones());
    before.checked_add(u64::from(level))
}

/// The tree file of an archive (see the module docs).
#[derive(Debug)]
pub struct TreeFile(AppendFile);

#[derive(Debug, thiserror::Error)]
pub enum TreeFileError {
    #[error(transparent)]
    File(#[from] AppendFileError),
    #[error("Merkle node ({level}, {index}) is not the next node of the tree file")]
    OutOfOrder { level: u8, index: u64 },
}

impl TreeFile {
    /// Open the tree file at `path` for an archive of `size` entries
    /// (a writer refuses a file with fewer nodes than that: see
    /// [`AppendFile::open`]).
    pub fn open(path: &Path, size: u64, access: Access) -> Result<TreeFile, TreeFileError> {
        Ok(TreeFile(AppendFile::open(
            path,
            node_count(size) * NODE,
            access,
        )?))
    }

    /// Stored node `(level, index)`; `None` if the file does not reach it.
    pub fn node(&self, level: u8, index: u64) -> Result<Option<[u8; 32]>, TreeFileError> {
        let Some(offset) = position(level, index).and_then(|p| p.checked_mul(NODE)) else {
            return Ok(None);
        };
        let mut buf = [0u8; 32];
        Ok(self.0.read_at(&mut buf, offset)?.then_some(buf))
    }

    /// A run of consecutive nodes read at once (the audit reads a unit's
    /// leaves and the nodes they complete, which are contiguous), into a
    /// buffer the caller keeps: fills `buf` with the bytes from post-order
    /// position `from` on until it is full or the file ends; the number of
    /// whole nodes' bytes read.
    pub fn nodes_bytes_into(&self, buf: &mut [u8], from: u64) -> Result<usize, TreeFileError> {
        let Some(offset) = from.checked_mul(NODE) else {
            return Ok(0);
        };
        let n = self.0.read_upto(buf, offset)?;
        Ok(n - n % NODE as usize)
    }

    /// Write `nodes`, the nodes completed by appending leaves to a tree of
    /// `size` leaves (in the order `merkle::nodes_completed_by_append`
    /// gives them, leaf by leaf), then sync the file. They go right after
    /// the head's nodes, over anything an interrupted batch left there.
    pub fn append(&self, size: u64, nodes: &[(u8, u64, [u8; 32])]) -> Result<(), TreeFileError> {
        let start = node_count(size);
        let mut buf = Vec::with_capacity(nodes.len() * NODE as usize);
        for (i, (level, index, hash)) in nodes.iter().enumerate() {
            if position(*level, *index) != Some(start + i as u64) {
                return Err(TreeFileError::OutOfOrder {
                    level: *level,
                    index: *index,
                });
            }
            buf.extend_from_slice(hash);
        }
        Ok(self.0.write_at(&buf, start * NODE)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{self, MemoryStore, NodeStore};

    #[test]
    fn positions_are_the_post_order_of_appends() {
        // Append leaves one by one; the nodes each append completes must
        // take the next positions, in the order the merkle module gives.
        let mut tree = MemoryStore::new();
        let mut next = 0u64;
        for n in 0..300u64 {
            let leaf = merkle::leaf_hash(&n.to_be_bytes());
            for (level, index, _) in merkle::nodes_completed_by_append(&tree, n, leaf).unwrap() {
                assert_eq!(
                    position(level, index),
                    Some(next),
                    "node ({level}, {index})"
                );
                next += 1;
            }
            tree.push(leaf).unwrap();
            assert_eq!(node_count(n + 1), next, "node count at size {}", n + 1);
        }
    }

    #[test]
    fn positions_of_small_trees() {
        // Leaves 0,1 then their parent; leaves 2,3, parent (1,1), root (2,0).
        let expect = [(0, 0), (0, 1), (1, 0), (0, 2), (0, 3), (1, 1), (2, 0)];
        for (p, &(l, i)) in expect.iter().enumerate() {
            assert_eq!(position(l, i), Some(p as u64));
        }
        assert_eq!(node_count(0), 0);
        assert_eq!(node_count(7), 11);
        assert_eq!(position(64, 0), None);
        assert_eq!(position(0, u64::MAX), None);
    }

    #[test]
    fn write_read_cut_and_refuse_short() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tree");
        let mut mem = MemoryStore::new();
        let tf = TreeFile::open(&path, 0, Access::Write).unwrap();
        let mut size = 0u64;
        for n in 0..10u64 {
            let leaf = merkle::leaf_hash(&[n as u8]);
            let nodes = merkle::nodes_completed_by_append(&mem, n, leaf).unwrap();
            tf.append(size, &nodes).unwrap();
            mem.push(leaf).unwrap();
            size += 1;
        }
        for level in 0..4u8 {
            for index in 0..(10u64 >> level) {
                assert_eq!(
                    tf.node(level, index).unwrap(),
                    Some(mem.node(level, index).unwrap())
                );
            }
        }
        assert_eq!(tf.node(0, 10).unwrap(), None, "past the end");
        // A run of nodes reads as the nodes one by one, cut at the end.
        let all = std::fs::read(&path).unwrap();
        assert_eq!(all.len() as u64, node_count(10) * NODE);
        for level in 0..4u8 {
            for index in 0..(10u64 >> level) {
                let p = position(level, index).unwrap() as usize * 32;
                assert_eq!(&all[p..p + 32], &mem.node(level, index).unwrap()[..]);
            }
        }
        let mut buf = [7u8; 100];
        assert_eq!(tf.nodes_bytes_into(&mut buf[..64], 3).unwrap(), 64);
        assert_eq!(&buf[..64], &all[96..160]);
        assert_eq!(
            tf.nodes_bytes_into(&mut buf, 17).unwrap(),
            32,
            "whole nodes"
        );
        assert_eq!(&buf[..32], &all[17 * 32..]);
        assert_eq!(
            tf.nodes_bytes_into(&mut buf, 18).unwrap(),
            0,
            "past the end"
        );
        // Appending out of order is refused.
        assert!(matches!(
            tf.append(size, &[(0, 11, [0; 32])]),
            Err(TreeFileError::OutOfOrder { .. })
        ));
        drop(tf);
        // A writer opening at a smaller head cuts off the rest...
        let tf = TreeFile::open(&path, 8, Access::Write).unwrap();
        assert_eq!(tf.node(0, 8).unwrap(), None);
        assert_eq!(tf.node(3, 0).unwrap(), Some(mem.node(3, 0).unwrap()));
        drop(tf);
        // ...a reader never does, and a writer refuses a short file.
        let ro = TreeFile::open(&path, 10, Access::Read).unwrap();
        assert_eq!(ro.node(0, 9).unwrap(), None);
        assert!(matches!(
            TreeFile::open(&path, 10, Access::Write),
            Err(TreeFileError::File(
                crate::appendfile::AppendFileError::Short {
                    have: 480,
                    need: 576,
                    ..
                }
            ))
        ));
        // An absent file reads as empty for a reader.
        let gone = TreeFile::open(&dir.path().join("absent"), 5, Access::Read).unwrap();
        assert_eq!(gone.node(0, 0).unwrap(), None);
        assert_eq!(gone.nodes_bytes_into(&mut buf, 0).unwrap(), 0);
    }
}
