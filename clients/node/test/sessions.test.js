import { test } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import { createSessions } from '../src/index.js';
import { fakeSessiond, newClient, newToken, serveApp, session, sessionCookie, token } from './helpers.js';

const attributes = 'Path=/; Secure; HttpOnly; SameSite=Lax';

// whoami answers what the middleware put on req.
function whoami(app) {
  app.all('/me', (req, res) => res.json({ session: req.session?.id ?? null, reauth: req.reauthRequired }));
}

async function setup(t, answer, options = {}, routes = whoami, clientOptions = {}) {
  const fake = await fakeSessiond(t, answer);
  const app = await serveApp(t, { client: newClient(t, fake.url, clientOptions), ...options }, routes);
  return { fake, ...app };
}

const withCookie = (value = token, headers = {}) => ({ headers: { cookie: `other=1; __Host-session=${value}`, 'user-agent': 'ua', ...headers } });

test('a request without a cookie is anonymous and costs no call', async (t) => {
  const { fake, url } = await setup(t, () => assert.fail('called'));
  const res = await fetch(`${url}/me`);
  assert.deepEqual(await res.json(), { session: null, reauth: false });
  assert.equal(fake.calls.length, 0);
  assert.equal(sessionCookie(res), undefined);
});

test('a live cookie puts the session on req, validated with the client IP and User-Agent', async (t) => {
  const { fake, url } = await setup(t, () => [200, { session: session() }]);
  const res = await fetch(`${url}/me`, withCookie());
  assert.deepEqual(await res.json(), { session: 'sess-1', reauth: false });
  assert.deepEqual(fake.calls[0].body, { token, ip: '127.0.0.1', user_agent: 'ua' });
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(sessionCookie(res), undefined, 'no rotation, no Set-Cookie');
});

test('a token rotated by validate re-sets the cookie, for the browser session only', async (t) => {
  const { url } = await setup(t, () => [200, { token: newToken, session: session() }]);
  const res = await fetch(`${url}/me`, withCookie());
  assert.equal(sessionCookie(res), `__Host-session=${newToken}; ${attributes}`);
  assert.equal(res.headers.get('cache-control'), 'no-store');
});

test('a "remember me" session keeps its Max-Age on rotation, ending at the absolute deadline', async (t) => {
  const now = Date.parse('2026-01-01T10:00:00Z');
  const s = session(now - 3600e3, { data: { 'sessiond.remember': true } }); // absolute deadline in 11 h
  const { url } = await setup(t, () => [200, { token: newToken, session: s }], { now: () => now });
  const res = await fetch(`${url}/me`, withCookie());
  assert.equal(sessionCookie(res), `__Host-session=${newToken}; ${attributes}; Max-Age=${11 * 3600}`);
});

test('a dead or malformed cookie is cleared and the request is anonymous', async (t) => {
  const { fake, url } = await setup(t, () => [401, { error: 'invalid_session', detail: '' }]);
  for (const value of [token, 'short', `${token}<script>`, 'x'.repeat(300)]) {
    const res = await fetch(`${url}/me`, withCookie(value));
    assert.deepEqual(await res.json(), { session: null, reauth: false });
    assert.equal(sessionCookie(res), `__Host-session=; ${attributes}; Max-Age=0`);
  }
  assert.equal(fake.calls.length, 1, 'only the well-formed token is asked about');
});

test('sessiond down, failing or silent means 503 and the route never runs', async (t) => {
  let ran = false;
  const routes = (app, s) => app.get('/page', s.requireAuth, (req, res) => { ran = true; res.end(); });
  const replies = [[503, { error: 'unavailable', detail: '' }], [400, { error: 'bad_request', detail: '' }], null];
  for (const reply of replies) {
    const { url } = await setup(t, () => reply, {}, routes, { timeout: reply === null ? 1 : 2000 });
    const res = await fetch(`${url}/page`, withCookie());
    assert.equal(res.status, 503, `sessiond answering ${reply?.[0] ?? 'nothing'}`);
    assert.equal(sessionCookie(res), undefined, 'the cookie is kept for when the service is back');
  }
  const fake = await fakeSessiond(t, () => assert.fail('called'));
  await new Promise((resolve) => { fake.server.close(resolve); });
  const down = await serveApp(t, { client: newClient(t, fake.url) }, routes);
  assert.equal((await fetch(`${down.url}/page`, withCookie())).status, 503, 'sessiond not listening');
  assert.equal(ran, false);
});

test('a session that must re-authenticate grants nothing but can re-authenticate', async (t) => {
  const { fake, url } = await setup(t, ({ url: path }) => (path.endsWith('/reauth')
    ? [200, { token: newToken, session: session() }]
    : [401, { error: 'reauth_required', detail: '' }]), {}, (app, s) => {
    whoami(app);
    app.get('/page', s.requireAuth, (req, res) => res.end('secret'));
    app.post('/reauth', async (req, res) => res.json({ session: (await s.reauthenticate(req, res)).id }));
  });
  const me = await fetch(`${url}/me`, withCookie());
  assert.deepEqual(await me.json(), { session: null, reauth: true });
  assert.equal(sessionCookie(me), undefined, 'the cookie stays: it is what re-authenticates');
  const page = await fetch(`${url}/page`, withCookie());
  assert.equal(page.status, 401);
  assert.deepEqual(await page.json(), { error: 'reauth_required' });
  const reauth = await fetch(`${url}/reauth`, { method: 'POST', ...withCookie(token, { 'sec-fetch-site': 'same-origin' }) });
  assert.deepEqual(await reauth.json(), { session: 'sess-1' });
  assert.equal(sessionCookie(reauth), `__Host-session=${newToken}; ${attributes}`);
  assert.deepEqual(fake.calls.at(-1).body, { token, auth_methods: ['pwd'], ip: '127.0.0.1', user_agent: 'ua' });
});

test('unsafe methods from another site, or with neither Sec-Fetch-Site nor Origin, are refused before any call', async (t) => {
  const { fake, url, host } = await setup(t, () => [200, { session: session() }]);
  const refused = [
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site' },
    { 'sec-fetch-site': 'cross-site', origin: `http://${host}` },
    { origin: 'https://evil.example' },
    { origin: 'null' },
    { origin: `https://${host}` }, // the scheme differs: http here
    { origin: 'not a url' },
    {},
  ];
  for (const headers of refused) {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await fetch(`${url}/me`, { method, ...withCookie(token, headers) });
      assert.equal(res.status, 403, `${method} ${JSON.stringify(headers)}`);
      assert.deepEqual(await res.json(), { error: 'csrf' });
    }
  }
  assert.equal(fake.calls.length, 0);
  for (const headers of [{ 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-site': 'none' }, { origin: `http://${host}` }]) {
    const res = await fetch(`${url}/me`, { method: 'POST', ...withCookie(token, headers) });
    assert.equal(res.status, 200, JSON.stringify(headers));
  }
  const get = await fetch(`${url}/me`, withCookie(token, { 'sec-fetch-site': 'cross-site' }));
  assert.equal(get.status, 200, 'a cross-site GET (a link) is let through');
});

test('forwarding headers count only from trusted proxies', () => {
  const s = createSessions({ client: {}, trustedProxies: ['10.0.0.0/8', '::1', '2001:db8::/32'] });
  const req = (remoteAddress, xff, encrypted) => ({ socket: { remoteAddress, encrypted }, headers: { 'x-forwarded-for': xff } });
  assert.equal(s.clientIp(req('203.0.113.7', '198.51.100.1')), '203.0.113.7', 'an untrusted peer is the client');
  assert.equal(s.clientIp(req('10.0.0.1', '198.51.100.1, 10.0.0.2')), '198.51.100.1');
  assert.equal(s.clientIp(req('::ffff:10.0.0.1', '192.0.2.9, 198.51.100.1, 10.9.9.9')), '198.51.100.1', 'the nearest untrusted hop');
  assert.equal(s.clientIp(req('10.0.0.1', 'garbage, 10.0.0.2')), '10.0.0.2', 'a hop that is no address ends the walk');
  assert.equal(s.clientIp(req('10.0.0.1', undefined)), '10.0.0.1');
  assert.equal(s.clientIp(req('::1', '2001:db8::5, ::ffff:192.0.2.4')), '192.0.2.4');
  assert.equal(s.clientIp(req('fe80::1%eth0', '192.0.2.4')), 'fe80::1', 'no zone, and untrusted');
  for (const bad of ['10.0.0.0/', '10.0.0.0/33', 'proxy', '10.0.0.0/8/1', '::/129']) {
    assert.throws(() => createSessions({ client: {}, trustedProxies: [bad] }), /not an address or CIDR/, bad);
  }
  assert.throws(() => createSessions({ client: {}, csrfSecret: 'short' }), /32 bytes/);
});

test('an Origin behind a trusted proxy is compared with the scheme it forwarded', async (t) => {
  const { url, host } = await setup(t, () => [200, { session: session() }], { trustedProxies: ['127.0.0.1/32'] });
  const post = (headers) => fetch(`${url}/me`, { method: 'POST', headers }).then((r) => r.status);
  assert.equal(await post({ origin: `https://${host}`, 'x-forwarded-proto': 'https' }), 200);
  assert.equal(await post({ origin: `http://${host}`, 'x-forwarded-proto': 'https' }), 403);
});

test('login ends the session the browser came with and sets a fresh cookie', async (t) => {
  const now = Date.parse('2026-01-01T10:00:00Z');
  const { fake, url } = await setup(t, ({ url: path }) => {
    if (path.endsWith('/revoke')) return [204];
    if (path.endsWith('/validate')) return [200, { session: session(now) }];
    return [201, { token: newToken, session: session(now, { data: { 'sessiond.remember': true } }) }];
  }, { now: () => now }, (app, s) => {
    app.post('/login', express.json(), async (req, res) => {
      const created = await s.login(req, res, 'u1', { remember: req.body.remember, data: { theme: 'dark' } });
      res.json({ session: created.id, onReq: req.session.id });
    });
  });
  const res = await fetch(`${url}/login`, {
    method: 'POST', body: JSON.stringify({ remember: true }),
    headers: { ...withCookie().headers, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
  });
  assert.deepEqual(await res.json(), { session: 'sess-1', onReq: 'sess-1' });
  assert.equal(sessionCookie(res), `__Host-session=${newToken}; ${attributes}; Max-Age=${12 * 3600}`);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.deepEqual(fake.calls.map((c) => c.url), ['/v1/sessions/validate', '/v1/sessions/revoke', '/v1/sessions']);
  assert.deepEqual(fake.calls[1].body, { token });
  assert.deepEqual(fake.calls[2].body, {
    user_id: 'u1', ip: '127.0.0.1', user_agent: 'ua', auth_methods: ['pwd'], data: { theme: 'dark', 'sessiond.remember': true },
  });
});

test('logout revokes, clears the cookie and the site data; with sessiond down it fails and keeps the cookie', async (t) => {
  let down = false;
  const { fake, url } = await setup(t, ({ url: path }) => {
    if (down) return [503, { error: 'unavailable', detail: '' }];
    return path.endsWith('/revoke') ? [204] : [200, { session: session() }];
  }, {}, (app, s) => {
    app.post('/logout', async (req, res, next) => {
      try {
        await s.logout(req, res);
        res.end();
      } catch (err) {
        next(err);
      }
    });
  });
  const headers = withCookie(token, { 'sec-fetch-site': 'same-origin' });
  const res = await fetch(`${url}/logout`, { method: 'POST', ...headers });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('clear-site-data'), '"cache", "cookies", "storage"');
  assert.equal(sessionCookie(res), `__Host-session=; ${attributes}; Max-Age=0`);
  assert.deepEqual(fake.calls.at(-1), { ...fake.calls.at(-1), url: '/v1/sessions/revoke', body: { token } });

  down = true;
  const failed = await fetch(`${url}/logout`, { method: 'POST', ...headers });
  assert.equal(failed.status, 503);
  assert.equal(failed.headers.get('clear-site-data'), null);
});

test('requireRecentAuth demands a login no older than its window', async (t) => {
  const login = Date.parse('2026-01-01T10:00:00Z');
  let now = login;
  const { url } = await setup(t, () => [200, { session: session(login) }], { now: () => now }, (app, s) => {
    app.get('/password', s.requireRecentAuth(10 * 60e3), (req, res) => res.end('form'));
  });
  const status = async () => (await fetch(`${url}/password`, withCookie())).status;
  assert.equal(await status(), 200);
  now = login + 10 * 60e3;
  assert.equal(await status(), 200, 'at the edge of the window');
  now += 1;
  assert.equal(await status(), 401);
  assert.equal((await fetch(`${url}/password`)).status, 401, 'anonymous');
  assert.throws(() => createSessions({ client: {} }).requireRecentAuth(0), /maxAge/);
});

test('a form needs the synchronizer token of its own session', async (t) => {
  let id = 'sess-1';
  const { url } = await setup(t, () => [200, { session: session(Date.now(), { id }) }], {}, (app, s) => {
    app.get('/form', (req, res) => res.end(s.csrfToken(req)));
    app.post('/form', express.urlencoded({ extended: false }), s.checkCsrfToken, (req, res) => res.end('done'));
  });
  const mine = await (await fetch(`${url}/form`, withCookie())).text();
  const post = (body, extra = {}) => fetch(`${url}/form`, {
    method: 'POST', body, ...withCookie(token, { 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded', ...extra }),
  }).then((r) => r.status);
  assert.equal(await post(`csrf_token=${mine}`), 200);
  assert.equal(await post('', { 'x-csrf-token': mine }), 200);
  assert.equal(await post(''), 403);
  assert.equal(await post(`csrf_token=${mine.slice(1)}`), 403);
  assert.equal(await post(`csrf_token=${mine.slice(0, -1)}${mine.endsWith('A') ? 'B' : 'A'}`), 403, 'one character changed');
  id = 'sess-2';
  assert.equal(await post(`csrf_token=${mine}`), 403, "another session's token");
});
