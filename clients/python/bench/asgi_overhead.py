"""The ASGI middleware's per-request overhead: one Starlette route under
uvicorn, without the middleware and with it (a valid session cookie on every
request, so every request validates with sessiond), in one run against a
sessiond serve built from this checkout on this machine.

    cd clients/python && /usr/bin/python3 -m bench.asgi_overhead [seconds] [connections]

The load comes from threads of this process, each with one keep-alive
connection to uvicorn; uvicorn (one worker) and sessiond run in processes of
their own. Prints requests/s and p99 latency of each in three alternating rounds,
and their ratios.
"""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

import sessiond
import sessiond.asgi

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from sessiond_process import Sessiond  # noqa: E402

USER_AGENT = "bench/1"


def make_app():
    """The app uvicorn serves: the bare route, or with BENCH_SESSIOND_URL set,
    the route behind the middleware."""

    async def hello(request):
        return PlainTextResponse("hello")

    app = Starlette(routes=[Route("/", hello)])
    url = os.environ.get("BENCH_SESSIOND_URL")
    if not url:
        return app
    client = sessiond.Client(url, os.environ["BENCH_SESSIOND_KEY"], ca_file=os.environ["BENCH_SESSIOND_CA"])
    return sessiond.asgi.SessionMiddleware(app, sessiond.Sessions(client, csrf_secret=os.urandom(32)))


def serve(env):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "bench.asgi_overhead:make_app", "--port", str(port),
         "--log-level", "warning", "--no-access-log", "--lifespan", "off"],
        env={**os.environ, **env}, cwd=os.path.join(os.path.dirname(__file__), ".."))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("uvicorn did not start")


def load(port, headers, seconds, connections):
    """Requests for seconds from connections threads; the latencies of each."""
    latencies, stop = [], time.monotonic() + seconds
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        while time.monotonic() < stop:
            start = time.perf_counter()
            conn.request("GET", "/", headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"status {response.status}")
            mine.append(time.perf_counter() - start)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return len(latencies) / seconds, latencies[int(len(latencies) * 0.99)]


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    connections = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    service = Sessiond()
    try:
        client = service.client()
        token = client.create("bench-user", ip="127.0.0.1", user_agent=USER_AGENT).token
        client.close()
        bare, bare_port = serve({})
        wrapped, wrapped_port = serve({"BENCH_SESSIOND_URL": service.url, "BENCH_SESSIOND_KEY": service.api_key,
                                       "BENCH_SESSIOND_CA": service.ca_file})
        try:
            plain = {"User-Agent": USER_AGENT}
            with_cookie = {**plain, "Cookie": "__Host-session=" + token}
            load(bare_port, plain, 1, connections)  # warm-up
            load(wrapped_port, with_cookie, 1, connections)
            # Rounds alternate, so a change in the machine's load shows as a
            # change between rounds rather than as overhead.
            rounds = [(load(bare_port, plain, seconds, connections), load(wrapped_port, with_cookie, seconds, connections))
                      for _ in range(3)]
        finally:
            for process in (bare, wrapped):
                process.terminate()
                process.wait(10)
    finally:
        service.close()
    print(f"{connections} connections, {seconds:g} s a measure, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    for n, (without, with_mw) in enumerate(rounds, 1):
        print(f"round {n}: without {without[0]:6.0f} requests/s, p99 {without[1] * 1000:6.2f} ms; "
              f"with {with_mw[0]:6.0f} requests/s, p99 {with_mw[1] * 1000:6.2f} ms; "
              f"ratio requests/s {with_mw[0] / without[0]:.2f}, p99 {with_mw[1] / without[1]:.2f}")


if __name__ == "__main__":
    main()
