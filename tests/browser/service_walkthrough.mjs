// konform serve as people use it, in a real browser (Debian's chromium, headless, driven by
// puppeteer-core): a vendor signs in, registers systems, runs them and reads a failure's
// story; KL certifies; anyone finds the certificate in the registry and verifies its report;
// KL schedules a re-verification of the live system, which finds a fault injected after
// certification, and revokes the certificate, which konform verify then reports from the log.
// Usage: node service_walkthrough.mjs KONFORM REFERENCE PUPPETEER_DIR SOURCE_DIR
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";

const [konform, reference, puppeteerDir, sourceDir] = process.argv.slice(2);
const require = createRequire(join(puppeteerDir, "package.json"));
const puppeteer = require("puppeteer-core");

const work = mkdtempSync(join(tmpdir(), "konform-browser-"));
const children = [];
let failures = 0;
const failed = [];
// A failed check prints what it saw (detail: an async function giving the page's words).
async function check(ok, what, detail) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (ok) return;
  failures++;
  failed.push(what);
  if (detail) console.log(`     saw: ${String(await detail()).slice(0, 2000)}`);
}

// Starts a program and resolves with the URL it prints ("listening on URL").
function start(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: work, env: { ...process.env, ...env } });
    children.push(child);
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start: ${out}`)), 20000);
    const look = (d) => {
      out += d;
      const m = out.match(/listening on (https?:\/\/[0-9.:]+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout.on("data", look);
    child.stderr.on("data", look);
    child.on("exit", (code) => reject(new Error(`${cmd} exited ${code}: ${out}`)));
  });
}

function token(org, role) {
  return execFileSync(konform, ["admin", "--db", "sqlite:k.db", "--data", work, "token",
    "--org", org, "--role", role], { cwd: work, stdio: ["ignore", "pipe", "ignore"] })
    .toString().trim();
}

const target = (url) => {
  const t = JSON.parse(readFileSync(join(sourceDir, "profiles/example/target.example.json")));
  delete t.$schema;
  t.base_url = url;
  return JSON.stringify(t, null, 2);
};

let browser;
try {
  const good = await start(reference, ["--profile", "example", "--port", "0"]);
  const goodChild = children[children.length - 1];
  const broken = await start(reference, ["--profile", "example", "--port", "0", "--fault", "auth-not-checked"]);
  const vendor = token("Greetings Vendor A/S", "vendor");
  const kl = token("KL", "kl");
  const demo = join(sourceDir, "reports/demo-key");
  const base = await start(konform, ["serve", "--db", "sqlite:k.db", "--data", work,
    "--listen", "127.0.0.1:0", "--profiles", join(sourceDir, "profiles"), "--workers", "2",
    "--sign-key", join(demo, "private.pem"), "--sign-cert", join(demo, "signer.pem"),
    "--trust", join(demo, "root.pem"), "--rate", "0", "--shortest-schedule", "1"]);

  browser = await puppeteer.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      `--user-data-dir=${join(work, "profile")}`],
  });
  const page = await browser.newPage();
  await page.setExtraHTTPHeaders({ "Accept-Language": "en" });
  const text = () => page.evaluate(() => document.body.innerText);

  // Every form field has a label.
  async function labelled() {
    return page.evaluate(() => [...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
      .every((el) => el.id && document.querySelector(`label[for="${el.id}"]`)));
  }

  // A vendor signs in.
  await page.goto(`${base}/login`);
  await check(await labelled(), "login: every field has a label");
  await page.type("#token", vendor);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  await check(page.url().endsWith("/systems"), "signed in, on the systems page");
  const cookies = await page.cookies();
  const session = cookies.find((c) => c.name === "konform_session");
  await check(session && session.httpOnly && session.secure && session.sameSite === "Strict",
    "the session cookie is HttpOnly, Secure and SameSite=Strict");
  await check(!(await page.content()).includes(vendor), "the token is on no page");

  // Registers two systems: the good one and the broken one.
  async function register(product, url) {
    await page.goto(`${base}/systems`);
    await page.type("#product", product);
    await page.type("#version", "1.0.0");
    await page.$eval("#target", (el, v) => { el.value = v; }, target(url));
    await Promise.all([page.waitForNavigation(), page.click("form[action='/systems'] button")]);
    return page.url();
  }
  const goodSystem = await register("Greetings <b>Server</b>", good);
  await check(/\/systems\/[0-9a-f]{16}$/.test(goodSystem), "the good system is registered");
  await check((await text()).includes("Greetings <b>Server</b>"), "a product name is shown as text, not markup");
  await check(await labelled(), "system page: every field has a label");
  const brokenSystem = await register("Greetings Broken", broken);

  // Runs each, watching the progress arrive without a reload of ours.
  async function run(systemUrl) {
    await page.goto(systemUrl);
    await page.select("#profile", "dk.konform.example.greetings@1.0.0");
    await page.type("#secrets", "GREETINGS_TOKEN=example-token");
    await Promise.all([page.waitForNavigation(), page.click("form[action$='/runs'] button")]);
    const runUrl = page.url();
    await page.waitForSelector("#verdict", { timeout: 60000 });
    return runUrl;
  }
  const goodRun = await run(goodSystem);
  if (process.env.DEBUG) console.log(await text());
  await check((await page.$eval("#verdict", (e) => e.textContent)) === "conformant", "the good system's run is conformant");
  await check((await text()).includes("Every test case passed."), "the run page says every test case passed");
  const files = await page.$$eval("a[href*='/api/v1/runs/']", (as) => as.map((a) => a.textContent));
  await check(["evidence.har", "junit.xml", "report.html", "report.json"].every((f) => files.includes(f)),
    "the run page offers its downloads");
  await check(!(await page.content()).includes("example-token"), "the run's secret is on no page");

  await run(brokenSystem);
  await check((await page.$eval("#verdict", (e) => e.textContent)) === "not-conformant", "the broken system's run is not conformant");
  const story = await text();
  await check(story.includes("TC-EX-AUTH-001") && story.includes("status equals 401"),
    "the failure's story names the test case and what was expected");

  // KL certifies the good run.
  await Promise.all([page.waitForNavigation(), page.click("form[action='/logout'] button")]);
  await page.goto(`${base}/login`);
  await page.type("#token", kl);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  await page.goto(goodRun);
  await Promise.all([page.waitForNavigation(), page.click("form[action$='/certify'] button")]);
  const certLink = await page.$eval("a[href^='/registry/']", (a) => a.getAttribute("href"));
  await check(Boolean(certLink), "KL certified the run");
  await Promise.all([page.waitForNavigation(), page.click("form[action='/logout'] button")]);

  // Anyone finds it in the registry.
  const visitor = await browser.newPage();
  await visitor.setExtraHTTPHeaders({ "Accept-Language": "en" });
  await visitor.goto(`${base}/registry`);
  await visitor.type("#vendor", "Greetings Vendor A/S");
  await Promise.all([visitor.waitForNavigation(), visitor.click("form[action='/registry'] button")]);
  const row = await visitor.$eval("tbody", (t) => t.innerText);
  await check(row.includes("Greetings <b>Server</b>") && row.includes("dk.konform.example.greetings"),
    "the registry lists the certified system");
  await Promise.all([visitor.waitForNavigation(), visitor.click(`a[href='${certLink}']`)]);
  await check((await visitor.evaluate(() => document.body.innerText)).includes("konform verify report.json"),
    "the certificate page says how to verify offline");
  const reportHref = await visitor.$eval("a[href$='/report.json']", (a) => a.href);
  const reportText = await (await fetch(reportHref)).text();
  const reportFile = join(work, "report.json");
  writeFileSync(reportFile, reportText);

  // And verifies it on the verify page; a changed copy is not authentic.
  async function verify(file) {
    await visitor.goto(`${base}/verify`);
    const input = await visitor.$("#report");
    await input.uploadFile(file);
    await Promise.all([visitor.waitForNavigation(), visitor.click("form[action='/verify'] button")]);
    return visitor.$eval("#answer", (e) => e.innerText);
  }
  const answer = await verify(reportFile);
  await check(answer.includes("The signature is authentic.") && answer.includes("anchored in KL's root") &&
    answer.includes("The registry holds it"), "the verify page: authentic, anchored, registered");
  const forged = JSON.parse(reportText);
  forged.target.product_version = "2.0.0";
  const forgedFile = join(work, "forged.json");
  writeFileSync(forgedFile, JSON.stringify(forged));
  await check((await verify(forgedFile)).includes("The report is not authentic"), "a changed report is not authentic");

  // A form without its token is refused.
  const res = await fetch(`${base}/login`, { method: "POST", body: "token=x",
    headers: { "Content-Type": "application/x-www-form-urlencoded" } });
  await check(res.status === 403, "a form without its CSRF token is refused");

  // In Danish for a Danish browser.
  const dansk = await browser.newPage();
  await dansk.setExtraHTTPHeaders({ "Accept-Language": "da-DK,da;q=0.9,en;q=0.5" });
  await dansk.goto(`${base}/registry`);
  const da = await dansk.evaluate(() => document.body.innerText);
  await check(da.includes("Offentligt register") && da.includes("Log ind") &&
    (await dansk.$eval("html", (h) => h.lang)) === "da", "Danish for a Danish browser");

  // A certificate's life: KL schedules a read-only re-verification of the live system.
  const klPage = await browser.newPage();
  await klPage.setExtraHTTPHeaders({ "Accept-Language": "en" });
  await klPage.goto(`${base}/login`);
  await klPage.type("#token", kl);
  await Promise.all([klPage.waitForNavigation(), klPage.click("button[type=submit]")]);
  await klPage.goto(`${base}${certLink}`);
  await check(await klPage.evaluate(() => [...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
    .every((el) => el.id && document.querySelector(`label[for="${el.id}"]`))),
    "certificate page: every field of KL's forms has a label");
  await klPage.$eval("#every_seconds", (el) => { el.value = "2"; });
  await klPage.type("#secrets", "GREETINGS_TOKEN=example-token");
  await Promise.all([klPage.waitForNavigation(), klPage.click(`form[action$='/schedule'] button`)]);
  const klText = () => klPage.evaluate(() => document.body.innerText);
  await check((await klText()).includes("Re-verified read-only every 2 s"), "KL scheduled a re-verification");
  await check(!(await klPage.content()).includes("example-token"), "the schedule's secret is on no page");
  async function until(what, seconds = 60) {
    for (let i = 0; i < seconds * 2; i++) {
      await klPage.goto(`${base}${certLink}`);
      if (await what()) return true;
      await new Promise((r) => setTimeout(r, 500));
    }
    return false;
  }
  await check(await until(async () => (await klText()).includes("every certified requirement still passes")),
    "a scheduled re-verification passed against the certified system", () => klText());

  // A fault is injected into the live system after certification: found, shown, announced.
  goodChild.kill("SIGKILL");
  await new Promise((r) => goodChild.once("exit", r));
  const port = new URL(good).port;
  await start(reference, ["--profile", "example", "--port", port, "--fault", "unknown-id-200"]);
  // A run cut off by the restart may regress on other requirements first (the live system
  // was down halfway through it); the next run, against the faulty system, names EX-READ-404.
  const banner = async () => { const b = await klPage.$("#regressed"); return b ? b.evaluate((e) => e.innerText) : ""; };
  await check(await until(async () => (await banner()) !== ""),
    "the certificate page marks it regressed since certification");
  await check(await until(async () => (await banner()).includes("EX-READ-404")),
    "the regression names the requirement that no longer passes", () => banner());
  await visitor.goto(`${base}/registry`);
  await check((await visitor.$eval("tbody", (t) => t.innerText)).includes("Regressed since certification"),
    "the public registry shows the regression");
  const feed = await (await fetch(`${base}${await klPage.$eval("a[href$='.json'][href*='/feeds/systems/']",
    (a) => a.getAttribute("href"))}`)).json();
  await check((feed.items || []).some((i) => i._konform.kind === "reverification.regressed"),
    "the system's feed announces the regression");

  // KL revokes it, with a reason; the log holds it and konform verify says so.
  await klPage.select("#event", "revoked");
  await klPage.type("#reason", "fails EX-READ-404 in production");
  await Promise.all([klPage.waitForNavigation(), klPage.click(`form[action$='/status'] button`)]);
  await check((await klPage.$eval("#status", (e) => e.textContent)) === "revoked", "KL revoked the certificate",
    () => klText());
  await check((await klPage.$eval("#history", (e) => e.innerText)).includes("fails EX-READ-404 in production"),
    "the history shows the revocation and its reason");
  const pre = await klPage.$eval("pre", (e) => e.textContent);
  const logKey = pre.match(/--log-key '([^']+)'/)[1];
  const revokedReport = join(work, "revoked.json");
  writeFileSync(revokedReport, await (await fetch(reportHref)).text());
  let verifyOut = "", verifyCode = 0;
  try {
    verifyOut = execFileSync(konform, ["verify", revokedReport, "--no-evidence", "--trust",
      join(demo, "root.pem"), "--log-key", logKey, "--log", `${base}/log`]).toString();
  } catch (e) {
    verifyCode = e.status;
    verifyOut = e.stdout.toString();
  }
  await check(verifyCode === 1 && verifyOut.includes("status: REVOKED"),
    "konform verify against the service's log: revoked, exit 1", () => `exit ${verifyCode}: ${verifyOut}`);
} catch (e) {
  console.log(`FAIL ${e.stack || e}`);
  failures++;
  failed.push(String(e.message || e).slice(0, 300));
} finally {
  if (browser) await browser.close();
  for (const c of children) c.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
}
console.log(failures ? `${failures} check(s) failed: ${failed.join("; ")}` : "every check passed");
process.exit(failures ? 1 : 0);
