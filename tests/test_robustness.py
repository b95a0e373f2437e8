"""Hostile and messy input through the real CLI: nothing lost, no traceback, clear exit codes (issue 15).

Duplicates keep every record's relations; a bad file in a folder is skipped and counted; warnings are capped
per file and complete in --log; each error a user can cause is one ``kg: error:`` line with its exit code;
stale outputs never contradict the new graph; -q/-v work on either side of the command.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.io.graph_json import read_graph_json

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "sample_listing.txt"


def kg(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, **kw)


def jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def papers(G) -> dict[str, dict]:
    return {n: d for n, d in G.nodes(data=True) if d["label"] == "Paper"}


def targets(G, pid: str, etype: str) -> set[str]:
    return {G.nodes[v]["name"] for _, v, d in G.edges(data=True) if d["paper"] == pid and d["type"] == etype}


# --- duplicates -------------------------------------------------------------------------------------------

V1 = {"title": "ReasonNet: Better Math Reasoning", "date": "2024-01-10",
      "abstract": "We propose ReasonNet. We evaluate ReasonNet on GSM8K and it outperforms GPT-3.5."}
V2 = {"title": "ReasonNet: better math reasoning!", "date": "2024-05-02",
      "abstract": "We propose ReasonNet. We fine-tune Llama-2-7B with LoRA and evaluate on MMLU."}


def test_duplicates_with_different_abstracts_keep_both_records_relations(tmp_path: Path) -> None:
    a = jsonl(tmp_path / "a.jsonl", [{"title": "Other Paper on HumanEval", "abstract": "We evaluate GPT-4 on HumanEval."}, V1])
    b = jsonl(tmp_path / "b.jsonl", [V2])
    run = kg("build", str(a), str(b), "--out", str(tmp_path / "out"), "--no-html")
    assert run.returncode == 0, run.stderr
    G = read_graph_json(tmp_path / "out" / "graph.json")
    found = [d for d in papers(G).values() if d["title"].lower().startswith("reasonnet")]
    assert len(found) == 1
    node = found[0]
    assert node["abstract"] == V2["abstract"]                 # newest date wins the node text
    assert node["sources"] == ["a.jsonl", "b.jsonl"]
    pid = next(n for n, d in papers(G).items() if d is node)
    uses = targets(G, pid, "USES")
    assert "GSM8K" in uses and "MMLU" in uses                 # relations of both records
    assert "GPT-3.5" in targets(G, pid, "OUTPERFORMS")
    evidence = {d["evidence"] for _, v, d in G.edges(data=True) if d["paper"] == pid and G.nodes[v]["name"] == "GSM8K"}
    assert evidence and all(e in V1["abstract"] for e in evidence)   # each edge keeps its own record's sentence
    assert "a.jsonl:2" in run.stderr and "b.jsonl:1" in run.stderr
    assert "duplicates:     1 papers listed more than once (1 with different text, merged)" in run.stdout


def test_same_id_with_different_titles_is_merged_with_a_warning(tmp_path: Path) -> None:
    rows = [{"title": "First Title of 2401.00001", "abstract": "We evaluate GPT-4 on GSM8K.", "arxiv_id": "2401.00001"},
            {"title": "A Renamed Second Version", "abstract": "We evaluate GPT-4 on MMLU.", "arxiv_id": "2401.00001"}]
    src = jsonl(tmp_path / "ids.jsonl", rows)
    run = kg("build", str(src), "--out", str(tmp_path / "out"), "--no-html")
    assert run.returncode == 0, run.stderr
    assert "same paper id with different titles" in run.stderr and "ids.jsonl:1" in run.stderr
    G = read_graph_json(tmp_path / "out" / "graph.json")
    assert list(papers(G)) == ["2401.00001"]
    assert {"GSM8K", "MMLU"} <= targets(G, "2401.00001", "USES")


# --- mixed folders, --strict, capped warnings, --log -----------------------------------------------------

def mixed_folder(root: Path) -> Path:
    folder = root / "in"
    folder.mkdir()
    (folder / "listing.txt").write_bytes(SAMPLE.read_bytes())
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (folder / "empty.jsonl").write_bytes(b"")
    (folder / "bad.xml").write_text("<html><body>not a feed</body></html>", encoding="utf-8")
    return folder


def test_folder_with_binary_and_empty_files_builds_the_rest(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path)
    run = kg("build", str(folder), "--out", str(tmp_path / "out"), "--no-html")
    assert run.returncode == 0, run.stderr
    assert "records read:   9" in run.stdout
    assert "skipped files:  3" in run.stdout
    for name in ("photo.txt", "empty.jsonl", "bad.xml"):
        assert sum(name in line and "file skipped" in line for line in run.stderr.splitlines()) == 1
    assert "Traceback" not in run.stderr


def test_strict_fails_on_any_skip_and_keeps_the_previous_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert kg("build", str(SAMPLE), "--out", str(out), "--no-html").returncode == 0
    before = (out / "graph.json").read_bytes()
    run = kg("build", str(mixed_folder(tmp_path)), "--out", str(out), "--strict")
    assert run.returncode == 4
    assert run.stderr.strip().splitlines()[-1].startswith("kg: error: --strict: 0 records and 3 files skipped")
    assert (out / "graph.json").read_bytes() == before
    assert not list(out.glob("*.tmp"))


def test_warnings_are_capped_per_file_and_all_go_to_the_log(tmp_path: Path) -> None:
    src = tmp_path / "many.jsonl"
    src.write_text('{"title": "Good Paper on GSM8K", "abstract": "We evaluate GPT-4 on GSM8K."}\n'
                   + '{"title": "", "abstract": "x"}\n' * 500, encoding="utf-8")
    log = tmp_path / "logs" / "skipped.jsonl"
    run = kg("build", str(src), "--out", str(tmp_path / "out"), "--no-html", "--log", str(log))
    assert run.returncode == 0, run.stderr
    lines = run.stderr.splitlines()
    assert sum("skipped: empty title" in line for line in lines) == 20
    assert f"WARNING: … and 480 more in many.jsonl; all in {log}" in lines
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 500
    assert rows[0] == {"file": "many.jsonl", "line": 2, "kind": "record", "reason": "empty title"}
    run = kg("build", str(src), "--out", str(tmp_path / "out"), "--no-html", "--max-warnings", "3")
    assert sum("skipped: empty title" in line for line in run.stderr.splitlines()) == 3


def test_summary_has_no_empty_lines(tmp_path: Path) -> None:
    src = jsonl(tmp_path / "plain.jsonl", [{"title": "On nothing in particular", "abstract": "we say little here."}])
    run = kg("build", str(src), "--out", str(tmp_path / "out"), "--no-html")
    assert run.returncode == 0, run.stderr
    for line in run.stdout.splitlines():
        assert line.split(":", 1)[1].strip(), line


# --- error paths -------------------------------------------------------------------------------------------

def one_line_error(run: subprocess.CompletedProcess, code: int, *needles: str) -> None:
    assert run.returncode == code, (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("kg: error: ")
    for needle in needles:
        assert needle in last


def test_out_naming_a_file_is_a_one_line_error(tmp_path: Path) -> None:
    afile = tmp_path / "taken.txt"
    afile.write_text("x")
    one_line_error(kg("build", str(SAMPLE), "--out", str(afile)), 3, str(afile), "must be a folder")
    one_line_error(kg("build", str(SAMPLE), "--out", str(afile / "sub")), 3, str(afile / "sub"))
    one_line_error(kg("extract", str(SAMPLE), "--out", str(tmp_path)), 3, str(tmp_path), "must be a file")
    assert afile.read_text() == "x"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        one_line_error(kg("build", str(SAMPLE), "--out", str(out)), 3, str(out), "cannot write")
    finally:
        out.chmod(0o755)


@pytest.mark.parametrize("module, writer, tmp_name", [
    ("kg.io.graphml", "write_graphml", "graph.graphml.tmp"),
    # the writer of graph.json and graph.graphml together (``kg.io.graph_files``)
    ("kg.io.graph_files", "write_graph_files", "graph.json.tmp"),
])
def test_write_failure_mid_build_is_a_one_line_error(tmp_path: Path, module: str, writer: str, tmp_name: str) -> None:
    """A write error after the checks (disk full, folder made read-only meanwhile) -> exit 3, no traceback."""
    code = (f"import sys, errno, {module} as w\n"
            f"def boom(*a, **k): raise OSError(errno.ENOSPC, 'No space left on device', {tmp_name!r})\n"
            f"w.{writer} = boom\n"
            "from kg.cli import main\n"
            f"sys.exit(main(['build', {str(SAMPLE)!r}, '--out', {str(tmp_path / 'out')!r}]))\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    one_line_error(run, 3, tmp_name, "No space left on device")
    assert not list((tmp_path / "out").glob("*.tmp"))


def test_http_neo4j_uri_is_a_setting_error() -> None:
    run = kg("neo4j", "query", "RETURN 1", env={"NEO4J_URI": "http://neo4j:secret@localhost:7474"})
    one_line_error(run, 5, "NEO4J_URI", "bolt://")
    assert "secret" not in run.stderr


def test_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    out = tmp_path / "out"
    kg("-q", "build", str(SAMPLE), "--out", str(out), "--no-html", check=True)
    proc = subprocess.Popen([sys.executable, "-m", "kg", "stats", str(out / "graph.json")], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()                             # like `| head` that has read enough
    err = proc.stderr.read().decode()
    assert proc.wait() == 141
    assert "Traceback" not in err and "BrokenPipe" not in err


# --- outputs never contradict the new graph ----------------------------------------------------------------

def test_stale_tmp_and_html_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert kg("build", str(SAMPLE), "--out", str(out)).returncode == 0
    assert (out / "graph.html").exists()
    (out / "graph.json.tmp").write_text("left by a killed build")
    run = kg("build", str(SAMPLE), "--out", str(out), "--no-html")
    assert run.returncode == 0
    assert not (out / "graph.html").exists() and not list(out.glob("*.tmp"))
    assert "removed:" in run.stdout and "graph.html" in run.stdout


# --- CLI conventions ---------------------------------------------------------------------------------------

def test_global_options_before_or_after_the_command(tmp_path: Path) -> None:
    after = kg("build", str(SAMPLE), "--out", str(tmp_path / "a"), "--no-html", "-q")
    before = kg("-q", "build", str(SAMPLE), "--out", str(tmp_path / "b"), "--no-html")
    assert after.returncode == before.returncode == 0, after.stderr
    assert after.stdout == before.stdout == ""
    assert (tmp_path / "a" / "graph.json").read_bytes() == (tmp_path / "b" / "graph.json").read_bytes()


def test_every_nested_command_accepts_global_options() -> None:
    from kg.cli import build_parser

    parser = build_parser()
    for argv in (["stats", "g.json", "-v"], ["neo4j", "query", "RETURN 1", "-q"], ["viz", "g.json", "--out", "x", "-q"],
                 ["export", "g.json", "--format", "gexf", "--out", "x", "-vv"]):
        args = parser.parse_args(argv)
        assert args.quiet or args.verbose, argv
    assert parser.parse_args(["-v", "stats", "g.json"]).verbose == 1
    assert parser.parse_args(["stats", "g.json"]).quiet is False


def test_no_progress_bar_in_non_terminal_logs(tmp_path: Path) -> None:
    run = kg("build", str(SAMPLE), "--out", str(tmp_path / "out"), "--no-html")
    assert "\r" not in run.stderr and "it/s" not in run.stderr and "steps" not in run.stderr
    from kg.commands import neo4j as neo4j_command
    source = Path(neo4j_command.__file__).read_text(encoding="utf-8")
    assert "progress=not args.quiet and sys.stderr.isatty()" in source


# --- the Neo4j test server keeps its port -----------------------------------------------------------------

def test_test_server_port_in_time_wait_counts_as_free() -> None:
    sys.path.insert(0, str(REPO / "scripts" / "neo4j"))
    try:
        import launcher
    finally:
        sys.path.pop(0)
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    assert not launcher.port_is_free(port)              # a live listener: busy
    client = socket.create_connection(("127.0.0.1", port))
    conn, _ = server.accept()
    conn.close()                                         # server side closes first -> its port enters TIME_WAIT
    client.close()
    server.close()
    time.sleep(0.2)
    assert launcher.port_is_free(port)                   # a restarted server can bind it again


def test_output_under_a_file_in_other_commands(tmp_path: Path) -> None:
    out = tmp_path / "out"
    kg("-q", "build", str(SAMPLE), "--out", str(out), "--no-html", check=True)
    afile = tmp_path / "afile"
    afile.write_text("x")
    one_line_error(kg("export", str(out / "graph.json"), "--format", "gexf", "--out", str(afile / "x.gexf")), 3,
                   str(afile))
    one_line_error(kg("viz", str(out / "graph.json"), "--out", str(afile / "x.html")), 3, str(afile))


def test_terminated_build_removes_its_tmp_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    big = tmp_path / "big.jsonl"
    big.write_text("".join(json.dumps({"title": f"Paper {i} on GSM8K", "abstract": f"We evaluate model {i} on GSM8K."})
                           + "\n" for i in range(5000)), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "kg", "-q", "build", str(big), "--out", str(out)], cwd=REPO,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (out / "extractions.jsonl.tmp").exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.terminate()
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the build finished before it could be terminated")
    assert proc.returncode == 143 and "Traceback" not in err
    assert not list(out.glob("*.tmp"))


def test_dask_extract_skips_bad_files_and_honours_strict(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path)
    run = kg("extract", str(folder), "--dask", "local", "--workers", "1", "--out", str(tmp_path / "shards"),
             timeout=300)
    assert run.returncode == 0, run.stderr
    assert "records read:   9" in run.stdout and "skipped files:  3" in run.stdout
    assert "INFO" not in run.stderr                 # the cluster's start/stop chatter only with -v
    run = kg("extract", str(folder), "--dask", "local", "--workers", "1", "--out", str(tmp_path / "strict"),
             "--strict", timeout=300)
    one_line_error(run, 4, "--strict")
    assert not list((tmp_path / "strict").glob("*.jsonl"))
