"""``kg fetch``: real HTTP against a local server on 127.0.0.1 (``tests/fetch_server.py``); nothing leaves the machine."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from fetch_server import FIXTURES, FetchServer, fixture
from kg.readers import expand_inputs, read_records
from kg.records import PaperRecord

REPO = Path(__file__).resolve().parent.parent
IDS = ["2405.00101", "2405.00102", "2405.00203", "2405.00204", "2405.00305"]
XML = {"Content-Type": "text/xml"}


def kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=REPO, capture_output=True, text=True, timeout=120)


@pytest.fixture
def server():
    s = FetchServer()
    yield s
    s.close()


def harvest(server: FetchServer, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return kg("fetch", "arxiv", "--base-url", server.url("/oai"), "--set", "cs", "--from", "2024-05-01",
              "--until", "2024-05-03", "--delay", "0", "--out", str(out), *extra)


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def arxiv_ids(folder: Path) -> list[str]:
    return [r.arxiv_id for p in expand_inputs([str(folder)]) for r in read_records(p) if isinstance(r, PaperRecord)]


def assert_one_line_error(proc: subprocess.CompletedProcess, *parts: str) -> None:
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("kg: error: ")
    for part in parts:
        assert part in last, last


def test_oai_chain_of_three_pages_with_a_503(server: FetchServer, tmp_path: Path) -> None:
    server.faults["cs|2001"].append((503, {"Retry-After": "1", **XML}, b"busy, retry later"))
    out = tmp_path / "cs"
    proc = harvest(server, out)
    assert proc.returncode == 0, proc.stderr
    assert "5 records in 3 pages" in proc.stdout and "complete" in proc.stdout
    assert "page 3: 1 records (5 of 5 so far), complete" in proc.stderr
    assert "waiting 1 s" in proc.stderr  # the Retry-After was honoured and said so
    # pages are saved unchanged, and every record was fetched exactly once
    for n in (1, 2, 3):
        assert (out / f"page-0000{n}.xml").read_bytes() == fixture(f"oai-page{n}.xml")
    assert arxiv_ids(out) == IDS
    calls = server.requests_to("/oai")
    assert calls[0] == {"verb": "ListRecords", "metadataPrefix": "arXiv", "set": "cs",
                        "from": "2024-05-01", "until": "2024-05-03"}
    assert calls[1:] == [{"verb": "ListRecords", "resumptionToken": t} for t in ("cs|2001", "cs|2001", "cs|2002")]
    times = [t for t, path, _ in server.log]
    assert times[2] - times[1] >= 0.95  # the retry of the 503 waited its Retry-After
    state = json.loads((out / ".kg-fetch-state.json").read_text())
    assert state["complete"] and state["pages"] == 3 and state["records"] == 5
    # a second run has nothing to do and makes no request
    again = harvest(server, out)
    assert again.returncode == 0 and "already complete" in again.stderr and len(server.log) == 4


def test_interrupted_harvest_resumes_to_the_same_files(server: FetchServer, tmp_path: Path) -> None:
    whole, resumed = tmp_path / "whole", tmp_path / "resumed"
    assert harvest(server, whole).returncode == 0
    server.hold = "cs|2002"  # the request for page 3 hangs: the harvester is killed while waiting for it
    args = ["fetch", "arxiv", "--base-url", server.url("/oai"), "--set", "cs", "--from", "2024-05-01",
            "--until", "2024-05-03", "--delay", "0", "--out", str(resumed)]
    proc = subprocess.Popen([sys.executable, "-m", "kg", *args], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert server.held.wait(30), "the harvester never asked for page 3"
    finally:
        proc.kill()
        proc.wait()
    assert sorted(p.name for p in resumed.iterdir()) == [".kg-fetch-state.json", "page-00001.xml", "page-00002.xml"]
    assert json.loads((resumed / ".kg-fetch-state.json").read_text())["next"] == "cs|2002"
    server.hold = None
    server.release.set()
    again = harvest(server, resumed)
    assert again.returncode == 0, again.stderr
    assert "resuming after page 2 (4 records so far)" in again.stderr
    assert folder_bytes(resumed) == folder_bytes(whole)
    assert arxiv_ids(resumed) == IDS


def test_malformed_page_fails_cleanly_and_the_rerun_resumes(server: FetchServer, tmp_path: Path) -> None:
    server.faults["cs|2002"].append((200, XML, fixture("oai-malformed.xml")))
    out = tmp_path / "cs"
    proc = harvest(server, out)
    assert_one_line_error(proc, server.url("/oai"), "resumptionToken=cs%7C2002", "malformed OAI-PMH page")
    assert not (out / "page-00003.xml").exists()
    again = harvest(server, out)
    assert again.returncode == 0, again.stderr
    assert arxiv_ids(out) == IDS


def test_bad_resumption_token_is_an_error_then_restart(server: FetchServer, tmp_path: Path) -> None:
    server.faults["cs|2001"].append((200, XML, fixture("oai-bad-token.xml")))
    out = tmp_path / "cs"
    proc = harvest(server, out)
    assert_one_line_error(proc, "OAI-PMH error badResumptionToken", "invalid or expired", "--restart")
    restarted = harvest(server, out, "--restart")
    assert restarted.returncode == 0, restarted.stderr
    assert arxiv_ids(out) == IDS


def test_other_parameters_into_the_same_folder_are_refused(server: FetchServer, tmp_path: Path) -> None:
    out = tmp_path / "cs"
    assert harvest(server, out).returncode == 0
    proc = kg("fetch", "arxiv", "--base-url", server.url("/oai"), "--set", "stat", "--delay", "0", "--out", str(out))
    assert_one_line_error(proc, str(out), "other parameters", "--restart")


def test_no_records_match_is_an_empty_harvest(server: FetchServer, tmp_path: Path) -> None:
    proc = kg("fetch", "arxiv", "--base-url", server.url("/oai"), "--set", "cs", "--from", "2030-01-01",
              "--delay", "0", "--out", str(tmp_path / "none"))
    assert proc.returncode == 0, proc.stderr
    assert "0 records in 1 pages" in proc.stdout


def test_network_failures_are_one_line_errors(server: FetchServer, tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/oai"
    proc = kg("fetch", "arxiv", "--base-url", url, "--retries", "1", "--delay", "0", "--out", str(tmp_path / "a"))
    assert_one_line_error(proc, url, "connection refused")
    server.faults["first"].extend([(503, {"Retry-After": "0"}, b"busy")] * 3)
    proc = harvest(server, tmp_path / "b", "--retries", "2")
    assert_one_line_error(proc, server.url("/oai"), "HTTP 503")
    assert len(server.requests_to("/oai")) == 3  # first attempt + 2 retries


def test_search_api_query_pages(server: FetchServer, tmp_path: Path) -> None:
    out = tmp_path / "q"
    proc = kg("fetch", "arxiv", "--query", "cat:cs.CL", "--page-size", "2", "--max-results", "10",
              "--base-url", server.url("/api/query"), "--delay", "0", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "3 results in 2 pages" in proc.stdout
    assert [p.name for p in sorted(out.glob("*.atom"))] == ["query-00001.atom", "query-00002.atom"]
    assert [(c["start"], c["max_results"]) for c in server.requests_to("/api/query")] == [("0", "2"), ("2", "2")]
    assert arxiv_ids(out) == IDS[:3]
    bad = kg("fetch", "arxiv", "--query", "bad", "--base-url", server.url("/api/query"), "--delay", "0",
             "--out", str(tmp_path / "bad"))
    assert_one_line_error(bad, "arXiv API error: incorrect id format for 1234")


def test_hf_daily_one_file_per_day(server: FetchServer, tmp_path: Path) -> None:
    out = tmp_path / "hf"
    args = ("fetch", "hf-daily", "--from", "2024-05-03", "--until", "2024-05-04",
            "--base-url", server.url("/api/daily_papers"), "--out", str(out))
    proc = kg(*args, "--delay", "0.3")
    assert proc.returncode == 0, proc.stderr
    assert "3 papers from 2 days" in proc.stdout
    assert "2024-05-03: 3 papers -> hf-daily-2024-05-03.jsonl" in proc.stderr
    times = [t for t, _, _ in server.log]
    assert times[1] - times[0] >= 0.29  # the polite delay
    assert (out / "hf-daily-2024-05-04.jsonl").read_bytes() == b""  # the empty day: an empty file
    first = json.loads((out / "hf-daily-2024-05-03.jsonl").read_text().splitlines()[0])
    assert first == {"arxiv_id": "2405.00101", "title": "LoRA-Drop: Pruning Adapters for Efficient Fine-Tuning",
                     "abstract": first["abstract"], "authors": ["Min Lee", "Jane Roe"], "date": "2024-05-01",
                     "url": "https://arxiv.org/abs/2405.00101", "upvotes": 30, "listed": "2024-05-03", "comments": 0}
    records = [r for p in expand_inputs([str(out)]) for r in read_records(p)]
    assert [(r.arxiv_id, r.date, r.extra["upvotes"]) for r in records] == [
        ("2405.00101", "2024-05-01", 30), ("2405.00102", "2024-05-01", 20), ("2405.00203", "2024-05-02", 10)]
    again = kg(*args, "--delay", "0")
    assert again.returncode == 0 and "(2 days already saved)" in again.stdout and len(server.log) == 2
    missing = kg("fetch", "hf-daily", "--from", "2024-05-05", "--until", "2024-05-05", "--delay", "0",
                 "--base-url", server.url("/api/daily_papers"), "--out", str(out))
    assert_one_line_error(missing, "date=2024-05-05", "HTTP 404")
    bad_date = kg("fetch", "hf-daily", "--from", "May 5", "--until", "2024-05-05", "--out", str(out))
    assert_one_line_error(bad_date, "--from", "not a date")


def test_build_reads_the_fetched_folders(server: FetchServer, tmp_path: Path) -> None:
    oai, hf, graph = tmp_path / "oai", tmp_path / "hf", tmp_path / "graph"
    assert harvest(server, oai).returncode == 0
    assert kg("fetch", "hf-daily", "--from", "2024-05-03", "--until", "2024-05-04", "--delay", "0",
              "--base-url", server.url("/api/daily_papers"), "--out", str(hf)).returncode == 0
    proc = kg("-q", "build", str(oai), str(hf), "--out", str(graph), "--no-html")
    assert proc.returncode == 0, proc.stderr
    from kg.io.graph_json import read_graph_json

    G = read_graph_json(graph / "graph.json")
    papers = {d["arxiv_id"]: d for _, d in G.nodes(data=True) if d["label"] == "Paper"}
    assert sorted(papers) == IDS  # the Daily Papers copies merged with the OAI records
    assert papers["2405.00101"]["upvotes"] == 30
    assert papers["2405.00305"]["date"] == "2024-05-03"


def test_oai_errors_sent_as_http_400(server: FetchServer, tmp_path: Path) -> None:
    server.faults["first"].append((400, XML, fixture("oai-bad-token.xml").replace(b"badResumptionToken", b"badArgument")))
    assert_one_line_error(harvest(server, tmp_path / "a"), "OAI-PMH error badArgument")
    server.faults["first"].append((400, {"Content-Type": "text/html"}, b"<html><body>Bad Request</body></html>"))
    assert_one_line_error(harvest(server, tmp_path / "b"), "HTTP 400")


def test_a_repeated_resumption_token_stops_the_loop(server: FetchServer, tmp_path: Path) -> None:
    looped = fixture("oai-page2.xml").replace(b">cs|2002<", b">cs|2001<")
    server.faults["cs|2001"].append((200, XML, looped))
    assert_one_line_error(harvest(server, tmp_path / "a"), "same resumption token again")
