//! The one way the generator uses several cores: independent jobs taken from a shared queue.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `job` applied to every item, on up to as many threads as there are cores (this one
/// included), the results in the order of `items`. Items are taken in the order of `weights`
/// descending, so the largest start first and no core waits at the end for one left over.
/// A panicking job panics the caller, with its message.
pub fn map<T, R>(items: &[T], weight: impl Fn(&T) -> u64, job: impl Fn(&T) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(weight(&items[i])), i));
    let next = AtomicUsize::new(0);
    let drain = || {
        let mut done = Vec::new();
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            done.push((i, job(&items[i])));
        }
        done
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len());
    let mut results = std::thread::scope(|scope| {
        // A thread the system refuses is one helper fewer, not a panic: the caller's own
        // thread drains the queue whatever happens, and the writer's clean-up must still run.
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, drain).ok())
            .collect();
        let mut results = drain();
        for helper in helpers {
            results.extend(
                helper
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        results
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_items_order_whatever_the_weights() {
        let items: Vec<u64> = (0..100).collect();
        let doubled = super::map(&items, |&i| i % 7, |&i| i * 2);
        assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        assert!(super::map(&[] as &[u64], |_| 0, |&i| i).is_empty());
    }
}
