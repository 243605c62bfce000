// The middleware's cost per request: one Express app serves the same small
// JSON answer at /plain, and behind sessions.middleware and requireAuth at
// /session; autocannon, in a process of its own, loads each in turn over
// keep-alive connections, with a live session's cookie, against sessiond
// built from this checkout and run on this machine (memory store, HTTPS).
// The routes take turns, a few rounds each, so that other work on the
// machine weighs on both alike; the figures are the rounds' means.
//
//   node bench/overhead.js [seconds per route, default 12] [connections, default 50]

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import express from 'express';
import { SessiondClient, createSessions } from '../src/index.js';
import { apiKey, buildSessiond, startSessiond } from '../test/sessiond.js';

const seconds = Number(process.argv[2] ?? 12);
const rounds = 3;
const connections = Number(process.argv[3] ?? 50);
const autocannon = fileURLToPath(new URL('../node_modules/autocannon/autocannon.js', import.meta.url));
const userAgent = 'overhead-bench';

const dir = mkdtempSync(join(tmpdir(), 'sessiond-node-bench-'));
const sessiond = await startSessiond(buildSessiond(dir), dir, 'bench');
const client = new SessiondClient({ url: sessiond.url, apiKey, caFile: sessiond.caFile });
const sessions = createSessions({ client });
const app = express();
const answer = (req, res) => res.json({ ok: true });
app.get('/plain', answer);
app.get('/session', sessions.middleware, sessions.requireAuth, answer);
const server = http.createServer(app);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const { token } = await client.create({ userId: 'bench', ip: '127.0.0.1', userAgent });

async function load(path, duration) {
  const { stdout } = await promisify(execFile)(process.execPath, [autocannon, '-j', '-c', String(connections), '-d', String(duration),
    '-H', `cookie=__Host-session=${token}`, '-H', `user-agent=${userAgent}`, base + path], { maxBuffer: 1 << 24 });
  const result = JSON.parse(stdout);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${path}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

try {
  await load('/plain', 2); // warm up both routes and the connections to sessiond
  await load('/session', 2);
  const runs = { plain: [], session: [] };
  for (let i = 0; i < rounds; i++) {
    runs.plain.push(await load('/plain', seconds / rounds));
    runs.session.push(await load('/session', seconds / rounds));
  }
  const mean = (list, key) => list.reduce((sum, r) => sum + r[key], 0) / list.length;
  const [plain, withSessions] = [runs.plain, runs.session].map((list) => ({ rps: mean(list, 'rps'), p99: mean(list, 'p99') }));
  const row = (name, r) => `${name.padEnd(10)} ${r.rps.toFixed(0).padStart(8)} req/s   p99 ${r.p99.toFixed(1).padStart(6)} ms`;
  console.log(`node ${process.version}, ${cpus().length} CPUs, ${connections} connections, ${seconds} s per route in ${rounds} rounds`);
  console.log(row('plain', plain));
  console.log(row('middleware', withSessions));
  console.log(`ratio      ${(withSessions.rps / plain.rps).toFixed(2)} of the requests/s, ${(withSessions.p99 / plain.p99).toFixed(2)}x the p99`);
} finally {
  server.close();
  client.close();
  await sessiond.stop();
  rmSync(dir, { recursive: true, force: true });
}
