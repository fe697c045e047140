//! Order-preserving parallel map over all cores, with scoped threads.
//!
//! Signature verification dominates temoin's cost; ingest and audit hand
//! it to this map so that both cores verify while the order-dependent
//! checks stay sequential.

/// Below this many items a single thread is faster than spawning.
const MIN_PARALLEL: usize = 32;

/// Number of worker threads: the machine's available parallelism.
pub fn threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// `items.into_iter().map(f).collect()`, computed on all cores, in order.
pub fn map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let n = threads();
    if n <= 1 || items.len() < MIN_PARALLEL {
        return items.into_iter().map(f).collect();
    }
    let per = items.len().div_ceil(n);
    let mut chunks: Vec<Vec<T>> = Vec::with_capacity(n);
    let mut it = items.into_iter().peekable();
    while it.peek().is_some() {
        chunks.push(it.by_ref().take(per).collect());
    }
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| s.spawn(move || c.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out = Vec::new();
        for h in handles {
            match h.join() {
                Ok(v) => out.extend(v),
                // A worker only panics if `f` does; re-raise it here rather
                // than return a silently shorter result.
                Err(p) => std::panic::resume_unwind(p),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_and_length() {
        for n in [0usize, 1, 31, 32, 33, 1000, 1001] {
            let v: Vec<usize> = (0..n).collect();
            assert_eq!(
                super::map(v.clone(), |x| x * 3),
                v.iter().map(|x| x * 3).collect::<Vec<_>>()
            );
        }
    }
}
