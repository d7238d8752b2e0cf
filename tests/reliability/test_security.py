"""Security basics: the UI listens on loopback only; report content is data, never code; discovery stays
inside the raw folder; HTML is parsed, never rendered or fetched; no absolute raw or home path reaches
the Parquet files or Dagster's run storage."""

import ast
import http.server
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from dagster_webserver.cli import DEFAULT_WEBSERVER_HOST

from assets.parser.report import parse_report
from assets.pipeline.ingest import build_inventory, read_entry
from orchestration.runner import run_pipeline
from tests.conftest import ROOT, SAMPLE_DIR
from tests.reliability.hostile import sample_text, write

CODE_DIRS = ("assets", "schemas", "orchestration")
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "import_module", "system", "popen", "Popen", "run",
                   "call", "check_call", "check_output", "loads", "load", "spawn", "execv", "execve"}
ALLOWED = {("json", "loads"), ("json", "load"), ("re", "compile")}  # parsing JSON, compiling our own regexes


# ------------------------------------------------------------------------------------ UI on loopback

def test_make_ui_and_dagster_defaults_bind_loopback():
    ui = re.search(r"^ui:.*\n\t(.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert ui and "dagster dev" in ui[1] and "-h 127.0.0.1" in ui[1]
    assert DEFAULT_WEBSERVER_HOST == "127.0.0.1"  # plain `dagster dev -w workspace.yaml` too
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    files = [ROOT / name for name in tracked.split() if not name.startswith("tests/fixtures/")]
    assert [f.name for f in files if f.is_file() and "0.0.0.0" in f.read_text(errors="replace")
            and f.name != Path(__file__).name] == []


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket in LISTEN state on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]) if len(address) == 8 else address)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_webserver_started_without_host_listens_on_loopback_only(tmp_path):
    port = free_port()
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    webserver = Path(sys.executable).parent / "dagster-webserver"
    process = subprocess.Popen([str(webserver), "-w", "workspace.yaml", "-p", str(port)], cwd=ROOT,
                               env={**os.environ, "DAGSTER_HOME": str(tmp_path)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not listening_addresses(port) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        assert listening_addresses(port) == {"127.0.0.1"}
    finally:
        process.terminate()
        process.wait(timeout=30)


# ------------------------------------------------------------------------------------ content is data

def calls_in(path: Path) -> list[tuple[str, str, int]]:
    """(object, function, line) of every call to a function named like a code or process runner."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            owner = getattr(function.value, "id", "") if isinstance(function, ast.Attribute) else ""
            if name in FORBIDDEN_CALLS and (owner, name) not in ALLOWED:
                found.append((owner, name, node.lineno))
    return found


def test_no_code_evaluates_or_executes_anything():
    offenders = {str(p.relative_to(ROOT)): calls_in(p) for d in CODE_DIRS for p in (ROOT / d).rglob("*.py")}
    assert {p: c for p, c in offenders.items() if c} == {}
    sources = "".join((ROOT / d / p).read_text(encoding="utf-8") for d in CODE_DIRS
                      for p in (ROOT / d).rglob("*.py"))
    assert not re.search(r"^\s*import (pickle|marshal|shelve|subprocess)|yaml\.load\(", sources, re.MULTILINE)


def test_report_text_that_looks_like_code_stays_text(tmp_path):
    marker = tmp_path / "pwned"
    payloads = [f"__import__('os').system('touch {marker}')", f"$(touch {marker})", f"`touch {marker}`",
                "{{ config.__class__ }}", "${jndi:ldap://127.0.0.1/x}", "'; DROP TABLE dim_reports; --"]
    text = sample_text(1).replace("二、主动公开政府信息情况", "\n".join(payloads) + "\n二、主动公开政府信息情况", 1)
    html = (f"<html><body><p>{payloads[0]}</p><script>fetch('/x?' + document.cookie)</script><pre>{text}</pre>"
            "</body></html>")
    for name, data in (("code.txt", text.encode()), ("code.html", html.encode())):
        report = parse_report(name, data)
        assert all(p in report.lines for p in payloads[1:]) or name == "code.html"
        assert report.facts
    assert not marker.exists()


# ------------------------------------------------------------------------------------ discovery

def test_discovery_does_not_follow_links_out_of_the_raw_folder(tmp_path):
    raw, outside = tmp_path / "raw", tmp_path / "outside"
    write(outside, "secret.txt", sample_text(0))
    write(outside, "folder/other.txt", sample_text(2))
    write(raw, "real.txt", sample_text(1))
    (raw / "link-out.txt").symlink_to(outside / "secret.txt")
    (raw / "dir-out").symlink_to(outside / "folder", target_is_directory=True)
    (raw / "link-in.txt").symlink_to(raw / "real.txt")
    (raw / "loop").symlink_to(raw, target_is_directory=True)
    (raw / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    entries = {r["source_path"]: (r["outcome"], r["reason"]) for r in build_inventory(raw).to_pylist()}
    assert entries == {"link-in.txt": ("report", None), "real.txt": ("duplicate", "same report as link-in.txt")}


# ------------------------------------------------------------------------------------ HTML is parsed only

class _Counting(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the stdlib's name)
        _Counting.requests.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_html_is_never_fetched_rendered_or_executed():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        page = (f"<!DOCTYPE html><html><head><meta http-equiv=\"refresh\" content=\"0;url={base}/refresh\">"
                f"<link rel=\"stylesheet\" href=\"{base}/css\"><script src=\"{base}/js\"></script>"
                f"<style>@import url({base}/import); body {{ background: url({base}/bg) }}</style></head>"
                f"<body onload=\"fetch('{base}/onload')\"><img src=\"{base}/img\"><iframe src=\"{base}/frame\">"
                f"</iframe><object data=\"{base}/object\"></object><pre>{sample_text(1)}</pre>"
                f"<script>new Image().src = '{base}/script';</script></body></html>")
        report = parse_report("page.html", page.encode())
        read_entry("page.html", page.encode())
        assert report.facts
        time.sleep(0.2)
        assert _Counting.requests == []
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------------------------ no absolute paths

def test_no_absolute_raw_or_home_path_in_parquet_or_run_storage(tmp_path, monkeypatch):
    home = tmp_path / "home" / "alice"
    raw, warehouse, dagster_home = home / "reports", tmp_path / "warehouse", tmp_path / "dagster_home"
    for sample in ("001_64ff3bdd190e597a.txt", "002_a6a6458d8018b677.txt"):  # one year: one year run
        write(raw, f"2021/{sample}", (SAMPLE_DIR / sample).read_bytes())
    write(raw, "bad/report.pdf", b"%PDF-1.4\n")
    dagster_home.mkdir()
    (dagster_home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))
    run_pipeline(str(raw), str(warehouse), progress=lambda _: None)
    secrets = [str(home), str(raw.resolve()), str(home.resolve())]
    for path in warehouse.rglob("*.parquet"):
        frame = pd.read_parquet(path)
        for column in frame.columns:
            if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
                text = frame[column].dropna().astype(str)
                assert not any(text.str.contains(s, regex=False).any() for s in secrets), (path, column)
        assert not any(s.encode() in path.read_bytes() for s in secrets), path
    inventory = pd.read_parquet(warehouse / "raw_file_inventory.parquet")
    assert sorted(inventory["source_path"]) == ["2021/001_64ff3bdd190e597a.txt", "2021/002_a6a6458d8018b677.txt",
                                                "bad/report.pdf"]
    stored = [p for p in dagster_home.rglob("*") if p.is_file()]
    assert stored and [p for p in stored if any(s.encode() in p.read_bytes() for s in secrets)] == []


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/passwd"])
def test_source_paths_are_relative_names_never_opened_by_the_parser(name):
    entry = read_entry(name, sample_text(1).encode())
    assert entry.source_path == name and entry.outcome == "report"  # the name is a label; bytes come from the caller
