"""Run many ``pledge`` commands without paying for the imports each time.

``python tests/readme_forks.py SOCKET`` imports the command line once and listens on the
Unix socket ``SOCKET``. ``shim(SOCKET)`` is the text of a small ``pledge`` program: put
on the ``PATH`` of a shell, it hands its arguments, working folder, environment and its
standard input, output and error (the file descriptors themselves, so the shell's
redirections apply) to the server, which forks; the child runs ``pledge.cli.main``'s
``run`` on them exactly as the installed script would in a new process, and the exit
code comes back as the shim's own. The parent has only imported modules, never run a
command, so every child starts as fresh as a new process, minus the imports.

``tests/test_readme.py`` uses it (a README command costs a fork instead of seconds of
imports); Linux and macOS only (``os.fork``, ``socket.send_fds``).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import struct
import sys

HEADER = struct.Struct("!I")  # the length of the JSON request that follows


def supported() -> bool:
    return hasattr(os, "fork") and hasattr(socket, "send_fds") and hasattr(socket, "AF_UNIX")


SHIM = '''\
import json, os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect({socket_path!r})
body = json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd(), "env": dict(os.environ)}})
data = body.encode()
socket.send_fds(s, [struct.pack("!I", len(data)) + data], [0, 1, 2])
answer = b""
while chunk := s.recv(64):
    answer += chunk
sys.exit(int(answer) if answer.strip() else 1)
'''


def shim(socket_path: str, python: str = sys.executable) -> tuple[str, str]:
    """The shim's Python text and the ``sh`` script that runs it (as ``pledge``), for a
    server listening on ``socket_path``; the script expects the Python text beside it,
    in ``pledge-shim.py``."""
    script = f'#!/bin/sh\nexec "{python}" -I -S "$(dirname "$0")/pledge-shim.py" "$@"\n'
    return SHIM.format(socket_path=socket_path), script


def _receive(conn: socket.socket) -> tuple[dict[str, object], list[int]]:
    data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 3)
    size = HEADER.unpack(data[:HEADER.size])[0]
    body = data[HEADER.size:]
    while len(body) < size:
        more = conn.recv(size - len(body))
        if not more:
            break
        body += more
    return json.loads(body), fds


def _child(conn: socket.socket) -> None:
    """Become the command: its descriptors, folder and environment; run it; answer."""
    code = 1
    try:
        request, fds = _receive(conn)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        cwd, env, argv = request["cwd"], request["env"], request["argv"]
        assert isinstance(cwd, str) and isinstance(env, dict) and isinstance(argv, list)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in env.items()})
        argv = [str(a) for a in argv]
        sys.argv = ["pledge", *argv]
        from pledge.cli import run
        code = run(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:  # report, never let the child return into the server
        sys.stderr.write(f"readme_forks: {type(exc).__name__}: {exc}\n")
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # a closed pipe: nothing more to say
                stream.flush()
        try:
            conn.sendall(str(code).encode())
            conn.close()
        finally:
            os._exit(code)


def serve(socket_path: str) -> None:
    import pledge.cli  # noqa: F401  # the whole command line, imported once
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path + ".part")
    server.listen(16)
    os.rename(socket_path + ".part", socket_path)  # it exists only once it listens
    while True:
        conn, _ = server.accept()
        if os.fork() == 0:
            server.close()
            _child(conn)
        conn.close()
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass


if __name__ == "__main__":
    serve(sys.argv[1])
