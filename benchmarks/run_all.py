"""Run every benchmark and print each table (results saved in benchmarks/results/*.json).

Run: python benchmarks/run_all.py          (about 10-15 minutes on 2 cores)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent

for script in ("scale_bench.py", "map_bench.py", "suggest_bench.py", "diff_bench.py",
               "matching_bench.py", "chain_bench.py"):
    print(f"== {script}", flush=True)
    subprocess.run([sys.executable, str(HERE / script)], check=True)
