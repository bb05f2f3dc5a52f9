#!/usr/bin/env python3
"""Which single mistakes does the ISO 6166 check digit miss? Counts them over real-looking ISINs.

For a fixed-seed corpus of ISINs shaped like real ones (CUSIP-, SEDOL-, WKN-based, Eurobonds, EU
bonds, and random ones), tries every single-character substitution, every adjacent and every
one-apart transposition, and every twin change (aa -> bb), and reports, per kind of mistake, how
many still pass the check digit. The prefix rule is left out: this measures the check digit alone.

The check digit comes from python-stdnum, an implementation independent of ours; the Swift tests
(Tests/TickerISINTests/CheckDigitBlindSpotTests.swift) check the exact rules these rates follow from.

    pip install python-stdnum
    scripts/isin-blind-spots.py [--count 3000] [--seed 6166]
"""

import argparse
import collections
import random

from stdnum import isin

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS, LETTERS = ALPHABET[:10], ALPHABET[10:]
PREFIXES = ["US", "GB", "DE", "XS", "EU", "FR", "CH", "NL", "JP", "CA", "LU", "IE", "KY", "AU"]


def passes(text):
    """The check digit holds (whatever the prefix)."""
    return text[11] in DIGITS and all(c in ALPHABET for c in text) and isin.calc_check_digit(text[:11]) == text[11]


def real_looking(rng):
    def chars(count, letter_rate):
        return "".join(rng.choice(LETTERS) if rng.random() < letter_rate else rng.choice(DIGITS) for _ in range(count))
    shape = rng.randrange(7)
    if shape == 0:
        body = "US" + chars(9, 0.08)                       # CUSIP: mostly digits
    elif shape == 1:
        body = "GB00" + "".join(rng.choice("BCDFGHJKLMNPQRSTVWXYZ0123456789") for _ in range(6)) + rng.choice(DIGITS)
    elif shape == 2:
        body = "DE000" + chars(6, 0.4)                     # WKN
    elif shape == 3:
        body = "XS" + chars(9, 0.0)                        # Eurobond common code
    elif shape == 4:
        body = "EU000A" + chars(5, 0.5)
    elif shape == 5:
        body = rng.choice(["FR", "CH", "NL", "JP", "CA", "LU"]) + "00" + chars(7, 0.02)
    else:
        body = rng.choice(PREFIXES) + chars(9, 0.5)
    return body + isin.calc_check_digit(body)


def kind(c):
    return "letter" if c in LETTERS else "digit"


def report(title, totals, missed, examples):
    print(f"\n{title}")
    for key in sorted(totals):
        shown = " ".join(sorted(examples[key])[:12])
        print(f"  {key:<44} {missed[key]:>7} / {totals[key]:>7}  {100 * missed[key] / totals[key]:6.2f}%  {shown}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=6166)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    corpus = [real_looking(rng) for _ in range(args.count)]
    print(f"{len(corpus)} ISINs, seed {args.seed}; counts are mistakes that still pass the check digit")

    totals, missed, examples = collections.Counter(), collections.Counter(), collections.defaultdict(set)
    for text in corpus:
        for i in range(12):
            for c in ALPHABET:
                if c == text[i]:
                    continue
                where = "prefix" if i < 2 else "check digit" if i == 11 else "characters 3-11"
                key = f"{kind(text[i])} -> {kind(c)}, {where}"
                totals[key] += 1
                if passes(text[:i] + c + text[i + 1:]):
                    missed[key] += 1
                    examples[key].add("".join(sorted(text[i] + c)))
    report("SINGLE SUBSTITUTIONS", totals, missed, examples)

    for gap, title in ((1, "ADJACENT TRANSPOSITIONS (ab -> ba)"), (2, "ONE-APART TRANSPOSITIONS (axb -> bxa)")):
        totals, missed, examples = collections.Counter(), collections.Counter(), collections.defaultdict(set)
        for text in corpus:
            for i in range(12 - gap):
                j = i + gap
                if text[i] == text[j]:
                    continue
                swapped = list(text)
                swapped[i], swapped[j] = swapped[j], swapped[i]
                key = " + ".join(sorted([kind(text[i]), kind(text[j])]))
                if gap == 2:
                    key += f" around a {kind(text[i + 1])}"
                if j == 11:
                    key += " (with the check digit)"
                totals[key] += 1
                if passes("".join(swapped)):
                    missed[key] += 1
                    examples[key].add("".join(sorted(text[i] + text[j])))
        report(title, totals, missed, examples)

    totals, missed, examples = collections.Counter(), collections.Counter(), collections.defaultdict(set)
    for text in corpus:
        for i in range(2, 10):
            for a in DIGITS:
                base = text[:i] + a + a + text[i + 2:11]
                base += isin.calc_check_digit(base)
                for b in DIGITS:
                    if b == a:
                        continue
                    totals["digit twins"] += 1
                    if passes(base[:i] + b + b + base[i + 2:]):
                        missed["digit twins"] += 1
                        examples["digit twins"].add(a + a + "/" + b + b)
    report("TWIN DIGITS (aa -> bb)", totals, missed, examples)


if __name__ == "__main__":
    main()
