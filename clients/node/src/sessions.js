// createSessions: Express-style middleware and helpers that keep a
// sessiond session in a __Host- cookie. They take Node's req and res and
// call next as Express does, so they also suit Connect-style servers.

import { BlockList, isIP } from 'node:net';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  CsrfError,
  ReauthRequiredError,
  ServiceUnavailableError,
  UnauthenticatedError,
} from './errors.js';

/** The session cookie's name: __Host- makes the browser demand Secure, Path=/ and no Domain. */
export const cookieName = '__Host-session';

/** The bound cookie of a session bound to a device (W3C DBSC). */
export const boundCookieName = '__Host-bound';

/** The session data key that marks a "remember me" login, whose cookie outlives the browser. */
export const rememberKey = 'sessiond.remember';

const attributes = 'Path=/; Secure; HttpOnly; SameSite=Lax';
const tokenShape = /^[A-Za-z0-9_-]{16,128}$/;
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const clearSiteData = '"cache", "cookies", "storage"';

/**
 * @param {object} options
 * @param {import('./client.js').SessiondClient} options.client
 * @param {string[]} [options.trustedProxies] CIDRs of the reverse proxies whose
 *   X-Forwarded-For and X-Forwarded-Proto are believed (none by default)
 * @param {string|Buffer} [options.csrfSecret] key of the forms' synchronizer
 *   tokens, at least 32 bytes, the same on every replica (random by default)
 * @param {() => number} [options.now] the clock, in milliseconds
 */
export function createSessions({ client, trustedProxies = [], csrfSecret = randomBytes(32), now = Date.now }) {
  if (client === undefined) throw new TypeError('createSessions needs a client');
  if (Buffer.byteLength(csrfSecret) < 32) throw new TypeError('csrfSecret must be at least 32 bytes');
  const proxies = proxyList(trustedProxies);
  // The token each request presented, kept off req so that no log of req shows it.
  const tokens = new WeakMap();

  const trusted = (ip) => ip !== undefined && proxies.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');

  /** The client's address: the connection's, or past trusted proxies the nearest hop they name. */
  function clientIp(req) {
    let ip = plainIp(req.socket?.remoteAddress);
    if (!trusted(ip)) return ip;
    const hops = String(req.headers['x-forwarded-for'] ?? '').split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = plainIp(hops[i].trim());
      if (hop === undefined) return ip;
      if (!trusted(hop)) return hop;
      ip = hop;
    }
    return ip;
  }

  function scheme(req) {
    if (req.socket?.encrypted) return 'https';
    const proto = req.headers['x-forwarded-proto'];
    if ((proto === 'https' || proto === 'http') && trusted(plainIp(req.socket?.remoteAddress))) return proto;
    return 'http';
  }

  // sameOrigin says whether an unsafe request comes from the site's own
  // pages: Sec-Fetch-Site when the browser sends it, else Origin against
  // the Host; with neither the request is refused.
  function sameOrigin(req) {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined) return site === 'same-origin' || site === 'none';
    const origin = req.headers.origin;
    if (origin === undefined || origin === 'null') return false;
    try {
      const url = new URL(origin);
      return url.host === req.headers.host && url.protocol === `${scheme(req)}:`;
    } catch {
      return false;
    }
  }

  // who is the request's client, and its session's device-binding proof.
  function who(req) {
    return {
      ip: clientIp(req),
      userAgent: req.headers['user-agent'] ?? '',
      boundCookie: readCookie(req.headers.cookie, boundCookieName),
      skipped: req.headers['secure-session-skipped'],
    };
  }

  function setCookie(res, value, maxAge) {
    const cookie = `${cookieName}=${value}; ${attributes}${maxAge === undefined ? '' : `; Max-Age=${maxAge}`}`;
    const others = [res.getHeader('set-cookie') ?? []].flat().filter((c) => !String(c).startsWith(`${cookieName}=`));
    res.setHeader('set-cookie', [...others, cookie]);
    res.setHeader('cache-control', 'no-store');
  }

  // keep puts a session's token in the cookie: for the browser's session
  // only, or for a "remember me" login until the absolute deadline.
  function keep(req, res, token, session) {
    let maxAge;
    if (session.data?.[rememberKey] === true) {
      maxAge = Math.max(0, Math.floor((Date.parse(session.absolute_expires_at) - now()) / 1000));
    }
    setCookie(res, token, maxAge);
    tokens.set(req, token);
    req.session = session;
    req.reauthRequired = false;
  }

  function forget(req, res) {
    setCookie(res, '', 0);
    tokens.delete(req);
    req.session = null;
    req.reauthRequired = false;
  }

  // presented is the request's token: the one validated, else a
  // well-formed cookie.
  function presented(req) {
    if (tokens.has(req)) return tokens.get(req);
    const token = readCookie(req.headers.cookie, cookieName);
    return token !== undefined && tokenShape.test(token) ? token : undefined;
  }

  /**
   * Refuses cross-site unsafe requests (403), then validates the cookie's
   * session: req.session is the session or null, req.reauthRequired says
   * whether it must re-authenticate. A rotated token re-sets the cookie, a
   * dead one clears it; sessiond not answering is a 503, never anonymous.
   */
  async function middleware(req, res, next) {
    req.session = null;
    req.reauthRequired = false;
    if (!safeMethods.has(req.method) && !sameOrigin(req)) return next(new CsrfError());
    const cookie = readCookie(req.headers.cookie, cookieName);
    if (cookie === undefined) return next();
    if (!tokenShape.test(cookie)) {
      forget(req, res);
      return next();
    }
    let answer;
    try {
      answer = await client.validate(cookie, who(req));
    } catch (err) {
      if (err instanceof UnauthenticatedError) {
        forget(req, res);
        return next();
      }
      if (err instanceof ReauthRequiredError) {
        tokens.set(req, cookie);
        req.reauthRequired = true;
        res.setHeader('cache-control', 'no-store');
        return next();
      }
      return next(err.status === 429 || err instanceof ServiceUnavailableError
        ? err : new ServiceUnavailableError(undefined, { cause: err }));
    }
    if (answer.token === undefined) {
      tokens.set(req, cookie);
      req.session = answer.session;
      res.setHeader('cache-control', 'no-store');
    } else {
      keep(req, res, answer.token, answer.session);
    }
    return next();
  }

  /** Passes signed-in requests on; others get UnauthenticatedError or ReauthRequiredError. */
  function requireAuth(req, res, next) {
    if (req.session) return next();
    return next(req.reauthRequired ? new ReauthRequiredError() : new UnauthenticatedError());
  }

  /** Like requireAuth, and demands a login (or re-authentication) at most maxAge milliseconds old. */
  function requireRecentAuth(maxAge) {
    if (!(Number.isFinite(maxAge) && maxAge > 0)) throw new TypeError('maxAge must be a positive number of milliseconds');
    return (req, res, next) => {
      if (!req.session) return requireAuth(req, res, next);
      if (now() - Date.parse(req.session.auth_time) > maxAge) {
        return next(new ReauthRequiredError('this needs a recent login'));
      }
      return next();
    };
  }

  /**
   * Signs in a user the application has authenticated: ends the session the
   * browser came with, starts a new one and sets the cookie.
   */
  async function login(req, res, userId, { authMethods = ['pwd'], remember = false, data = {} } = {}) {
    const old = presented(req);
    if (old !== undefined) await client.revoke(old);
    const created = await client.create({
      userId, ...who(req), authMethods, data: remember ? { ...data, [rememberKey]: true } : data,
    });
    keep(req, res, created.token, created.session);
    return created.session;
  }

  /** Ends the session on sessiond, clears the cookie and asks the browser to clear the site's data. */
  async function logout(req, res) {
    const token = presented(req);
    if (token !== undefined) await client.revoke(token);
    forget(req, res);
    res.setHeader('clear-site-data', clearSiteData);
  }

  /** Records a fresh authentication (the app checked the password again): a new token and auth_time. */
  async function reauthenticate(req, res, { authMethods = ['pwd'] } = {}) {
    const token = presented(req);
    if (token === undefined) throw new UnauthenticatedError();
    const answer = await client.reauth(token, { authMethods, ...who(req) });
    keep(req, res, answer.token, answer.session);
    return answer.session;
  }

  /** The synchronizer token for the forms of req's session: an HMAC of its id. */
  function csrfToken(req) {
    if (!req.session) throw new UnauthenticatedError();
    return createHmac('sha256', csrfSecret).update(req.session.id).digest('base64url');
  }

  /** Refuses an unsafe request whose csrf_token field (or X-CSRF-Token header) is not its session's. */
  function checkCsrfToken(req, res, next) {
    if (safeMethods.has(req.method)) return next();
    const given = req.body?.csrf_token ?? req.headers['x-csrf-token'];
    if (req.session && typeof given === 'string') {
      const want = Buffer.from(csrfToken(req));
      const got = Buffer.from(given);
      if (got.length === want.length && timingSafeEqual(got, want)) return next();
    }
    return next(new CsrfError('the form has no valid CSRF token'));
  }

  return {
    middleware, requireAuth, requireRecentAuth, login, logout, reauthenticate, csrfToken, checkCsrfToken, clientIp,
  };
}

/**
 * Answers a browser's device registration or refresh (W3C DBSC) with what
 * SessiondClient.registerDevice or refreshDevice returned: 200 with the
 * bound cookie, the next challenge and the session configuration, or 403
 * with a challenge. Pass answer null when the call failed: the browser
 * gets 403, which ends its bound session.
 */
export function sendDeviceAnswer(res, answer) {
  res.setHeader('cache-control', 'no-store');
  if (answer?.challenge) res.setHeader('secure-session-challenge', answer.challenge);
  if (answer?.result !== 'bound') {
    res.statusCode = 403;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('set-cookie', answer.cookie.set_cookie);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(answer.session_config));
}

function readCookie(header, name) {
  if (typeof header !== 'string') return undefined;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at >= 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

// plainIp returns an address without zone, an IPv4-mapped one as IPv4, and
// undefined for what is no address.
function plainIp(address) {
  if (typeof address !== 'string') return undefined;
  const ip = address.replace(/%.*$/, '').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  return isIP(ip) ? ip : undefined;
}

function proxyList(cidrs) {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits, extra] = String(cidr).split('/');
    const ip = plainIp(address);
    const family = isIP(ip ?? '') === 4 ? 'ipv4' : 'ipv6';
    const width = family === 'ipv4' ? 32 : 128;
    const prefix = bits === undefined ? width : Number(bits);
    if (ip === undefined || extra !== undefined || (bits !== undefined && !/^\d+$/.test(bits)) || !(prefix <= width)) {
      throw new TypeError(`trustedProxies: ${cidr} is not an address or CIDR`);
    }
    list.addSubnet(ip, prefix, family);
  }
  return list;
}
