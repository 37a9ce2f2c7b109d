#!/usr/bin/env python3
"""Generate a large Apify-style CSV export of Upwork jobs for the ingest benchmark.

    python3 bench/gen_export.py --rows 100000 --out bench/data/export-100k.csv

Stdlib only. The output imitates what Apify's "Download CSV" gives for the
Upwork job scraper whose real JSON export is in
shared/fixtures/apify/dataset_upwork-job-scraper_2026-05-24_06-55-21-455.json:

* a UTF-8 BOM, CRLF record terminators, RFC 4180 quoting (cells with commas,
  quotes or newlines are quoted; embedded newlines stay LF as in the JSON);
* nested keys flattened with "/": tags/0..tags/11, questions/0/question,
  questions/0/position, ..., allowedApplicantCountries/0..2; missing or null
  values are empty cells; booleans are true/false;
* titles, descriptions, budgets, tags and locations taken from the real
  fixture and recombined; descriptions are long (about 1.7k characters on
  average, up to ~12.5k), multi-line, with tabs, bullets and non-ASCII
  punctuation, so 100k rows make a file of roughly 200 MB.

Deterministic: the same --rows/--seed (and fixture) give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import random
import re
import sys
import time
from pathlib import Path

FIXTURE_NAME = "dataset_upwork-job-scraper_2026-05-24_06-55-21-455.json"
# The repository's sibling shared/ folder (…/main/bench/ -> …/shared/).
DEFAULT_FIXTURE = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "apify" / FIXTURE_NAME
)

MAX_TAGS = 12
MAX_QUESTIONS = 2
MAX_COUNTRIES = 3

COLUMNS = (
    [
        "id", "subId", "url", "title", "description", "budget", "clientLocation",
        "clientName", "clientNameConfidence", "clientAvgHourlyRate", "clientRating",
        "clientHireRatePercent", "clientTotalSpent", "hasHired", "proposals",
        "paymentVerified", "relativeDate", "absoluteDate", "jobType", "experienceLevel",
    ]
    + [f"tags/{i}" for i in range(MAX_TAGS)]
    + [f"questions/{i}/{k}" for i in range(MAX_QUESTIONS) for k in ("question", "position")]
    + [f"allowedApplicantCountries/{i}" for i in range(MAX_COUNTRIES)]
)

# When the fixture was scraped: the newest generated job is just before it.
SCRAPED_AT = dt.datetime(2026, 5, 24, 6, 55, 21, 455000, tzinfo=dt.timezone.utc)
FIRST_ID = 2058436318428575090  # newest id in the fixture; ids fall with age

# Extra seed values in the same styles as the fixture (it has only 19 rows):
# country names mixed with ISO-3 codes, as in real exports.
EXTRA_LOCATIONS = [
    "United States", "USA", "United Kingdom", "GBR", "Canada", "CAN", "Germany",
    "DEU", "India", "IND", "Australia", "AUS", "Netherlands", "France", "Israel",
    "United Arab Emirates", "ARE", "Singapore", "Spain", "Brazil", "Mexico",
    "Sweden", "Switzerland", "Ireland", "Poland", "Nigeria", "South Africa",
    "Japan", "Türkiye", "Côte d'Ivoire", "Réunion",
]
EXTRA_NAMES = ["Anna", "Marco", "Priya", "José", "Chloé", "Mohammed", "Kim", "Olga", "Tomás", "Nguyễn"]
QUESTION_TEMPLATES = [
    "Describe a recent project where you used {tag}. What was your role?",
    "How many years of experience do you have with {tag}?",
    "What's your availability per week, and which time zone are you in?",
    "Please share links to 2–3 relevant samples of your {tag} work.",
    "Have you worked with a client in our industry before? If yes, in what context?",
    "What would be your approach for the first week — what would you need from us?",
]
EXTRA_LINES = [
    "✅ Long-term collaboration for the right person",
    "Budget: €500 – €800 depending on scope",
    "Must have ≥ 3 years of hands-on experience",
    "Deadline → end of the month",
    "Résumé / CV and portfolio required",
    "Nice to have: Japanese (日本語) or German (Deutsch) — not required",
    "Pay is negotiable… we value quality over speed",
    "Please start your proposal with the word “banana” so we know you read this",
    'We call this the "golden path"; details in the brief, section 2, "Scope".',
    "No agencies, please — freelancers only",
]
BULLETS = ["• ", "- ", "* ", "\t• ", "\t- ", "– ", "→ ", "1) "]


def load_fixture(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        rows = json.load(f)
    if not isinstance(rows, list) or not rows:
        sys.exit(f"gen_export: {path} is not a non-empty JSON array")
    return rows


def split_paragraphs(descriptions: list[str]) -> list[str]:
    """Blocks of text separated by blank lines; long blocks cut at line ends."""
    out: list[str] = []
    for d in descriptions:
        for block in re.split(r"\n[ \t]*\n", d):
            if not block.strip():
                continue
            if len(block) <= 800:
                out.append(block)
                continue
            chunk: list[str] = []
            size = 0
            for line in block.split("\n"):
                chunk.append(line)
                size += len(line) + 1
                if size >= 400:
                    out.append("\n".join(chunk))
                    chunk, size = [], 0
            if chunk:
                out.append("\n".join(chunk))
    return out


def typographic(text: str) -> str:
    """ASCII punctuation to the Unicode forms people paste from editors."""
    text = text.replace("...", "…").replace(" - ", " – ").replace("'", "’")
    return re.sub(r'"([^"\n]{1,80})"', "“\\1”", text)


def bulletize(rng: random.Random, text: str) -> str:
    bullet = rng.choice(BULLETS)
    lines = text.split("\n")
    if len(lines) == 1:  # one long line: one bullet per sentence
        lines = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
    return "\n".join(bullet + line.lstrip() for line in lines)


def tabulate(rng: random.Random, text: str) -> str:
    """"Label: value" lines become tab-aligned, as pasted from a spreadsheet."""
    return re.sub(r"^([^:\n]{2,40}):[ ]+", lambda m: m.group(1) + ":\t", text, flags=re.M)


def make_description(rng: random.Random, paragraphs: list[str]) -> str:
    # Log-normal lengths: median ~1.3k chars, mean ~1.7k (whole paragraphs
    # overshoot the drawn target), a long tail up to the fixture's ~12.5k.
    target = min(12500, max(150, int(rng.lognormvariate(math.log(1300), 0.55))))
    parts: list[str] = []
    size = 0
    while size < target:
        p = rng.choice(paragraphs)
        r = rng.random()
        if r < 0.15:
            p = bulletize(rng, p)
        elif r < 0.25:
            p = tabulate(rng, p)
        if rng.random() < 0.3:
            p = typographic(p)
        parts.append(p)
        size += len(p) + 2
        if rng.random() < 0.06:
            parts.append(rng.choice(EXTRA_LINES))
            size += 60
    sep = "\n\n" if rng.random() < 0.7 else "\n"
    return sep.join(parts)


def make_title(rng: random.Random, titles: list[str], tags: list[str]) -> str:
    r = rng.random()
    if r < 0.5:
        return rng.choice(titles)
    tag = rng.choice(tags)
    base = rng.choice(titles)
    if r < 0.7:
        return f"{tag} Expert Needed — {base}"
    if r < 0.85:
        return f"{base} ({tag})"
    return rng.choice(
        [
            f"Senior {tag} Developer for Long-Term Project",
            f"{tag} Specialist – Quick Fix Needed",
            f"Looking for a {tag} Freelancer (Part-Time)",
            f"{tag} + {rng.choice(tags)} Help for Startup’s MVP",
        ]
    )


def slug(title: str) -> str:
    # Upwork's URL slug: words (hyphenated ones kept) of 3+ characters.
    words = [w for w in re.findall(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", title) if len(w) > 2]
    return "-".join(words)[:120].rstrip("-") or "job"


def make_budget(rng: random.Random, fixture_budgets: list[str]) -> tuple[str, str]:
    """(budget, jobType) in the fixture's formats."""
    r = rng.random()
    if r < 0.3:
        amount = rng.choice([50, 100, 150, 250, 300, 500, 750, 1000, 1500, 2000, 4000, 5000, 12000])
        if rng.random() < 0.2:
            amount = round(rng.uniform(5, 25000), 2)
        return f"${amount:,.2f}", "Fixed"
    if r < 0.9:
        if rng.random() < 0.3:
            return rng.choice([b for b in fixture_budgets if " - " in b] or ["30 - 50"]), "Hourly"
        lo = rng.choice([5, 8, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 65, 75, 100, 140])
        hi = lo + rng.choice([5, 10, 15, 20, 25, 30, 50, 80])
        return f"{lo} - {hi}", "Hourly"
    return "N/A", "Hourly"


def relative(posted: dt.datetime) -> str:
    s = (SCRAPED_AT - posted).total_seconds()
    m, h, d = int(s // 60), int(s // 3600), int(s // 86400)
    if m < 1:
        return "Posted just now"
    if m < 60:
        return f"Posted {m} minute{'s' if m != 1 else ''} ago"
    if h < 24:
        return f"Posted {h} hour{'s' if h != 1 else ''} ago"
    if d < 2:
        return "Posted yesterday"
    if d < 7:
        return f"Posted {d} days ago"
    if d < 14:
        return "Posted last week"
    if d < 30:
        return f"Posted {d // 7} weeks ago"
    return "Posted last month" if d < 60 else f"Posted {d // 30} months ago"


def fmt_num(v) -> str:
    # JSON-style numbers: 5 not 5.0, full float precision like Apify.
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return repr(v)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000, help="data rows to write (default 100000)")
    ap.add_argument("--out", type=Path, default=Path("bench/data/export-100k.csv"))
    ap.add_argument("--seed", type=int, default=20260524)
    ap.add_argument("--fixture", type=Path, default=DEFAULT_FIXTURE,
                    help=f"real Apify JSON export used as seed material (default {DEFAULT_FIXTURE})")
    args = ap.parse_args()
    if args.rows < 1:
        sys.exit("gen_export: --rows must be >= 1")
    if not args.fixture.is_file():
        sys.exit(f"gen_export: fixture not found: {args.fixture} (pass --fixture PATH)")

    fixture = load_fixture(args.fixture)
    paragraphs = split_paragraphs([r["description"] for r in fixture if r.get("description")])
    titles = [r["title"] for r in fixture if r.get("title")]
    fixture_tags = sorted({t for r in fixture for t in (r.get("tags") or [])})
    fixture_budgets = [r["budget"] for r in fixture if r.get("budget")]
    locations = [r["clientLocation"] for r in fixture if r.get("clientLocation")] + EXTRA_LOCATIONS
    names = [r["clientName"] for r in fixture if r.get("clientName")] + EXTRA_NAMES
    countries = [c for r in fixture for c in (r.get("allowedApplicantCountries") or [])] or ["India"]
    countries += ["Philippines", "Pakistan", "Ukraine", "Kenya", "Brazil", "Viet Nam"]
    real_questions = [q["question"] for r in fixture for q in (r.get("questions") or [])]

    rng = random.Random(args.seed)
    # Ids must stay 19 digits and unique: a fixed stride larger than the jitter.
    stride = 7_919_000_003
    if FIRST_ID - args.rows * stride < 10**18:
        sys.exit(f"gen_export: --rows {args.rows} too large for 19-digit ids")
    # Jobs spread over ~60 days back from the scrape, newest first.
    step_s = 60 * 86400 / args.rows

    args.out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    tmp = args.out.with_name(args.out.name + ".tmp")
    # newline="" lets the csv module write its CRLF terminators unchanged.
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(COLUMNS)
        for i in range(args.rows):
            job_id = FIRST_ID - i * stride - rng.randrange(1_000_000)
            title = make_title(rng, titles, fixture_tags)
            budget, job_type = make_budget(rng, fixture_budgets)
            posted = SCRAPED_AT - dt.timedelta(seconds=(i + 0.5) * step_s + rng.uniform(-120, 120))
            posted = min(posted, SCRAPED_AT - dt.timedelta(seconds=5))
            has_name = rng.random() < 0.8
            ntags = min(MAX_TAGS, max(0, int(rng.gauss(5, 2.5))))
            if rng.random() < 0.02:
                ntags = MAX_TAGS
            tags = rng.sample(fixture_tags, min(ntags, len(fixture_tags)))
            nq = 0 if rng.random() < 0.8 else rng.randint(1, 3)
            questions = []
            for q in range(nq):
                text = (rng.choice(real_questions) if real_questions and rng.random() < 0.4
                        else rng.choice(QUESTION_TEMPLATES).format(tag=rng.choice(fixture_tags)))
                questions.append((text, q))
            nc = rng.choice([1, 2, 3]) if rng.random() < 0.05 else 0
            allowed = rng.sample(countries, min(nc, len(countries)))

            row = [
                str(job_id),
                f"~02{job_id}",
                f"https://www.upwork.com/jobs/{slug(title)}_~02{job_id}/?referrer_url_path=/nx/search/jobs/",
                title,
                make_description(rng, paragraphs),
                budget,
                rng.choice(locations),
                rng.choice(names) if has_name else "",
                fmt_num(rng.choice([0.99, 0.99, 0.99, 0.91, 0.73])) if has_name else "",
                fmt_num(rng.choice([None, 20, 25, rng.uniform(5, 80)])),
                fmt_num(rng.choice([5, 5, round(rng.uniform(3.5, 5), 2), None])),
                str(rng.choice([rng.randint(0, 100), rng.randint(0, 120), 1, 100])),
                str(int(rng.lognormvariate(8, 2.2)) if rng.random() < 0.9 else 0),
                "true" if rng.random() < 0.1 else "false",
                "" if rng.random() < 0.03 else str(rng.randint(0, 50)),
                "true" if rng.random() < 0.93 else "false",
                relative(posted),
                posted.strftime("%Y-%m-%dT%H:%M:%S.") + f"{posted.microsecond // 1000:03d}Z",
                job_type,
                rng.choice(["Entry Level", "Intermediate", "Intermediate", "Expert"]),
            ]
            row += tags + [""] * (MAX_TAGS - len(tags))
            for q in range(MAX_QUESTIONS):
                row += [questions[q][0], str(questions[q][1])] if q < len(questions) else ["", ""]
            row += allowed + [""] * (MAX_COUNTRIES - len(allowed))
            w.writerow(row)
    os.replace(tmp, args.out)

    size = args.out.stat().st_size
    print(
        f"wrote {args.out}: {args.rows} rows, {size / 1e6:.1f} MB ({size} bytes) "
        f"in {time.perf_counter() - t0:.1f} s"
    )


if __name__ == "__main__":
    main()
