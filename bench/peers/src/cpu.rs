//! cpu.rs - the CPU-bound examples, each as a sequential loop and with
//! rayon (primes also with one std::thread per job, the tutorial's first
//! shape). The loops are the kernels' definitions, written the way the
//! tutorial writes Rust (wrapping arithmetic, iterators), so that what the
//! table compares is compiler and runtime, not algorithm. Only the work is
//! timed; inputs (the checksum's buffers) are made before the clock starts.

use crate::{lines, Output};
use rayon::prelude::*;
use std::time::Instant;

const LCG_A: u64 = 6364136223846793005;
const LCG_C: u64 = 1442695040888963407;
const FOLD_P: u64 = 1099511628211;

fn chain(seed: u64, iters: u64) -> u64 {
    let mut x = seed;
    for _ in 0..iters {
        x = x.wrapping_mul(LCG_A).wrapping_add(LCG_C);
    }
    x
}

/// Trial division by every d in [2, x), stopping at the first divisor (bin/primes' definition).
fn is_prime(x: u64) -> bool {
    x >= 2 && (2..x).all(|d| x % d != 0)
}

fn count_primes(from: u64, to: u64) -> u64 {
    (from..to).filter(|&x| is_prime(x)).count() as u64
}

/// Steps of n to 1, in 64 bits while the trajectory fits (as bin/collatz does), then in
/// 128; None if it outgrows those.
fn collatz_steps(n: u64) -> Option<u64> {
    let (mut x, mut s) = (n, 0);
    while x != 1 {
        if x & 1 == 1 {
            match x.checked_mul(3).and_then(|y| y.checked_add(1)) {
                Some(y) => x = y,
                None => return collatz_wide(x as u128, s),
            }
        } else {
            x /= 2;
        }
        s += 1;
    }
    Some(s)
}

fn collatz_wide(mut x: u128, mut s: u64) -> Option<u64> {
    while x != 1 {
        if x & 1 == 1 {
            x = x.checked_mul(3)?.checked_add(1)?;
        } else {
            x /= 2;
        }
        s += 1;
    }
    Some(s)
}

/// The better of two (steps, n): more steps, then the smaller n. None (overflow) wins.
fn better(a: Option<(u64, u64)>, b: Option<(u64, u64)>) -> Option<(u64, u64)> {
    let (a, b) = (a?, b?);
    Some(if a.0 > b.0 || (a.0 == b.0 && a.1 < b.1) {
        a
    } else {
        b
    })
}

fn fold(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, &b| {
        acc.wrapping_mul(FOLD_P).wrapping_add(b as u64)
    })
}

pub fn run(name: &str, variant: &str, p: &[u64]) -> Result<Output, String> {
    let rayon = variant == "rayon";
    let mut buf = Vec::new();
    if name == "checksum" {
        let (n, size) = (p[0] as usize, p[1] as usize);
        let total = n.checked_mul(size).ok_or("--buffers * --size overflows")?;
        buf.reserve_exact(total);
        for i in 0..n {
            buf.resize(buf.len() + size, (i % 256) as u8);
        }
    }
    let start = Instant::now();
    let text = match name {
        "lcg" => {
            let (seeds, iters) = (p[0], p[1]);
            let finals: Vec<u64> = if rayon {
                (0..seeds)
                    .into_par_iter()
                    .map(|s| chain(s, iters))
                    .collect()
            } else {
                (0..seeds).map(|s| chain(s, iters)).collect()
            };
            lines(&finals)
        }
        "primes" => {
            let (from, to, jobs) = (p[0], p[1].max(p[0]), p[2]);
            let count = match variant {
                "threads" => {
                    let hs: Vec<_> = (0..jobs)
                        .map(|_| std::thread::spawn(move || count_primes(from, to)))
                        .collect();
                    hs.into_iter().map(|h| h.join().unwrap()).sum()
                }
                "rayon" => {
                    let n = to - from;
                    let total = jobs.checked_mul(n).ok_or("--jobs * range overflows")?;
                    (0..total)
                        .into_par_iter()
                        .filter(|&i| is_prime(from + i % n))
                        .count() as u64
                }
                _ => (0..jobs).map(|_| count_primes(from, to)).sum(),
            };
            format!("{}\n{}\n", count, if jobs > 0 { count / jobs } else { 0 })
        }
        "collatz" => {
            let (from, to) = (p[0], p[1]);
            if from == 0 || from >= to {
                return Err(format!("need 1 <= from < to, got {} .. {}", from, to));
            }
            let best = if rayon {
                (from..to)
                    .into_par_iter()
                    .map(|n| collatz_steps(n).map(|s| (s, n)))
                    .reduce(|| Some((0, u64::MAX)), better)
            } else {
                (from..to)
                    .map(|n| collatz_steps(n).map(|s| (s, n)))
                    .fold(Some((0, u64::MAX)), better)
            };
            let (steps, n) = best.ok_or("a trajectory outgrew 128 bits")?;
            format!("{}\n{}\n", n, steps)
        }
        "sumsq" => {
            let (from, to) = (p[0], p[1].max(p[0]));
            let sum = if rayon {
                (from..to)
                    .into_par_iter()
                    .map(|x| x.wrapping_mul(x))
                    .reduce(|| 0, u64::wrapping_add)
            } else {
                (from..to).fold(0u64, |s, x| s.wrapping_add(x.wrapping_mul(x)))
            };
            format!("{}\n", sum)
        }
        "checksum" => {
            let size = p[1] as usize;
            let sums: Vec<u64> = if size == 0 {
                vec![0; p[0] as usize]
            } else if rayon {
                buf.par_chunks(size).map(fold).collect()
            } else {
                buf.chunks(size).map(fold).collect()
            };
            lines(&sums)
        }
        _ => unreachable!(),
    };
    Ok(Output {
        text,
        secs: start.elapsed().as_secs_f64(),
    })
}
