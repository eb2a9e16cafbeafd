"""Export autotuner results or evaluations to JSONL or Parquet."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import InputError


def export_rows(rows: list[dict], path: Path) -> int:
    path = Path(path)
    if path.suffix == ".jsonl":
        with path.open("w") as f:
            for row in rows:
                f.write(json.dumps(row, sort_keys=True) + "\n")
    elif path.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq
        # Nested fields (lists of rejections, evaluation tallies) travel as JSON strings so
        # that every row has the same flat schema.
        flat = [{k: json.dumps(v) if isinstance(v, (dict, list)) and k != "best_passes" else v
                 for k, v in row.items()} for row in rows]
        pq.write_table(pa.Table.from_pylist(flat), path)
    else:
        raise InputError(f"{path}: export to .jsonl or .parquet")
    return len(rows)
