"""Nothing reaches the network: the guard works, and the engine runs offline."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from conftest import ROOT, subprocess_env


def test_socket_use_fails_in_tests():
    with pytest.raises(RuntimeError, match="network use"):
        socket.create_connection(("example.com", 443), timeout=1)
    with pytest.raises(RuntimeError, match="network use"):
        socket.socket().connect(("127.0.0.1", 9))


def test_socket_use_fails_in_subprocesses(wenan_home):
    code = "import socket; socket.create_connection(('203.0.113.1', 80), timeout=1)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env(wenan_home))
    assert proc.returncode != 0 and "network use" in proc.stderr


def test_engine_sets_hub_offline():
    code = "import os; os.environ.pop('HF_HUB_OFFLINE', None); import engine; print(os.environ['HF_HUB_OFFLINE'])"
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert proc.stdout.strip() == "1"
