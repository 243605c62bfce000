// SessiondClient calls sessiond's API v1 over a pool of keep-alive
// connections (node:https or node:http with an Agent, which takes a CA
// file where the built-in fetch cannot without a dependency).

import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import {
  ConflictError,
  ReauthRequiredError,
  ServiceUnavailableError,
  SessiondError,
  UnauthenticatedError,
} from './errors.js';

const maxAnswer = 4 << 20;
const loopback = new Set(['localhost', '127.0.0.1', '[::1]']);

export class SessiondClient {
  #base;
  #apiKey;
  #timeout;
  #retries;
  #agent;
  #transport;

  /**
   * @param {object} options
   * @param {string} options.url sessiond's address, https:// (http:// only on loopback)
   * @param {string} options.apiKey an API key of sessiond
   * @param {string|Buffer} [options.ca] PEM certificates to trust for sessiond
   * @param {string} [options.caFile] a file of them, such as sessiond's dev-cert.pem
   * @param {number} [options.timeout] milliseconds for each call (default 2000)
   * @param {number} [options.retries] extra attempts for idempotent calls (default 1)
   */
  constructor({ url, apiKey, ca, caFile, timeout = 2000, retries = 1 }) {
    const base = new URL(url);
    if (base.protocol !== 'https:' && !(base.protocol === 'http:' && loopback.has(base.hostname))) {
      throw new TypeError('sessiond url must be https:// (http:// only on a loopback address)');
    }
    if (typeof apiKey !== 'string' || apiKey === '') {
      throw new TypeError('sessiond apiKey must be a non-empty string');
    }
    if (!(Number.isFinite(timeout) && timeout > 0) || !(Number.isInteger(retries) && retries >= 0)) {
      throw new TypeError('timeout must be a positive number and retries a whole number');
    }
    this.#base = base.origin;
    this.#apiKey = apiKey;
    this.#timeout = timeout;
    this.#retries = retries;
    const tls = base.protocol === 'https:';
    this.#transport = tls ? https : http;
    const pool = { keepAlive: true, scheduling: 'lifo' };
    this.#agent = tls
      ? new https.Agent({ ...pool, ca: caFile === undefined ? ca : readFileSync(caFile) })
      : new http.Agent(pool);
  }

  /** Closes the pooled connections. */
  close() {
    this.#agent.destroy();
  }

  /**
   * Starts a session for a user the application has authenticated.
   * @returns {Promise<{token: string, session: object}>}
   */
  create({ userId, ip, userAgent, authMethods, data, deviceBinding }) {
    return this.#call('POST', '/v1/sessions', {
      user_id: userId, ip, user_agent: userAgent, auth_methods: authMethods, data, device_binding: deviceBinding,
    });
  }

  /**
   * Checks a token and records activity. Not retried: a call that timed
   * out may have rotated the token. A session bound to a device needs
   * boundCookie, the value of the browser's __Host-bound cookie, and
   * takes skipped, its Secure-Session-Skipped header.
   * @returns {Promise<{session: object, token?: string}>}
   */
  validate(token, { ip, userAgent, boundCookie, skipped } = {}) {
    return this.#call('POST', '/v1/sessions/validate', {
      token, bound_cookie: boundCookie, skipped, ip, user_agent: userAgent,
    });
  }

  /** @returns {Promise<{token: string, session: object}>} */
  rotate(token, { boundCookie, skipped } = {}) {
    return this.#call('POST', '/v1/sessions/rotate', { token, bound_cookie: boundCookie, skipped });
  }

  /**
   * Sets and deletes session data; with version, only if the session is
   * still at that version (ConflictError otherwise).
   * @returns {Promise<{session: object, token?: string}>}
   */
  updateData(token, { set, delete: keys, version, boundCookie, skipped } = {}) {
    return this.#call('POST', '/v1/sessions/data', {
      token, bound_cookie: boundCookie, skipped, set, delete: keys, version,
    });
  }

  /** @returns {Promise<{token: string, session: object}>} */
  reauth(token, { authMethods, ip, userAgent, boundCookie, skipped }) {
    return this.#call('POST', '/v1/sessions/reauth', {
      token, bound_cookie: boundCookie, skipped, auth_methods: authMethods, ip, user_agent: userAgent,
    });
  }

  /**
   * Passes on a browser's device registration (W3C DBSC), which it POSTs
   * to the path of the offer (create's device_registration) with its
   * session cookie. response is its Secure-Session-Response header,
   * origin the application's (https://host). The answer says what to
   * answer the browser: see deviceResponse.
   * @returns {Promise<DeviceAnswer>}
   */
  registerDevice(token, { response, origin, ip, userAgent }) {
    return this.#call('POST', '/v1/sessions/device/registration', {
      token, secure_session_response: response, origin, ip, user_agent: userAgent,
    });
  }

  /**
   * Passes on a browser's refresh of a bound session: sessionId is its
   * Sec-Secure-Session-Id header, response its Secure-Session-Response
   * (absent on the first try).
   * @returns {Promise<DeviceAnswer>}
   */
  refreshDevice(token, { response, sessionId, origin, ip, userAgent }) {
    return this.#call('POST', '/v1/sessions/device/refresh', {
      token, secure_session_response: response, sec_secure_session_id: sessionId, origin, ip, user_agent: userAgent,
    });
  }

  /** Ends the session of a token (logout); a token already dead is no error. */
  async revoke(token) {
    try {
      await this.#call('POST', '/v1/sessions/revoke', { token }, true);
    } catch (err) {
      if (!(err instanceof UnauthenticatedError)) throw err;
    }
  }

  /** Ends a session by its public id. */
  async revokeSession(id) {
    await this.#call('DELETE', `/v1/sessions/${encodeURIComponent(id)}`);
  }

  /** @returns {Promise<object[]>} the user's live sessions, never with a token */
  async listUserSessions(userId) {
    return (await this.#call('GET', `/v1/users/${encodeURIComponent(userId)}/sessions`)).sessions;
  }

  /**
   * Ends a user's sessions but those whose ids are in except.
   * @returns {Promise<number>} how many ended
   */
  async revokeUserSessions(userId, { except = [] } = {}) {
    const query = new URLSearchParams(except.map((id) => ['except', id]));
    const path = `/v1/users/${encodeURIComponent(userId)}/sessions`;
    return (await this.#call('DELETE', except.length ? `${path}?${query}` : path)).revoked;
  }

  /** Ends every session of the user but the one whose id is currentId. */
  revokeOthers(userId, currentId) {
    return this.revokeUserSessions(userId, { except: [currentId] });
  }

  /** Ends every session of every user (incident response). */
  async revokeEverything() {
    return (await this.#call('DELETE', '/v1/sessions?confirm=all')).revoked;
  }

  /** @returns {Promise<object[]>} audit events, newest first: the first page */
  async audit({ userId, sessionId, type, limit } = {}) {
    return (await this.auditPage({ userId, sessionId, type, limit })).events;
  }

  /**
   * One page of audit events, newest first, and the cursor of the next
   * page: pass it back as cursor, with the same userId, sessionId and type;
   * it is '' after the last page.
   * @returns {Promise<{events: object[], nextCursor: string}>}
   */
  async auditPage({ userId, sessionId, type, limit, cursor } = {}) {
    const query = new URLSearchParams();
    for (const [name, value] of [['user_id', userId], ['session_id', sessionId], ['type', type], ['limit', limit], ['cursor', cursor]]) {
      if (value !== undefined && value !== '') query.set(name, String(value));
    }
    const answer = await this.#call('GET', `/v1/audit?${query}`);
    return { events: answer.events, nextCursor: answer.next_cursor ?? '' };
  }

  // #call sends one call, again on a failure to answer when idempotent
  // (GET, DELETE, and revoke, whose repeat finds the session gone).
  async #call(method, path, body, idempotent = method !== 'POST') {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#send(method, path, payload);
      } catch (err) {
        if (!(err instanceof ServiceUnavailableError) || !idempotent || attempt >= this.#retries) throw err;
      }
    }
  }

  #send(method, path, payload) {
    const headers = { authorization: `Bearer ${this.#apiKey}`, accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise((resolve, reject) => {
      const req = this.#transport.request(this.#base + path, {
        method, headers, agent: this.#agent, signal: AbortSignal.timeout(this.#timeout),
      }, (res) => {
        const chunks = [];
        let size = 0;
        res.on('data', (chunk) => {
          size += chunk.length;
          if (size > maxAnswer) req.destroy(new Error('answer too large'));
          else chunks.push(chunk);
        });
        res.on('error', (err) => reject(unavailable(err)));
        res.on('end', () => {
          try {
            resolve(answer(res.statusCode, Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(err);
          }
        });
      });
      req.on('error', (err) => reject(unavailable(err)));
      req.end(payload);
    });
  }
}

function unavailable(err) {
  const why = err.name === 'TimeoutError' || err.name === 'AbortError' ? 'timed out' : 'did not answer';
  return new ServiceUnavailableError(`the session service ${why}`, { cause: err });
}

// answer turns sessiond's answer into its value or throws the error it names.
function answer(status, text) {
  if (status === 204) return undefined;
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const ok = status >= 200 && status < 300;
  if (ok && body !== null && typeof body === 'object') return body;
  const code = typeof body?.error === 'string' ? body.error : '';
  const detail = typeof body?.detail === 'string' ? body.detail : `status ${status}`;
  if (status === 401 && code === 'invalid_session') throw new UnauthenticatedError();
  if (status === 401 && code === 'reauth_required') throw new ReauthRequiredError();
  if (status === 409) throw new ConflictError();
  if (ok || status >= 500) throw new ServiceUnavailableError(`the session service answered ${status}: ${detail}`);
  throw new SessiondError(`sessiond refused the call (${status} ${code}): ${detail}`, { status, code });
}
