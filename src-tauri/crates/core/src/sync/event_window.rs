//! The window of login events a sync reads: a long one (a first sync's 90 days) in slices read
//! at once, each paged by its own cursor, so that the pages of the window do not wait on one
//! another.

/// Login events of a window longer than this are read in `EVENT_SLICES` slices at once.
const SLICE_ABOVE_MS: i64 = 86_400_000;
const EVENT_SLICES: i64 = 4;

/// The slices a window from `from_ms` to now is read in: (start, end), the last one open.
pub(super) fn slices(from_ms: i64, now_ms: i64) -> Vec<(i64, Option<i64>)> {
    if now_ms - from_ms <= SLICE_ABOVE_MS {
        return vec![(from_ms, None)];
    }
    let step = (now_ms - from_ms) / EVENT_SLICES;
    (0..EVENT_SLICES)
        .map(|i| {
            let start = from_ms + i * step;
            (start, (i < EVENT_SLICES - 1).then_some(start + step))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_window_is_read_in_slices_that_leave_no_gap() {
        let day = 86_400_000;
        assert_eq!(slices(0, day), vec![(0, None)], "a day is one slice");
        let s = slices(0, 90 * day);
        assert_eq!(s.len(), EVENT_SLICES as usize);
        assert_eq!(s[0].0, 0);
        for w in s.windows(2) {
            assert_eq!(w[0].1, Some(w[1].0), "each slice ends where the next starts");
        }
        assert_eq!(
            s.last().unwrap().1,
            None,
            "the last one is open: events after now are read too"
        );
    }
}
