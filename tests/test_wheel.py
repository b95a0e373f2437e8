"""``pip install`` of a built wheel works anywhere: the data ships inside ``kg``, and ``kg`` is the only package.

The wheel is built from a copy of the project's files (so the build leaves no ``build/`` or ``*.egg-info`` in the
checkout) with ``pip wheel`` and installed into a fresh virtualenv with ``--no-deps``. The dependencies are the
ones already installed for the tests: a ``.pth`` file in the new virtualenv appends this interpreter's
site-packages folders to its ``sys.path`` (offline and fast, same versions). Paths listed in a ``.pth`` file are
appended *after* the virtualenv's own site-packages, and ``.pth`` files inside them are not processed, so the
editable install's finder (which maps ``kg`` to this checkout) is not loaded; the test asserts that ``kg`` and
``kg.viz`` are imported from the virtualenv and that no folder of the checkout is on ``sys.path``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "sample_listing.txt"
PROJECT_FILES = ("pyproject.toml", "README.md", "kg", "viz", "ontology")


def _run(argv: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KG_ONTOLOGY", "VIRTUAL_ENV")}
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    if check and proc.returncode != 0:
        pytest.fail(f"{argv} exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in PROJECT_FILES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(path, src / name)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(src)], cwd=dist)
    (whl,) = dist.glob("kg-*.whl")
    return whl


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", str(root)], cwd=root)
    python = root / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=root).stdout.strip())
    ours = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (site / "_kg_test_deps.pth").write_text("".join(f"{p}\n" for p in ours), encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)], cwd=root)
    return root


def test_wheel_installs_only_kg_with_its_data(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    tops = {n.split("/", 1)[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"kg"}
    # every package folder of the checkout is in the wheel (pyproject.toml lists them explicitly)
    packages = {p.parent.relative_to(REPO).as_posix() for p in (REPO / "kg").rglob("__init__.py")}
    assert packages <= {n.rsplit("/", 1)[0] for n in names if n.endswith("/__init__.py")}
    expected = {f"kg/viz/{p.relative_to(REPO / 'viz').as_posix()}" for p in (REPO / "viz").rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    expected |= {f"kg/ontology/{p.relative_to(REPO / 'ontology').as_posix()}" for p in (REPO / "ontology").rglob("*")
                 if p.is_file() and "__pycache__" not in p.parts}
    expected |= {f"kg/models/{p.name}" for p in (REPO / "kg" / "models").iterdir() if p.suffix in (".json", ".crfsuite")}
    assert expected <= set(names), sorted(expected - set(names))
    with zipfile.ZipFile(wheel) as zf:
        meta = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: Apache-2.0" in meta


def test_installed_wheel_builds_and_draws_from_an_empty_folder(venv: Path, tmp_path: Path) -> None:
    work = tmp_path / "empty"
    work.mkdir()
    python, kg = str(venv / "bin" / "python"), str(venv / "bin" / "kg")
    probe = ("import json, sys, kg, kg.viz, kg.ontology, kg.paths; "
             "print(json.dumps({'kg': kg.__file__, 'viz': kg.viz.__file__, 'ontology': str(kg.paths.ontology_dir()), "
             "'path': sys.path}))")
    seen = json.loads(_run([python, "-c", probe], cwd=work).stdout)
    site = venv.resolve()
    for key in ("kg", "viz", "ontology"):
        assert Path(seen[key]).resolve().is_relative_to(site), (key, seen[key])
    assert not [p for p in seen["path"] if p and Path(p).resolve().is_relative_to(REPO.resolve())
                and not Path(p).resolve().is_relative_to((REPO / ".venv").resolve())], seen["path"]

    _run([kg, "build", str(SAMPLE), "--out", "out"], cwd=work)
    for name in ("graph.json", "graph.graphml", "extractions.jsonl", "graph.html"):
        assert (work / "out" / name).stat().st_size > 0, name
    _run([kg, "viz", "out/graph.json", "--out", "v.html"], cwd=work)
    assert (work / "v.html").stat().st_size > 0

    assert _run([python, "-c", "import viz"], cwd=work, check=False).returncode != 0
    assert _run([python, "-c", "import ontology"], cwd=work, check=False).returncode != 0


def test_a_user_viz_folder_does_not_shadow_kg_viz(venv: Path, tmp_path: Path) -> None:
    """The issue's new-user report: a ``viz/`` package in the working folder broke ``kg build``."""
    (tmp_path / "viz").mkdir()
    (tmp_path / "viz" / "__init__.py").write_text("MINE = True\n", encoding="utf-8")
    _run([str(venv / "bin" / "python"), "-c",
          "import viz, kg.viz; assert viz.MINE; from kg.viz import write_graph_html"], cwd=tmp_path)
    _run([str(venv / "bin" / "kg"), "-q", "build", str(SAMPLE), "--out", "out"], cwd=tmp_path)
    assert (tmp_path / "out" / "graph.html").stat().st_size > 0


def test_installed_eval_can_leave_a_gazetteer_out(venv: Path, tmp_path: Path) -> None:
    """``kg eval --exclude-gazetteer`` copies the installed ontology (package data) and drops one file."""
    code = ("from kg.evaluation.external import nlp_for_eval; "
            "nlp = nlp_for_eval(exclude_gazetteers=['derived/scierc.jsonl']); print(nlp.pipe_names)")
    out = _run([str(venv / "bin" / "python"), "-c", code], cwd=tmp_path).stdout
    assert "kg_gazetteer" in out
