"""Load generation, side by side in one run (called by scripts/bench):
1. konform's closed model against wrk and against the floor of its design (a bare Beast
   loop, N coroutines on one thread) at equal connections, on the same nginx: requests a
   second and the ratios. konform runs twice: judging every answer (status and a JSON
   member, as the floor's "check" does) and with "sample": 0.01 (1% of answers judged;
   every answer still counts in the latencies and the error rate, by its status), beside
   the floor without checks. wrk checks nothing.
2. Coordinated omission: the reference system stalls 1 s in every 5 s; konform's open model
   (a fixed rate, each latency from its intended start) against wrk (a closed model) on
   the same system: the p99 each reports.
usage: load_bench.py KONFORM REFERENCE NGINX_BASE_URL WORK_DIR LOAD_FLOOR"""
import json, os, re, shutil, socket, subprocess, sys, time

konform, reference, base, work, load_floor = sys.argv[1:6]
seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "5"))


def profile(folder, load, expect='[{"service_level": "error_rate", "equals": 0}]', path="/item/1",
            check='[{"status": 200}, {"json": "/ok", "equals": true}]'):
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    open(f"{folder}/profile.json", "w").write(
        '{"id": "bench-load", "version": "1.0.0", "title": "bench", "classes": [{"id": "core", '
        '"title": "core", "mandatory": true}], "requirements": [{"id": "L1", "class": "core", '
        '"level": "MUST", "text": "load"}], "testcases": ["tc.json"]}')
    open(f"{folder}/tc.json", "w").write(
        '{"id": "TC-LOAD", "title": "load", "class": "core", "verifies": ["L1"], "steps": [{"load": '
        + load + ', "steps": [{"request": {"method": "GET", "path": "' + path + '"}, "expect": ' + check
        + '}], "expect": ' + expect + '}]}')


def run_konform(folder, url):
    open(f"{work}/load-target.json", "w").write(json.dumps({"base_url": url}))
    out = f"{work}/load-out"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", f"{work}/load-rss", konform, "run", "--profile",
                    folder, "--target", f"{work}/load-target.json", "--out", out, "--quiet"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = json.load(open(f"{out}/report.json"))
    rss = int(open(f"{work}/load-rss").read().split()[-1]) / 1024
    return report["testcases"][0]["steps"][0]["load"], rss


def wrk(url, connections, duration):
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url],
                         capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return rps, float(p99.group(1)) * scale


def floor(connections, check):
    host, port = base.removeprefix("http://").split(":")
    cmd = [load_floor, host, port, "/item/1", str(connections), str(seconds)] + (["check"] if check else [])
    return float(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)


print(f"\nload generation against nginx, closed model, {seconds:g} s, one core each (requests a second):")
print(f"{'conns':>5} {'wrk':>8} | {'floor+check':>11} {'konform 100%':>12} {'/wrk':>6} {'/floor':>6} | "
      f"{'floor':>8} {'konform 1%':>10} {'/wrk':>6} {'/floor':>6} | {'p99':>7} {'RSS':>7}")
for c in (1, 4, 16):
    for sample in (1, 0.01):
        profile(f"{work}/load-closed-{c}-{sample}",
                '{"closed": {"users": %d, "duration_s": %g}, "sample": %g}' % (c, seconds, sample))
    w_rps, _ = wrk(base + "/item/1", c, int(seconds))
    f_check = floor(c, True)
    k_all, _ = run_konform(f"{work}/load-closed-{c}-1", base)
    f_bare = floor(c, False)
    k_some, rss = run_konform(f"{work}/load-closed-{c}-0.01", base)
    a, b = k_all["achieved_rate"], k_some["achieved_rate"]
    print(f"{c:5d} {w_rps:8.0f} | {f_check:11.0f} {a:12.0f} {a / w_rps:5.2f}x {a / f_check:5.2f}x | "
          f"{f_bare:8.0f} {b:10.0f} {b / w_rps:5.2f}x {b / f_bare:5.2f}x | "
          f"{k_some['levels']['p99_ms']:5.2f}ms {rss:5.1f}MB")

s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
server = subprocess.Popen([reference, "--profile", "example", "--fault", "auth-not-checked", "--port", str(port), "--latency-profile",
                           "stall=1000/5000"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
server.stdout.readline()
try:
    url = f"http://127.0.0.1:{port}"
    time.sleep(5.2)  # the first stall comes after 5 s
    duration = 15
    w_rps, w_p99 = wrk(url + "/greetings", 10, duration)
    profile(f"{work}/load-open", '{"open": {"rate": 100, "duration_s": %d, "connections": 200}}' % duration,
            path="/greetings", check='[{"status": 200}]')
    k, _ = run_konform(f"{work}/load-open", url)
    # The same system under a closed model that records every request from when it was
    # sent: the requests a stall holds are few (one a connection), so its percentiles
    # hide the stall: coordinated omission, request for request.
    profile(f"{work}/load-closed-stall", '{"closed": {"users": 10, "duration_s": %d}}' % duration,
            path="/greetings", check='[{"status": 200}]')
    kc, _ = run_konform(f"{work}/load-closed-stall", url)
    print(f"\ncoordinated omission: a system that stalls 1 s in every 5 s, {duration} s each:")
    print(f"{'tool':34} {'req/s':>8} {'p50':>9} {'p99':>9} {'max':>9}")
    print(f"{'wrk (closed, 10 conns)':34} {w_rps:8.0f} {'-':>9} {w_p99:7.1f}ms {'-':>9}")
    for name, r in (("konform closed, 10 users", kc), ("konform open, 100/s", k)):
        print(f"{name:34} {r['achieved_rate']:8.0f} {r['levels']['p50_ms']:7.1f}ms "
              f"{r['levels']['p99_ms']:7.1f}ms {r['levels']['max_ms']:7.1f}ms")
    print("(a stall of 1 s in 5 s delays 20% of requests sent on schedule by up to 1 s: the true "
          "p99 is near 900 ms)")
finally:
    server.terminate(); server.wait()
