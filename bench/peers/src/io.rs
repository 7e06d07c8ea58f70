//! io.rs - the I/O side with Tokio, in the tutorial's shapes: a fetch is a
//! tokio::time::sleep followed by the shard's payload (shard i of a sumsq
//! run holds the u64 values i*N .. i*N+N-1, of a checksum run N bytes equal
//! to i % 256: bin/pipeline's synthetic shards), so each example prints
//! what bin/pipeline -q prints for the same shards.
//!
//! fetch: all shards at once with futures::future::join_all, then the sum
//!        of squares on the blocking pool with rayon (the tutorial's
//!        fetch_shard exercise).
//! waits: one tokio::spawn task per shard (the million-task question).
//! image: the image service: a JoinSet of downloads, each byte fold handed
//!        to spawn_blocking.
//! heartbeat: a current_thread runtime ticking every tick-ms beside a
//!        blocking job run inline (the ticks starve) or with spawn_blocking;
//!        prints the maximum lateness in ms, as bin/heartbeat -q does.
//! The runtime is built before the clock starts; what is timed is the work.

use crate::{lines, Output};
use rayon::prelude::*;
use std::time::{Duration, Instant};
use tokio::runtime::{Builder, Runtime};
use tokio::time::sleep;

const FOLD_P: u64 = 1099511628211;

fn runtime(multi: bool) -> Result<Runtime, String> {
    let mut b = if multi {
        Builder::new_multi_thread()
    } else {
        Builder::new_current_thread()
    };
    b.enable_time()
        .build()
        .map_err(|e| format!("cannot start the Tokio runtime: {}", e))
}

fn sumsq(values: impl Iterator<Item = u64>) -> u64 {
    values.fold(0u64, |s, x| s.wrapping_add(x.wrapping_mul(x)))
}

async fn fetch_shard(id: u64, len: u64, latency: Duration) -> Vec<u64> {
    sleep(latency).await;
    (id * len..id * len + len).collect()
}

async fn download(id: u64, len: usize, latency: Duration) -> Vec<u8> {
    sleep(latency).await;
    vec![(id % 256) as u8; len]
}

fn fold(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, &b| {
        acc.wrapping_mul(FOLD_P).wrapping_add(b as u64)
    })
}

pub fn run(name: &str, variant: &str, p: &[u64]) -> Result<Output, String> {
    let (shards, len, ms) = (p[0], p[1], p[2]);
    let latency = Duration::from_millis(ms);
    if name != "heartbeat" && shards.checked_mul(len).is_none() {
        return Err("--shards * --shard-len overflows".into());
    }
    let rt = runtime(name != "heartbeat")?;
    let start = Instant::now();
    let text = match name {
        "fetch" => rt.block_on(async {
            let all =
                futures::future::join_all((0..shards).map(|i| fetch_shard(i, len, latency))).await;
            let sum = tokio::task::spawn_blocking(move || {
                all.par_iter()
                    .map(|v| sumsq(v.iter().copied()))
                    .reduce(|| 0, u64::wrapping_add)
            })
            .await
            .map_err(|e| e.to_string())?;
            Ok::<_, String>(format!("{}\n", sum))
        })?,
        "waits" => rt.block_on(async {
            let tasks: Vec<_> = (0..shards)
                .map(|i| {
                    tokio::spawn(async move {
                        sleep(latency).await;
                        sumsq(i * len..i * len + len)
                    })
                })
                .collect();
            let mut sum = 0u64;
            for t in tasks {
                sum = sum.wrapping_add(t.await.map_err(|e| e.to_string())?);
            }
            Ok::<_, String>(format!("{}\n", sum))
        })?,
        "image" => rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for id in 0..shards {
                set.spawn(async move {
                    let bytes = download(id, len as usize, latency).await;
                    let sum = tokio::task::spawn_blocking(move || fold(&bytes)).await;
                    (id, sum)
                });
            }
            let mut out = Vec::new();
            while let Some(r) = set.join_next().await {
                let (id, sum) = r.map_err(|e| e.to_string())?;
                out.push((id, sum.map_err(|e| e.to_string())?));
            }
            out.sort_unstable();
            let sums: Vec<u64> = out.into_iter().map(|(_, s)| s).collect();
            Ok::<_, String>(lines(&sums))
        })?,
        "heartbeat" => {
            let (tick, ticks) = (Duration::from_millis(p[0]), p[1]);
            let block = Duration::from_millis(p[2]);
            rt.block_on(async move {
                let beat = tokio::spawn(async move {
                    let mut late = 0f64;
                    for n in 1..=ticks {
                        sleep(tick).await;
                        let due = tick.as_secs_f64() * n as f64;
                        late = f64::max(late, start.elapsed().as_secs_f64() - due);
                    }
                    late
                });
                let job = move || std::thread::sleep(block);
                if variant == "inline" {
                    job();
                } else {
                    tokio::task::spawn_blocking(job)
                        .await
                        .map_err(|e| e.to_string())?;
                }
                let late = beat.await.map_err(|e| e.to_string())?;
                Ok::<_, String>(format!("{:.1}\n", late * 1e3))
            })?
        }
        _ => unreachable!(),
    };
    Ok(Output {
        text,
        secs: start.elapsed().as_secs_f64(),
    })
}
