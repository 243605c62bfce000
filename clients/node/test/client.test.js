import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import {
  ConflictError, ReauthRequiredError, ServiceUnavailableError, SessiondClient, SessiondError, UnauthenticatedError,
} from '../src/index.js';
import { apiKey, fakeSessiond, newClient, session, token } from './helpers.js';

test('create sends the API key and the members in the API names', async (t) => {
  const fake = await fakeSessiond(t, () => [201, { token, session: session() }]);
  const client = newClient(t, fake.url);
  const got = await client.create({ userId: 'u1', ip: '192.0.2.1', userAgent: 'ua', authMethods: ['pwd', 'totp'], data: { a: 1 } });
  assert.equal(got.token, token);
  const [call] = fake.calls;
  assert.equal(call.method, 'POST');
  assert.equal(call.url, '/v1/sessions');
  assert.equal(call.headers.authorization, `Bearer ${apiKey}`);
  assert.equal(call.headers['content-type'], 'application/json');
  assert.deepEqual(call.body, { user_id: 'u1', ip: '192.0.2.1', user_agent: 'ua', auth_methods: ['pwd', 'totp'], data: { a: 1 } });
});

test('each call goes to its path with its method and body', async (t) => {
  const fake = await fakeSessiond(t, ({ url }) => {
    if (url.startsWith('/v1/users/')) return [200, { sessions: [], revoked: 2 }];
    if (url.startsWith('/v1/audit')) return [200, { events: [{ type: 'session.created' }], next_cursor: 'c2' }];
    if (url === '/v1/sessions?confirm=all') return [200, { revoked: 7 }];
    return [url.endsWith('/revoke') || url.startsWith('/v1/sessions/a') ? 204 : 200, url.endsWith('/revoke') ? undefined : { token, session: session() }];
  });
  const client = newClient(t, fake.url);
  await client.validate(token, { ip: '192.0.2.1', userAgent: 'ua' });
  await client.rotate(token);
  await client.updateData(token, { set: { k: 'v' }, delete: ['old'], version: 3 });
  await client.reauth(token, { authMethods: ['pwd'], ip: '192.0.2.1', userAgent: 'ua' });
  await client.revoke(token);
  await client.revokeSession('a/b');
  assert.deepEqual(await client.listUserSessions('user 1'), []);
  assert.equal(await client.revokeOthers('u1', 'keep-me'), 2);
  assert.equal(await client.revokeUserSessions('u1'), 2);
  assert.equal(await client.revokeEverything(), 7);
  assert.deepEqual(await client.audit({ userId: 'u1', type: 'session.created', limit: 5 }), [{ type: 'session.created' }]);
  assert.deepEqual(await client.auditPage({ type: 'session.created', cursor: 'c1' }), { events: [{ type: 'session.created' }], nextCursor: 'c2' });
  assert.deepEqual(fake.calls.map((c) => `${c.method} ${c.url}`), [
    'POST /v1/sessions/validate', 'POST /v1/sessions/rotate', 'POST /v1/sessions/data', 'POST /v1/sessions/reauth',
    'POST /v1/sessions/revoke', 'DELETE /v1/sessions/a%2Fb', 'GET /v1/users/user%201/sessions',
    'DELETE /v1/users/u1/sessions?except=keep-me', 'DELETE /v1/users/u1/sessions', 'DELETE /v1/sessions?confirm=all',
    'GET /v1/audit?user_id=u1&type=session.created&limit=5', 'GET /v1/audit?type=session.created&cursor=c1',
  ]);
  assert.deepEqual(fake.calls[0].body, { token, ip: '192.0.2.1', user_agent: 'ua' });
  assert.deepEqual(fake.calls[2].body, { token, set: { k: 'v' }, delete: ['old'], version: 3 });
  assert.deepEqual(fake.calls[3].body, { token, auth_methods: ['pwd'], ip: '192.0.2.1', user_agent: 'ua' });
});

test('the answers sessiond refuses with become typed errors that never hold the token', async (t) => {
  const cases = [
    [401, { error: 'invalid_session', detail: 'x' }, UnauthenticatedError, 401],
    [401, { error: 'reauth_required', detail: 'x' }, ReauthRequiredError, 401],
    [409, { error: 'conflict', detail: 'x' }, ConflictError, 409],
    [503, { error: 'unavailable', detail: 'store down' }, ServiceUnavailableError, 503],
    [502, undefined, ServiceUnavailableError, 503],
    [200, undefined, ServiceUnavailableError, 503],
    [400, { error: 'bad_request', detail: 'ip is not an IP address' }, SessiondError, 400],
    [401, { error: 'unauthorized', detail: 'a valid API key is required' }, SessiondError, 401],
  ];
  for (const [status, body, type, want] of cases) {
    const fake = await fakeSessiond(t, () => [status, body]);
    const err = await newClient(t, fake.url).validate(token).then(() => assert.fail('resolved'), (e) => e);
    assert.ok(err instanceof type, `${status} ${body?.error}: got ${err.name}`);
    assert.equal(err.status, want);
    assert.ok(!inspect(err, { depth: 5 }).includes(token), `${status}: the error shows the token`);
  }
});

test('a service that does not answer is ServiceUnavailableError, without the token', async (t) => {
  const fake = await fakeSessiond(t, () => null);
  const slow = newClient(t, fake.url, { timeout: 1 });
  const err = await slow.validate(token).catch((e) => e);
  assert.ok(err instanceof ServiceUnavailableError);
  assert.match(err.message, /timed out/);
  assert.ok(!inspect(err, { depth: 5 }).includes(token));

  const closed = fake.url;
  await new Promise((resolve) => { fake.server.closeAllConnections(); fake.server.close(resolve); });
  const refused = await newClient(t, closed).validate(token).catch((e) => e);
  assert.ok(refused instanceof ServiceUnavailableError);
  assert.match(refused.message, /did not answer/);
});

test('only idempotent calls are tried again', async (t) => {
  let failures = 0;
  const fake = await fakeSessiond(t, ({ url }) => {
    if (failures-- > 0) return [503, { error: 'unavailable', detail: '' }];
    return url.endsWith('/revoke') ? [401, { error: 'invalid_session', detail: '' }] : [200, { sessions: ['s'] }];
  });
  const client = newClient(t, fake.url);

  failures = 1;
  assert.deepEqual(await client.listUserSessions('u1'), ['s']);
  assert.equal(fake.calls.length, 2, 'GET is tried again');

  failures = 1;
  await client.revoke(token); // the repeat finds the session gone: done
  assert.equal(fake.calls.length, 4, 'revoke is tried again');

  for (const call of [() => client.validate(token), () => client.create({ userId: 'u1' }), () => client.rotate(token)]) {
    failures = 1;
    const before = fake.calls.length;
    await assert.rejects(call(), ServiceUnavailableError);
    assert.equal(fake.calls.length, before + 1, 'a POST that may have changed something is not repeated');
  }

  failures = 5;
  await assert.rejects(client.listUserSessions('u1'), ServiceUnavailableError);
  assert.equal(fake.calls.length, 9, 'one retry by default, then the error');
});

test('calls reuse one keep-alive connection', async (t) => {
  const fake = await fakeSessiond(t, () => [200, { session: session() }]);
  const client = newClient(t, fake.url);
  for (let i = 0; i < 5; i++) await client.validate(token);
  assert.equal(fake.connections, 1);
});

test('the options are checked: https, or http on loopback only; a key; sane numbers', () => {
  assert.throws(() => new SessiondClient({ url: 'http://sessiond.internal:8443', apiKey }), /https/);
  assert.throws(() => new SessiondClient({ url: 'https://localhost:8443', apiKey: '' }), /apiKey/);
  assert.throws(() => new SessiondClient({ url: 'https://localhost:8443', apiKey, timeout: 0 }), /timeout/);
  assert.throws(() => new SessiondClient({ url: 'https://localhost:8443', apiKey, retries: -1 }), /retries/);
  for (const url of ['http://127.0.0.1:1', 'http://[::1]:1', 'http://localhost:1', 'https://sessiond.internal']) {
    new SessiondClient({ url, apiKey }).close();
  }
});

test('the device-binding members go out in the API names', async (t) => {
  const fake = await fakeSessiond(t, () => [200, { token, session: session(), result: 'challenge', challenge: 'c' }]);
  const client = newClient(t, fake.url);
  await client.validate(token, { boundCookie: 'b', skipped: 'unreachable' });
  await client.rotate(token, { boundCookie: 'b' });
  await client.registerDevice(token, { response: 'jwt', origin: 'https://app.example', ip: '192.0.2.1' });
  await client.refreshDevice(token, { sessionId: '"s"', origin: 'https://app.example' });
  await client.create({ userId: 'u1', deviceBinding: true });
  assert.deepEqual(fake.calls.map((c) => [c.url, c.body]), [
    ['/v1/sessions/validate', { token, bound_cookie: 'b', skipped: 'unreachable' }],
    ['/v1/sessions/rotate', { token, bound_cookie: 'b' }],
    ['/v1/sessions/device/registration', { token, secure_session_response: 'jwt', origin: 'https://app.example', ip: '192.0.2.1' }],
    ['/v1/sessions/device/refresh', { token, sec_secure_session_id: '"s"', origin: 'https://app.example' }],
    ['/v1/sessions', { user_id: 'u1', device_binding: true }],
  ]);
});
