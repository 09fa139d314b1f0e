//! Minimum-total-cost assignment of a square cost matrix (the Hungarian method with
//! potentials, O(n³)); `git range-diff` solves the same problem to pair patches.

/// For a square `n`×`n` matrix (`cost[row][col]`), the column assigned to each row so that
/// the sum of the chosen costs is least.
pub fn assign(cost: &[Vec<i64>]) -> Vec<usize> {
    let n = cost.len();
    if n == 0 {
        return Vec::new();
    }
    const INF: i64 = i64::MAX / 4;
    // 1-based arrays; column 0 is the virtual start.
    let mut u = vec![0i64; n + 1];
    let mut v = vec![0i64; n + 1];
    let mut owner = vec![0usize; n + 1]; // owner[col] = row
    let mut way = vec![0usize; n + 1];
    for row in 1..=n {
        owner[0] = row;
        let mut col0 = 0usize;
        let mut minv = vec![INF; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[col0] = true;
            let r = owner[col0];
            let mut delta = INF;
            let mut col1 = 0usize;
            for col in 1..=n {
                if used[col] {
                    continue;
                }
                let cur = cost[r - 1][col - 1] - u[r] - v[col];
                if cur < minv[col] {
                    minv[col] = cur;
                    way[col] = col0;
                }
                if minv[col] < delta {
                    delta = minv[col];
                    col1 = col;
                }
            }
            for col in 0..=n {
                if used[col] {
                    u[owner[col]] += delta;
                    v[col] -= delta;
                } else {
                    minv[col] -= delta;
                }
            }
            col0 = col1;
            if owner[col0] == 0 {
                break;
            }
        }
        loop {
            let col1 = way[col0];
            owner[col0] = owner[col1];
            col0 = col1;
            if col0 == 0 {
                break;
            }
        }
    }
    let mut of_row = vec![0usize; n];
    for col in 1..=n {
        if owner[col] > 0 {
            of_row[owner[col] - 1] = col - 1;
        }
    }
    of_row
}

#[cfg(test)]
mod tests {
    use super::assign;

    fn total(cost: &[Vec<i64>], a: &[usize]) -> i64 {
        a.iter().enumerate().map(|(r, &c)| cost[r][c]).sum()
    }

    #[test]
    fn finds_the_least_total_not_the_greedy_one() {
        // Greedy on row 0 takes column 0 (1) and forces 100 on row 1; best is 2 + 2.
        let cost = vec![vec![1, 2], vec![100, 2]];
        let cost2 = vec![vec![1, 2], vec![2, 100]];
        assert_eq!(assign(&cost), vec![0, 1]);
        assert_eq!(assign(&cost2), vec![1, 0]);
        assert_eq!(total(&cost2, &assign(&cost2)), 4);
    }

    #[test]
    fn matches_brute_force_on_small_matrices() {
        let mut seed = 7u64;
        for n in 1..=6 {
            let cost: Vec<Vec<i64>> = (0..n)
                .map(|_| {
                    (0..n)
                        .map(|_| {
                            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                            ((seed >> 33) % 50) as i64
                        })
                        .collect()
                })
                .collect();
            let a = assign(&cost);
            let mut cols = a.clone();
            cols.sort();
            assert_eq!(cols, (0..n).collect::<Vec<_>>());
            let mut best = i64::MAX;
            permute(&mut (0..n).collect::<Vec<_>>(), 0, &mut |p| {
                best = best.min(total(&cost, p));
            });
            assert_eq!(total(&cost, &a), best, "n = {n}");
        }
        assert!(assign(&[]).is_empty());
    }

    fn permute(v: &mut Vec<usize>, k: usize, f: &mut impl FnMut(&[usize])) {
        if k == v.len() {
            f(v);
            return;
        }
        for i in k..v.len() {
            v.swap(k, i);
            permute(v, k + 1, f);
            v.swap(k, i);
        }
    }
}
