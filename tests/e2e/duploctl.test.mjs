// Issue 19, section 4: the simulator is this project's only portal, so it is held to a client
// nobody on this project wrote: the official DuploCloud CLI `duploctl` (PyPI
// duplocloud-client, pinned with its dependencies in tests/duploctl/requirements.txt and
// installed into .venv-duploctl/ by scripts/setup.sh test). It runs against the built-in demo
// portal under its real name, https://demo.duplocloud.net, reaching the simulator through
// the control port's CONNECT tunnel (HTTPS_PROXY) and verifying its certificate
// (REQUESTS_CA_BUNDLE from GET /certificate), with API tokens in DUPLO_TOKEN, and every
// outcome is checked against what the simulator issued: the credentials it prints sign in to
// the simulated AWS Console as the right role, its Kubernetes token is one the simulator
// issued. Nothing secret is printed, even on failure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, startSim } from './harness.mjs';

const DUPLOCTL = join(root, '.venv-duploctl/bin/duploctl');
const PORTAL = 'https://demo.duplocloud.net';
const DEV01 = '3f7c2a10-5b8e-4d1a-9c6f-0a1b2c3d4e01';
const ACCOUNT = '123456789012';
// API tokens made for this run (the demo configuration has none).
const ADMIN_TOKEN = `duploctl-admin-${randomBytes(16).toString('hex')}`;
const DEV_TOKEN = `duploctl-dev-${randomBytes(16).toString('hex')}`;

let sim;
let dir;
let ca;

/** Every secret the simulator issued, and the API tokens above, replaced in `text`. */
async function redact(text) {
  const secrets = await sim.control('/secrets');
  let out = String(text);
  for (const value of [ADMIN_TOKEN, DEV_TOKEN, ...Object.values(secrets).flat()]) {
    if (value) out = out.split(value).join('[redacted]');
  }
  return out;
}

/** Runs duploctl as `token`'s user; resolves with its exit code and output (never shown). */
function duploctl(args, token, extraEnv = {}) {
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    LANG: 'C.UTF-8',
    TZ: 'UTC', // duploctl formats the k8s expiry with local time and a "+00:00" suffix
    // Each user's own ~/.duplo: duploctl caches credentials there under the portal's host
    // (not the user), as on two people's machines.
    DUPLO_HOME: join(dir, token === ADMIN_TOKEN ? 'admin' : 'dev', '.duplo'),
    DUPLO_HOST: PORTAL,
    DUPLO_TOKEN: token,
    HTTPS_PROXY: `http://127.0.0.1:${sim.controlPort}`,
    https_proxy: `http://127.0.0.1:${sim.controlPort}`,
    NO_PROXY: '',
    no_proxy: '',
    REQUESTS_CA_BUNDLE: join(dir, 'sim.pem'),
    ...extraEnv,
  };
  return new Promise((resolve) => {
    execFile(DUPLOCTL, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** duploctl's JSON output, or a failure that says why without its secrets. */
async function duploctlJson(args, token, extraEnv) {
  const r = await duploctl(args, token, extraEnv);
  if (r.code !== 0) {
    assert.fail(`duploctl ${args.join(' ')} exited ${r.code}: ${await redact(r.stdout + r.stderr)}`);
  }
  try {
    return JSON.parse(r.stdout);
  } catch {
    return assert.fail(`duploctl ${args.join(' ')} printed no JSON: ${await redact(r.stdout)}`);
  }
}

/** A GET to a simulated host (by its real name, verifying the certificate). */
function simGet(url, cookie) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: sim.httpsPort,
      servername: u.hostname,
      path: u.pathname + u.search,
      headers: { host: u.hostname, ...(cookie ? { cookie } : {}) },
      ca,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Follows a federation login URL to the console; answers the identity the console shows. */
async function consoleIdentity(loginUrl) {
  const login = await simGet(loginUrl);
  assert.equal(login.status, 302, 'the sign-in URL was accepted');
  const cookie = login.headers['set-cookie'][0].split(';')[0];
  const page = await simGet(login.headers.location, cookie);
  assert.equal(page.status, 200, 'the console page');
  return /<p id="identity">([^<]*)<\/p>/.exec(page.body)?.[1];
}

/** Signs in with raw credentials (getSigninToken, then login): the console's identity. */
async function identityOfCredentials(creds) {
  const session = JSON.stringify({
    sessionId: creds.AccessKeyId, sessionKey: creds.SecretAccessKey, sessionToken: creds.SessionToken,
  });
  const got = await simGet(`https://signin.aws.amazon.com/federation?Action=getSigninToken&Session=${encodeURIComponent(session)}`);
  assert.equal(got.status, 200, 'the simulator knows these credentials');
  const token = JSON.parse(got.body).SigninToken;
  const destination = `https://${creds.Region}.console.aws.amazon.com/console/home`;
  return consoleIdentity(`https://signin.aws.amazon.com/federation?Action=login&Issuer=${encodeURIComponent(PORTAL)}`
    + `&Destination=${encodeURIComponent(destination)}&SigninToken=${encodeURIComponent(token)}`);
}

before(async () => {
  if (!existsSync(DUPLOCTL)) {
    throw new Error(`${DUPLOCTL} is missing: run scripts/setup.sh test`);
  }
  sim = await startSim(); // the built-in demo portal
  const config = await sim.control('/config');
  const users = config.portals[0].users;
  users.find((u) => u.username === 'admin@demo.io').api_tokens = [ADMIN_TOKEN];
  users.find((u) => u.username === 'dev@demo.io').api_tokens = [DEV_TOKEN];
  await sim.control('/config', { method: 'PUT', body: config });
  const pem = await (await fetch(`http://127.0.0.1:${sim.controlPort}/certificate`)).text();
  ca = pem;
  dir = mkdtempSync(join(tmpdir(), 'jit-duploctl-'));
  writeFileSync(join(dir, 'sim.pem'), pem);
});

after(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('tenant list lists the user\'s tenants by name (GET /adminproxy/GetTenantNames)', async () => {
  const mine = await duploctlJson(['tenant', 'list'], DEV_TOKEN);
  assert.deepEqual(mine.map((t) => t.AccountName), ['dev01', 'qa']);
  assert.equal(mine[0].TenantId, DEV01);
  const all = await duploctlJson(['tenant', 'list'], ADMIN_TOKEN);
  assert.deepEqual(all.map((t) => t.AccountName), ['dev01', 'qa', 'staging', 'prod']);
});

test('jit aws --tenant dev01 gives live credentials of role duploservices-dev01', async () => {
  const before = (await sim.control('/secrets')).access_key_ids.length;
  const creds = await duploctlJson(['jit', 'aws', '--tenant', 'dev01'], DEV_TOKEN);
  const keys = (await sim.control('/secrets')).access_key_ids;
  assert.equal(keys.length, before + 1, 'one key issued');
  assert.ok(creds.AccessKeyId === keys.at(-1), 'the AccessKeyId printed is the one the simulator issued');
  assert.equal(creds.Version, 1);
  assert.equal(creds.Region, 'us-west-2');
  assert.equal(creds.Validity, 3600);
  const log = await sim.log();
  assert.ok(log.some((e) => e.path === `/subscriptions/${DEV01}/GetAwsConsoleTokenUrl` && e.status === 200
    && e.host === 'demo.duplocloud.net'), 'asked the demo portal for dev01 by its id');
  assert.equal(await identityOfCredentials(creds), `duploservices-dev01/dev@demo.io @ ${ACCOUNT}`);
});

test('jit aws --admin gives live credentials of role duplo-admin', async () => {
  const creds = await duploctlJson(['jit', 'aws', '--admin'], ADMIN_TOKEN);
  const keys = (await sim.control('/secrets')).access_key_ids;
  assert.ok(creds.AccessKeyId === keys.at(-1), 'the AccessKeyId printed is the one the simulator issued');
  assert.equal(await identityOfCredentials(creds), `duplo-admin/admin@demo.io @ ${ACCOUNT}`);
  // A non-administrator is refused with the portal's sentence.
  const refused = await duploctl(['jit', 'aws', '--admin'], DEV_TOKEN);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stdout, /Administrator role is required\./);
});

test('jit k8s --tenant dev01 (and --admin --plan) gives an ExecCredential with the simulator\'s token and its exp', async () => {
  const cred = await duploctlJson(['jit', 'k8s', '--tenant', 'dev01'], DEV_TOKEN);
  const { now_ms: nowMs } = await sim.control('/clock');
  assert.equal(cred.kind, 'ExecCredential');
  assert.equal(cred.apiVersion, 'client.authentication.k8s.io/v1beta1');
  const tokens = (await sim.control('/secrets')).k8s_tokens;
  assert.ok(tokens.includes(cred.status.token), 'status.token is a token the simulator issued');
  const payload = JSON.parse(Buffer.from(cred.status.token.split('.')[1], 'base64url').toString());
  assert.equal(payload.sub, 'dev@demo.io');
  assert.equal(payload.exp - payload.iat, 3600);
  assert.ok(Math.abs(payload.iat - nowMs / 1000) < 60, 'issued now, on the simulator\'s clock');
  const exp = new Date(payload.exp * 1000).toISOString().replace('.000Z', '+00:00');
  assert.equal(cred.status.expirationTimestamp, exp);
  assert.match(cred.spec.cluster.server, /^https:\/\/[0-9A-F]{32}\.gr7\.us-west-2\.eks\.amazonaws\.com$/);
  const caPem = Buffer.from(cred.spec.cluster['certificate-authority-data'], 'base64').toString();
  const clusterCa = new X509Certificate(caPem);
  assert.equal(clusterCa.ca, true, 'certificate-authority-data is a CA certificate');
  assert.match(clusterCa.subject, /CN=kubernetes/);

  // An administrator names the plan (GET /v3/admin/plans/default/k8sConfig).
  const admin = await duploctlJson(['jit', 'k8s', '--admin', '--plan', 'default'], ADMIN_TOKEN);
  assert.ok((await sim.control('/secrets')).k8s_tokens.includes(admin.status.token), 'a token the simulator issued');
  assert.equal(JSON.parse(Buffer.from(admin.status.token.split('.')[1], 'base64url').toString()).sub, 'admin@demo.io');
});

test('jit k8s for staging, which has no Kubernetes, fails with the simulator\'s sentence', async () => {
  const r = await duploctl(['jit', 'k8s', '--tenant', 'staging'], ADMIN_TOKEN);
  assert.notEqual(r.code, 0);
  assert.match(r.stdout + r.stderr, /Kubernetes is not enabled for this tenant\./);
});

test('jit web opens the console sign-in URL of dev01 in the browser', async () => {
  const opened = join(dir, 'opened.txt');
  const browser = join(dir, 'browser.sh');
  // Python's webbrowser runs $BROWSER with the URL as its argument (and waits for it).
  writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`);
  chmodSync(browser, 0o755);
  const r = await duploctlJson(['jit', 'web', '--tenant', 'dev01'], DEV_TOKEN, { BROWSER: browser });
  assert.equal(r.message, 'Opening AWS console in browser');
  const urls = readFileSync(opened, 'utf8').trim().split('\n');
  assert.equal(urls.length, 1, 'one browser opened');
  const url = new URL(urls[0]);
  assert.equal(url.origin + url.pathname, 'https://signin.aws.amazon.com/federation');
  assert.equal(url.searchParams.get('Action'), 'login');
  assert.equal(url.searchParams.get('Issuer'), `${PORTAL}/`);
  assert.equal(new URL(url.searchParams.get('Destination')).host, 'us-west-2.console.aws.amazon.com');
  assert.ok((await sim.control('/secrets')).console_urls.includes(urls[0]), 'a ConsoleUrl the simulator issued');
  assert.equal(await consoleIdentity(urls[0]), `duploservices-dev01/dev@demo.io @ ${ACCOUNT}`);
});
