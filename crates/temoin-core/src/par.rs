//! Order-preserving parallel map over all cores, with scoped threads.
//!
//! Signature verification dominates temoin's cost; ingest and audit hand
//! it to this map so that both cores verify while the order-dependent
//! checks stay sequential. [`pipeline`] overlaps a sequential stage with
//! the parallel one, on threads that live for the whole job.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::{Condvar, Mutex};

/// Below this many items a single thread is faster than spawning.
const MIN_PARALLEL: usize = 32;

/// Number of worker threads: the machine's available parallelism, asked
/// once per process (on Linux the standard library reads four cgroup and
/// proc files to answer, which a server checking one statement per request
/// paid on every submission).
pub fn threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    })
}

/// `items.into_iter().map(f).collect()`, computed on all cores, in order.
pub fn map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    map_with(items, || (), |_, item| f(item))
}

/// [`map`], where each thread first makes a scratch state with `init` and
/// lends it to each of its calls of `f`: a buffer reused from item to item
/// instead of one allocated (and paged in) per item.
pub fn map_with<T: Send, R: Send, S>(
    items: Vec<T>,
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, T) -> R + Sync,
) -> Vec<R> {
    if items.len() < MIN_PARALLEL || threads() <= 1 {
        let mut state = init();
        return items.into_iter().map(|item| f(&mut state, item)).collect();
    }
    let n = threads();
    let per = items.len().div_ceil(n);
    let mut chunks: Vec<Vec<T>> = Vec::with_capacity(n);
    let mut it = items.into_iter().peekable();
    while it.peek().is_some() {
        chunks.push(it.by_ref().take(per).collect());
    }
    let (init, f) = (&init, &f);
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| {
                s.spawn(move || {
                    let mut state = init();
                    c.into_iter()
                        .map(|item| f(&mut state, item))
                        .collect::<Vec<R>>()
                })
            })
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

/// An ordered pipeline over all cores: the items of `source`, drawn in
/// order, are mapped by `f` on `threads()` persistent workers while the
/// calling thread hands the results, in order, to `sink`. So `sink` (the
/// sequential part of a job) runs on its own thread, overlapped with the
/// mapping of the items after it, instead of leaving cores idle between
/// rounds of `map`.
///
/// At most `ahead` items are mapped, or being mapped, beyond the one
/// `sink` is consuming: memory stays bounded whatever the source's length.
/// `sink` stops the pipeline by returning `Break(b)`: no further item is
/// drawn (those being mapped are finished and dropped), and `pipeline`
/// returns `Some(b)`; `None` when the source is exhausted. A panic in `f`
/// is re-raised here.
pub fn pipeline<T, R, B>(
    source: impl Iterator<Item = T> + Send,
    f: impl Fn(T) -> R + Sync,
    ahead: usize,
    mut sink: impl FnMut(R) -> ControlFlow<B>,
) -> Option<B>
where
    T: Send,
    R: Send,
{
    let ahead = ahead.max(1);
    let shared = Shared {
        state: Mutex::new(Gate {
            source,
            drawn: 0,
            consumed: 0,
            stop: false,
        }),
        turn: Condvar::new(),
    };
    let (tx, rx) = std::sync::mpsc::channel::<(usize, R)>();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads())
            .map(|_| {
                let tx = tx.clone();
                let (shared, f) = (&shared, &f);
                s.spawn(move || {
                    // Whatever way the worker ends (a panic in `f`
                    // included), stop the others rather than leave them,
                    // and the sink, waiting for an item it will not map.
                    let _guard = StopOnDrop(shared);
                    while let Some((k, item)) = shared.draw(ahead) {
                        if tx.send((k, f(item))).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        drop(tx);
        // A panic in `sink` must not leave the workers waiting for a turn
        // that never comes (the scope would wait for them forever).
        let _sink_guard = StopOnDrop(&shared);
        // Results arrive in any order; hand them on in order.
        let mut waiting: BTreeMap<usize, R> = BTreeMap::new();
        let mut next = 0usize;
        let mut out = None;
        'recv: for (k, r) in rx.iter() {
            waiting.insert(k, r);
            while let Some(r) = waiting.remove(&next) {
                next += 1;
                shared.consumed(next);
                if let ControlFlow::Break(b) = sink(r) {
                    out = Some(b);
                    break 'recv;
                }
            }
        }
        shared.stop();
        drop(rx);
        for h in handles {
            if let Err(p) = h.join() {
                std::panic::resume_unwind(p);
            }
        }
        out
    })
}

struct Gate<I> {
    source: I,
    /// Items drawn from the source so far.
    drawn: usize,
    /// Items handed to the sink so far.
    consumed: usize,
    stop: bool,
}

struct Shared<I> {
    state: Mutex<Gate<I>>,
    /// Signalled when the sink takes an item or the pipeline stops.
    turn: Condvar,
}

impl<I: Iterator> Shared<I> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Gate<I>> {
        // A worker that panicked while holding the lock can only have done
        // so inside the source's `next`: the state itself is consistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The next item and its rank, once fewer than `ahead` items are
    /// ahead of the sink; `None` when the source is exhausted or the
    /// pipeline stops.
    fn draw(&self, ahead: usize) -> Option<(usize, I::Item)> {
        let mut g = self.lock();
        while !g.stop && g.drawn >= g.consumed + ahead {
            g = self.turn.wait(g).unwrap_or_else(|p| p.into_inner());
        }
        if g.stop {
            return None;
        }
        let item = g.source.next();
        if item.is_none() {
            g.stop = true;
            self.turn.notify_all();
            return None;
        }
        let k = g.drawn;
        g.drawn += 1;
        item.map(|x| (k, x))
    }

    fn consumed(&self, n: usize) {
        self.lock().consumed = n;
        self.turn.notify_all();
    }

    fn stop(&self) {
        self.lock().stop = true;
        self.turn.notify_all();
    }
}

struct StopOnDrop<'a, I: Iterator>(&'a Shared<I>);

impl<I: Iterator> Drop for StopOnDrop<'_, I> {
    fn drop(&mut self) {
        // Only a panicking worker needs to stop the others; a worker that
        // ran out of items stopped the pipeline already.
        if std::thread::panicking() {
            self.0.stop();
        }
    }
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

    #[test]
    fn map_with_keeps_order_and_makes_one_state_per_thread() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        for n in [0usize, 1, 31, 32, 33, 1000, 1001] {
            let states = AtomicUsize::new(0);
            let v: Vec<usize> = (0..n).collect();
            let out = super::map_with(
                v.clone(),
                || {
                    states.fetch_add(1, Ordering::Relaxed);
                    0usize
                },
                // The state counts the calls it has lent itself to.
                |calls, x| {
                    *calls += 1;
                    (x * 3, *calls)
                },
            );
            assert_eq!(
                out.iter().map(|o| o.0).collect::<Vec<_>>(),
                v.iter().map(|x| x * 3).collect::<Vec<_>>()
            );
            let made = states.load(Ordering::Relaxed);
            assert!(made >= 1 && made <= super::threads().max(1));
            // Each state saw its calls one after the other.
            let firsts = out.iter().filter(|o| o.1 == 1).count();
            assert_eq!(firsts, if n == 0 { 0 } else { made });
        }
    }

    #[test]
    fn pipeline_in_order_and_bounded() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        for n in [0usize, 1, 2, 7, 100, 1001] {
            for ahead in [1usize, 2, 5] {
                let mapped = AtomicUsize::new(0);
                let mut seen = Vec::new();
                let out: Option<()> = super::pipeline(
                    0..n,
                    |x| {
                        mapped.fetch_add(1, Ordering::SeqCst);
                        x * 3
                    },
                    ahead,
                    |r| {
                        // Never more than `ahead` items beyond this one.
                        assert!(mapped.load(Ordering::SeqCst) <= seen.len() + 1 + ahead);
                        seen.push(r);
                        std::ops::ControlFlow::Continue(())
                    },
                );
                assert_eq!(out, None);
                assert_eq!(seen, (0..n).map(|x| x * 3).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn pipeline_stops_early() {
        let mut seen = Vec::new();
        let out = super::pipeline(
            0..usize::MAX,
            |x| x,
            4,
            |r| {
                seen.push(r);
                if r == 500 {
                    std::ops::ControlFlow::Break(r)
                } else {
                    std::ops::ControlFlow::Continue(())
                }
            },
        );
        assert_eq!(out, Some(500));
        assert_eq!(seen, (0..=500).collect::<Vec<_>>());
    }

    #[test]
    fn pipeline_reraises_a_panic() {
        for at in [0usize, 3, 50] {
            let r = std::panic::catch_unwind(|| {
                super::pipeline(
                    0..100usize,
                    |x| {
                        if x == at {
                            panic!("boom at {x}");
                        }
                        x
                    },
                    3,
                    |_| std::ops::ControlFlow::<()>::Continue(()),
                )
            });
            let p = r.expect_err("the worker's panic is re-raised");
            assert_eq!(
                p.downcast_ref::<String>().map(String::as_str),
                Some(format!("boom at {at}").as_str())
            );
        }
        // A panic in the sink does not hang the workers.
        let r = std::panic::catch_unwind(|| {
            super::pipeline(
                0..usize::MAX,
                |x| x,
                2,
                |x| {
                    if x == 10 {
                        panic!("sink");
                    }
                    std::ops::ControlFlow::<()>::Continue(())
                },
            )
        });
        assert!(r.is_err());
    }
}
