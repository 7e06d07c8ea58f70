//! ompk-peers - the tutorial's Rust side of each ompkit example, for
//! bench/peers.sh: `ompk-peers EXAMPLE [--variant V] [--PARAM N]...`.
//!
//! Standard output is exactly what the matching ompkit binary prints with
//! -q (one value per line for arrays, scalars on one line), so the script
//! compares the two byte for byte; standard error gets one line
//! `time_s = SECONDS`, the time of the work alone (no process start, no
//! input generation), as ompkit's median_s is.
//!
//! Parameters take the names and defaults of the ompkit binary they mirror;
//! numbers are read as ompkit reads them (5e7, 50_000, 2.5e6: exact whole
//! numbers). Exit status: 0 done, 1 runtime failure, 2 usage.

mod cpu;
mod io;

use std::process::exit;

/// One example: its name, variants (first is the default), parameters with defaults.
struct Example {
    name: &'static str,
    variants: &'static [&'static str],
    params: &'static [(&'static str, u64)],
    about: &'static str,
}

const EXAMPLES: &[Example] = &[
    Example {
        name: "lcg",
        variants: &["seq", "rayon"],
        params: &[("seeds", 8), ("iters", 50_000_000)],
        about: "final value of an LCG chain from each seed (bin/lcg)",
    },
    Example {
        name: "primes",
        variants: &["seq", "threads", "rayon"],
        params: &[("from", 0), ("to", 50_000), ("jobs", 1)],
        about: "primes in [from, to) by trial division, jobs times (bin/primes)",
    },
    Example {
        name: "collatz",
        variants: &["seq", "rayon"],
        params: &[("from", 1), ("to", 100_000)],
        about: "the n in [from, to) with the longest Collatz chain (bin/collatz)",
    },
    Example {
        name: "sumsq",
        variants: &["seq", "rayon"],
        params: &[("from", 0), ("to", 1_000_000)],
        about: "sum of x*x mod 2^64 over [from, to) (bin/sumsq)",
    },
    Example {
        name: "checksum",
        variants: &["seq", "rayon"],
        params: &[("buffers", 4), ("size", 1_000_000)],
        about: "byte fold of buffers whose bytes are i % 256 (bin/checksum)",
    },
    Example {
        name: "fetch",
        variants: &["join_all"],
        params: &[("shards", 4), ("shard-len", 250_000), ("latency-ms", 50)],
        about: "shards fetched at once with join_all, then sum of squares (bin/pipeline)",
    },
    Example {
        name: "waits",
        variants: &["spawn"],
        params: &[("shards", 1_000_000), ("shard-len", 1), ("latency-ms", 100)],
        about: "one tokio::spawn task per shard sleeping, then sum of squares (bin/pipeline)",
    },
    Example {
        name: "image",
        variants: &["spawn_blocking"],
        params: &[("shards", 4), ("shard-len", 1_000_000), ("latency-ms", 80)],
        about: "the image service: downloads, byte fold on the blocking pool (bin/pipeline)",
    },
    Example {
        name: "heartbeat",
        variants: &["inline", "offload"],
        params: &[("tick-ms", 50), ("ticks", 3), ("block-ms", 300)],
        about: "max lateness in ms of a 50 ms heartbeat beside a blocking job (bin/heartbeat)",
    },
];

fn usage() -> ! {
    println!("Usage: ompk-peers EXAMPLE [--variant V] [--PARAM N]...");
    println!("The tutorial's Rust side of an ompkit example; prints what the ompkit");
    println!("binary prints with -q, and time_s = SECONDS on standard error.\n");
    for e in EXAMPLES {
        let ps: Vec<String> = e
            .params
            .iter()
            .map(|(k, v)| format!("--{} {}", k, v))
            .collect();
        println!("  {:<10} {}", e.name, e.about);
        println!(
            "  {:<10}   variants {}; {}",
            "",
            e.variants.join(", "),
            ps.join(" ")
        );
    }
    exit(0)
}

fn fail_usage(what: &str, msg: &str) -> ! {
    eprintln!("ompk: {}: {}", what, msg);
    eprintln!("Try 'ompk-peers --help'");
    exit(2)
}

/// A whole number as ompkit reads it: digits with optional '_' separators,
/// or a decimal mantissa with an exponent (2.5e6) whose value is whole.
fn parse_number(s: &str) -> Option<u64> {
    let t: String = s.chars().filter(|&c| c != '_').collect();
    let (mant, exp) = match t.find(|c| c == 'e' || c == 'E') {
        Some(i) => (&t[..i], t[i + 1..].parse::<u32>().ok()?),
        None => (&t[..], 0),
    };
    let (int, frac) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    // Drop trailing zeros of the fraction; the rest must be covered by the exponent.
    let frac = frac.trim_end_matches('0');
    let shift = exp.checked_sub(frac.len() as u32)?;
    let mut v: u64 = 0;
    for c in int.chars().chain(frac.chars()) {
        v = v.checked_mul(10)?.checked_add(c as u64 - '0' as u64)?;
    }
    for _ in 0..shift {
        v = v.checked_mul(10)?;
    }
    Some(v)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || args[0] == "-h" || args[0] == "--help" {
        usage();
    }
    let ex = EXAMPLES
        .iter()
        .find(|e| e.name == args[0])
        .unwrap_or_else(|| {
            let names: Vec<&str> = EXAMPLES.iter().map(|e| e.name).collect();
            fail_usage(
                &args[0],
                &format!("unknown example; accepted: {}", names.join(", ")),
            )
        });
    let mut variant = ex.variants[0].to_string();
    let mut p: Vec<u64> = ex.params.iter().map(|&(_, v)| v).collect();
    let mut i = 1;
    while i < args.len() {
        let flag = &args[i];
        let value = args
            .get(i + 1)
            .unwrap_or_else(|| fail_usage(flag, "needs a value"));
        if flag == "--variant" {
            if !ex.variants.contains(&value.as_str()) {
                let msg = format!("unknown variant; accepted: {}", ex.variants.join(", "));
                fail_usage(flag, &msg);
            }
            variant = value.clone();
        } else if let Some(k) = ex
            .params
            .iter()
            .position(|&(n, _)| flag == &format!("--{}", n))
        {
            p[k] = parse_number(value).unwrap_or_else(|| {
                fail_usage(
                    flag,
                    &format!("'{}' is not a whole number; accepted: 0 .. 2^64-1", value),
                )
            });
        } else {
            let ps: Vec<String> = ex.params.iter().map(|(k, _)| format!("--{}", k)).collect();
            fail_usage(
                flag,
                &format!("unknown option; accepted: --variant {}", ps.join(" ")),
            );
        }
        i += 2;
    }

    let out = match ex.name {
        "lcg" | "primes" | "collatz" | "sumsq" | "checksum" => cpu::run(ex.name, &variant, &p),
        _ => io::run(ex.name, &variant, &p),
    };
    match out {
        Ok(r) => {
            print!("{}", r.text);
            eprintln!("time_s = {:.6}", r.secs);
        }
        Err(msg) => {
            eprintln!("ompk: {}: {}", ex.name, msg);
            exit(1);
        }
    }
}

/// What an example prints, and the seconds its work took.
pub struct Output {
    pub text: String,
    pub secs: f64,
}

/// Values one per line (ompkit's arrays under -q).
/// An array field as ompkit's -q prints it: the values on one line, space-separated.
pub fn lines(v: &[u64]) -> String {
    let mut s = v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(" ");
    s.push('\n');
    s
}
