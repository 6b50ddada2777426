//! Work shared out across cores whose results come back in input order, so
//! nothing computed can depend on which thread did what or when.
//!
//! For loops over every table or foreign key that build each item's result
//! from shared, read-only input alone: at 10,000 tables such a loop takes
//! tens of milliseconds that a second core can halve.

use std::sync::Mutex;

/// Items a thread takes at a time: enough that taking them costs nothing
/// next to the work, few enough that the threads finish close together.
const CHUNK: usize = 64;

/// `items.iter().enumerate().map(f).collect()`, on as many threads as there
/// are cores: each takes the next chunk of items not yet taken and puts
/// its results in their places, so they are not copied into a second list
/// afterwards (which added to the peak memory). A panic in `f` is raised
/// here once every thread has stopped.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().div_ceil(CHUNK));
    if threads <= 1 {
        return items.iter().enumerate().map(|(i, t)| f(i, t)).collect();
    }
    let mut out: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    let chunks = Mutex::new(out.chunks_mut(CHUNK).enumerate());
    let work = || {
        loop {
            let next = chunks.lock().unwrap_or_else(|e| e.into_inner()).next();
            let Some((chunk, slots)) = next else { break };
            let start = chunk * CHUNK;
            for (i, slot) in (start..).zip(slots) {
                *slot = Some(f(i, &items[i]));
            }
        }
    };
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
    // In place when an `Option` of a result takes no more room than the
    // result, as for any struct holding a `String`.
    out.into_iter()
        .map(|r| r.expect("every chunk was taken and filled"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<usize> = (0..1000).collect();
        let mapped = super::map(&items, |i, &n| (i, n * 2));
        let expected: Vec<(usize, usize)> = items.iter().map(|&n| (n, n * 2)).collect();
        assert_eq!(mapped, expected);
        assert!(super::map(&[] as &[u8], |_, &b| b).is_empty());
    }
}
