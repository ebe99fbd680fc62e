"""`wlx serve` as a user runs it: a subprocess on port 0, queried over HTTP, stopped."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import httpx
import pytest
from test_replay_fixtures import tenant

from graph.recording import write_recording


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tui", "serve", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def base_url_of(process: subprocess.Popen) -> str:
    for line in process.stdout:
        m = re.search(r"--graph-url (http://127\.0\.0\.1:\d+)", line)
        if m:
            return m.group(1)
    raise AssertionError(f"no URL printed; stderr: {process.stderr.read()}")


def test_wlx_serve_on_port_0_serves_the_recording_over_http(tmp_path):
    write_recording(tenant(), tmp_path / "rec")
    process = start(str(tmp_path / "rec"), "--port", "0", "--deny", "/v1.0/auditLogs",
                    "--fail-rate", "503:0", "--seed", "5", "--throttle-units", "100000")
    try:
        base = base_url_of(process)
        with httpx.Client(base_url=base, timeout=30) as client:
            url, count = "/v1.0/servicePrincipals?$top=100&$select=id", 0
            while url:
                body = client.get(url).json()
                count += len(body["value"])
                url = body.get("@odata.nextLink")
                assert url is None or url.startswith(base)
            assert count == 250
            denied = client.get("/v1.0/auditLogs/directoryAudits")
            assert denied.status_code == 403
            assert denied.json()["error"]["code"] == "Authorization_RequestDenied"
            batch = client.post("/v1.0/$batch", json={"requests": [
                {"id": "a", "method": "GET", "url": "/applications/app-01/owners"}]})
            assert batch.json()["responses"][0]["status"] == 200
            assert client.get("/_wlx/stats").json()["requests"] == 5
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "5 requests (1 batches of 1 items)" in out
    assert "1 denied" in out


@pytest.mark.parametrize("args, message", [
    (["--host", "0.0.0.0"], "127.0.0.1"),
    (["--fail-rate", "429:7"], "between 0 and 1"),
])
def test_wlx_serve_refuses_bad_options(tmp_path, args, message):
    write_recording(tenant(), tmp_path / "rec")
    result = subprocess.run([sys.executable, "-m", "tui", "serve", str(tmp_path / "rec"), *args],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and message in result.stderr


def test_wlx_serve_refuses_a_directory_that_is_not_a_recording(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tui", "serve", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "recording.json is missing" in result.stderr
