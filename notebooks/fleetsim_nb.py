"""Small helpers shared by the fleetsim notebooks.

They run the built `fleetsim` binary (the FLEETSIM environment variable, default
build/fleetsim relative to the repository) and load what it writes with h5py and
pandas: a run directory (summary.json, run.h5) and a sweep directory (sweep.csv,
summary.csv, paired.csv, sweep.h5). Column names and units: docs/outputs.md and
docs/sweeps.md. Only the Python standard library, numpy, pandas, h5py.
"""
import json
import os
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent


def binary():
    """The fleetsim executable: $FLEETSIM, else build/fleetsim in the repository."""
    path = Path(os.environ.get("FLEETSIM", "build/fleetsim"))
    if not path.is_absolute() and not path.exists():
        path = REPO / path
    if not path.exists():
        raise FileNotFoundError(f"{path}: no fleetsim binary; build it (cmake --build build) or set FLEETSIM")
    return path.resolve()


def scenario(name):
    """A shipped scenario file: scenario('default') -> REPO/scenarios/default.yaml."""
    return REPO / "scenarios" / f"{name}.yaml"


def fleetsim(*args):
    """Runs `fleetsim ARGS...`; raises with its output when it fails."""
    cmd = [str(binary()), *map(str, args)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return done.stdout


def run(scenario_path, out, sets=(), seed=None):
    """`fleetsim run SCENARIO --out OUT --set ...`; returns the results directory."""
    args = ["run", scenario_path, "--out", out, "--quiet"]
    for s in sets:
        args += ["--set", s]
    if seed is not None:
        args += ["--seed", seed]
    fleetsim(*args)
    return Path(out)


def sweep(spec_text, workdir, name, keep_runs=False):
    """Writes a sweep spec to WORKDIR/NAME.yaml, runs it into WORKDIR/NAME/; returns that directory."""
    spec = Path(workdir) / f"{name}.yaml"
    spec.write_text(spec_text)
    out = Path(workdir) / name
    args = ["sweep", spec, "--out", out, "--quiet", "--threads", "2"]
    if keep_runs:
        args.append("--keep-runs")
    fleetsim(*args)
    return out


def _text(a):
    return np.array([x.decode() if isinstance(x, bytes) else x for x in a], dtype=object)


def h5_table(f, group):
    """A table of run.h5 or sweep.h5 (a group of equally long columns) as a DataFrame."""
    g = f[group]
    cols = {}
    for k in g:
        v = g[k][:]
        cols[k] = _text(v) if v.dtype.kind in "OSU" else v
    return pd.DataFrame(cols)


class Run:
    """One run directory: .summary (dict), .jobs and .nodes (DataFrames), .series (name -> Series indexed by t_s)."""

    def __init__(self, path):
        self.path = Path(path)
        self.summary = json.loads((self.path / "summary.json").read_text())
        with h5py.File(self.path / "run.h5", "r") as f:
            self.jobs = h5_table(f, "jobs")
            self.nodes = h5_table(f, "nodes")
            self.series = {
                name: pd.Series(f[f"timeseries/{name}/value"][:], index=f[f"timeseries/{name}/t_s"][:], name=name)
                for name in f["timeseries"]
            }
        self.end_s = float(self.summary["simulated_s"])

    def step(self, name):
        """A time series as (hours, values) for matplotlib's drawstyle='steps-post', held until the end."""
        s = self.series[name]
        t = np.append(s.index.values, max(self.end_s, s.index.values[-1])) / 3600
        return t, np.append(s.values, s.values[-1])

    def price_per_gpu_hour(self):
        """Every node's price per GPU-hour when they are all the same, else the run's mean (bill / GPU-hours)."""
        per_gpu = self.nodes["usd_per_hour"] / self.nodes["gpus"]
        if len(per_gpu) and np.allclose(per_gpu, per_gpu.iloc[0], rtol=1e-9):
            return float(per_gpu.iloc[0])
        return self.summary["cost_usd"]["total"] / (self.summary["capacity"]["gpu_seconds_provisioned"] / 3600)

    def cumulative_cost(self):
        """(hours, USD): GPUs provisioned over time at price_per_gpu_hour(), integrated."""
        s = self.series["gpus_provisioned"]
        t = np.append(s.index.values, max(self.end_s, s.index.values[-1]))
        usd = np.concatenate([[0], np.cumsum(s.values * np.diff(t) / 3600 * self.price_per_gpu_hour())])
        return t / 3600, usd


def read_csv(path):
    """A fleetsim CSV file, skipping its leading '# fleetsim ...' comment line."""
    with open(path) as f:
        skip = 1 if f.readline().startswith("#") else 0
    return pd.read_csv(path, skiprows=skip)


class Sweep:
    """A sweep directory: .runs (sweep.csv), .summary (summary.csv), .paired (paired.csv or None), .parameters."""

    def __init__(self, path):
        self.path = Path(path)
        self.runs = read_csv(self.path / "sweep.csv")
        self.summary = read_csv(self.path / "summary.csv")
        paired = self.path / "paired.csv"
        self.paired = read_csv(paired) if paired.exists() else None
        cols = list(self.summary.columns)
        self.parameters = cols[cols.index("point") + 1 : cols.index("metric")]

    def metric(self, name):
        """One metric's rows of summary.csv: point, parameters, seeds, mean, ci95_half_width."""
        return self.summary[self.summary["metric"] == name].reset_index(drop=True)

    def h5(self, group="summary"):
        """A table of sweep.h5 (/sweep, /summary or /paired) as a DataFrame."""
        with h5py.File(self.path / "sweep.h5", "r") as f:
            return h5_table(f, group)
