// A stand-in for sessiond that answers as each test tells it and records
// the calls it got, and an Express app around createSessions.

import http from 'node:http';
import express from 'express';
import { SessiondClient, createSessions } from '../src/index.js';

export const apiKey = 'k'.repeat(32);
export const token = 'T0kenT0kenT0kenT0kenT0kenT0kenT0kenT0kenT0k';
export const newToken = 'N3wT0kenN3wT0kenN3wT0kenN3wT0kenN3wT0kenN3w';

/** A session as sessiond shows it, auth_time at `at` (milliseconds). */
export function session(at = Date.now(), extra = {}) {
  const time = (ms) => new Date(ms).toISOString();
  return {
    id: 'sess-1', user_id: 'u1', state: 'active', created_at: time(at), last_seen_at: time(at),
    idle_expires_at: time(at + 30 * 60e3), absolute_expires_at: time(at + 12 * 3600e3),
    auth_time: time(at), auth_methods: ['pwd'], ip: '127.0.0.1', user_agent: 'ua', version: 1, data: {},
    ...extra,
  };
}

/**
 * Starts a fake sessiond. answer(call) returns [status, body] or null to
 * never answer; calls lists {method, url, headers, body} and connections
 * counts the TCP connections made to it.
 */
export async function fakeSessiond(t, answer) {
  const calls = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => { text += c; });
    req.on('end', () => {
      const call = { method: req.method, url: req.url, headers: req.headers, body: text ? JSON.parse(text) : undefined };
      calls.push(call);
      const reply = answer(call);
      if (reply === null) return;
      const [status, body] = reply;
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    });
  });
  const fake = { calls, connections: 0, server };
  server.on('connection', () => { fake.connections++; });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${server.address().port}`;
  t.after(() => { server.closeAllConnections(); server.close(); });
  return fake;
}

export function newClient(t, url, options = {}) {
  const client = new SessiondClient({ url, apiKey, ...options });
  t.after(() => client.close());
  return client;
}

/**
 * Serves an Express app: createSessions(options) in front of routes(app, s),
 * and an error handler that answers err.status with err.code.
 */
export async function serveApp(t, options, routes) {
  const s = createSessions(options);
  const app = express();
  app.use(s.middleware);
  routes(app, s);
  app.use((err, req, res, next) => {
    res.status(err.status ?? 500).json({ error: err.code ?? 'error' });
  });
  const server = http.createServer(app);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => { server.closeAllConnections(); server.close(); });
  return { s, url: `http://127.0.0.1:${server.address().port}`, host: `127.0.0.1:${server.address().port}` };
}

/** The session cookie's Set-Cookie line of a response, or undefined. */
export function sessionCookie(res) {
  return res.headers.getSetCookie().find((c) => c.startsWith('__Host-session='));
}
