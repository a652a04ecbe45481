"""The certification service at scale: 200 queued runs of the example profile against its
reference system, executed in-process on SQLite and by 1, 2 and 4 `konform worker`
processes sharing a throwaway PostgreSQL 15 cluster; then 2 workers with one killed (-9)
mid-way. Prints runs per minute, p50/p95 time from submit to start, and checks that every
run was done exactly once (one start per attempt; a killed worker's run re-queued once).
Usage: service_bench.py KONFORM REFERENCE SOURCE_DIR [RUNS]"""
import json, os, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request

konform, reference, source = sys.argv[1:4]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 200
work = tempfile.mkdtemp(prefix="konform-service-bench-")
procs = []


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def start(cmd, **kw):
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    procs.append(p)
    return p


def wait_listening(p):
    line = p.stdout.readline()
    while "listening on" not in line:
        if not line:
            sys.exit("bench: a process did not start")
        line = p.stdout.readline()
    return line.split("listening on ")[1].split()[0].rstrip("/")


def call(base, method, path, token="", body=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    if token:
        req.add_header("Authorization", "Bearer " + token)
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def pg_cluster():
    """initdb in a temporary folder on a free port, as the postgres user when root."""
    bin_ = "/usr/lib/postgresql/15/bin"
    d = os.path.join(work, "pg")
    os.makedirs(d)
    as_user = []
    if os.geteuid() == 0:
        shutil.chown(work, "postgres"); shutil.chown(d, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run(as_user + [f"{bin_}/initdb", "-D", f"{d}/data", "-U", "konform", "-A", "trust"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(as_user + [f"{bin_}/pg_ctl", "-D", f"{d}/data", "-l", f"{d}/log", "-w", "-o",
                              f"-p {port} -k {d} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off",
                              "start"], check=True, stdout=subprocess.DEVNULL)
    return as_user, bin_, d, port


def admin_token(db, data, org, role):
    return subprocess.run([konform, "admin", "--db", db, "--data", data, "token", "--org", org,
                           "--role", role], check=True, capture_output=True, text=True).stdout.strip()


def one(label, db, workers_in_process, worker_procs, kill_one=False):
    data = os.path.join(work, label.replace(" ", "-"))
    os.makedirs(data)
    vendor = admin_token(db, data, "Bench Vendor", "vendor")
    serve = start([konform, "serve", "--db", db, "--data", data, "--listen", "127.0.0.1:0",
                   "--profiles", os.path.join(source, "profiles"), "--workers", str(workers_in_process),
                   "--rate", "0", "--lease", "2000"])
    base = wait_listening(serve)
    target = json.load(open(os.path.join(source, "profiles/example/target.example.json")))
    target.pop("$schema")
    target["base_url"] = system_url
    system = call(base, "POST", "/api/v1/systems", vendor,
                  {"product": "Bench", "version": "1", "target": target})["id"]
    workers = []
    for i in range(worker_procs):
        workers.append(start([konform, "worker", "--db", db, "--data", data, "--name", f"w{i}",
                              "--lease", "2000"]))
    time.sleep(0.5)
    body = {"profile": "dk.konform.example.greetings", "secrets": {"GREETINGS_TOKEN": "example-token"}}
    t0 = time.time()
    ids = [call(base, "POST", f"/api/v1/systems/{system}/runs", vendor, body)["id"] for _ in range(runs)]
    killed = False
    while True:
        pending = [r for r in (call(base, "GET", f"/api/v1/runs/{i}", vendor) for i in ids[:: max(1, runs // 20)])
                   if r["state"] not in ("done", "interrupted")]
        if kill_one and not killed and time.time() - t0 > 2:
            workers[0].send_signal(signal.SIGKILL); killed = True
        if not pending:
            final = [call(base, "GET", f"/api/v1/runs/{i}", vendor) for i in ids]
            if all(r["state"] in ("done", "interrupted") for r in final):
                break
        if time.time() - t0 > 900:
            sys.exit(f"bench: {label}: runs did not finish")
        time.sleep(0.5)
    waits = sorted((r["started"] - r["submitted"]) / 1000 for r in final)
    first_start = min(r["submitted"] for r in final)
    last_finish = max(r["finished"] for r in final)
    per_min = len(final) / ((last_finish - first_start) / 60000)
    once = all(sum(1 for h in r["history"] if h["event"].startswith("started by")) == r["attempt"] for r in final)
    all_done = all(r["state"] == "done" and r["verdict"] == "conformant" for r in final)
    requeued = sum(1 for r in final if r["attempt"] == 2)
    p = lambda q: waits[min(len(waits) - 1, int(q * len(waits)))]
    print(f"{label:<34} {per_min:8.0f} {p(0.5):8.2f} {p(0.95):8.2f}   "
          f"{'yes' if all_done else 'NO'}/{'yes' if once else 'NO'}   {requeued}")
    for w in workers:
        if w.poll() is None:
            w.terminate(); w.wait()
    serve.terminate(); serve.wait()
    if not (all_done and once) or (kill_one and requeued < 1):
        sys.exit(f"bench: {label}: a run was lost or done twice")


try:
    ref = start([reference, "--profile", "example", "--port", "0"])
    system_url = wait_listening(ref)
    as_user, bin_, pgdir, pgport = pg_cluster()
    print(f"\nthe service: {runs} runs of the example profile (8 test cases each) against its reference system")
    print(f"{'':<34} {'runs/min':>8} {'p50 wait':>8} {'p95 wait':>8}   all done/once   re-queued")
    one("SQLite, 2 in-process workers", "sqlite:konform.db", 2, 0)
    for n in (1, 2, 4):
        db = f"postgresql://konform@127.0.0.1:{pgport}/postgres"
        subprocess.run(as_user + [f"{bin_}/psql", "-h", "127.0.0.1", "-p", str(pgport), "-U", "konform",
                                  "-d", "postgres", "-qc", f"CREATE DATABASE bench{n}"], check=True)
        one(f"PostgreSQL, {n} worker process{'es' if n > 1 else ''}",
            f"postgresql://konform@127.0.0.1:{pgport}/bench{n}", 0, n)
    subprocess.run(as_user + [f"{bin_}/psql", "-h", "127.0.0.1", "-p", str(pgport), "-U", "konform",
                              "-d", "postgres", "-qc", "CREATE DATABASE benchkill"], check=True)
    one("PostgreSQL, 2 workers, one killed", f"postgresql://konform@127.0.0.1:{pgport}/benchkill", 0, 2, True)
finally:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    try:
        subprocess.run(as_user + [f"{bin_}/pg_ctl", "-D", f"{pgdir}/data", "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except NameError:
        pass
    shutil.rmtree(work, ignore_errors=True)
