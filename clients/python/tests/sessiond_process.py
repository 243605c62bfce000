"""A real sessiond serve for the end-to-end tests, built from this checkout
into a temporary directory once per run, on a free loopback port, with the
memory store and a fixed API key."""

import atexit
import os
import secrets
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request

import sessiond

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
_binary = None


def binary():
    """The sessiond binary, built on first use (go must be on PATH)."""
    global _binary
    if _binary is None:
        if shutil.which("go") is None:
            raise RuntimeError("the end-to-end tests build sessiond and need go on PATH")
        build_dir = tempfile.mkdtemp(prefix="sessiond-bin-")
        atexit.register(shutil.rmtree, build_dir, True)
        path = os.path.join(build_dir, "sessiond")
        subprocess.run(["go", "build", "-o", path, "./cmd/sessiond"], cwd=REPO, check=True)
        _binary = path
    return _binary


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sessiond:
    """One sessiond serve process; extra_flags are added to its command line."""

    def __init__(self, *extra_flags):
        self.data_dir = tempfile.mkdtemp(prefix="sessiond-data-")
        self.api_key = secrets.token_urlsafe(24)
        self.url = f"https://127.0.0.1:{_free_port()}"
        self.ca_file = os.path.join(self.data_dir, "dev-cert.pem")
        env = {**os.environ, "SESSIOND_API_KEY": self.api_key}
        self.log = open(os.path.join(self.data_dir, "stderr"), "w+")
        self.process = subprocess.Popen(
            [binary(), "serve", "--store", "memory://", "--data-dir", self.data_dir,
             "--addr", self.url.removeprefix("https://"), *extra_flags],
            env=env, stdout=self.log, stderr=self.log)
        self._wait_ready()

    def _wait_ready(self):
        # Polls until the process answers: waiting for a process to start,
        # not for a timeout to pass.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError("sessiond exited: " + self.log.read())
            try:
                context = ssl.create_default_context(cafile=self.ca_file)
                with urllib.request.urlopen(self.url + "/readyz", context=context, timeout=1) as answer:
                    if answer.status == 200:
                        return
            except (OSError, ssl.SSLError):
                time.sleep(0.05)
        raise RuntimeError("sessiond did not start within 30 s")

    def client(self, **options):
        return sessiond.Client(self.url, self.api_key, ca_file=self.ca_file, **options)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def close(self):
        self.stop()
        self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)
