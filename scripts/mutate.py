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
rewritten, never counted as caught. A mutant that does not compile is
reported as BUILD-FAILED and fails the run too (it tests nothing).

Each mutant is applied in a scratch clone of the current commit (HEAD:
commit the code first; the mutants are read from the working tree), so the
real tree is never touched; `make test` runs with OMPK_TEST_FAILFAST=1
(scripts/run-tests.sh stops at the first failing program; CMOCKA_TEST_ABORT=1
ends a cmocka suite at its first failing check), and the file is restored.
The verdict names the program that failed and its first failing check. A
mutant still running after the time limit is killed and reported as
"timeout": counted as caught, only because a hung suite fails CI too; look
at such a mutant by hand.

Usage: scripts/mutate.py [--only NAME[,NAME...]] [--timeout S] [--threshold PCT]
                         [--keep] [--scratch DIR] [--skip-base] [--list] [--check]
--check only checks that every mutant still applies to the working tree
(make test runs it, tests/test_mutate.sh), so a change that moves a planted
bug's code fails at once rather than at the next mutation run; inside a
mutation run (OMPK_MUTANT set) it reads the files as committed.
Prints one line per mutant and a table (mutant, file, verdict, caught by,
seconds), then the score. Exits 1 when a mutant is stale or does not build,
or when the score is below --threshold (default 90%); 2 on a usage error.
`make mutate` runs it (MUTATE_ARGS="--only ..." passes options).
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


def applies(tree, m, committed=False):
    """Whether the old text occurs exactly once in the file (and the mutant changes it).
    committed: look at the file as HEAD has it, not as the work tree does."""
    try:
        if committed:
            text = subprocess.run(["git", "-C", tree, "show", f"HEAD:{m['path']}"],
                                  capture_output=True, text=True, check=True).stdout
        else:
            with open(os.path.join(tree, m["path"]), encoding="utf-8") as f:
                text = f.read()
    except (OSError, subprocess.CalledProcessError):
        return False
    return text.count("\n".join(m["old"])) == 1 and m["old"] != m["new"]


def apply(tree, m):
    """Plants m; returns the file's original text, or None when m does not apply once."""
    if not applies(tree, m):
        return None
    path = os.path.join(tree, m["path"])
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace("\n".join(m["old"]), "\n".join(m["new"])))
    return text


def run(cmd, cwd, timeout, log, env):
    """Runs cmd; returns its exit code, or None on a timeout."""
    with open(log, "w") as out:
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                             start_new_session=True, env=env)
        try:
            return p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            p.wait()
            return None


def caught_by(log):
    """(whether the test runner started, 'program: first failing check') from a make test log."""
    started, program, check, running = False, "", "", ""
    with open(log, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("== "):
                started, current, running = True, line[3:], ""
            elif not started:
                continue
            elif line.startswith("[ RUN      ] "):
                running = line[13:]
            elif not check and (line.startswith("[  FAILED  ] ") and "test(s)" not in line
                                or line.startswith("FAIL ")):
                program = current
                check = line.split("] ", 1)[1] if line.startswith("[") else line[5:]
            elif line.startswith("failing programs: ") and not program:
                program = line.split(": ", 1)[1].split(" ")[0]
                check = running  # a cmocka suite aborted (CMOCKA_TEST_ABORT) in this check
    if program and check:
        return started, f"{program}: {check}"[:90]
    return started, program


# The suites nearest each part of the tree run first (OMPK_TEST_FIRST), so a
# caught mutant costs the suite that catches it, not every suite before it
# in alphabetical order. A survivor still runs every suite.
NEAREST = [
    ("kernels/collatz/collatz.c", "test_kernels test_split"),
    ("kernels/collatz/oracle.c", "test_kernels test_collatz"),
    ("kernels/collatz/", "test_collatz test_kernels"),
    ("kernels/primes/pi", "test_primes test_kernels"),
    ("kernels/primes/", "test_kernels test_primes test_split"),
    ("kernels/sumsq/fast.c", "test_fast_simd test_kernels"),
    ("kernels/checksum/fast.c", "test_fast_simd test_kernels"),
    ("kernels/lcg/", "test_split test_kernels"),
    ("kernels/", "test_kernels test_split test_fast_simd"),
    ("src/io/heartbeat", "test_heartbeat"),
    ("src/io/loader.c", "test_loader test_schema.sh"),
    ("src/io/", "test_loader test_loader_faults"),
    ("src/parse.c", "test_parse test_driver test_cli.sh"),
    ("src/cli.c", "test_parse test_driver test_cli.sh"),
    ("src/options.c", "test_parse test_driver test_cli.sh"),
    ("src/stats.c", "test_report test_driver"),
    ("src/emit.c", "test_report test_driver test_schema.sh"),
    ("src/report.c", "test_report test_driver test_schema.sh"),
    ("src/", "test_driver test_split test_kernels"),
]


def nearest(path):
    return next((first for prefix, first in NEAREST if path.startswith(prefix)), "")


def area(path):
    """A short name for where a mutant lives: kernels/collatz/oracle.c -> collatz oracle."""
    parts = path.split("/")
    if parts[0] == "kernels" and len(parts) == 3:
        return f"{parts[1]} {os.path.splitext(parts[2])[0]}"
    return path


def main():
    ap = argparse.ArgumentParser(description="plant one bug at a time; make test must fail")
    ap.add_argument("--only", help="comma-separated mutant names")
    ap.add_argument("--timeout", type=float,
                    help="seconds per mutant (default: 3x the unmutated run, at least 300)")
    ap.add_argument("--threshold", type=float, default=90.0,
                    help="lowest passing score in percent (default 90)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch clone")
    ap.add_argument("--scratch", metavar="DIR",
                    help="use DIR for the clone and logs, kept and reused by later runs "
                         "(its build is then incremental)")
    ap.add_argument("--skip-base", action="store_true",
                    help="do not first check that the unmutated tree passes (only when a run "
                         "at this commit already did)")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--check", action="store_true",
                    help="only check that every mutant applies to the working tree (no build)")
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
    if not mutants:
        print("mutate: no mutants in tests/mutants/*.txt", file=sys.stderr)
        return 2
    if a.check:
        # Inside a mutation run (OMPK_MUTANT names the bug planted in this tree) the files
        # are compared as committed: the planted bug itself must not make its mutant stale.
        committed = bool(os.environ.get("OMPK_MUTANT"))
        stale = [m for m in mutants if not applies(ROOT, m, committed)]
        for m in stale:
            print(f"mutate: {m['where']}: {m['name']}: STALE: its '<' text is not found exactly "
                  f"once in {m['path']}; rewrite it for the code as it is now")
        print(f"mutate: {len(mutants) - len(stale)} of {len(mutants)} mutants apply")
        return 1 if stale else 0

    head = subprocess.check_output(["git", "-C", ROOT, "rev-parse", "HEAD"], text=True).strip()
    if a.scratch:
        scratch = os.path.abspath(a.scratch)
        os.makedirs(scratch, exist_ok=True)
    else:
        scratch = tempfile.mkdtemp(prefix="ompk-mutate.")
    tree = os.path.join(scratch, "tree")
    if not os.path.isdir(os.path.join(tree, ".git")):
        subprocess.run(["git", "clone", "-q", "--no-hardlinks", "--no-checkout", ROOT, tree],
                       check=True)
    else:
        subprocess.run(["git", "-C", tree, "fetch", "-q", ROOT, "HEAD"], check=True)
    # A kept clone may hold a mutant of an interrupted run: checkout -f restores it.
    subprocess.run(["git", "-C", tree, "checkout", "-q", "-f", "--detach", head], check=True)
    # Nothing of the caller's make or test settings leaks into the runs.
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "OMPK_BIN_DIR", "TEST_WRAPPER",
                        "OMPK_TEST_FIRST", "OMPK_MUTANT")}
    env["OMPK_TEST_FAILFAST"] = "1"
    # cmocka aborts a suite at its first failing check rather than running the rest.
    env["CMOCKA_TEST_ABORT"] = "1"
    print(f"mutate: {len(mutants)} mutants, commit {head[:12]}, scratch clone {tree}",
          flush=True)
    if a.skip_base:
        timeout = a.timeout or 1800.0
        print(f"mutate: the unmutated tree is not checked (--skip-base); {timeout:.0f} s per "
              f"mutant", flush=True)
    else:
        # The unmutated tree must pass, or every mutant would look caught.
        t0 = time.monotonic()
        rc = run(["make", "-j2", "test"], tree, a.timeout, os.path.join(scratch, "base.log"),
                 env)
        base = time.monotonic() - t0
        if rc != 0:
            print(f"mutate: make test fails without any mutant (see {scratch}/base.log)",
                  file=sys.stderr)
            return 1
        timeout = a.timeout or max(300.0, 3 * base)
        print(f"mutate: the unmutated tree passes in {base:.0f} s; {timeout:.0f} s per mutant",
              flush=True)
    rows = []
    for i, m in enumerate(mutants, 1):
        original = apply(tree, m)
        if original is None:
            rows.append((m, "STALE", "", 0.0))
            print(f"[{i}/{len(mutants)}] {m['name']}: STALE (old text not found once in "
                  f"{m['path']})", flush=True)
            continue
        t0 = time.monotonic()
        log = os.path.join(scratch, f"{m['name']}.log")
        rc = run(["make", "-j2", "test"], tree, timeout, log,
                 dict(env, OMPK_TEST_FIRST=nearest(m["path"]), OMPK_MUTANT=m["name"]))
        dt = time.monotonic() - t0
        with open(os.path.join(tree, m["path"]), "w", encoding="utf-8") as f:
            f.write(original)
        started, by = caught_by(log)
        if rc is None:
            verdict = "timeout"
        elif rc == 0:
            verdict = "SURVIVED"
        elif not started:
            verdict = "BUILD-FAILED"
        else:
            verdict = "caught"
        rows.append((m, verdict, by, dt))
        print(f"[{i}/{len(mutants)}] {m['name']}: {verdict}"
              f"{' by ' + by if verdict == 'caught' else ''} ({dt:.0f} s)", flush=True)
    broken = [m for m, v, _, _ in rows if v in ("STALE", "BUILD-FAILED")]
    caught = sum(1 for _, v, _, _ in rows if v in ("caught", "timeout"))
    counted = len(rows) - len(broken)
    print()
    print("| mutant | area | verdict | caught by (program: first failing check) | s |")
    print("| --- | --- | --- | --- | ---: |")
    for m, v, by, dt in rows:
        print(f"| {m['name']} | {area(m['path'])} | {v} | {by} | {dt:.0f} |")
    print()
    if any(v == "timeout" for _, v, _, _ in rows):
        print(f"mutate: a timeout (no result within {timeout:.0f} s) counts as caught only "
              f"because a hung suite fails CI too; look at those mutants by hand")
    score = 100.0 * caught / counted if counted else 0.0
    print(f"mutate: {caught} of {counted} caught ({score:.1f}%, threshold {a.threshold:g}%), "
          f"{counted - caught} survived, {len(broken)} stale or not building")
    if not a.keep and not a.scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        print(f"mutate: logs and the clone kept in {scratch}")
    return 1 if broken or score < a.threshold else 0


if __name__ == "__main__":
    sys.exit(main())
