//! Schulze's strongest paths and Copeland's scores over the margin matrix.

/// Widest paths over the positive margins (Floyd–Warshall).
pub(super) fn strongest_paths(margins: &[i64], m: usize) -> Vec<i64> {
    let mut paths: Vec<i64> = margins.iter().map(|&d| d.max(0)).collect();
    let mut via = vec![0i64; m];
    for k in 0..m {
        via.copy_from_slice(paths.get(k * m..(k + 1) * m).unwrap_or(&[]));
        for row in paths.chunks_exact_mut(m) {
            let to_k = row.get(k).copied().unwrap_or(0);
            if to_k == 0 {
                continue;
            }
            for (cell, &onward) in row.iter_mut().zip(&via) {
                *cell = (*cell).max(to_k.min(onward));
            }
        }
    }
    // A path from a candidate back to itself means nothing.
    for (i, row) in paths.chunks_exact_mut(m).enumerate() {
        if let Some(cell) = row.get_mut(i) {
            *cell = 0;
        }
    }
    paths
}

/// Schulze tiers: repeatedly, the remaining candidates no remaining one beats.
pub(super) fn schulze_tiers(paths: &[i64], m: usize) -> Vec<Vec<u32>> {
    let p = |a: u32, b: u32| paths.get(a as usize * m + b as usize).copied().unwrap_or(0);
    let mut remaining: Vec<u32> = (0u32..).take(m).collect();
    let mut tiers = Vec::new();
    while !remaining.is_empty() {
        let (tier, rest): (Vec<u32>, Vec<u32>) = remaining
            .iter()
            .partition(|&&a| remaining.iter().all(|&b| p(a, b) >= p(b, a)));
        if tier.is_empty() {
            // Unreachable: the Schulze relation is transitive. Keep the rest tied.
            tiers.push(rest);
            break;
        }
        tiers.push(tier);
        remaining = rest;
    }
    tiers
}

pub(super) fn copeland_scores(margins: &[i64], m: usize) -> Vec<i64> {
    margins
        .chunks_exact(m)
        .map(|row| row.iter().map(|&d| d.signum()).sum())
        .collect()
}
