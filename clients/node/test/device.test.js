// Sessions bound to a device (W3C DBSC) through a real sessiond started
// with --device-binding: the test plays the browser, with a P-256 key
// that signs dbsc+jwt proofs, and the application, which passes the
// browser's device requests on to sessiond and answers with
// sendDeviceAnswer.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import {
  SessiondClient, UnauthenticatedError, boundCookieName, sendDeviceAnswer,
} from '../src/index.js';
import { apiKey, buildSessiond, startSessiond } from './sessiond.js';

const origin = 'https://app.example';
const dir = mkdtempSync(join(tmpdir(), 'sessiond-node-device-'));
let sessiond;
let client;

before(async () => {
  sessiond = await startSessiond(buildSessiond(dir), dir, 'device', ['--device-binding']);
  client = new SessiondClient({ url: sessiond.url, apiKey, caFile: sessiond.caFile });
});

after(async () => {
  client?.close();
  await sessiond?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

// device is a browser's key: it signs proofs as Chromium does.
function device() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const jwt = (header, payload) => {
    const input = `${b64(header)}.${b64(payload)}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
  return {
    registration: (challenge, authorization) => jwt({ alg: 'ES256', typ: 'dbsc+jwt', jwk: { kty, crv, x, y } }, { jti: challenge, authorization }),
    refresh: (challenge) => jwt({ alg: 'ES256', typ: 'dbsc+jwt' }, { jti: challenge }),
  };
}

// answered runs sendDeviceAnswer on a real response and returns what the
// browser receives.
async function answered(answer) {
  const server = http.createServer((req, res) => sendDeviceAnswer(res, answer));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${server.address().port}/`, { method: 'POST' });
    return { status: res.status, headers: res.headers, body: await res.text() };
  } finally {
    server.close();
  }
}

test('a session is bound through the client, needs its bound cookie, refreshes, and ends with revocation', async () => {
  const dev = device();
  const created = await client.create({ userId: 'alice', authMethods: ['pwd'], deviceBinding: true });
  const offer = /^\(ES256 RS256\);path="([^"]+)";challenge="([^"]+)";authorization="([^"]+)"$/.exec(created.device_registration);
  assert.ok(offer, `device_registration ${created.device_registration}`);
  const { token } = created;
  const id = created.session.id;
  assert.equal(created.session.device.bound, false);

  const reg = await client.registerDevice(token, { response: dev.registration(offer[2], offer[3]), origin });
  assert.equal(reg.result, 'bound');
  assert.equal(reg.cookie.name, boundCookieName);
  let res = await answered(reg);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('set-cookie'), reg.cookie.set_cookie);
  assert.ok(res.headers.get('secure-session-challenge'));
  assert.equal(JSON.parse(res.body).session_identifier, id);

  const bound = await client.validate(token, { boundCookie: reg.cookie.value });
  assert.equal(bound.session.device.bound, true);
  assert.equal(bound.session.device.alg, 'ES256');
  await assert.rejects(client.validate(token), UnauthenticatedError);
  await assert.rejects(client.validate(token, { boundCookie: 'copied', skipped: 'unreachable' }), UnauthenticatedError);

  const sessionId = `"${id}"`;
  const first = await client.refreshDevice(token, { sessionId, origin });
  assert.equal(first.result, 'challenge');
  res = await answered(first);
  assert.equal(res.status, 403);
  const challenge = /^"([^"]+)";id="([^"]+)"$/.exec(res.headers.get('secure-session-challenge'));
  assert.equal(challenge[2], id);
  const refreshed = await client.refreshDevice(token, { sessionId, origin, response: dev.refresh(challenge[1]) });
  assert.equal(refreshed.result, 'bound');
  assert.notEqual(refreshed.cookie.value, reg.cookie.value);
  await client.validate(token, { boundCookie: refreshed.cookie.value });

  await client.revoke(token);
  const next = /^"([^"]+)"/.exec(refreshed.challenge)[1];
  await assert.rejects(client.refreshDevice(token, { sessionId, origin, response: dev.refresh(next) }), UnauthenticatedError);
  assert.equal((await answered(null)).status, 403);
});
