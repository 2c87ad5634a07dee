"""Loaded by every Python subprocess the tests start: any network use fails loudly.

WENAN_ALLOW_LOOPBACK=1 lets a process talk to itself on 127.0.0.1, which
`accelerate launch` needs to connect its own worker processes.
"""
import os
import socket

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _allowed(sock, address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if sock.family == getattr(socket, "AF_UNIX", None):
        return True
    return os.environ.get("WENAN_ALLOW_LOOPBACK") == "1" and host in ("127.0.0.1", "localhost", "::1")


def _guard(self, address):
    if not _allowed(self, address):
        raise RuntimeError(f"network use in a test: connect to {address!r}")
    return _real_connect(self, address)


def _guard_ex(self, address):
    if not _allowed(self, address):
        raise RuntimeError(f"network use in a test: connect to {address!r}")
    return _real_connect_ex(self, address)


def _no_lookup(*args, **kwargs):
    host = args[0] if args else kwargs.get("host")
    if os.environ.get("WENAN_ALLOW_LOOPBACK") == "1" and host in ("127.0.0.1", "localhost", "::1", None):
        return _real_getaddrinfo(*args, **kwargs)
    raise RuntimeError(f"network use in a test: name lookup of {host!r}")


_real_getaddrinfo = socket.getaddrinfo
socket.socket.connect = _guard
socket.socket.connect_ex = _guard_ex
socket.getaddrinfo = _no_lookup
