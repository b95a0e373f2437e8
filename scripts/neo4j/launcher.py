"""Start, stop and inspect a real Neo4j 5.26 Community server for the tests, from Maven Central jars.

Why: the loader and the example queries must be tested against a real Neo4j, and this machine has Java and
Maven but no Docker. The jars named in ``pom.xml`` beside this file are copied once into a cache folder
(``$KG_NEO4J_CACHE`` or ``~/.cache/kg-neo4j``); each server *instance* (``--name``) lives in its own state
folder under the temp dir (``$KG_NEO4J_STATE`` or ``$TMPDIR/kg-neo4j-$UID/NAME``) holding ``conf/``,
``data/``, ``logs/``, a pid file and ``server.json`` (port, user, whether auth is on).

Commands (run through ``scripts/neo4j-test-server``)::

    start [--name N] [--password PW] [--port P]   # idempotent; last line printed is bolt://127.0.0.1:PORT
    stop [--name N] [--purge]                     # stops the JVM (SIGTERM, then SIGKILL); --purge kills it at once and deletes data
    status [--name N]                             # "running bolt://..." (exit 0) or "stopped" (exit 3)
    admin [--name N] -- ARGS...                   # neo4j-admin ARGS against the instance (e.g. database import full)
    fetch                                         # only download the jars into the cache

A restarted instance reuses its data folder and its port, so a client can reconnect to the same URI.
The server listens on 127.0.0.1 only; authentication is off unless ``--password`` is given.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NEO4J_VERSION = "5.26.0"
DEFAULT_HEAP = "1g"
DEFAULT_PAGECACHE = "128m"

# The JVM flags Neo4j's own launcher adds (bin/neo4j); Neo4j 5 fails or warns on Java 17 without the --add-opens.
JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
]


def cache_dir() -> Path:
    """Folder holding the downloaded jars (``lib/``) for this Neo4j version."""
    base = Path(os.environ.get("KG_NEO4J_CACHE") or Path.home() / ".cache" / "kg-neo4j")
    return base / NEO4J_VERSION


def state_dir(name: str) -> Path:
    """Folder of one server instance (conf, data, logs, pid and port files)."""
    base = os.environ.get("KG_NEO4J_STATE") or Path(tempfile.gettempdir()) / f"kg-neo4j-{os.getuid()}"
    return Path(base) / name


def log(msg: str) -> None:
    """Progress messages go to stderr so that stdout's last line is the URI."""
    print(f"neo4j-test-server: {msg}", file=sys.stderr, flush=True)


def java_bin() -> str:
    """The ``java`` executable: ``$JAVA_HOME/bin/java`` or the one on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise SystemExit("neo4j-test-server: error: java not found (install a JDK 17+, e.g. apt-get install openjdk-17-jdk-headless)")
    return found


def fetch_jars() -> Path:
    """Copy Neo4j and its dependencies from Maven Central into the cache (once); return the ``lib`` folder."""
    lib = cache_dir() / "lib"
    marker = cache_dir() / ".complete"
    if marker.exists():
        return lib
    mvn = shutil.which("mvn")
    if not mvn:
        raise SystemExit("neo4j-test-server: error: mvn not found (apt-get install maven)")
    tmp = cache_dir() / "lib.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    log(f"downloading Neo4j {NEO4J_VERSION} jars from Maven Central into {lib} (one time)")
    t0 = time.monotonic()
    cmd = [
        mvn, "-B", "-q", "-f", str(HERE / "pom.xml"),
        f"-Dneo4j.version={NEO4J_VERSION}",
        "dependency:copy-dependencies",
        f"-DoutputDirectory={tmp}", "-DincludeScope=runtime", "-DexcludeTypes=pom",
    ]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"neo4j-test-server: error: maven failed ({proc.returncode}):\n{proc.stdout[-4000:]}")
    shutil.rmtree(lib, ignore_errors=True)
    tmp.rename(lib)
    marker.write_text(NEO4J_VERSION + "\n")
    log(f"jars ready in {time.monotonic() - t0:.0f}s")
    return lib


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    """True when ``port`` can be bound on 127.0.0.1 by a server socket.

    The check binds with ``SO_REUSEADDR``, as Neo4j's own (Netty/Java) server socket does: connections of a
    crashed or just stopped server linger in TIME_WAIT for a minute and block a plain ``bind`` but not the
    server, so without it a restart moved to a new port and clients had to be given the new URI.
    Only a live listener makes the port busy.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def read_pid(state: Path) -> int | None:
    """The recorded server pid if that process is still alive."""
    try:
        pid = int((state / "server.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    # a zombie or a reused pid that is not our JVM does not count
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return pid
    return pid if b"CommunityEntryPoint" in cmdline else None


def read_info(state: Path) -> dict:
    """``server.json`` of an instance, or ``{}``."""
    try:
        return json.loads((state / "server.json").read_text())
    except (OSError, ValueError):
        return {}


def write_conf(home: Path, port: int, auth: bool, pagecache: str) -> None:
    """Render ``neo4j.conf.template`` for this instance."""
    text = (HERE / "neo4j.conf.template").read_text()
    text = text.replace("@BOLT_PORT@", str(port)).replace("@AUTH_ENABLED@", "true" if auth else "false")
    text = text.replace("@PAGECACHE@", pagecache)
    (home / "conf").mkdir(parents=True, exist_ok=True)
    (home / "conf" / "neo4j.conf").write_text(text)


def admin_env(home: Path) -> dict:
    """Environment for neo4j-admin (it reads NEO4J_HOME and NEO4J_CONF)."""
    env = dict(os.environ)
    env["NEO4J_HOME"] = str(home)
    env["NEO4J_CONF"] = str(home / "conf")
    return env


def run_admin(lib: Path, home: Path, args: list[str], heap: str = "512m") -> subprocess.CompletedProcess:
    """Run ``neo4j-admin ARGS`` (class ``org.neo4j.cli.AdminTool``) against the instance home."""
    cmd = [java_bin(), f"-Xmx{heap}", *JVM_FLAGS, "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool", *args]
    return subprocess.run(cmd, env=admin_env(home), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_ready(uri: str, auth: tuple[str, str] | None, pid: int, timeout: float, logfile: Path) -> None:
    """Block until the driver's ``verify_connectivity()`` succeeds; fail with the server log if the JVM dies."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError

    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if read_pid(logfile.parent) is None:
            raise SystemExit(f"neo4j-test-server: error: the server exited while starting:\n{tail(logfile)}")
        try:
            with GraphDatabase.driver(uri, auth=auth, connection_timeout=2) as driver:
                driver.verify_connectivity()
                return
        except AuthError as exc:  # the server is up; wrong credentials are the caller's business
            raise SystemExit(f"neo4j-test-server: error: server up but authentication failed: {exc}")
        except Exception as exc:  # not listening yet
            last = f"{type(exc).__name__}: {exc}"
        time.sleep(0.5)
    raise SystemExit(f"neo4j-test-server: error: no Bolt connection after {timeout:.0f}s ({last}):\n{tail(logfile)}")


def tail(logfile: Path, lines: int = 40) -> str:
    """Last lines of the server's stdout log and of its neo4j.log."""
    out = []
    for f in (logfile, logfile.parent / "home" / "logs" / "neo4j.log"):
        try:
            out.append(f"--- {f}\n" + "\n".join(f.read_text(errors="replace").splitlines()[-lines:]))
        except OSError:
            pass
    return "\n".join(out)


def cmd_start(args: argparse.Namespace) -> int:
    """Start the instance unless it already runs; print its bolt URI last."""
    state = state_dir(args.name)
    info = read_info(state)
    auth_wanted = args.password is not None
    pid = read_pid(state)
    if pid and info:
        if bool(info.get("auth")) != auth_wanted:
            log(f"instance {args.name!r} runs with auth={'on' if info.get('auth') else 'off'}; stop --purge it first")
            return 2
        log(f"already running (pid {pid})")
        print(info["uri"])
        return 0
    lib = fetch_jars()
    home = state / "home"
    fresh = not (home / "data").exists()
    if not fresh and bool(info.get("auth")) != auth_wanted:
        log(f"instance {args.name!r} was created with auth={'on' if info.get('auth') else 'off'}; use stop --purge first")
        return 2
    port = args.port or info.get("port")
    if port and not port_is_free(int(port)):
        if args.port:
            log(f"port {port} is in use by another program; choose another --port")
            return 2
        old, port = port, free_port()
        log(f"port {old} of instance {args.name!r} is in use by another program; moving to {port} "
            f"(export the new NEO4J_URI)")
    port = int(port or free_port())
    state.mkdir(parents=True, exist_ok=True)
    write_conf(home, port, auth_wanted, args.pagecache)
    if fresh and auth_wanted:
        proc = run_admin(lib, home, ["dbms", "set-initial-password", args.password])
        if proc.returncode != 0:
            log(f"set-initial-password failed:\n{proc.stdout}")
            return 1
    uri = f"bolt://127.0.0.1:{port}"
    logfile = state / "server.out"
    cmd = [
        java_bin(), f"-Xms{args.heap}", f"-Xmx{args.heap}", *JVM_FLAGS, "-cp", f"{lib}/*",
        "org.neo4j.server.CommunityEntryPoint", f"--home-dir={home}", f"--config-dir={home / 'conf'}",
    ]
    with open(logfile, "ab") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, env=admin_env(home))
    (state / "server.pid").write_text(f"{proc.pid}\n")
    (state / "server.json").write_text(json.dumps({"uri": uri, "port": port, "auth": auth_wanted,
                                                   "user": "neo4j", "version": NEO4J_VERSION}) + "\n")
    log(f"starting Neo4j {NEO4J_VERSION} (pid {proc.pid}) on {uri}, data in {home / 'data'}")
    t0 = time.monotonic()
    try:
        wait_ready(uri, ("neo4j", args.password) if auth_wanted else None, proc.pid, args.timeout, logfile)
    except SystemExit:
        stop_pid(proc.pid)
        (state / "server.pid").unlink(missing_ok=True)
        raise
    log(f"ready in {time.monotonic() - t0:.1f}s")
    print(uri)
    return 0


def stop_pid(pid: int, timeout: float = 60.0) -> None:
    """SIGTERM the server's process group, wait for it, SIGKILL after ``timeout`` seconds."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        except PermissionError:
            os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)  # reap when we are the parent
            except ChildProcessError:
                done = 0
            if done == pid or not Path(f"/proc/{pid}").exists() or _is_zombie(pid):
                return
            time.sleep(0.2)


def _is_zombie(pid: int) -> bool:
    """True when ``pid`` has exited and waits to be reaped by its parent."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def cmd_stop(args: argparse.Namespace) -> int:
    """Stop the instance (no process is left behind); ``--purge`` also deletes its data folder, so the server is
    killed at once instead of shut down cleanly (nothing of it is kept: a clean shutdown only costs seconds)."""
    state = state_dir(args.name)
    pid = read_pid(state)
    if pid:
        log(f"stopping pid {pid}")
        stop_pid(pid, timeout=0.0 if args.purge else 60.0)
    else:
        log("not running")
    (state / "server.pid").unlink(missing_ok=True)
    if args.purge:
        shutil.rmtree(state, ignore_errors=True)
        log(f"purged {state}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Print ``running URI (pid N)`` and exit 0, or ``stopped`` and exit 3."""
    state = state_dir(args.name)
    pid = read_pid(state)
    if pid:
        print(f"running {read_info(state).get('uri', '?')} (pid {pid})")
        return 0
    print("stopped")
    return 3


def cmd_admin(args: argparse.Namespace) -> int:
    """Run neo4j-admin against the instance home (the instance should be stopped for imports)."""
    lib = fetch_jars()
    home = state_dir(args.name) / "home"
    info = read_info(state_dir(args.name))
    write_conf(home, int(info.get("port") or free_port()), bool(info.get("auth")), args.pagecache)
    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    proc = run_admin(lib, home, rest)
    sys.stdout.write(proc.stdout)
    return proc.returncode


def cmd_fetch(args: argparse.Namespace) -> int:
    """Download the jars only (e.g. in a CI warm-up step)."""
    print(fetch_jars())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and dispatch."""
    parser = argparse.ArgumentParser(prog="neo4j-test-server", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--name", default=os.environ.get("KG_NEO4J_INSTANCE", "default"),
                        help="instance name (separate data, port, process); default 'default'")
    common.add_argument("--pagecache", default=DEFAULT_PAGECACHE, help="page cache size (default %(default)s)")
    p = sub.add_parser("start", parents=[common], help="start (idempotent); prints bolt://127.0.0.1:PORT last")
    p.add_argument("--password", help="enable auth with user neo4j and this password (8+ characters)")
    p.add_argument("--port", type=int, help="Bolt port (default: the instance's previous port, else a free one)")
    p.add_argument("--heap", default=DEFAULT_HEAP, help="JVM heap (default %(default)s)")
    p.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for Bolt (default %(default)s)")
    p.set_defaults(func=cmd_start)
    p = sub.add_parser("stop", parents=[common], help="stop the server; leaves no process")
    p.add_argument("--purge", action="store_true", help="also delete the instance's data folder")
    p.set_defaults(func=cmd_stop)
    p = sub.add_parser("status", parents=[common], help="running URI or stopped (exit 3)")
    p.set_defaults(func=cmd_status)
    p = sub.add_parser("admin", parents=[common], help="run neo4j-admin ARGS against the instance")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_admin)
    p = sub.add_parser("fetch", help="download the jars into the cache only")
    p.set_defaults(func=cmd_fetch)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
