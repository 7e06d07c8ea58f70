#!/usr/bin/env python3
"""mutate.py - mutation testing: plants one small realistic bug at a time and
checks that `make test` notices.

The planted bugs live in tests/mutants/*.txt, one or more per file:

    @ NAME PATH
    # optional comment lines: what the bug would do
    < exact old text (one or more lines)
    > the text that replaces it (one or more lines; none deletes)

The old text must occur exactly once in PATH, or the mutant is reported as
STALE and the run fails: a planted bug whose code has moved must be
rewritten, never counted as caught. Each mutant is applied in a scratch
clone of the current commit (HEAD: commit the code first; the mutants are
read from the working tree), `make test` runs with OMPK_TEST_FAILFAST=1 (the runner stops
at the first failing program), and the file is restored.

Usage: scripts/mutate.py [--only NAME[,NAME...]] [--timeout S] [--keep] [--list]
Prints one line per mutant (caught / SURVIVED / timeout) and the score, and
exits 1 if any mutant survived or was stale, 2 on a usage error.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_mutants(paths):
    mutants = []
    for path in paths:
        cur = None
        with open(path, encoding="utf-8") as f:
            for no, line in enumerate(f, 1):
                line = line.rstrip("\n")
                where = f"{os.path.relpath(path, ROOT)}:{no}"
                if line.startswith("@ "):
                    parts = line[2:].split()
                    if len(parts) != 2:
                        sys.exit(f"mutate: {where}: want '@ NAME PATH'")
                    cur = {"name": parts[0], "path": parts[1], "old": [], "new": [],
                           "note": [], "where": where}
                    mutants.append(cur)
                elif cur is None or line == "":
                    continue
                elif line.startswith("#"):
                    cur["note"].append(line[1:].strip())
                elif line.startswith("<"):
                    cur["old"].append(line[2:] if line.startswith("< ") else line[1:])
                elif line.startswith(">"):
                    cur["new"].append(line[2:] if line.startswith("> ") else line[1:])
                else:
                    sys.exit(f"mutate: {where}: a line starts with '@', '#', '<' or '>'")
    names = [m["name"] for m in mutants]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        sys.exit(f"mutate: mutant names used twice: {', '.join(sorted(dup))}")
    for m in mutants:
        if not m["old"]:
            sys.exit(f"mutate: {m['where']}: mutant {m['name']} has no '<' lines")
    return mutants


def apply(tree, m):
    """Returns the original text of the file, or None when the old text is not there once."""
    path = os.path.join(tree, m["path"])
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return None
    old, new = "\n".join(m["old"]), "\n".join(m["new"])
    if text.count(old) != 1:
        return None
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new))
    return text


def run(cmd, cwd, timeout, log):
    """Runs cmd; returns its exit code, or None on a timeout."""
    with open(log, "w") as out:
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                             start_new_session=True)
        try:
            return p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            p.wait()
            return None


def main():
    ap = argparse.ArgumentParser(description="plant one bug at a time; make test must fail")
    ap.add_argument("--only", help="comma-separated mutant names")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per mutant (default 900)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch clone")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    a = ap.parse_args()
    mutants = parse_mutants(sorted(glob.glob(os.path.join(ROOT, "tests/mutants/*.txt"))))
    if a.only:
        want = a.only.split(",")
        unknown = [w for w in want if w not in {m["name"] for m in mutants}]
        if unknown:
            print(f"mutate: --only: no mutant called {', '.join(unknown)}; see --list",
                  file=sys.stderr)
            return 2
        mutants = [m for m in mutants if m["name"] in want]
    if a.list:
        for m in mutants:
            print(f"{m['name']:36} {m['path']:32} {' '.join(m['note'])}")
        return 0

    scratch = tempfile.mkdtemp(prefix="ompk-mutate.")
    tree = os.path.join(scratch, "tree")
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", ROOT, tree], check=True)
    subprocess.run(["git", "-C", tree, "checkout", "-q", subprocess.check_output(
        ["git", "-C", ROOT, "rev-parse", "HEAD"], text=True).strip()], check=True)
    env = dict(os.environ, OMPK_TEST_FAILFAST="1")
    print(f"mutate: {len(mutants)} mutants, scratch clone {tree}", flush=True)
    # The unmutated tree must pass, or every mutant would look caught.
    rc = run(["make", "-j2", "test"], tree, a.timeout, os.path.join(scratch, "base.log"))
    if rc != 0:
        print(f"mutate: make test fails without any mutant (see {scratch}/base.log)",
              file=sys.stderr)
        return 1
    rows, stale = [], []
    for i, m in enumerate(mutants, 1):
        original = apply(tree, m)
        if original is None:
            stale.append(m)
            rows.append((m, "STALE", 0.0))
            print(f"[{i}/{len(mutants)}] {m['name']}: STALE (old text not found once in "
                  f"{m['path']})", flush=True)
            continue
        t0 = time.monotonic()
        log = os.path.join(scratch, f"{m['name']}.log")
        rc = run(["make", "-j2", "test"], tree, a.timeout, log)
        dt = time.monotonic() - t0
        with open(os.path.join(tree, m["path"]), "w", encoding="utf-8") as f:
            f.write(original)
        verdict = "timeout" if rc is None else ("caught" if rc != 0 else "SURVIVED")
        rows.append((m, verdict, dt))
        print(f"[{i}/{len(mutants)}] {m['name']}: {verdict} ({dt:.0f} s)", flush=True)
    caught = sum(1 for _, v, _ in rows if v in ("caught", "timeout"))
    counted = sum(1 for _, v, _ in rows if v != "STALE")
    print()
    print(f"| mutant | file | verdict | seconds |")
    print(f"| --- | --- | --- | ---: |")
    for m, v, dt in rows:
        print(f"| {m['name']} | {m['path']} | {v} | {dt:.0f} |")
    print()
    score = 100.0 * caught / counted if counted else 0.0
    print(f"mutate: {caught} of {counted} caught ({score:.1f}%), "
          f"{counted - caught} survived, {len(stale)} stale")
    if not a.keep:
        shutil.rmtree(scratch, ignore_errors=True)
    return 1 if stale or caught < counted else 0


if __name__ == "__main__":
    sys.exit(main())
