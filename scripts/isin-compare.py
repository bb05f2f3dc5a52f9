#!/usr/bin/env python3
"""Compare TickerISIN's validator with python-stdnum's `stdnum.isin.is_valid` on the same inputs.

Writes N inputs (90% valid, 10% invalid, from a fixed seed) to a file, one per line, then:
  * times stdnum.isin.is_valid over the lines held in memory (best of --rounds);
  * with --swift-binary, runs the ISINThroughput executable (Benchmarks package) on the same file:
    it validates the lines in memory as well, so neither side pays for process start or output;
    prints both rates and the ratio ours / stdnum, and checks both found the same number valid;
  * with --cli, runs `CLI isin validate --json FILE` and checks the verdict on every line agrees.

    pip install python-stdnum
    (cd Benchmarks && swift build -c release --product ISINThroughput)
    scripts/isin-compare.py --count 1000000 --swift-binary Benchmarks/.build/release/ISINThroughput

The inputs avoid the known differences (docs/isin.md): prefixes only one side accepts, hyphens
(stdnum keeps them, we remove them), and full-width digits or Unicode spaces (stdnum folds them to
ASCII, we reject them). Any disagreement left is a bug on one side.
"""

import argparse
import json
import random
import subprocess
import sys
import time

from stdnum import isin as stdnum_isin

# Prefixes both validators accept: a spread of country codes and the ISIN-specific ones.
PREFIXES = ["US", "DE", "GB", "FR", "CH", "NL", "JP", "CA", "LU", "IE", "KY", "AU", "SE", "IT",
            "ES", "BE", "XS", "EU", "XA", "XB", "XC", "XD", "QS", "QT", "AN"]
DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def valid_isin(rng):
    """A real-looking ISIN: a prefix, nine characters (mostly digits), and its check digit."""
    letter_rate = rng.choice([0.0, 0.05, 0.3])
    body = rng.choice(PREFIXES) + "".join(
        rng.choice(LETTERS) if rng.random() < letter_rate else rng.choice(DIGITS) for _ in range(9))
    return body + stdnum_isin.calc_check_digit(body)


def spelled(rng, isin):
    """Most valid inputs as they are; some in lower case, padded, or grouped with spaces."""
    style = rng.random()
    if style < 0.85:
        return isin
    if style < 0.90:
        return isin.lower()
    if style < 0.95:
        return "  " + isin + " "
    return isin[:2] + " " + isin[2:6] + " " + isin[6:]


def invalid_input(rng):
    """One of the mistakes the rules catch: check digit, prefix, length, character, non-ASCII, empty."""
    isin = valid_isin(rng)
    kind = rng.randrange(6)
    if kind == 0:
        return isin[:11] + str((int(isin[11]) + rng.randrange(1, 10)) % 10)
    if kind == 1:
        body = rng.choice(["ZZ", "AA", "QQ", "XX"]) + isin[2:11]
        return body + stdnum_isin.calc_check_digit(body)
    if kind == 2:
        return isin[:rng.choice([10, 11])] if rng.random() < 0.5 else isin + rng.choice(DIGITS)
    if kind == 3:
        at = rng.randrange(2, 11)
        return isin[:at] + rng.choice("#./_*") + isin[at + 1:]
    if kind == 4:
        at = rng.randrange(12)
        # Cyrillic Ze and O, full-width U: stdnum rejects these too (it folds full-width digits and
        # Unicode spaces to ASCII, so those would be a known difference, not a bug).
        return isin[:at] + rng.choice(["\u0417", "\u041e", "\uff35"]) + isin[at + 1:]
    return ""


def generate(count, seed):
    rng = random.Random(seed)
    return [invalid_input(rng) if rng.random() < 0.10 else spelled(rng, valid_isin(rng)) for _ in range(count)]


def time_stdnum(lines, rounds):
    is_valid = stdnum_isin.is_valid
    best = float("inf")
    valid = 0
    for _ in range(rounds):
        start = time.perf_counter()
        valid = sum(1 for line in lines if is_valid(line))
        best = min(best, time.perf_counter() - start)
    return valid, len(lines) / best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=6166)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default="/tmp/isin-compare.txt", help="where to write the inputs")
    parser.add_argument("--swift-binary", help="path to a release build of ISINThroughput")
    parser.add_argument("--cli", help="path to a ticker binary, to check per-line agreement")
    args = parser.parse_args()

    lines = generate(args.count, args.seed)
    with open(args.out, "w", encoding="utf-8", newline="\n") as file:
        file.write("\n".join(lines) + "\n")
    valid, rate = time_stdnum(lines, args.rounds)
    print(f"inputs {len(lines)} in {args.out}; stdnum valid {valid}")
    print(f"stdnum.isin.is_valid  {rate:>14,.0f} inputs/s  (python-stdnum, CPython {sys.version.split()[0]})")

    failed = False
    if args.swift_binary:
        output = subprocess.run([args.swift_binary, args.out], check=True, capture_output=True, text=True).stdout
        for line in output.splitlines():
            parts = line.split()
            if len(parts) != 3:
                continue
            name, ours_valid, ours_rate = parts[0], int(parts[1]), float(parts[2])
            agree = "same valid count" if ours_valid == valid else f"VALID COUNT DIFFERS: {ours_valid}"
            failed |= ours_valid != valid
            print(f"TickerISIN {name:<18} {ours_rate:>14,.0f} inputs/s  ratio {ours_rate / rate:,.0f}x  ({agree})")

    if args.cli:
        result = subprocess.run([args.cli, "isin", "validate", "--json", args.out], capture_output=True, text=True)
        verdicts = [json.loads(line)["valid"] for line in result.stdout.splitlines()]
        expected = [stdnum_isin.is_valid(line) for line in lines]
        disagreements = [lines[i] for i in range(min(len(verdicts), len(expected))) if verdicts[i] != expected[i]]
        if len(verdicts) != len(expected) or disagreements:
            failed = True
            print(f"CLI disagrees: {len(verdicts)} verdicts for {len(expected)} lines; first: {disagreements[:5]!r}")
        else:
            print(f"CLI agrees with stdnum on all {len(expected)} lines (exit status {result.returncode})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
