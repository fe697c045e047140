//! Append-only Merkle tree of RFC 9162 §2.1 (Certificate Transparency v2).
//!
//! # Hashing
//!
//! The tree hash is the one of [RFC 9162 §2.1.1]: SHA-256, with domain
//! separation between leaves and interior nodes,
//!
//! * `leaf_hash(d)    = SHA-256(0x00 || d)`
//! * `node_hash(l, r) = SHA-256(0x01 || l || r)`
//! * `MTH({})         = SHA-256("")`
//! * `MTH(D[n])       = node_hash(MTH(D[0:k]), MTH(D[k:n]))`, `k` the largest
//!   power of two strictly smaller than `n`.
//!
//! Proofs are generated exactly as the `PATH` ([RFC 9162 §2.1.3.1]) and
//! `SUBPROOF` ([RFC 9162 §2.1.4.1]) definitions, and verified with the
//! bit-shifting algorithms of [RFC 9162 §2.1.3.2] and [RFC 9162 §2.1.4.2].
//!
//! # Three layers
//!
//! 1. Pure functions over a slice of leaf hashes ([`root_of`],
//!    [`inclusion_proof_naive`], [`consistency_proof_naive`]). They follow
//!    the RFC's recursive definitions literally and serve as the reference
//!    implementation and for small in-memory trees.
//! 2. Verification ([`verify_inclusion`], [`verify_consistency`]), which
//!    needs only hashes, sizes and the proof.
//! 3. Incremental storage of the tree behind the [`NodeStore`] trait, with
//!    [`nodes_completed_by_append`], [`root_at`], [`inclusion_proof`] and
//!    [`consistency_proof`], plus the in-memory [`MemoryStore`].
//!
//! # Storage layout
//!
//! The store keeps the hash of every *perfect* (complete) subtree, addressed
//! by `(level, index)`: node `(l, i)` is `MTH(D[i·2^l .. (i+1)·2^l])`, so
//! level 0 holds the leaf hashes, level 1 the hashes of leaf pairs, and so
//! on. A node exists once all of its `2^l` leaves have been appended; nodes of
//! incomplete subtrees (the right edge of the tree) are never stored. For a KV
//! store, [`node_key`] encodes the address as 9 bytes (level, then index
//! big-endian) so keys sort by level, then by index.
//!
//! Appending leaf number `n` (0-based) completes exactly
//! `1 + n.trailing_ones()` nodes: the leaf itself, and one parent for each
//! trailing 1-bit of `n` (each time the new node is a right child whose left
//! sibling is already stored). [`nodes_completed_by_append`] computes them
//! with one store read per level, so appending is `O(log n)`, and the caller
//! writes them atomically together with the leaf. The whole store holds fewer
//! than `2n` hashes.
//!
//! # Why proofs for past sizes need no rebuild
//!
//! The tree is append-only, so a perfect subtree never changes once it is
//! complete: the node `(l, i)` written when the tree had `m` leaves is still
//! correct when the tree has `n ≥ m` leaves. The RFC's recursion over a tree
//! `D[0:m]` only ever asks for `MTH` of two kinds of ranges:
//!
//! * a perfect, aligned subtree `[i·2^l, (i+1)·2^l)` — one stored node;
//! * a *right-edge* range `[a, m)` (the right child chain always ends at the
//!   tree size). Its length `m - a` decomposes by its binary expansion into
//!   perfect subtrees laid out from `a`, largest first, and its `MTH` is the
//!   right fold of `node_hash` over them — `O(log n)` stored nodes.
//!
//! Each proof needs at most one right-edge range (once the recursion leaves
//! the right edge it stays inside a perfect subtree), so an inclusion or
//! consistency proof for *any* past size `m ≤ n`, and the root of any past
//! size, cost `O(log n)` node reads and no rebuilding or snapshotting.
//!
//! [RFC 9162 §2.1.1]: https://www.rfc-editor.org/rfc/rfc9162#section-2.1.1
//! [RFC 9162 §2.1.3.1]: https://www.rfc-editor.org/rfc/rfc9162#section-2.1.3.1
//! [RFC 9162 §2.1.3.2]: https://www.rfc-editor.org/rfc/rfc9162#section-2.1.3.2
//! [RFC 9162 §2.1.4.1]: https://www.rfc-editor.org/rfc/rfc9162#section-2.1.4.1
//! [RFC 9162 §2.1.4.2]: https://www.rfc-editor.org/rfc/rfc9162#section-2.1.4.2

use sha2::{Digest, Sha256};
use thiserror::Error;

/// A SHA-256 digest: a leaf hash, an interior node hash or a tree root.
pub type Hash = [u8; 32];

/// A node completed by an append: (level, index, hash).
pub type NewNode = (u8, u64, Hash);

/// `MTH({})`, the root of the empty tree: SHA-256 of the empty string.
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// Leaf hash of RFC 9162 §2.1.1: `SHA-256(0x00 || data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    h.finalize().into()
}

/// Interior node hash of RFC 9162 §2.1.1: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// A request about sizes or indices that no tree can satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum RangeError {
    /// The leaf index is not smaller than the tree size.
    #[error("leaf index {index} is out of range for a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    /// A consistency proof was asked from a larger tree to a smaller one.
    #[error("old tree size {old_size} is larger than new tree size {new_size}")]
    SizeOrder { old_size: u64, new_size: u64 },
    /// The tree already holds `u64::MAX` leaves; leaf number `u64::MAX`
    /// would make its size unrepresentable.
    #[error("the tree is full: leaf number {size} cannot be appended (at most 2^64 - 1 leaves)")]
    TreeFull { size: u64 },
}

/// Error of the functions that read a [`NodeStore`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TreeError<E> {
    /// The sizes or indices asked for are invalid.
    #[error(transparent)]
    Range(#[from] RangeError),
    /// The node store failed, e.g. because a node that should be there is
    /// missing (a size larger than the stored size was asked for).
    #[error("merkle node store failed: {0}")]
    Store(#[source] E),
}

/// Why a proof was rejected. Every variant means "do not trust this proof".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ProofError {
    /// Inclusion: the leaf index is not smaller than the tree size.
    #[error("leaf index {index} is out of range for a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    /// Consistency: the old tree is larger than the new tree.
    #[error("old tree size {old_size} is larger than new tree size {new_size}")]
    SizeOrder { old_size: u64, new_size: u64 },
    /// The proof does not have the number of hashes the sizes (and index)
    /// determine.
    #[error("the proof has {got} hashes but {expected} are required for these sizes")]
    WrongProofLength { expected: usize, got: usize },
    /// Inclusion: the proof and the leaf hash do not lead to the given root.
    #[error("inclusion proof for leaf {index} does not lead to the given root of the tree of size {size}")]
    RootMismatch { index: u64, size: u64 },
    /// Consistency: the proof does not reproduce the given old root.
    #[error(
        "consistency proof does not reproduce the given root of the old tree (size {old_size})"
    )]
    OldRootMismatch { old_size: u64 },
    /// Consistency: the proof reproduces the old root but not the given new
    /// root.
    #[error(
        "consistency proof does not reproduce the given root of the new tree (size {new_size})"
    )]
    NewRootMismatch { new_size: u64 },
    /// Consistency between two trees of the same size: their roots differ.
    #[error("the two trees have the same size {size} but different roots")]
    RootsDiffer { size: u64 },
    /// A root given for the empty tree (size 0) is not `SHA-256("")`.
    #[error("the root given for the empty tree (size 0) is not SHA-256 of the empty string")]
    EmptyTreeRootMismatch,
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

/// Largest power of two strictly smaller than `n`, for `n >= 2`
/// (the `k` of RFC 9162 §2.1.1). Returns 1 for `n < 2` (never used so).
fn split_point(n: u64) -> u64 {
    if n < 2 {
        return 1;
    }
    // n - 1 >= 1, so leading_zeros <= 63.
    1u64 << (63 - (n - 1).leading_zeros())
}

/// `usize` to `u64`: lossless on every platform Rust supports (≤ 64 bits).
fn to_u64(n: usize) -> u64 {
    n as u64
}

// ---------------------------------------------------------------------------
// 1. Pure functions over a slice of leaf hashes (reference implementation)
// ---------------------------------------------------------------------------

/// `MTH(D[n])` of RFC 9162 §2.1.1 over the given leaf hashes. The empty tree
/// has root [`EMPTY_ROOT`]. `O(n)` hashes.
pub fn root_of(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => EMPTY_ROOT,
        [leaf] => *leaf,
        _ => {
            let k = split_point(to_u64(leaves.len())) as usize; // < len
            let (left, right) = leaves.split_at(k);
            node_hash(&root_of(left), &root_of(right))
        }
    }
}

/// `PATH(m, D[n])` of RFC 9162 §2.1.3.1, for a tree of at least one leaf.
fn path_naive(m: usize, d: &[Hash]) -> Vec<Hash> {
    if d.len() <= 1 {
        return Vec::new();
    }
    let k = split_point(to_u64(d.len())) as usize; // 1 <= k < len
    let (left, right) = d.split_at(k);
    if m < k {
        let mut p = path_naive(m, left);
        p.push(root_of(right));
        p
    } else {
        let mut p = path_naive(m - k, right);
        p.push(root_of(left));
        p
    }
}

/// `SUBPROOF(m, D[n], b)` of RFC 9162 §2.1.4.1, for `0 < m <= n`.
fn subproof_naive(m: usize, d: &[Hash], b: bool) -> Vec<Hash> {
    if m >= d.len() {
        return if b { Vec::new() } else { vec![root_of(d)] };
    }
    let k = split_point(to_u64(d.len())) as usize; // 1 <= k < len
    let (left, right) = d.split_at(k);
    if m <= k {
        let mut p = subproof_naive(m, left, b);
        p.push(root_of(right));
        p
    } else {
        let mut p = subproof_naive(m - k, right, false);
        p.push(root_of(left));
        p
    }
}

/// Inclusion proof `PATH(index, D[n])` (RFC 9162 §2.1.3.1) of leaf `index`
/// in the tree made of `leaves`. Literal recursive definition: `O(n log n)`
/// hashes, meant as a reference and for small trees.
pub fn inclusion_proof_naive(leaves: &[Hash], index: u64) -> Result<Vec<Hash>, RangeError> {
    let size = to_u64(leaves.len());
    match usize::try_from(index) {
        Ok(m) if m < leaves.len() => Ok(path_naive(m, leaves)),
        _ => Err(RangeError::IndexOutOfRange { index, size }),
    }
}

/// Consistency proof `PROOF(old_size, D[n]) = SUBPROOF(old_size, D[n], true)`
/// (RFC 9162 §2.1.4.1) between the first `old_size` leaves and all `leaves`.
///
/// The proof is empty when `old_size == leaves.len()` (as the RFC defines)
/// and when `old_size == 0` (the RFC leaves it undefined; every tree is
/// consistent with the empty tree, and [`verify_consistency`] accepts
/// exactly the empty proof from size 0).
pub fn consistency_proof_naive(leaves: &[Hash], old_size: u64) -> Result<Vec<Hash>, RangeError> {
    let new_size = to_u64(leaves.len());
    match usize::try_from(old_size) {
        Ok(0) => Ok(Vec::new()),
        Ok(m) if m <= leaves.len() => Ok(subproof_naive(m, leaves, true)),
        _ => Err(RangeError::SizeOrder { old_size, new_size }),
    }
}

// ---------------------------------------------------------------------------
// 2. Verification (RFC 9162 §2.1.3.2 and §2.1.4.2)
// ---------------------------------------------------------------------------

/// Number of proof elements the RFC 9162 §2.1.3.2 loop consumes, starting
/// from `fn = fn0`, `sn = sn0`, until `sn` reaches 0. Mirrors the loop of
/// [`verify_inclusion`] without hashing.
fn rfc_path_len(fn0: u64, sn0: u64) -> usize {
    let (mut fnn, mut sn) = (fn0, sn0);
    let mut count = 0;
    while sn != 0 {
        if fnn & 1 == 0 && fnn == sn {
            while fnn & 1 == 0 && fnn != 0 {
                fnn >>= 1;
                sn >>= 1;
            }
        }
        fnn >>= 1;
        sn >>= 1;
        count += 1;
    }
    count
}

/// Number of hashes in the inclusion proof of leaf `index` in a tree of
/// `size` leaves, or `None` if `index >= size`. Useful to bound the length
/// of a proof before reading it from untrusted input.
pub fn inclusion_proof_len(index: u64, size: u64) -> Option<usize> {
    if index >= size {
        return None;
    }
    Some(rfc_path_len(index, size - 1))
}

/// Number of hashes in the consistency proof from `old_size` to `new_size`,
/// or `None` if `old_size > new_size`. It is 0 when `old_size == 0` or
/// `old_size == new_size`.
pub fn consistency_proof_len(old_size: u64, new_size: u64) -> Option<usize> {
    if old_size > new_size {
        return None;
    }
    if old_size == 0 || old_size == new_size {
        return Some(0);
    }
    // Steps 3-4 of RFC 9162 §2.1.4.2.
    let (mut fnn, mut sn) = (old_size - 1, new_size - 1);
    while fnn & 1 == 1 {
        fnn >>= 1;
        sn >>= 1;
    }
    // The path holds one seed plus the elements the loop consumes; the seed
    // is the old root (not part of the proof) when old_size is a power of 2.
    let seed_in_proof = usize::from(!old_size.is_power_of_two());
    Some(seed_in_proof + rfc_path_len(fnn, sn))
}

/// Verifies that `leaf_hash` is leaf number `index` (0-based) of the tree of
/// `tree_size` leaves whose root is `root`, with the algorithm of
/// RFC 9162 §2.1.3.2.
///
/// The proof length is checked first against the length `(index, tree_size)`
/// determines ([`inclusion_proof_len`]), so a short or long proof is reported
/// as [`ProofError::WrongProofLength`]. Note that, as in the RFC, the proof
/// binds `(index, tree_size)` only through its shape; `tree_size` and `root`
/// must come together from an authenticated checkpoint.
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    tree_size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    // Step 1.
    if index >= tree_size {
        return Err(ProofError::IndexOutOfRange {
            index,
            size: tree_size,
        });
    }
    let expected = rfc_path_len(index, tree_size - 1);
    let wrong_len = ProofError::WrongProofLength {
        expected,
        got: proof.len(),
    };
    if proof.len() != expected {
        return Err(wrong_len);
    }
    // Steps 2-3.
    let (mut fnn, mut sn) = (index, tree_size - 1);
    let mut r = *leaf_hash;
    // Step 4.
    for p in proof {
        if sn == 0 {
            return Err(wrong_len);
        }
        if fnn & 1 == 1 || fnn == sn {
            r = node_hash(p, &r);
            if fnn & 1 == 0 {
                while fnn & 1 == 0 && fnn != 0 {
                    fnn >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnn >>= 1;
        sn >>= 1;
    }
    // Step 5.
    if sn != 0 {
        return Err(wrong_len);
    }
    if r != *root {
        return Err(ProofError::RootMismatch {
            index,
            size: tree_size,
        });
    }
    Ok(())
}

/// Verifies that the tree of `old_size` leaves with root `old_root` is a
/// prefix of the tree of `new_size` leaves with root `new_root`, with the
/// algorithm of RFC 9162 §2.1.4.2.
///
/// Cases the RFC algorithm does not cover:
///
/// * `old_size > new_size`: [`ProofError::SizeOrder`].
/// * `old_size == new_size`: the proof must be empty and the roots equal
///   (and both equal to [`EMPTY_ROOT`] when the size is 0).
/// * `old_size == 0`: every tree extends the empty tree, so the proof is
///   accepted **iff it is empty**; in addition `old_root` must be the root
///   of the empty tree, [`EMPTY_ROOT`] (`new_root` is not constrained when
///   `new_size > 0`).
///
/// Otherwise the proof length is checked first against the length the sizes
/// determine ([`consistency_proof_len`]), then the RFC algorithm runs.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::SizeOrder { old_size, new_size });
    }
    let expected = consistency_proof_len(old_size, new_size)
        .ok_or(ProofError::SizeOrder { old_size, new_size })?;
    let wrong_len = ProofError::WrongProofLength {
        expected,
        got: proof.len(),
    };
    if proof.len() != expected {
        return Err(wrong_len);
    }
    if old_size == 0 {
        if *old_root != EMPTY_ROOT || (new_size == 0 && *new_root != EMPTY_ROOT) {
            return Err(ProofError::EmptyTreeRootMismatch);
        }
        return Ok(());
    }
    if old_size == new_size {
        if old_root != new_root {
            return Err(ProofError::RootsDiffer { size: old_size });
        }
        return Ok(());
    }

    // Step 1 (empty proof) is covered by the length check: expected >= 1.
    // Step 2: if `first` is an exact power of 2, prepend `first_hash`.
    let seed = old_size.is_power_of_two().then_some(old_root);
    let mut path = seed.into_iter().chain(proof.iter());
    // Step 3.
    let (mut fnn, mut sn) = (old_size - 1, new_size - 1);
    // Step 4.
    if fnn & 1 == 1 {
        while fnn & 1 == 1 {
            fnn >>= 1;
            sn >>= 1;
        }
    }
    // Step 5.
    let first = path.next().ok_or(wrong_len)?;
    let (mut fr, mut sr) = (*first, *first);
    // Step 6.
    for c in path {
        if sn == 0 {
            return Err(wrong_len);
        }
        if fnn & 1 == 1 || fnn == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnn & 1 == 0 {
                while fnn & 1 == 0 && fnn != 0 {
                    fnn >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnn >>= 1;
        sn >>= 1;
    }
    // Step 7.
    if sn != 0 {
        return Err(wrong_len);
    }
    if fr != *old_root {
        return Err(ProofError::OldRootMismatch { old_size });
    }
    if sr != *new_root {
        return Err(ProofError::NewRootMismatch { new_size });
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 3. Incremental storage
// ---------------------------------------------------------------------------

/// Read access to the stored perfect-subtree hashes.
///
/// `node(level, index)` must return `MTH(D[index·2^level .. (index+1)·2^level])`
/// for every perfect subtree whose leaves have all been appended, and should
/// return an error (e.g. "missing node") for any other address.
pub trait NodeStore {
    /// Error of the underlying storage.
    type Error;
    /// The hash of node `(level, index)`.
    fn node(&self, level: u8, index: u64) -> Result<Hash, Self::Error>;
}

/// Key of node `(level, index)` in a KV store: the level byte, then the index
/// big-endian, so that keys sort by level, then by index.
pub fn node_key(level: u8, index: u64) -> [u8; 9] {
    let mut key = [0u8; 9];
    key[0] = level;
    key[1..].copy_from_slice(&index.to_be_bytes());
    key
}

/// Inverse of [`node_key`]; `None` if `key` is not 9 bytes long.
pub fn parse_node_key(key: &[u8]) -> Option<(u8, u64)> {
    let (&level, rest) = key.split_first()?;
    let index: [u8; 8] = rest.try_into().ok()?;
    Some((level, u64::from_be_bytes(index)))
}

/// The nodes that become complete when leaf number `size` (0-based; `size`
/// is the tree size before the append) is appended with hash `leaf`:
/// `(0, size, leaf)` first, then one parent per trailing 1-bit of `size`,
/// bottom-up — `1 + size.trailing_ones()` nodes in all. Reads one stored
/// left sibling per level. The caller writes them atomically with the leaf.
///
/// `size` must be the current stored size (this cannot be checked here).
/// Fails with [`RangeError::TreeFull`] if `size == u64::MAX`.
pub fn nodes_completed_by_append<S: NodeStore + ?Sized>(
    store: &S,
    size: u64,
    leaf: Hash,
) -> Result<Vec<NewNode>, TreeError<S::Error>> {
    if size == u64::MAX {
        return Err(RangeError::TreeFull { size }.into());
    }
    let ones = size.trailing_ones(); // <= 63 here
    let mut nodes = Vec::with_capacity(ones as usize + 1);
    nodes.push((0u8, size, leaf));
    let mut hash = leaf;
    for child_level in 0..ones {
        // The node at `child_level` just completed is a right child (its
        // index `size >> child_level` is odd); its left sibling is stored.
        let child_index = size >> child_level;
        let level = child_level as u8; // < 64
        let left = store
            .node(level, child_index ^ 1)
            .map_err(TreeError::Store)?;
        hash = node_hash(&left, &hash);
        nodes.push((level + 1, child_index >> 1, hash));
    }
    Ok(nodes)
}

/// `MTH(D[start:end])` from stored nodes. `O(log n)` reads for the ranges the
/// RFC recursion produces (perfect aligned subtrees and right-edge ranges of
/// aligned start); correct, but slower, for any other range.
fn subtree_hash<S: NodeStore + ?Sized>(
    store: &S,
    start: u64,
    end: u64,
) -> Result<Hash, TreeError<S::Error>> {
    let len = end.saturating_sub(start);
    if len == 0 {
        return Ok(EMPTY_ROOT);
    }
    if len.is_power_of_two() && start & (len - 1) == 0 {
        let level = len.trailing_zeros() as u8; // < 64
        return store.node(level, start >> level).map_err(TreeError::Store);
    }
    let mid = start + split_point(len); // start < mid < end
    let left = subtree_hash(store, start, mid)?;
    let right = subtree_hash(store, mid, end)?;
    Ok(node_hash(&left, &right))
}

/// Root of the tree formed by the first `size` stored leaves ([`EMPTY_ROOT`]
/// for 0), from at most `size.count_ones()` stored nodes. `size` must not
/// exceed the stored size (the store then reports a missing node).
pub fn root_at<S: NodeStore + ?Sized>(store: &S, size: u64) -> Result<Hash, TreeError<S::Error>> {
    subtree_hash(store, 0, size)
}

/// Inclusion proof `PATH(index, D[size])` (RFC 9162 §2.1.3.1) for leaf
/// `index` in the tree of the first `size` stored leaves, for any
/// `size <= ` stored size, from `O(log size)` stored nodes.
pub fn inclusion_proof<S: NodeStore + ?Sized>(
    store: &S,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, TreeError<S::Error>> {
    if index >= size {
        return Err(RangeError::IndexOutOfRange { index, size }.into());
    }
    // Walk PATH's recursion top-down over [start, end), start <= index < end,
    // collecting the sibling at each step; PATH lists them bottom-up.
    let mut path = Vec::new();
    let (mut start, mut end) = (0u64, size);
    while end - start > 1 {
        let mid = start + split_point(end - start);
        if index < mid {
            path.push(subtree_hash(store, mid, end)?);
            end = mid;
        } else {
            path.push(subtree_hash(store, start, mid)?);
            start = mid;
        }
    }
    path.reverse();
    Ok(path)
}

/// Consistency proof `PROOF(old_size, D[new_size])` (RFC 9162 §2.1.4.1)
/// between two past (or current) sizes of the stored tree, from `O(log n)`
/// stored nodes. Empty when `old_size == 0` or `old_size == new_size` (see
/// [`verify_consistency`]).
pub fn consistency_proof<S: NodeStore + ?Sized>(
    store: &S,
    old_size: u64,
    new_size: u64,
) -> Result<Vec<Hash>, TreeError<S::Error>> {
    if old_size > new_size {
        return Err(RangeError::SizeOrder { old_size, new_size }.into());
    }
    let mut proof = Vec::new();
    if old_size == 0 || old_size == new_size {
        return Ok(proof);
    }
    // Walk SUBPROOF's recursion top-down over [start, end) with
    // start < old_size <= end; `complete` is SUBPROOF's flag `b`.
    let (mut start, mut end, mut complete) = (0u64, new_size, true);
    loop {
        if old_size == end {
            if !complete {
                proof.push(subtree_hash(store, start, end)?);
            }
            break;
        }
        let mid = start + split_point(end - start);
        if old_size <= mid {
            proof.push(subtree_hash(store, mid, end)?);
            end = mid;
        } else {
            proof.push(subtree_hash(store, start, mid)?);
            start = mid;
            complete = false;
        }
    }
    proof.reverse();
    Ok(proof)
}

// ---------------------------------------------------------------------------
// In-memory store
// ---------------------------------------------------------------------------

/// A node absent from a [`MemoryStore`]: its subtree is not complete at the
/// stored size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("merkle node (level {level}, index {index}) is not stored: its subtree is not complete")]
pub struct MissingNode {
    /// Level of the missing node (0 = leaves).
    pub level: u8,
    /// Index of the missing node within its level.
    pub index: u64,
}

/// In-memory [`NodeStore`]: `levels[l][i]` is node `(l, i)`; level 0 holds
/// the leaf hashes. For bundles, tests and small trees.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryStore {
    levels: Vec<Vec<Hash>>,
}

impl MemoryStore {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// A tree with the given leaf hashes, appended in order.
    pub fn from_leaves<I: IntoIterator<Item = Hash>>(
        leaves: I,
    ) -> Result<Self, TreeError<MissingNode>> {
        let mut store = Self::new();
        for leaf in leaves {
            store.push(leaf)?;
        }
        Ok(store)
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        to_u64(self.leaves().len())
    }

    /// The leaf hashes, in order.
    pub fn leaves(&self) -> &[Hash] {
        self.levels.first().map_or(&[], Vec::as_slice)
    }

    /// Appends a leaf hash with [`nodes_completed_by_append`]; returns its
    /// index. Errors only if the store's invariant is broken, which the
    /// public API cannot do.
    pub fn push(&mut self, leaf: Hash) -> Result<u64, TreeError<MissingNode>> {
        let index = self.size();
        for (level, node_index, hash) in nodes_completed_by_append(self, index, leaf)? {
            let level_usize = usize::from(level);
            if self.levels.len() == level_usize {
                self.levels.push(Vec::new());
            }
            match self.levels.get_mut(level_usize) {
                Some(nodes) if to_u64(nodes.len()) == node_index => nodes.push(hash),
                _ => {
                    return Err(TreeError::Store(MissingNode {
                        level,
                        index: node_index,
                    }));
                }
            }
        }
        Ok(index)
    }

    /// Root of the current tree.
    pub fn root(&self) -> Result<Hash, TreeError<MissingNode>> {
        root_at(self, self.size())
    }
}

impl NodeStore for MemoryStore {
    type Error = MissingNode;

    fn node(&self, level: u8, index: u64) -> Result<Hash, MissingNode> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.levels.get(usize::from(level))?.get(i))
            .copied()
            .ok_or(MissingNode { level, index })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Leaf inputs of the transparency-dev/merkle test vectors.
    const LEAF_INPUTS: [&str; 8] = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ];

    /// Roots of the trees of the first 1..=8 vector leaves.
    const ROOTS: [&str; 8] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    fn h(s: &str) -> Hash {
        hex::decode(s)
            .expect("valid hex")
            .try_into()
            .expect("32 bytes")
    }

    fn hs(v: &[&str]) -> Vec<Hash> {
        v.iter().map(|s| h(s)).collect()
    }

    fn root(size: usize) -> Hash {
        h(ROOTS[size - 1])
    }

    /// The 8 vector leaves, then deterministic extra leaves up to `n`.
    fn test_leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| match LEAF_INPUTS.get(i) {
                Some(input) => leaf_hash(&hex::decode(input).expect("valid hex")),
                None => leaf_hash(format!("leaf number {i}").as_bytes()),
            })
            .collect()
    }

    fn store_of(leaves: &[Hash]) -> MemoryStore {
        MemoryStore::from_leaves(leaves.iter().copied()).expect("in-memory append")
    }

    fn flip(proof: &[Hash], i: usize, bit: u8) -> Vec<Hash> {
        let mut p = proof.to_vec();
        p[i][(i * 7) % 32] ^= 1 << bit;
        p
    }

    /// Tiny deterministic PRNG (xorshift64*) for the randomized tests.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    // -- Hashing and roots --------------------------------------------------

    #[test]
    fn hash_functions_and_empty_root() {
        assert_eq!(EMPTY_ROOT, <[u8; 32]>::from(Sha256::digest(b"")));
        assert_eq!(
            EMPTY_ROOT,
            h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
        assert_eq!(root_of(&[]), EMPTY_ROOT);
        assert_eq!(MemoryStore::new().root(), Ok(EMPTY_ROOT));
        assert_eq!(root_at(&MemoryStore::new(), 0), Ok(EMPTY_ROOT));
        // A one-leaf tree's root is its leaf hash: SHA-256(0x00).
        assert_eq!(leaf_hash(b""), root(1));
        let leaves = test_leaves(2);
        assert_eq!(node_hash(&leaves[0], &leaves[1]), root(2));
        // Domain separation: a leaf over 64 bytes differs from the node.
        let mut cat = leaves[0].to_vec();
        cat.extend_from_slice(&leaves[1]);
        assert_ne!(leaf_hash(&cat), root(2));
    }

    #[test]
    fn known_roots_naive_incremental_and_past_sizes() {
        let leaves = test_leaves(8);
        let full = store_of(&leaves);
        let mut incremental = MemoryStore::new();
        for size in 1..=8usize {
            assert_eq!(root_of(&leaves[..size]), root(size), "root_of size {size}");
            assert_eq!(
                root_at(&full, size as u64),
                Ok(root(size)),
                "past size {size}"
            );
            assert_eq!(incremental.push(leaves[size - 1]), Ok(size as u64 - 1));
            assert_eq!(incremental.root(), Ok(root(size)), "incremental {size}");
        }
        assert_eq!(incremental, full);
        assert_eq!(full.leaves(), &leaves[..]);
    }

    // -- Known proofs (transparency-dev/merkle proof/verify_test.go) ---------

    #[test]
    fn known_inclusion_proofs() {
        let leaves = test_leaves(8);
        let store = store_of(&leaves);
        let cases: [(u64, u64, Vec<Hash>); 5] = [
            (0, 1, vec![]),
            (
                0,
                8,
                hs(&[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ]),
            ),
            (
                5,
                8,
                hs(&[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ]),
            ),
            (
                2,
                3,
                hs(&["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
            ),
            (
                1,
                5,
                hs(&[
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ]),
            ),
        ];
        for (index, size, expected) in cases {
            let prefix = &leaves[..size as usize];
            assert_eq!(inclusion_proof_naive(prefix, index).as_ref(), Ok(&expected));
            assert_eq!(inclusion_proof(&store, index, size).as_ref(), Ok(&expected));
            assert_eq!(inclusion_proof_len(index, size), Some(expected.len()));
            let leaf = &leaves[index as usize];
            assert_eq!(
                verify_inclusion(leaf, index, size, &expected, &root(size as usize)),
                Ok(()),
                "({index}, {size})"
            );
        }
    }

    #[test]
    fn known_consistency_proofs() {
        let leaves = test_leaves(8);
        let store = store_of(&leaves);
        let cases: [(u64, u64, Vec<Hash>); 5] = [
            (1, 1, vec![]),
            (
                1,
                8,
                hs(&[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ]),
            ),
            (
                6,
                8,
                hs(&[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ]),
            ),
            (
                2,
                5,
                hs(&[
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ]),
            ),
            (
                6,
                7,
                hs(&[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ]),
            ),
        ];
        for (old, new, expected) in cases {
            let prefix = &leaves[..new as usize];
            assert_eq!(consistency_proof_naive(prefix, old).as_ref(), Ok(&expected));
            assert_eq!(consistency_proof(&store, old, new).as_ref(), Ok(&expected));
            assert_eq!(consistency_proof_len(old, new), Some(expected.len()));
            let (r1, r2) = (root(old as usize), root(new as usize));
            assert_eq!(
                verify_consistency(old, new, &r1, &r2, &expected),
                Ok(()),
                "({old}, {new})"
            );
        }
    }

    // -- Exhaustive comparison with the naive reference ----------------------

    #[test]
    fn stored_tree_matches_naive_for_all_sizes_up_to_64() {
        const N: usize = 64;
        let leaves = test_leaves(N);
        // One store of 64 leaves answers for every past size.
        let store = store_of(&leaves);
        let roots: Vec<Hash> = (0..=N).map(|n| root_of(&leaves[..n])).collect();
        let (mut incl, mut cons) = (0, 0);
        for size in 0..=N {
            let s = size as u64;
            assert_eq!(root_at(&store, s), Ok(roots[size]), "root at {size}");
            for index in 0..size {
                let i = index as u64;
                let naive = inclusion_proof_naive(&leaves[..size], i).expect("in range");
                let stored = inclusion_proof(&store, i, s).expect("in range");
                assert_eq!(stored, naive, "inclusion ({index}, {size})");
                assert_eq!(inclusion_proof_len(i, s), Some(naive.len()));
                assert_eq!(
                    verify_inclusion(&leaves[index], i, s, &stored, &roots[size]),
                    Ok(()),
                    "verify inclusion ({index}, {size})"
                );
                incl += 1;
            }
            for old in 0..=size {
                let o = old as u64;
                let naive = consistency_proof_naive(&leaves[..size], o).expect("in order");
                let stored = consistency_proof(&store, o, s).expect("in order");
                assert_eq!(stored, naive, "consistency ({old}, {size})");
                assert_eq!(consistency_proof_len(o, s), Some(naive.len()));
                assert_eq!(
                    verify_consistency(o, s, &roots[old], &roots[size], &stored),
                    Ok(()),
                    "verify consistency ({old}, {size})"
                );
                cons += 1;
            }
        }
        assert_eq!(incl, N * (N + 1) / 2);
        assert_eq!(cons, (N + 1) * (N + 2) / 2);
    }

    #[test]
    fn append_writes_exactly_the_completed_nodes() {
        let leaves = test_leaves(100);
        let mut store = MemoryStore::new();
        for (n, leaf) in leaves.iter().enumerate() {
            let n64 = n as u64;
            let nodes = nodes_completed_by_append(&store, n64, *leaf).expect("append");
            assert_eq!(nodes.len(), 1 + n64.trailing_ones() as usize, "append #{n}");
            assert_eq!(nodes[0], (0, n64, *leaf));
            for (level, index, hash) in &nodes {
                // Each completed node covers [index·2^level, (index+1)·2^level),
                // which must end exactly at the new size.
                assert_eq!((index + 1) << level, n64 + 1);
                let lo = (index << level) as usize;
                assert_eq!(*hash, root_of(&leaves[lo..=n]), "node ({level}, {index})");
            }
            store.push(*leaf).expect("append");
            // Invariant: level l holds exactly the size >> l complete nodes.
            let size = n64 + 1;
            for level in 0..64u8 {
                let count = size >> level;
                if count > 0 {
                    assert!(store.node(level, count - 1).is_ok());
                }
                assert_eq!(
                    store.node(level, count),
                    Err(MissingNode {
                        level,
                        index: count
                    })
                );
            }
        }
    }

    #[test]
    fn subtree_hash_is_mth_of_any_range() {
        // The proofs only need aligned ranges, but the helper claims more.
        let leaves = test_leaves(24);
        let store = store_of(&leaves);
        for start in 0..=24usize {
            for end in start..=24 {
                assert_eq!(
                    subtree_hash(&store, start as u64, end as u64),
                    Ok(root_of(&leaves[start..end])),
                    "[{start}, {end})"
                );
            }
        }
    }

    // -- Proof lengths ---------------------------------------------------------

    /// transparency-dev's decomposition: inner = bit length of
    /// index ^ (size - 1), border = ones of index above `inner`.
    fn decomp(index: u64, size: u64) -> (usize, usize) {
        let inner = (64 - (index ^ (size - 1)).leading_zeros()) as usize;
        let border = (index.checked_shr(inner as u32).unwrap_or(0)).count_ones() as usize;
        (inner, border)
    }

    fn formula_consistency_len(old: u64, new: u64) -> usize {
        let (inner, border) = decomp(old - 1, new);
        let shift = old.trailing_zeros() as usize;
        let start = usize::from(!old.is_power_of_two());
        start + inner - shift + border
    }

    #[test]
    fn proof_lengths_match_the_decomposition_formula() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let mut pairs: Vec<(u64, u64)> = Vec::new();
        for a in 1..=70u64 {
            for b in a..=70 {
                pairs.push((a, b));
            }
        }
        for _ in 0..20_000 {
            let (x, y) = (rng.next() >> rng.below(64), rng.next() >> rng.below(64));
            pairs.push((x.min(y).max(1), x.max(y).max(1)));
        }
        pairs.push((u64::MAX, u64::MAX));
        pairs.push((u64::MAX - 1, u64::MAX));
        pairs.push((1, u64::MAX));
        pairs.push((1 << 63, u64::MAX));
        for (a, b) in pairs {
            let (inner, border) = decomp(a - 1, b);
            assert_eq!(
                inclusion_proof_len(a - 1, b),
                Some(inner + border),
                "({a}, {b})"
            );
            if a < b {
                let want = formula_consistency_len(a, b);
                assert_eq!(consistency_proof_len(a, b), Some(want), "({a}, {b})");
            } else {
                assert_eq!(consistency_proof_len(a, b), Some(0));
            }
        }
        assert_eq!(inclusion_proof_len(5, 5), None);
        assert_eq!(inclusion_proof_len(0, 0), None);
        assert_eq!(consistency_proof_len(6, 5), None);
        assert_eq!(consistency_proof_len(0, 9), Some(0));
    }

    // -- Rejection of tampered proofs -----------------------------------------

    #[test]
    fn tampered_inclusion_proofs_are_rejected() {
        const N: usize = 16;
        let leaves = test_leaves(N + 1);
        let store = store_of(&leaves);
        let other = leaf_hash(b"not a leaf of this tree");
        let (mut probes, mut same_shape) = (0, 0);
        for size in 1..=N {
            let s = size as u64;
            let r = root_of(&leaves[..size]);
            for index in 0..size {
                let i = index as u64;
                let leaf = &leaves[index];
                let proof = inclusion_proof(&store, i, s).expect("in range");
                let mut bad: Vec<(String, Result<(), ProofError>)> = Vec::new();
                for k in 0..proof.len() {
                    for bit in [0, 3, 7] {
                        let p = flip(&proof, k, bit);
                        bad.push((
                            format!("bit {bit} of [{k}]"),
                            verify_inclusion(leaf, i, s, &p, &r),
                        ));
                    }
                }
                let mut longer = proof.clone();
                longer.push(r);
                bad.push((
                    "trailing hash".into(),
                    verify_inclusion(leaf, i, s, &longer, &r),
                ));
                let mut longer = vec![*leaf];
                longer.extend_from_slice(&proof);
                bad.push((
                    "leading hash".into(),
                    verify_inclusion(leaf, i, s, &longer, &r),
                ));
                if !proof.is_empty() {
                    let shorter = &proof[..proof.len() - 1];
                    bad.push((
                        "last removed".into(),
                        verify_inclusion(leaf, i, s, shorter, &r),
                    ));
                    let shorter = &proof[1..];
                    bad.push((
                        "first removed".into(),
                        verify_inclusion(leaf, i, s, shorter, &r),
                    ));
                }
                if proof.len() > 1 {
                    let mut swapped = proof.clone();
                    swapped.swap(0, 1);
                    bad.push(("swapped".into(), verify_inclusion(leaf, i, s, &swapped, &r)));
                }
                bad.push((
                    "other leaf".into(),
                    verify_inclusion(&other, i, s, &proof, &r),
                ));
                bad.push((
                    "empty root".into(),
                    verify_inclusion(leaf, i, s, &proof, &EMPTY_ROOT),
                ));
                let wrong_root = root_of(&leaves[..size + 1]);
                bad.push((
                    "next root".into(),
                    verify_inclusion(leaf, i, s, &proof, &wrong_root),
                ));
                for wrong_i in [i.wrapping_sub(1), i + 1, i ^ 2, i + s] {
                    bad.push((
                        format!("index {wrong_i}"),
                        verify_inclusion(leaf, wrong_i, s, &proof, &r),
                    ));
                }
                for wrong_s in [s - 1, s + 1, s * 2, s / 2] {
                    // A wrong size is detectable exactly when it changes the
                    // proof's shape (see `wrong_size_with_same_shape_...`).
                    let result = verify_inclusion(leaf, i, wrong_s, &proof, &r);
                    if same_inclusion_shape(i, s, wrong_s) {
                        assert_eq!(result, Ok(()), "({index}, {size}) as size {wrong_s}");
                        same_shape += 1;
                    } else {
                        bad.push((format!("size {wrong_s}"), result));
                    }
                }
                for (what, result) in bad {
                    assert!(result.is_err(), "({index}, {size}) accepted with {what}");
                    probes += 1;
                }
            }
        }
        assert!(probes > 2000, "{probes}");
        // Of the 544 wrong-size probes, 176 keep the shape (checked offline).
        assert_eq!(same_shape, 176);
    }

    /// The sequence of hashing directions the RFC 9162 §2.1.3.2 loop takes
    /// for (index, size), or None when the size is invalid.
    fn inclusion_shape(index: u64, size: u64) -> Option<Vec<bool>> {
        if index >= size {
            return None;
        }
        let (mut fnn, mut sn) = (index, size - 1);
        let mut dirs = Vec::new();
        while sn != 0 {
            let left = fnn & 1 == 1 || fnn == sn;
            dirs.push(left);
            if left && fnn & 1 == 0 {
                while fnn & 1 == 0 && fnn != 0 {
                    fnn >>= 1;
                    sn >>= 1;
                }
            }
            fnn >>= 1;
            sn >>= 1;
        }
        Some(dirs)
    }

    fn same_inclusion_shape(index: u64, size: u64, other_size: u64) -> bool {
        inclusion_shape(index, size) == inclusion_shape(index, other_size)
    }

    /// Documents an inherent property of RFC 9162 proofs: when two sizes give
    /// the same hashing pattern for an index, the same proof verifies for
    /// both. The tree size must therefore come from the signed checkpoint
    /// together with the root, never from the proof.
    #[test]
    fn wrong_size_with_same_shape_is_not_detectable_by_the_proof() {
        let leaves = test_leaves(4);
        let proof = inclusion_proof(&store_of(&leaves), 0, 3).expect("in range");
        assert!(same_inclusion_shape(0, 3, 4));
        let r3 = root_of(&leaves[..3]);
        assert_eq!(verify_inclusion(&leaves[0], 0, 4, &proof, &r3), Ok(()));
        // ...but the genuine root of size 4 is of course not reproduced.
        let r4 = root_of(&leaves[..4]);
        assert!(verify_inclusion(&leaves[0], 0, 4, &proof, &r4).is_err());
    }

    #[test]
    fn tampered_consistency_proofs_are_rejected() {
        const N: usize = 16;
        let leaves = test_leaves(N + 1);
        let store = store_of(&leaves);
        let roots: Vec<Hash> = (0..=N + 1).map(|n| root_of(&leaves[..n])).collect();
        let (mut probes, mut same_shape) = (0, 0);
        for new in 1..=N {
            for old in 1..new {
                let (o, n) = (old as u64, new as u64);
                let (r1, r2) = (&roots[old], &roots[new]);
                let proof = consistency_proof(&store, o, n).expect("in order");
                assert!(!proof.is_empty());
                let mut bad: Vec<(String, Result<(), ProofError>)> = Vec::new();
                for k in 0..proof.len() {
                    for bit in [0, 4, 7] {
                        let p = flip(&proof, k, bit);
                        bad.push((
                            format!("bit {bit} of [{k}]"),
                            verify_consistency(o, n, r1, r2, &p),
                        ));
                    }
                }
                let mut longer = proof.clone();
                longer.push(*r2);
                bad.push((
                    "trailing hash".into(),
                    verify_consistency(o, n, r1, r2, &longer),
                ));
                let mut longer = vec![*r1];
                longer.extend_from_slice(&proof);
                bad.push((
                    "leading old root".into(),
                    verify_consistency(o, n, r1, r2, &longer),
                ));
                let shorter = &proof[..proof.len() - 1];
                bad.push((
                    "last removed".into(),
                    verify_consistency(o, n, r1, r2, shorter),
                ));
                let shorter = &proof[1..];
                bad.push((
                    "first removed".into(),
                    verify_consistency(o, n, r1, r2, shorter),
                ));
                bad.push(("empty proof".into(), verify_consistency(o, n, r1, r2, &[])));
                if proof.len() > 1 {
                    let mut swapped = proof.clone();
                    swapped.swap(0, 1);
                    bad.push(("swapped".into(), verify_consistency(o, n, r1, r2, &swapped)));
                }
                bad.push((
                    "swapped roots".into(),
                    verify_consistency(o, n, r2, r1, &proof),
                ));
                bad.push((
                    "old root = new".into(),
                    verify_consistency(o, n, r2, r2, &proof),
                ));
                bad.push((
                    "new root = old".into(),
                    verify_consistency(o, n, r1, r1, &proof),
                ));
                bad.push((
                    "other new root".into(),
                    verify_consistency(o, n, r1, &roots[new + 1], &proof),
                ));
                bad.push((
                    "swapped sizes".into(),
                    verify_consistency(n, o, r2, r1, &proof),
                ));
                for (wo, wn) in [
                    (o - 1, n),
                    (o + 1, n),
                    (o, n - 1),
                    (o, n + 1),
                    (o ^ 2, n),
                    (o, n * 2),
                ] {
                    // Detectable exactly when the proof's shape changes.
                    let result = verify_consistency(wo, wn, r1, r2, &proof);
                    if same_consistency_shape((o, n), (wo, wn)) {
                        assert_eq!(result, Ok(()), "({old}, {new}) as ({wo}, {wn})");
                        same_shape += 1;
                    } else {
                        bad.push((format!("sizes ({wo}, {wn})"), result));
                    }
                }
                for (what, result) in bad {
                    assert!(result.is_err(), "({old}, {new}) accepted with {what}");
                    probes += 1;
                }
            }
        }
        assert!(probes > 1500, "{probes}");
        // Of the 720 wrong-size probes, 176 keep the shape (checked offline).
        assert_eq!(same_shape, 176);
    }

    /// Hashing pattern of the RFC 9162 §2.1.4.2 loop for (old, new): whether
    /// the old root is the seed, and the directions taken.
    fn consistency_shape(old: u64, new: u64) -> Option<(bool, Vec<bool>)> {
        if old == 0 || old >= new {
            return None;
        }
        let (mut fnn, mut sn) = (old - 1, new - 1);
        while fnn & 1 == 1 {
            fnn >>= 1;
            sn >>= 1;
        }
        let mut dirs = Vec::new();
        while sn != 0 {
            let left = fnn & 1 == 1 || fnn == sn;
            dirs.push(left);
            if left && fnn & 1 == 0 {
                while fnn & 1 == 0 && fnn != 0 {
                    fnn >>= 1;
                    sn >>= 1;
                }
            }
            fnn >>= 1;
            sn >>= 1;
        }
        Some((old.is_power_of_two(), dirs))
    }

    fn same_consistency_shape(a: (u64, u64), b: (u64, u64)) -> bool {
        consistency_shape(a.0, a.1) == consistency_shape(b.0, b.1)
    }

    // -- Edge cases --------------------------------------------------------------

    #[test]
    fn inclusion_edge_cases() {
        let leaves = test_leaves(5);
        let store = store_of(&leaves);
        let r5 = root_of(&leaves);
        // index >= size, including the empty tree.
        for (index, size) in [(0, 0), (5, 5), (6, 5), (u64::MAX, 5), (u64::MAX, u64::MAX)] {
            assert_eq!(
                verify_inclusion(&leaves[0], index, size, &[], &r5),
                Err(ProofError::IndexOutOfRange { index, size })
            );
            assert_eq!(
                inclusion_proof(&store, index, size),
                Err(RangeError::IndexOutOfRange { index, size }.into())
            );
        }
        assert_eq!(
            inclusion_proof_naive(&leaves, 5),
            Err(RangeError::IndexOutOfRange { index: 5, size: 5 })
        );
        assert_eq!(
            inclusion_proof_naive(&[], 0),
            Err(RangeError::IndexOutOfRange { index: 0, size: 0 })
        );
        // One-leaf tree: the proof is empty and the root is the leaf hash.
        assert_eq!(verify_inclusion(&leaves[0], 0, 1, &[], &leaves[0]), Ok(()));
        assert_eq!(
            verify_inclusion(&leaves[0], 0, 1, &[leaves[1]], &leaves[0]),
            Err(ProofError::WrongProofLength {
                expected: 0,
                got: 1
            })
        );
        // Precise lengths and mismatch reporting.
        let proof = inclusion_proof(&store, 2, 5).expect("in range");
        assert_eq!(proof.len(), 3);
        assert_eq!(
            verify_inclusion(&leaves[2], 2, 5, &proof[..2], &r5),
            Err(ProofError::WrongProofLength {
                expected: 3,
                got: 2
            })
        );
        assert_eq!(
            verify_inclusion(&leaves[3], 2, 5, &proof, &r5),
            Err(ProofError::RootMismatch { index: 2, size: 5 })
        );
        // The last leaf of a size-5 tree needs a single hash.
        assert_eq!(
            inclusion_proof(&store, 4, 5),
            Ok(vec![root_of(&leaves[..4])])
        );
    }

    #[test]
    fn consistency_edge_cases() {
        let leaves = test_leaves(5);
        let store = store_of(&leaves);
        let r3 = root_of(&leaves[..3]);
        let r5 = root_of(&leaves);
        // old > new.
        assert_eq!(
            verify_consistency(5, 3, &r5, &r3, &[]),
            Err(ProofError::SizeOrder {
                old_size: 5,
                new_size: 3
            })
        );
        assert_eq!(
            consistency_proof(&store, 5, 3),
            Err(RangeError::SizeOrder {
                old_size: 5,
                new_size: 3
            }
            .into())
        );
        assert_eq!(
            consistency_proof_naive(&leaves[..3], 5),
            Err(RangeError::SizeOrder {
                old_size: 5,
                new_size: 3
            })
        );
        assert_eq!(
            verify_consistency(u64::MAX, 0, &r5, &r3, &[]),
            Err(ProofError::SizeOrder {
                old_size: u64::MAX,
                new_size: 0
            })
        );
        // old == new: empty proof, equal roots.
        assert_eq!(consistency_proof(&store, 5, 5), Ok(vec![]));
        assert_eq!(verify_consistency(5, 5, &r5, &r5, &[]), Ok(()));
        assert_eq!(
            verify_consistency(5, 5, &r5, &r3, &[]),
            Err(ProofError::RootsDiffer { size: 5 })
        );
        assert_eq!(
            verify_consistency(5, 5, &r5, &r5, &[r5]),
            Err(ProofError::WrongProofLength {
                expected: 0,
                got: 1
            })
        );
        // old == 0: accepted iff the proof is empty and old_root is the
        // empty-tree root.
        assert_eq!(consistency_proof(&store, 0, 5), Ok(vec![]));
        assert_eq!(consistency_proof_naive(&leaves, 0), Ok(vec![]));
        assert_eq!(verify_consistency(0, 5, &EMPTY_ROOT, &r5, &[]), Ok(()));
        assert_eq!(
            verify_consistency(0, 0, &EMPTY_ROOT, &EMPTY_ROOT, &[]),
            Ok(())
        );
        assert_eq!(
            verify_consistency(0, 5, &EMPTY_ROOT, &r5, &[r5]),
            Err(ProofError::WrongProofLength {
                expected: 0,
                got: 1
            })
        );
        assert_eq!(
            verify_consistency(0, 5, &r3, &r5, &[]),
            Err(ProofError::EmptyTreeRootMismatch)
        );
        assert_eq!(
            verify_consistency(0, 0, &EMPTY_ROOT, &r5, &[]),
            Err(ProofError::EmptyTreeRootMismatch)
        );
        // 0 < old < new with an empty proof (RFC step 1).
        assert_eq!(
            verify_consistency(3, 5, &r3, &r5, &[]),
            Err(ProofError::WrongProofLength {
                expected: 4,
                got: 0
            })
        );
        // Which root fails is reported.
        let proof = consistency_proof(&store, 3, 5).expect("in order");
        assert_eq!(
            verify_consistency(3, 5, &r5, &r5, &proof),
            Err(ProofError::OldRootMismatch { old_size: 3 })
        );
        assert_eq!(
            verify_consistency(3, 5, &r3, &r3, &proof),
            Err(ProofError::NewRootMismatch { new_size: 5 })
        );
    }

    #[test]
    fn sizes_beyond_the_stored_tree_are_store_errors() {
        let store = store_of(&test_leaves(5));
        assert!(matches!(
            root_at(&store, 6),
            Err(TreeError::Store(MissingNode { .. }))
        ));
        assert!(matches!(
            inclusion_proof(&store, 0, 6),
            Err(TreeError::Store(MissingNode { .. }))
        ));
        assert!(matches!(
            consistency_proof(&store, 3, 9),
            Err(TreeError::Store(MissingNode { .. }))
        ));
        assert_eq!(
            root_at(&store, u64::MAX),
            Err(TreeError::Store(MissingNode {
                level: 63,
                index: 0
            }))
        );
        assert_eq!(
            store.node(0, u64::MAX),
            Err(MissingNode {
                level: 0,
                index: u64::MAX
            })
        );
        assert_eq!(
            store.node(200, 0),
            Err(MissingNode {
                level: 200,
                index: 0
            })
        );
    }

    #[test]
    fn node_key_encoding() {
        assert_eq!(node_key(0, 0), [0; 9]);
        assert_eq!(
            node_key(3, 0x0102_0304_0506_0708),
            [3, 1, 2, 3, 4, 5, 6, 7, 8]
        );
        assert_eq!(node_key(255, u64::MAX), [255; 9]);
        let mut addrs = vec![
            (1u8, 0u64),
            (0, 300),
            (0, 2),
            (2, 1),
            (1, 256),
            (0, 1 << 40),
            (1, 255),
        ];
        let mut keys: Vec<[u8; 9]> = addrs.iter().map(|&(l, i)| node_key(l, i)).collect();
        addrs.sort();
        keys.sort();
        let decoded: Vec<(u8, u64)> = keys.iter().filter_map(|k| parse_node_key(k)).collect();
        assert_eq!(decoded, addrs, "byte order of keys = (level, index) order");
        assert_eq!(parse_node_key(&[0; 8]), None);
        assert_eq!(parse_node_key(&[0; 10]), None);
        assert_eq!(parse_node_key(&[]), None);
    }

    // -- Huge trees: a store where every leaf is the same hash ------------------

    /// The tree of `size` copies of one leaf: node (l, i) is P_l with
    /// P_0 = leaf and P_{l+1} = node_hash(P_l, P_l). Counts reads.
    struct UniformStore {
        size: u64,
        perfect: Vec<Hash>,
        reads: Cell<usize>,
    }

    impl UniformStore {
        fn new(size: u64) -> Self {
            let mut perfect = vec![leaf_hash(b"same")];
            for l in 0..63 {
                let p = perfect[l];
                perfect.push(node_hash(&p, &p));
            }
            UniformStore {
                size,
                perfect,
                reads: Cell::new(0),
            }
        }
    }

    impl NodeStore for UniformStore {
        type Error = MissingNode;
        fn node(&self, level: u8, index: u64) -> Result<Hash, MissingNode> {
            self.reads.set(self.reads.get() + 1);
            let missing = MissingNode { level, index };
            let width = 1u64.checked_shl(u32::from(level)).ok_or(missing)?;
            let end = index
                .checked_add(1)
                .and_then(|i| i.checked_mul(width))
                .ok_or(missing)?;
            if end > self.size {
                return Err(missing);
            }
            self.perfect.get(usize::from(level)).copied().ok_or(missing)
        }
    }

    #[test]
    fn huge_trees_past_sizes_and_logarithmic_reads() {
        let store = UniformStore::new(u64::MAX);
        let leaf = store.perfect[0];
        let sizes = [
            1u64,
            2,
            3,
            1 << 32,
            (1 << 32) + 7,
            (1 << 63) - 1,
            1 << 63,
            (1 << 63) + 1,
            u64::MAX - 1,
            u64::MAX,
        ];
        for &size in &sizes {
            let root = root_at(&store, size).expect("stored");
            assert_eq!(size.is_power_of_two(), store.perfect.contains(&root));
            for index in [0, size / 3, size / 2, size - 1] {
                store.reads.set(0);
                let proof = inclusion_proof(&store, index, size).expect("stored");
                assert!(store.reads.get() <= 2 * 64, "{} reads", store.reads.get());
                assert_eq!(Some(proof.len()), inclusion_proof_len(index, size));
                assert_eq!(verify_inclusion(&leaf, index, size, &proof, &root), Ok(()));
            }
            for &old in sizes.iter().filter(|&&s| s <= size) {
                store.reads.set(0);
                let proof = consistency_proof(&store, old, size).expect("stored");
                assert!(store.reads.get() <= 2 * 64, "{} reads", store.reads.get());
                let old_root = root_at(&store, old).expect("stored");
                assert_eq!(
                    verify_consistency(old, size, &old_root, &root, &proof),
                    Ok(())
                );
                if old < size {
                    assert!(verify_consistency(old, size, &root, &old_root, &proof).is_err());
                }
            }
        }
        // Appending leaf number 2^40 - 1 completes 41 nodes, up to (40, 0).
        let small = UniformStore::new((1 << 40) - 1);
        let nodes = nodes_completed_by_append(&small, (1 << 40) - 1, leaf).expect("append");
        assert_eq!(nodes.len(), 41);
        assert_eq!(nodes.last(), Some(&(40, 0, store.perfect[40])));
        assert!(small.reads.get() == 40);
        // The last representable leaf, then a full tree.
        let nodes = nodes_completed_by_append(&store, u64::MAX - 1, leaf).expect("append");
        assert_eq!(nodes, vec![(0, u64::MAX - 1, leaf)]);
        assert_eq!(
            nodes_completed_by_append(&store, u64::MAX, leaf),
            Err(RangeError::TreeFull { size: u64::MAX }.into())
        );
    }

    // -- Randomized checks ----------------------------------------------------

    #[test]
    fn randomized_past_size_proofs_match_naive() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let leaves: Vec<Hash> = (0..1000u64)
            .map(|_| leaf_hash(&rng.next().to_le_bytes()))
            .collect();
        let store = store_of(&leaves);
        for _ in 0..300 {
            let size = 1 + rng.below(1000) as usize;
            let index = rng.below(size as u64);
            let prefix = &leaves[..size];
            let root = root_of(prefix);
            assert_eq!(root_at(&store, size as u64), Ok(root));
            let proof = inclusion_proof(&store, index, size as u64).expect("in range");
            assert_eq!(Ok(&proof), inclusion_proof_naive(prefix, index).as_ref());
            let leaf = &leaves[index as usize];
            assert_eq!(
                verify_inclusion(leaf, index, size as u64, &proof, &root),
                Ok(())
            );

            let old = 1 + rng.below(size as u64);
            let old_root = root_of(&leaves[..old as usize]);
            let proof = consistency_proof(&store, old, size as u64).expect("in order");
            assert_eq!(Ok(&proof), consistency_proof_naive(prefix, old).as_ref());
            assert_eq!(
                verify_consistency(old, size as u64, &old_root, &root, &proof),
                Ok(())
            );
            if !proof.is_empty() {
                let k = rng.below(proof.len() as u64) as usize;
                let bad = flip(&proof, k, (rng.below(8)) as u8);
                assert!(verify_consistency(old, size as u64, &old_root, &root, &bad).is_err());
            }
        }
    }

    #[test]
    fn verifiers_never_panic_and_reject_garbage() {
        let mut rng = Rng(42);
        let garbage: Vec<Hash> = (0..80u64).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let edge = [
            0u64,
            1,
            2,
            3,
            (1 << 63) - 1,
            1 << 63,
            u64::MAX - 1,
            u64::MAX,
        ];
        for round in 0..20_000 {
            let pick = |rng: &mut Rng| {
                if round % 3 == 0 {
                    edge[rng.below(edge.len() as u64) as usize]
                } else {
                    rng.next() >> rng.below(64)
                }
            };
            let (a, b) = (pick(&mut rng), pick(&mut rng));
            let len = rng.below(garbage.len() as u64) as usize;
            let proof = &garbage[..len];
            assert!(verify_inclusion(&garbage[0], a, b, proof, &garbage[1]).is_err());
            assert!(verify_consistency(a, b, &garbage[2], &garbage[3], proof).is_err());
        }
    }

    #[test]
    fn error_messages_say_what_is_wrong() {
        let msg = ProofError::WrongProofLength {
            expected: 3,
            got: 4,
        }
        .to_string();
        assert!(msg.contains('3') && msg.contains('4'), "{msg}");
        let msg = ProofError::IndexOutOfRange { index: 9, size: 7 }.to_string();
        assert!(msg.contains('9') && msg.contains('7'), "{msg}");
        let err: TreeError<MissingNode> = TreeError::Store(MissingNode { level: 2, index: 5 });
        let msg = err.to_string();
        assert!(msg.contains("level 2") && msg.contains("index 5"), "{msg}");
        assert!(std::error::Error::source(&err).is_some());
        let err: TreeError<MissingNode> = RangeError::SizeOrder {
            old_size: 8,
            new_size: 3,
        }
        .into();
        assert_eq!(
            err.to_string(),
            "old tree size 8 is larger than new tree size 3"
        );
    }
}
