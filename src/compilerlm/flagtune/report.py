"""An HTML report of a flag-tuning evaluation: summary table, per-unit bars, gain histogram.

One self-contained file (inline SVG, no scripts, nothing fetched), so it opens anywhere and
can be attached to a CI run.

    write_report(result, Path("report.html"))
"""

from __future__ import annotations

import html
from pathlib import Path

BAR_W, ROW_H = 360, 16


def _pct(size, oz) -> float:
    return 100 * (1 - size / oz) if oz else 0.0


def _bars(per_unit) -> str:
    """Per unit: verified gain over -Oz, zero-shot and with fallback (negative = larger)."""
    gains = [(r["input"], _pct(r["zero_shot_size"], r["oz_binary_size"]),
              _pct(r["with_fallback_size"], r["oz_binary_size"])) for r in per_unit]
    if not gains:
        return "<p>no units</p>"
    span = max(1.0, max(abs(g) for _, a, b in gains for g in (a, b)))
    label_w, mid = 220, 220 + BAR_W // 2
    h = ROW_H * 2 * len(gains) + 30
    out = [f'<svg width="{label_w + BAR_W + 80}" height="{h}" role="img" '
           f'aria-label="gain per unit">',
           f'<line x1="{mid}" y1="0" x2="{mid}" y2="{h - 20}" stroke="#888"/>']
    for i, (name, zs, fb) in enumerate(gains):
        y = i * 2 * ROW_H + 4
        short = html.escape(name if len(name) < 34 else "..." + name[-31:])
        out.append(f'<text x="0" y="{y + ROW_H}" font-size="11">{short}</text>')
        for j, (g, colour) in enumerate(((zs, "#9ecae1"), (fb, "#3182bd"))):
            w = abs(g) / span * (BAR_W // 2)
            x = mid if g >= 0 else mid - w
            out.append(f'<rect x="{x:.1f}" y="{y + j * (ROW_H - 4)}" width="{w:.1f}" '
                       f'height="{ROW_H - 5}" fill="{colour if g >= 0 else "#de2d26"}">'
                       f'<title>{short}: {g:+.2f} %</title></rect>')
        out.append(f'<text x="{label_w + BAR_W + 4}" y="{y + ROW_H}" font-size="11">'
                   f'{fb:+.2f} %</text>')
    out.append(f'<text x="{mid - BAR_W // 2}" y="{h - 4}" font-size="11">-{span:.1f} %</text>'
               f'<text x="{mid + BAR_W // 2 - 30}" y="{h - 4}" font-size="11">+{span:.1f} %'
               f'</text></svg>')
    return "\n".join(out)


def _histogram(per_unit, bins: int = 12) -> str:
    gains = [_pct(r["with_fallback_size"], r["oz_binary_size"]) for r in per_unit]
    if not gains:
        return ""
    lo, hi = min(gains + [0.0]), max(gains + [0.0])
    width = (hi - lo) / bins or 1.0
    counts = [0] * bins
    for g in gains:
        counts[min(bins - 1, int((g - lo) / width))] += 1
    top, bw = max(counts), 36
    out = [f'<svg width="{bins * bw + 20}" height="170" role="img" '
           f'aria-label="distribution of gains">']
    for i, c in enumerate(counts):
        hgt = 120 * c / top if top else 0
        out.append(f'<rect x="{10 + i * bw}" y="{130 - hgt:.1f}" width="{bw - 3}" '
                   f'height="{hgt:.1f}" fill="#3182bd"><title>{lo + i * width:.1f}..'
                   f'{lo + (i + 1) * width:.1f} %: {c}</title></rect>'
                   f'<text x="{10 + i * bw}" y="145" font-size="9">{lo + i * width:.1f}</text>'
                   f'<text x="{10 + i * bw + 10}" y="{125 - hgt:.1f}" font-size="10">{c}</text>')
    out.append('<text x="10" y="162" font-size="11">gain over -Oz with fallback, % '
               '(left edge of each bin)</text></svg>')
    return "\n".join(out)


def _summary_rows(result) -> str:
    rows = []
    for name in ("zero_shot", "with_fallback"):
        for kind, d in (("verified", result[name]), ("unverified", result[name]["unverified"])):
            cells = [d.get(k) for k in ("improvement_total_pct", "improvement_geomean_pct",
                                        "better_pct", "worse_pct")]
            share = result[name].get("autotuner_share_pct") if kind == "verified" else None
            fmt = ("{:+.2f}", "{:+.2f}", "{:.1f}", "{:.1f}")  # gains signed, shares not
            rows.append("<tr><td>" + name.replace("_", " ") + f"</td><td>{kind}</td>" +
                        "".join(f"<td>{'' if c is None else f.format(c)}</td>"
                                for f, c in zip(fmt, cells))
                        + f"<td>{'' if share is None else f'{share:.1f}'}</td></tr>")
    return "\n".join(rows)


def _packages(per_package: dict) -> str:
    """Per package: the model's gain, the autotuner's, and the share (a bar per package)."""
    if not per_package:
        return ""
    rows = []
    for name, p in sorted(per_package.items(), key=lambda kv: -(kv[1]["autotuner_share_pct"]
                                                                  or -1e9)):
        share = p["autotuner_share_pct"]
        w = 0 if share is None else max(0.0, min(share, 150.0)) / 150 * 200
        bar = (f'<svg width="210" height="12"><rect width="{w:.1f}" height="11" '
               f'fill="{"#3182bd" if (share or 0) >= 0 else "#de2d26"}"/>'
               f'<line x1="{200 / 1.5:.1f}" y1="0" x2="{200 / 1.5:.1f}" y2="12" '
               f'stroke="#888"/></svg>')
        rows.append(f"<tr><td>{html.escape(name)}</td><td>{p['units']}</td>"
                    f"<td>{_fmt(p['improvement_total_pct'], '{:+.2f}')}</td>"
                    f"<td>{_fmt(p['autotuner_total_pct'], '{:+.2f}')}</td>"
                    f"<td>{_fmt(share, '{:.0f}')}</td>"
                    f"<td>{_fmt(p['autotuner_share_geomean_pct'], '{:.0f}')}</td>"
                    f"<td>{bar}</td></tr>")
    return ("<h2>Share of the autotuner's gain per package</h2>\n<p>With fallback, verified; "
            "the line marks 100 %.</p>\n<table><tr><th>package</th><th>units</th>"
            "<th>model total %</th><th>autotuner total %</th><th>share total %</th>"
            "<th>share geomean %</th><th></th></tr>\n" + "\n".join(rows) + "</table>")


def _fmt(value, f: str) -> str:
    return "" if value is None else f.format(value)


def write_report(result: dict, path: Path) -> None:
    per_unit = result["per_unit"]
    extra = []
    if "mape_pct" in result:
        extra.append(f"MAPE of predicted sizes: {result['mape_pct']:.2f} %")
    if "autotuner" in result:
        a = result["autotuner"]
        extra.append(f"autotuner on the same {a['units']} units: "
                     f"{a['improvement_total_pct']:+.2f} % total, "
                     f"{a['improvement_geomean_pct']:+.2f} % geomean")
    doc = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>compilerlm eval flagtune: {html.escape(result['model'])}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:60em}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}}
td:first-child,td:nth-child(2){{text-align:left}}</style></head><body>
<h1>Flag tuning: {html.escape(result['model'])}, K = {result['budget']}</h1>
<p>{result['units']} units ({result['skipped']} skipped: empty -Oz object),
{result['compilations_per_unit']} compilations per unit, validation:
{html.escape(', '.join(result['suites']) or 'off')} plus each runnable program's own run.
Verified: a list that a program rejects counts at its -Oz size. Inference
{result['inference_ms_per_unit']} ms per unit. {html.escape('; '.join(extra))}</p>
<table><tr><th>budget use</th><th>numbers</th><th>total %</th><th>geomean %</th>
<th>better %</th><th>worse %</th><th>% of autotuner gain</th></tr>
{_summary_rows(result)}</table>
{_packages(result.get("per_package"))}
<h2>Gain over -Oz per unit (verified)</h2>
<p>Light: zero-shot (first list); dark: with fallback (best of K); red: larger than -Oz.</p>
{_bars(per_unit)}
<h2>Distribution of gains</h2>
{_histogram(per_unit)}
</body></html>
"""
    Path(path).write_text(doc)
