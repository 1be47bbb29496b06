"""Score dunwell's matches.csv against the blind generator's truth.csv.

Usage: score.py --truth DIR/truth.csv --matches OUT/matches.csv [--review OUT/review_queue.csv]
                [--json FILE]
A link is right when transaction_id and invoice_id agree with a truth row. Precision
counts every `auto` link; recall counts the truth links whose kind should be booked
without a person (expect == auto). For review items: the share whose first-ranked
invoice is a right one (rank from review_queue.csv, else matches.csv `review` rows
ordered by confidence, highest first).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd


def read(path: Path) -> pd.DataFrame:
    """A CSV with every column as text, blanks as ''."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def ranked_first(matches: pd.DataFrame, review: pd.DataFrame | None) -> pd.DataFrame:
    """(transaction_id, invoice_id) of every first-ranked review candidate."""
    if review is not None and len(review):
        rank = pd.to_numeric(review["rank"])
        return review.loc[rank == rank.groupby(review["transaction_id"]).transform("min"),
                          ["transaction_id", "invoice_id"]]
    rev = matches[matches["decision"] == "review"].copy()
    rev["c"] = pd.to_numeric(rev["confidence"])
    top = rev["c"] == rev.groupby("transaction_id")["c"].transform("max")
    return rev.loc[top, ["transaction_id", "invoice_id"]]


def equally_right(links: pd.DataFrame) -> pd.DataFrame:
    """Rows for `also_right` invoices: right if booked or ranked first, never missed."""
    if "also_right" not in links:
        return links.iloc[:0]
    alt = links[links["also_right"] != ""].assign(invoice_id=lambda d: d["also_right"].str.split())
    return alt.explode("invoice_id").assign(expect="alternative")


def score(truth: pd.DataFrame, matches: pd.DataFrame, review: pd.DataFrame | None) -> dict:
    """Overall, per-kind and per-noise figures."""
    kind_of = truth.drop_duplicates("transaction_id").set_index("transaction_id")
    links = truth[truth["invoice_id"] != ""]
    links = pd.concat([links, equally_right(links)], ignore_index=True)
    key = ["transaction_id", "invoice_id"]
    auto = matches.loc[matches["decision"] == "auto", key].drop_duplicates()
    auto = auto.merge(links[key + ["expect"]].assign(right=True), on=key, how="left")
    auto["right"] = auto["right"].fillna(False).astype(bool)
    auto["kind"] = auto["transaction_id"].map(kind_of["kind"]).fillna("(not in truth)")
    hit = links.merge(auto[key].assign(booked=True), on=key, how="left")
    hit = hit[hit["expect"] != "alternative"]
    hit["booked"] = hit["booked"].fillna(False).astype(bool)
    first = ranked_first(matches, review)
    in_review = set(first["transaction_id"])
    first_right = set(first.merge(links[key], on=key)["transaction_id"])
    txns = kind_of.assign(in_review=kind_of.index.isin(in_review),
                          first_right=kind_of.index.isin(first_right),
                          has_link=kind_of.index.isin(set(links["transaction_id"])))
    want = hit[hit["expect"] == "auto"]
    overall = {
        "auto_links": len(auto), "auto_right": int(auto["right"].sum()),
        "precision": ratio(auto["right"].sum(), len(auto)),
        "recall": ratio(want["booked"].sum(), len(want)), "links_expected_auto": len(want),
        "recall_good_iban": ratio(want.loc[good_iban(want), "booked"].sum(),
                                  good_iban(want).sum()),
        "review_transactions": int(txns["in_review"].sum()),
        "review_first_right": ratio((txns["in_review"] & txns["first_right"]).sum(),
                                    (txns["in_review"] & txns["has_link"]).sum()),
    }
    kinds = {k: per_kind(k, txns, hit, auto) for k in sorted(kind_of["kind"].unique())}
    return {"overall": overall, "kinds": kinds, "noise": per_noise(want)}


def per_kind(kind: str, txns: pd.DataFrame, hit: pd.DataFrame, auto: pd.DataFrame) -> dict:
    """Figures for the transactions of one kind."""
    t, a = txns[txns["kind"] == kind], auto[auto["kind"] == kind]
    links = hit[hit["kind"] == kind]
    h = links[links["expect"] == "auto"]
    rev = t[t["in_review"]]
    return {
        "expect": str(t["expect"].iloc[0]), "transactions": len(t), "links": len(links),
        "auto_right": int(a["right"].sum()), "auto_wrong": int((~a["right"]).sum()),
        "recall": ratio(h["booked"].sum(), len(h)) if len(h) else None,
        "recall_good_iban": ratio(h.loc[good_iban(h), "booked"].sum(), good_iban(h).sum())
        if len(h) else None,
        "precision": ratio(a["right"].sum(), len(a)),
        "in_review": len(rev),
        "review_first_right": ratio(rev["first_right"].sum(), rev["has_link"].sum()),
    }


def good_iban(links: pd.DataFrame) -> pd.Series:
    """Links whose payer account is not a mistyped IBAN or a domestic account number."""
    return ~links["noise"].str.contains("iban_checksum|iban_domestic", regex=True)


def per_noise(want: pd.DataFrame) -> dict:
    """Recall of the expected-auto links that carry each payer-side noise tag."""
    tags = want.assign(tag=want["noise"].str.split()).explode("tag")
    tags["tag"] = tags["tag"].fillna("(none)")
    return {tag: {"links": len(g), "recall": ratio(g["booked"].sum(), len(g)),
                  "recall_good_iban": ratio(g.loc[good_iban(g), "booked"].sum(),
                                            good_iban(g).sum())}
            for tag, g in tags.groupby("tag")}


def ratio(num, den) -> float | None:
    """num/den as a float, None when there is nothing to divide."""
    return round(float(num) / float(den), 4) if den else None


def pct(x: float | None) -> str:
    """A ratio as a percentage for the table."""
    return "-" if x is None else f"{100 * x:.1f}%"


def table(result: dict) -> str:
    """The per-kind table, then overall figures and noise."""
    head = f"{'kind':22} {'expect':7} {'txns':>6} {'links':>6} {'auto ok':>7} {'auto bad':>8} " \
           f"{'recall':>7} {'good IBAN':>9} {'precis.':>7} {'review':>6} {'rank1 ok':>8}"
    lines = [head, "-" * len(head)]
    for k, v in result["kinds"].items():
        lines.append(f"{k:22} {v['expect']:7} {v['transactions']:6d} {v['links']:6d} "
                     f"{v['auto_right']:7d} {v['auto_wrong']:8d} {pct(v['recall']):>7} "
                     f"{pct(v['recall_good_iban']):>9} "
                     f"{pct(v['precision']):>7} {v['in_review']:6d} "
                     f"{pct(v['review_first_right']):>8}")
    o = result["overall"]
    lines += ["", f"auto links {o['auto_links']}, right {o['auto_right']}: precision "
              f"{pct(o['precision'])}; recall {pct(o['recall'])} of {o['links_expected_auto']} "
              f"links that should be booked automatically ({pct(o['recall_good_iban'])} of those "
              f"whose payer account is not a mistyped IBAN or a domestic number)",
              f"review: {o['review_transactions']} transactions, first-ranked invoice right "
              f"for {pct(o['review_first_right'])} of those that pay an invoice", "",
              "recall by payer-side noise (expect auto):"]
    lines += [f"  {t:22} {v['links']:6d} {pct(v['recall']):>7}  (good IBAN "
              f"{pct(v['recall_good_iban'])})" for t, v in result["noise"].items()]
    return "\n".join(lines)


def main() -> None:
    """Command line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--truth", type=Path, required=True)
    ap.add_argument("--matches", type=Path, required=True)
    ap.add_argument("--review", type=Path)
    ap.add_argument("--json", type=Path, help="default: blind_score.json beside matches.csv")
    args = ap.parse_args()
    review = read(args.review) if args.review else None
    result = score(read(args.truth), read(args.matches), review)
    print(table(result))
    out = args.json or args.matches.parent / "blind_score.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\n-> {out}")


if __name__ == "__main__":
    main()
