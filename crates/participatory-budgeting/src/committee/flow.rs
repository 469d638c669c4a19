//! Monroe's score by maximum flow: each member represents ⌊n/k⌋ or ⌈n/k⌉
//! voters (exactly `n mod k` members take the extra one); the score is how
//! many voters can be represented by a member they approve. Voters who cast
//! the same ballot are one node with their count as capacity, so a ballot
//! cast a billion times costs no more than one cast once.

use std::collections::VecDeque;

/// A small flow network with unit-ish capacities (Edmonds–Karp).
struct Network {
    /// Edges: (to, capacity); the reverse of edge `e` is `e ^ 1`.
    edges: Vec<(usize, u64)>,
    out: Vec<Vec<usize>>,
}

impl Network {
    fn new(nodes: usize) -> Self {
        Self {
            edges: Vec::new(),
            out: vec![Vec::new(); nodes],
        }
    }

    fn add(&mut self, from: usize, to: usize, capacity: u64) {
        let e = self.edges.len();
        self.edges.push((to, capacity));
        self.edges.push((from, 0));
        if let Some(list) = self.out.get_mut(from) {
            list.push(e);
        }
        if let Some(list) = self.out.get_mut(to) {
            list.push(e + 1);
        }
    }

    fn max_flow(&mut self, source: usize, sink: usize) -> u64 {
        let mut total = 0;
        loop {
            let mut via: Vec<Option<usize>> = vec![None; self.out.len()];
            let mut queue = VecDeque::from([source]);
            let mut seen = vec![false; self.out.len()];
            if let Some(s) = seen.get_mut(source) {
                *s = true;
            }
            while let Some(node) = queue.pop_front() {
                if node == sink {
                    break;
                }
                for &e in self.out.get(node).map_or(&[][..], Vec::as_slice) {
                    let Some(&(to, cap)) = self.edges.get(e) else {
                        continue;
                    };
                    if cap > 0 && !seen.get(to).copied().unwrap_or(true) {
                        if let Some(s) = seen.get_mut(to) {
                            *s = true;
                        }
                        if let Some(v) = via.get_mut(to) {
                            *v = Some(e);
                        }
                        queue.push_back(to);
                    }
                }
            }
            if !seen.get(sink).copied().unwrap_or(false) {
                return total;
            }
            // The bottleneck along the path, then push it.
            let mut bottleneck = u64::MAX;
            let mut node = sink;
            while node != source {
                let Some(e) = via.get(node).copied().flatten() else {
                    return total;
                };
                bottleneck = bottleneck.min(self.edges.get(e).map_or(0, |x| x.1));
                node = self.edges.get(e ^ 1).map_or(source, |x| x.0);
            }
            let mut node = sink;
            while node != source {
                let Some(e) = via.get(node).copied().flatten() else {
                    break;
                };
                if let Some(x) = self.edges.get_mut(e) {
                    x.1 -= bottleneck;
                }
                if let Some(x) = self.edges.get_mut(e ^ 1) {
                    x.1 += bottleneck;
                }
                node = self.edges.get(e ^ 1).map_or(source, |x| x.0);
            }
            total += bottleneck;
        }
    }
}

/// Monroe's score of `committee` (sorted) for ballot groups `(approvals
/// sorted, count)`: how many voters a member they approve can represent.
pub(super) fn monroe_score(groups: &[(Vec<usize>, u64)], committee: &[usize]) -> u64 {
    let k = committee.len() as u64;
    if k == 0 {
        return 0;
    }
    let n: u64 = groups.iter().map(|(_, w)| *w).sum();
    let (lower, extra) = (n / k, n % k);
    // Nodes: source, ballot groups, members, the extra-seat pool, sink.
    let g = groups.len();
    let source = 0;
    let member = |i: usize| 1 + g + i;
    let pool = 1 + g + committee.len();
    let sink = pool + 1;
    let mut net = Network::new(sink + 1);
    for (v, (approve, w)) in groups.iter().enumerate() {
        net.add(source, 1 + v, *w);
        for (i, c) in committee.iter().enumerate() {
            if approve.binary_search(c).is_ok() {
                net.add(1 + v, member(i), *w);
            }
        }
    }
    for i in 0..committee.len() {
        net.add(member(i), sink, lower);
        net.add(member(i), pool, 1);
    }
    net.add(pool, sink, extra);
    net.max_flow(source, sink)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monroe_counts_represented_voters() {
        // Four voters, all approving 0; committee {0, 1}: 0 represents two.
        assert_eq!(monroe_score(&[(vec![0], 4)], &[0, 1]), 2);
        // Five voters, k = 2: districts of 3 and 2; all approve 0: 3.
        assert_eq!(monroe_score(&[(vec![0], 5)], &[0, 1]), 3);
        // Split evenly: 2 approve 0, 2 approve 1: all represented.
        assert_eq!(monroe_score(&[(vec![0], 2), (vec![1], 2)], &[0, 1]), 4);
        // A ballot cast 10^12 times is one node.
        assert_eq!(
            monroe_score(&[(vec![0], 1_000_000_000_000), (vec![1], 5)], &[0, 1]),
            500_000_000_008
        );
    }
}
