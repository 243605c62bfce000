// The example app against a real sessiond, built from this checkout and
// started on a free loopback port over HTTPS with its development
// certificate, which the client trusts by its file.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import {
  ServiceUnavailableError, SessiondClient, UnauthenticatedError, createSessions,
} from '../src/index.js';
import { createApp } from '../example/app.js';
import { Users } from '../example/users.js';
import { apiKey, buildSessiond, startSessiond } from './sessiond.js';

const password = 'correct horse battery staple';
const reauthMaxAge = 10 * 60e3;
const dir = mkdtempSync(join(tmpdir(), 'sessiond-node-e2e-'));
const cleanups = [];
let binary;

// started runs sessiond, to be stopped after the tests.
async function started(name, flags) {
  const sessiond = await startSessiond(binary, dir, name, flags);
  cleanups.push(sessiond.stop);
  return sessiond;
}

// startApp serves the example app for a sessiond, with a clock that runs
// `skew` milliseconds ahead, and returns it with a user table of alice.
async function startApp(sessiond) {
  const client = new SessiondClient({ url: sessiond.url, apiKey, caFile: sessiond.caFile });
  const users = new Users();
  const alice = await users.add('alice', password);
  const clock = { skew: 0 };
  const sessions = createSessions({ client, now: () => Date.now() + clock.skew });
  const server = http.createServer(createApp({ client, sessions, users, reauthMaxAge }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
    client.close();
  });
  return { client, clock, users, alice, url: `http://127.0.0.1:${server.address().port}` };
}

// A browser: keeps the session cookie as Set-Cookie says, sends
// Sec-Fetch-Site same-origin unless told otherwise, follows no redirect.
class Browser {
  cookie;
  constructor(base, userAgent = 'Mozilla/5.0 (X11; Linux x86_64) e2e') {
    this.base = base;
    this.userAgent = userAgent;
  }

  async request(path, { form, site = 'same-origin', method = form ? 'POST' : 'GET' } = {}) {
    const headers = { 'user-agent': this.userAgent, 'sec-fetch-site': site };
    if (this.cookie) headers.cookie = `__Host-session=${this.cookie}`;
    const res = await fetch(this.base + path, { method, headers, redirect: 'manual', body: form && new URLSearchParams(form) });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('__Host-session='));
    if (set) this.cookie = /Max-Age=0(;|$)/.test(set) ? undefined : set.split(';')[0].split('=')[1];
    res.setCookie = set;
    res.page = await res.text();
    return res;
  }

  async login(name = 'alice', pass = password) {
    return this.request('/login', { form: { username: name, password: pass } });
  }

  // csrf reads the synchronizer token from a page's form.
  async csrf(path) {
    return /name="csrf_token" value="([^"]+)"/.exec((await this.request(path)).page)[1];
  }
}

let sessiond;
let site;

before(async () => {
  binary = buildSessiond(dir);
  sessiond = await started('main');
  site = await startApp(sessiond);
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test('login sets the __Host- cookie, and sessiond validates its token as the user', async () => {
  const browser = new Browser(site.url);
  const wrong = await browser.login('alice', 'wrong password');
  assert.equal(wrong.status, 401);
  assert.equal(wrong.setCookie, undefined);

  const res = await browser.login();
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/account');
  assert.match(res.setCookie, /^__Host-session=[A-Za-z0-9_-]{43}; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const { session } = await site.client.validate(browser.cookie);
  assert.equal(session.user_id, site.alice);
  assert.deepEqual(session.auth_methods, ['pwd']);

  const account = await browser.request('/account');
  assert.equal(account.status, 200);
  assert.match(account.page, /<strong id="user">alice<\/strong>/);
  assert.ok(!account.page.includes(browser.cookie), 'the token is never in a page');
});

test('"remember me" gives the cookie a Max-Age that ends by the absolute deadline', async () => {
  const browser = new Browser(site.url);
  // The app counts Max-Age from its own clock while it answers, which can
  // read the millisecond of the login itself: the deadline holds from the
  // moment the login was sent, not from any later reading.
  const sent = Date.now();
  const res = await browser.request('/login', { form: { username: 'alice', password, remember: 'on' } });
  const maxAge = Number(/Max-Age=(\d+)/.exec(res.setCookie)[1]);
  const { session } = await site.client.validate(browser.cookie);
  assert.ok(maxAge > 0 && sent + maxAge * 1000 <= Date.parse(session.absolute_expires_at), `Max-Age ${maxAge}`);
});

test('a cross-site POST is refused and changes nothing', async () => {
  const browser = new Browser(site.url);
  await browser.login();
  for (const site_ of ['cross-site', 'same-site']) {
    const res = await browser.request('/logout', { form: {}, site: site_ });
    assert.equal(res.status, 403);
  }
  const noToken = await browser.request('/devices/revoke-others', { form: {} });
  assert.equal(noToken.status, 403, 'a same-origin form without its CSRF token');
  assert.equal((await browser.request('/account')).status, 200, 'still signed in');
});

test('revocation in the API ends the app session on its next request', async () => {
  const browser = new Browser(site.url);
  await browser.login();
  const { session } = await site.client.validate(browser.cookie);
  await site.client.revokeSession(session.id);
  const res = await browser.request('/account');
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/login');
  assert.match(res.setCookie, /^__Host-session=; .*Max-Age=0$/);
  assert.equal(browser.cookie, undefined);
});

test('the devices page ends another device, and logout ends this one with Clear-Site-Data', async () => {
  const laptop = new Browser(site.url);
  const phone = new Browser(site.url, 'Phone/1.0');
  await laptop.login();
  await phone.login();
  const phoneId = (await site.client.validate(phone.cookie, { userAgent: 'Phone/1.0', ip: '127.0.0.1' })).session.id;
  const devices = await laptop.request('/devices');
  assert.match(devices.page, /Phone\/1\.0/);
  assert.match(devices.page, /data-current="true"/);

  const csrf = /name="csrf_token" value="([^"]+)"/.exec(devices.page)[1];
  const revoke = await laptop.request('/devices/revoke', { form: { csrf_token: csrf, session_id: phoneId } });
  assert.equal(revoke.status, 303);
  assert.equal((await phone.request('/account')).headers.get('location'), '/login');

  const token = laptop.cookie;
  const out = await laptop.request('/logout', { form: { csrf_token: csrf } });
  assert.equal(out.status, 303);
  assert.equal(out.headers.get('clear-site-data'), '"cache", "cookies", "storage"');
  assert.equal(laptop.cookie, undefined);
  await assert.rejects(site.client.validate(token), UnauthenticatedError, 'the token is dead on sessiond');
});

test('a password change needs a recent login: re-authentication rotates the cookie, and is demanded after the window', async () => {
  await site.users.add('bob', password); // whose password changes
  const browser = new Browser(site.url);
  await browser.login('bob');
  assert.equal((await browser.request('/password')).status, 200, 'fresh after login');

  const before_ = browser.cookie;
  const reauth = await browser.request('/reauth', { form: { csrf_token: await browser.csrf('/reauth'), password } });
  assert.equal(reauth.status, 303);
  assert.notEqual(browser.cookie, before_, 're-authentication re-sets the cookie with a new token');

  const change = await browser.request('/password', {
    form: { csrf_token: await browser.csrf('/password'), current_password: password, new_password: 'a new long password', revoke_others: 'on' },
  });
  assert.equal(change.status, 303);
  assert.equal(change.headers.get('location'), '/account');
  assert.equal((await new Browser(site.url).login('bob', 'a new long password')).status, 303);
  assert.equal((await new Browser(site.url).login('bob', password)).status, 401);

  // The app's clock is moved past the window rather than waited for.
  site.clock.skew = reauthMaxAge + 1000;
  try {
    const stale = await browser.request('/password');
    assert.equal(stale.status, 303);
    assert.equal(stale.headers.get('location'), '/reauth');
    const post = await browser.request('/password', { form: { current_password: 'a new long password', new_password: 'x'.repeat(20) } });
    assert.equal(post.headers.get('location'), '/reauth');
    assert.equal((await browser.request('/account')).status, 200, 'only the sensitive route asks');
  } finally {
    site.clock.skew = 0;
  }
});

test('a changed User-Agent grants nothing until the user re-authenticates as the session\'s own user', async () => {
  const browser = new Browser(site.url);
  await browser.login();
  browser.userAgent = 'Another browser/2.0';
  const account = await browser.request('/account');
  assert.equal(account.status, 303);
  assert.equal(account.headers.get('location'), '/reauth');
  assert.equal(account.setCookie, undefined, 'the cookie stays: it is what re-authenticates');
  assert.match((await browser.request('/reauth')).page, /name="username"/, 'no session shown, so the form asks who');

  const token = browser.cookie;
  const res = await browser.request('/reauth', { form: { username: 'alice', password } });
  assert.equal(res.status, 303);
  assert.notEqual(browser.cookie, token);
  assert.equal((await browser.request('/account')).status, 200);

  await site.users.add('carol', password);
  const other = new Browser(site.url);
  await other.login();
  other.userAgent = 'Stolen/1.0';
  const wrong = await other.request('/reauth', { form: { username: 'carol', password } });
  assert.equal(wrong.headers.get('location'), '/login', "another user's password ends the session");
  assert.equal(other.cookie, undefined);
});

test('a token rotated by sessiond on validate re-sets the cookie', async () => {
  const rotating = await startApp(await started('rotating', ['--rotate-every', '1ns']));
  const browser = new Browser(rotating.url);
  await browser.login();
  const first = browser.cookie;
  const res = await browser.request('/account');
  assert.equal(res.status, 200);
  assert.match(res.setCookie, /^__Host-session=[A-Za-z0-9_-]{43}; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
  assert.notEqual(browser.cookie, first);
  assert.equal((await rotating.client.validate(browser.cookie)).session.user_id, rotating.alice);
});

test('sessiond stopped: the app answers 503, neither signed in nor anonymous', async () => {
  const browser = new Browser(site.url);
  await browser.login();
  await sessiond.stop();
  const res = await browser.request('/account');
  assert.equal(res.status, 503);
  assert.ok(!res.page.includes('alice'));
  assert.equal(res.setCookie, undefined, 'the cookie is kept for when sessiond is back');
  assert.equal((await browser.request('/login', { form: { username: 'alice', password } })).status, 503);
  const newcomer = await new Browser(site.url).login();
  assert.equal(newcomer.status, 503, 'a login without a cookie is not signed in either');
  assert.equal(newcomer.setCookie, undefined);
  await assert.rejects(site.client.listUserSessions(site.alice), ServiceUnavailableError);
});

test('the client trusts no self-signed certificate unless given its CA file', async () => {
  const untrusted = await started('untrusted');
  const client = new SessiondClient({ url: untrusted.url, apiKey });
  await assert.rejects(client.create({ userId: 'u' }), ServiceUnavailableError);
  client.close();
});
