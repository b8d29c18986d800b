"""The README's lab command serves the course: the server answers, a notebook opens in a session
and its kernel starts. (The browser suite in tests/browser goes further, in a real Chromium.)"""
import json
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import websocket  # websocket-client, which jupyter_server depends on

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url: str, token: str, method: str = "GET", body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Authorization": f"token {token}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


def kernel_info(ws_url: str) -> dict:
    """Ask the kernel who it is over the notebook websocket: an answer means it started."""
    connection = websocket.create_connection(ws_url, timeout=60)
    try:
        msg_id = secrets.token_hex(8)
        connection.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "kernel_info_request", "username": "test",
                       "session": secrets.token_hex(8), "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": {}, "channel": "shell"}))
        while True:
            message = json.loads(connection.recv())
            if message.get("parent_header", {}).get("msg_id") == msg_id and \
                    message["msg_type"] == "kernel_info_reply":
                return message
    finally:
        connection.close()


def test_lab_command_serves_the_notebooks_and_starts_a_kernel(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tasks.py"), "lab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={token}",
         f"--ServerApp.runtime_dir={tmp_path}", f"--LabApp.workspaces_dir={tmp_path}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status = call(f"{base}/api/status", token)
                break
            except OSError:
                assert server.poll() is None, "the lab command exited"
                assert time.monotonic() < deadline, "JupyterLab did not answer in 90 s"
                time.sleep(0.5)
        assert "started" in status
        listing = call(f"{base}/api/contents", token)
        names = {item["name"] for item in listing["content"]}
        assert "00-start-here.ipynb" in names
        session = call(f"{base}/api/sessions", token, "POST", {
            "path": "00-start-here.ipynb", "type": "notebook", "name": "",
            "kernel": {"name": "python3"}})
        reply = kernel_info(f"ws://127.0.0.1:{port}/api/kernels/{session['kernel']['id']}"
                            f"/channels?token={token}")
        assert reply["content"]["status"] == "ok"
        assert reply["content"]["language_info"]["name"] == "python"
        call(f"{base}/api/sessions/{session['id']}", token, "DELETE")
    finally:
        server.terminate()
        server.wait(timeout=30)
