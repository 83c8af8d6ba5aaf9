"""The research notebooks (notebooks/*.ipynb) run against the database `kamerstukken build` makes, and the
figures they print are the figures the Python API gives.

One database is built per module (the bundled real documents, `today` pinned), then each notebook is executed
in a fresh `python3` kernel (the ipykernel of this interpreter) with KAMERSTUKKEN_DB, KAMERSTUKKEN_TODAY and
MPLBACKEND=Agg set, the way a reader would run it.
"""
from __future__ import annotations

import re
import statistics
import sys
from datetime import date
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from kamerstukken import status
from kamerstukken.cli_main import build
from kamerstukken.store import Store

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
TODAY = date(2025, 10, 1)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("notebooks") / "kamerstukken.db"
    store = Store(path)
    try:
        report = build(store, today=TODAY)
    finally:
        store.close()
    assert not [e for e in report["errors"] if e["stage"] != "ingest"], report["errors"]
    return path


def execute(name: str, db: Path, workdir: Path, monkeypatch) -> nbformat.NotebookNode:
    """Run a notebook the way a reader would; raises CellExecutionError on the first failing cell."""
    monkeypatch.setenv("KAMERSTUKKEN_DB", str(db))
    monkeypatch.setenv("KAMERSTUKKEN_TODAY", TODAY.isoformat())
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(workdir)}}).execute()
    return nb


def text_of(nb) -> str:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                out.append(o["text"])
            elif "data" in o and "text/plain" in o["data"]:
                out.append(o["data"]["text/plain"])
    return "\n".join(out)


def n_images(nb) -> int:
    return sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


def api_rows(db: Path):
    store = Store(db)
    try:
        return (status.list_motions(store, today=TODAY), status.list_commitments(store, today=TODAY),
                status.list_commitments(store, overdue=True, today=TODAY))
    finally:
        store.close()


def test_python3_kernel_is_this_interpreter():
    # nbclient's kernel_name="python3" must start the ipykernel of the running interpreter (a fresh venv has no
    # `python` of its own on PATH; jupyter_client swaps the spec's bare "python" for sys.executable)
    cmd = KernelManager(kernel_name="python3").format_kernel_cmd()
    assert cmd[0] == sys.executable and cmd[1:3] == ["-m", "ipykernel_launcher"]


def test_notebooks_are_kept_without_outputs():
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert {p.name for p in paths} >= {"commitments_of_a_ministry.ipynb", "from_motion_to_letter.ipynb"}
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        nbformat.validate(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{p.name}: strip outputs before committing"


def test_commitments_of_a_ministry(db, tmp_path, monkeypatch):
    nb = execute("commitments_of_a_ministry.ipynb", db, tmp_path, monkeypatch)
    text = text_of(nb)
    assert f"database {db}" in text and f"today = {TODAY}" in text
    m = re.search(r"Overdue on (\S+): (\d+) of (\d+) commitments, (\d+) of (\d+) motions", text)
    assert m, text[:2000]
    motions, commitments, overdue = api_rows(db)
    assert m.group(1) == TODAY.isoformat()
    assert (int(m.group(2)), int(m.group(3))) == (len(overdue), len(commitments))
    assert (int(m.group(4)), int(m.group(5))) == (sum(r["status"] == "overdue" for r in motions), len(motions))
    # the bundled data: real commitments past their deadline, and real motions with and without a letter
    assert len(overdue) >= 1 and len(motions) > 1000
    assert n_images(nb) >= 2  # over time, days late


def test_from_motion_to_letter(db, tmp_path, monkeypatch):
    nb = execute("from_motion_to_letter.ipynb", db, tmp_path, monkeypatch)
    text = text_of(nb)
    m = re.search(r"Motions with a fulfilling letter: (\d+) of (\d+) adopted \(([\d.]+)%\)", text)
    assert m, text[:2000]
    motions, _, _ = api_rows(db)
    candidates = [r for r in motions if r["decision"] == "adopted"]
    done = [r for r in candidates if r["status"] in status.DONE]
    assert done, "the bundled letters fulfil some motions"
    assert (int(m.group(1)), int(m.group(2))) == (len(done), len(candidates))
    assert m.group(3) == f"{100 * len(done) / len(candidates):.1f}"
    # the latency the notebook reports is letter date - motion date over the API's rows
    lat = re.search(r"(\d+) motions with a fulfilling letter and a date; median latency (\d+) days", text)
    assert lat, text[:2000]
    days = [(date.fromisoformat(r["fulfilled_on"][:10]) - date.fromisoformat(r["date"][:10])).days
            for r in done if r["date"] and r["fulfilled_on"]]
    assert int(lat.group(1)) == len(days)
    assert int(lat.group(2)) == round(statistics.median(days))
    assert n_images(nb) >= 2  # share by appreciatie, latency
