//! The seeded draws of the bootstraps (`wages gap --explain --bootstrap`, `--ci --bootstrap`):
//! SplitMix64, small and fast. Replicate `r` of seed `s` draws from its own stream
//! ([`replicate_state`]), so results do not depend on the number of threads.

/// The next 64 random bits of `state`'s stream (SplitMix64, Steele, Lea & Flood 2014).
pub fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The starting state of replicate `r` of seed `seed`.
pub fn replicate_state(seed: u64, r: usize) -> u64 {
    seed ^ (r as u64).wrapping_mul(0xD1B5_4A32_D192_ED03)
}

/// A uniform index in `0..n` (53 random bits scaled: the bias is below `n / 2^53`).
pub fn index(state: &mut u64, n: usize) -> usize {
    (((splitmix(state) >> 11) as u128 * n as u128) >> 53) as usize
}

/// A uniform number in `[0, 1)` with 53 random bits.
pub fn unit(state: &mut u64) -> f64 {
    (splitmix(state) >> 11) as f64 / (1u64 << 53) as f64
}

/// How many times each of `n` rows is drawn in `draws` uniform draws with replacement from
/// `state`'s stream (the bootstraps' resample of rows).
pub fn draw_counts(state: &mut u64, n: usize, draws: usize) -> Vec<u32> {
    let mut times = vec![0u32; n];
    for _ in 0..draws {
        times[index(state, n)] += 1;
    }
    times
}
