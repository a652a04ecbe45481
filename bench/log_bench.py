#!/usr/bin/env python3
"""The transparency log at scale: appending N certificate entries (signed as the service
signs them; time, disk, peak memory), inclusion and consistency proofs read from the tiles
alone (files and bytes a client fetches), and a monitor catching up the whole log (time,
memory) and then one more batch.

Usage: log_bench.py KONFORM SOURCE_DIR [N]   (N: entries, default 1,000,000)
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

konform, source = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
demo = os.path.join(source, "reports/demo-key")
work = tempfile.mkdtemp(prefix="konform-log-bench-")


def timed(args, **kw):
    """Runs a konform command under /usr/bin/time: (seconds, peak RSS in MB, stdout)."""
    rss = os.path.join(work, "rss")
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss, konform] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    t = time.perf_counter() - t0
    if p.returncode not in (0,):
        sys.exit(f"bench: konform {' '.join(args[:2])} failed: {p.stdout}{p.stderr}")
    return t, int(open(rss).read().split()[-1]) / 1024, p.stdout


def disk(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def entries(first, count, path):
    with open(path, "w") as out:
        for i in range(first, first + count):
            out.write(json.dumps({
                "event": "issued", "certificate": "c%08d" % i, "at": "2026-12-05T10:00:00Z",
                "report_sha256": "%064x" % i, "system": "s%06d" % (i % 5000),
                "vendor": "Vendor %d A/S" % (i % 300), "product": "Product %d" % (i % 5000),
                "product_version": "1.0.%d" % (i % 10), "profile": "dk.konform.example.greetings",
                "profile_version": "1.0.0", "fingerprint": "%064x" % (i * 7),
                "valid_until": "2027-12-05T10:00:00Z"}) + "\n")


def checkpoint(log, key):
    subprocess.run([konform, "log", "checkpoint", log, "--key", f"{key}/private.pem"], check=True,
                   stdout=subprocess.DEVNULL)


def serve(log):
    """The log's folder over HTTP (Python's http.server): the process and its URL."""
    server = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "0",
                               "--directory", log], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    port = int(server.stdout.readline().split("port ")[1].split()[0])
    return server, f"http://127.0.0.1:{port}"


try:
    key = os.path.join(work, "log-key")
    subprocess.run([konform, "keygen", "--out", key], check=True, stdout=subprocess.DEVNULL)
    log = os.path.join(work, "log")
    vkey = subprocess.run([konform, "log", "init", log, "--key", f"{key}/private.pem", "--origin",
                           "bench.konform/log"], check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True).stdout.strip()
    lines = os.path.join(work, "entries.jsonl")
    entries(0, n, lines)
    sign = ["--sign-key", f"{demo}/private.pem", "--sign-cert", f"{demo}/signer.pem"]
    t, mb, _ = timed(["log", "append", log, "--lines", lines] + sign)
    checkpoint(log, key)
    size = disk(log)
    print(f"append {n} signed entries in one call: {t:.1f} s ({n / t:,.0f} entries/s), "
          f"peak {mb:.0f} MB, log {size / 1e6:.0f} MB on disk ({size / n:.0f} bytes an entry)")

    # One more batch of 1,000: the cost of an append on a large log (it reads the log once).
    entries(n, 1000, lines)
    t, mb, _ = timed(["log", "append", log, "--lines", lines] + sign)
    checkpoint(log, key)
    print(f"append 1,000 more to {n:,}: {t:.1f} s, peak {mb:.0f} MB")

    # Proofs from the tiles alone, over HTTP: what a client fetches.
    server, url = serve(log)
    try:
        rng = random.Random(1)
        files, nbytes, secs = [], [], []
        for _ in range(20):
            t, _, out = timed(["log", "prove", url, str(rng.randrange(n))])
            j = json.loads(out)
            files.append(j["proof_files_read"])
            nbytes.append(j["proof_bytes_read"])
            secs.append(t)
        print(f"inclusion proof of a random entry of {n + 1000:,}, from the hash tiles over HTTP: "
              f"{max(files)} tiles, at most {max(nbytes) / 1024:.1f} KiB "
              f"(mean {sum(nbytes) / len(nbytes) / 1024:.1f} KiB); with the entry's bundle "
              f"{j['bytes_read'] / 1024:.0f} KiB; {sum(secs) / len(secs) * 1000:.0f} ms a proof")
        t, _, out = timed(["log", "consistency", url, str(n // 3), str(n + 1000)])
        j = json.loads(out)
        print(f"consistency proof {n // 3:,} -> {n + 1000:,}: {len(j['proof'])} hashes, "
              f"{j['files_read']} files, {j['bytes_read'] / 1024:.0f} KiB, {t * 1000:.0f} ms")

    finally:
        server.terminate()
        server.wait()

    # A monitor catching up a log of 100,000 entries over HTTP, every signature checked.
    m = min(n, 100_000)
    shutil.rmtree(log)
    subprocess.run([konform, "log", "init", log, "--key", f"{key}/private.pem", "--origin",
                    "bench.konform/log"], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    entries(0, m, lines)
    timed(["log", "append", log, "--lines", lines] + sign)
    checkpoint(log, key)
    server, url = serve(log)
    try:
        state = os.path.join(work, "monitor.json")
        t, mb, out = timed(["log", "monitor", url, "--log-key", vkey, "--state", state,
                            "--trust", f"{demo}/root.pem"])
        print(f"monitor catching up {m:,} entries over HTTP (every signature, chain and tile "
              f"checked): {t:.1f} s ({m / t:,.0f} entries/s), peak {mb:.0f} MB")
        # One more batch, and the monitor again.
        entries(m, 1000, lines)
        timed(["log", "append", log, "--lines", lines] + sign)
        checkpoint(log, key)
        t, mb, out = timed(["log", "monitor", url, "--log-key", vkey, "--state", state,
                            "--trust", f"{demo}/root.pem"])
        read = out[out.find("certificates; ") + len("certificates; "):out.rfind(" read)")]
        print(f"monitor again after 1,000 more: {t:.2f} s, peak {mb:.0f} MB, {read} (only "
              f"what is new, from the tree's edge kept in its state)")
        t, mb, out = timed(["log", "monitor", url, "--log-key", vkey, "--state", state,
                            "--trust", f"{demo}/root.pem", "--full"])
        print(f"the same monitor with --full (the whole log again): {t:.1f} s, peak {mb:.0f} MB")
    finally:
        server.terminate()
        server.wait()
finally:
    shutil.rmtree(work, ignore_errors=True)
