// A small site on sessiond: login, account page, devices page, and a
// password change that asks for the password again first.

import express from 'express';
import {
  CsrfError, ReauthRequiredError, ServiceUnavailableError, UnauthenticatedError,
} from '../src/index.js';

/**
 * @param {object} options
 * @param {import('../src/index.js').SessiondClient} options.client
 * @param {import('../src/index.js').Sessions} options.sessions
 * @param {import('./users.js').Users} options.users
 * @param {number} [options.reauthMaxAge] how recent a login the password change needs, in ms
 */
export function createApp({ client, sessions, users, reauthMaxAge = 10 * 60e3 }) {
  const app = express();
  const form = express.urlencoded({ extended: false, limit: '8kb' });
  const { requireAuth, checkCsrfToken } = sessions;
  const fresh = sessions.requireRecentAuth(reauthMaxAge);
  const page = (req, res, title, body, status = 200) => res.status(status).type('html').send(layout(req, sessions, title, body));

  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.use(sessions.middleware); // CSRF origin check, then req.session

  app.get('/', (req, res) => res.redirect(303, req.session ? '/account' : '/login'));

  app.get('/login', (req, res) => (req.session ? res.redirect(303, '/account') : page(req, res, 'Sign in', loginForm())));

  app.post('/login', form, async (req, res) => {
    const user = await users.check(String(req.body.username ?? ''), String(req.body.password ?? ''));
    if (!user) return page(req, res, 'Sign in', `<p role="alert">Wrong username or password.</p>${loginForm()}`, 401);
    await sessions.login(req, res, user.id, { remember: req.body.remember === 'on' });
    return res.redirect(303, '/account');
  });

  app.post('/logout', form, checkCsrfToken, async (req, res) => {
    await sessions.logout(req, res);
    res.redirect(303, '/login');
  });

  app.get('/account', requireAuth, (req, res) => {
    page(req, res, 'Your account', `<p>Signed in as <strong id="user">${esc(users.name(req.session.user_id))}</strong>
      since ${esc(req.session.created_at)}.</p>
      <p><a href="/devices">Your devices</a> · <a href="/password">Change your password</a></p>`);
  });

  app.get('/devices', requireAuth, async (req, res) => {
    const rows = (await client.listUserSessions(req.session.user_id)).map((s) => `<tr${s.id === req.session.id ? ' data-current="true"' : ''}>
      <td>${esc(s.user_agent)}</td><td>${esc(s.ip)}</td><td>${esc(s.created_at)}</td><td>${esc(s.last_seen_at)}</td>
      <td>${s.id === req.session.id ? 'this device' : postButton(req, sessions, '/devices/revoke', 'Sign out', { session_id: s.id })}</td></tr>`);
    page(req, res, 'Your devices', `<table><tr><th>Device</th><th>IP</th><th>Signed in</th><th>Last seen</th><th></th></tr>
      ${rows.join('')}</table>${postButton(req, sessions, '/devices/revoke-others', 'Sign out every other device')}`);
  });

  app.post('/devices/revoke', form, requireAuth, checkCsrfToken, async (req, res) => {
    // Only a session of this user, found in their own list, may be ended here.
    const mine = await client.listUserSessions(req.session.user_id);
    if (!mine.some((s) => s.id === req.body.session_id)) return page(req, res, 'Your devices', '<p>No such device.</p>', 404);
    await client.revokeSession(req.body.session_id);
    return res.redirect(303, '/devices');
  });

  app.post('/devices/revoke-others', form, requireAuth, checkCsrfToken, async (req, res) => {
    await client.revokeOthers(req.session.user_id, req.session.id);
    res.redirect(303, '/devices');
  });

  app.get('/reauth', (req, res) => {
    if (!req.session && !req.reauthRequired) return res.redirect(303, '/login');
    return page(req, res, 'Confirm it is you', reauthForm(req, sessions));
  });

  // A signed-in form carries its CSRF token; one of a session that must
  // re-authenticate cannot, and has the origin check alone.
  const reauthCsrf = (req, res, next) => (req.session ? checkCsrfToken(req, res, next) : next());
  app.post('/reauth', form, reauthCsrf, async (req, res) => {
    if (!req.session && !req.reauthRequired) return res.redirect(303, '/login');
    // A session that must re-authenticate (its browser changed) shows no
    // user: the form asks for the name too, and the session must be that user's.
    const user = req.session
      ? ((await users.checkId(req.session.user_id, String(req.body.password ?? ''))) ? req.session.user_id : null)
      : (await users.check(String(req.body.username ?? ''), String(req.body.password ?? '')))?.id;
    if (!user) return page(req, res, 'Confirm it is you', `<p role="alert">Wrong password.</p>${reauthForm(req, sessions)}`, 401);
    const session = await sessions.reauthenticate(req, res);
    if (session.user_id !== user) {
      await sessions.logout(req, res);
      return res.redirect(303, '/login');
    }
    return res.redirect(303, '/password');
  });

  app.get('/password', fresh, (req, res) => page(req, res, 'Change your password', `<form method="post" action="/password">
    ${csrfField(req, sessions)}
    <label>Current password <input type="password" name="current_password" autocomplete="current-password" required></label>
    <label>New password <input type="password" name="new_password" autocomplete="new-password" minlength="12" required></label>
    <label><input type="checkbox" name="revoke_others" checked> Sign out every other device</label>
    <button>Change password</button></form>`));

  app.post('/password', form, fresh, checkCsrfToken, async (req, res) => {
    const next = String(req.body.new_password ?? '');
    if (!(await users.checkId(req.session.user_id, String(req.body.current_password ?? ''))) || next.length < 12) {
      return page(req, res, 'Change your password', '<p role="alert">Wrong current password, or a new one shorter than 12 characters.</p>', 400);
    }
    await users.setPassword(req.session.user_id, next);
    await sessions.reauthenticate(req, res); // a privilege change rotates the token
    if (req.body.revoke_others === 'on') await client.revokeOthers(req.session.user_id, req.session.id);
    return res.redirect(303, '/account');
  });

  app.use((err, req, res, next) => {
    if (err instanceof UnauthenticatedError) return res.redirect(303, '/login');
    if (err instanceof ReauthRequiredError) return res.redirect(303, '/reauth');
    if (err instanceof CsrfError) return page(req, res, 'Refused', '<p>This request came from another site, or its form expired.</p>', 403);
    if (err instanceof ServiceUnavailableError) {
      return page(req, res, 'Try again soon', '<p>Signing in is unavailable for a moment. Please try again.</p>', 503);
    }
    return next(err);
  });
  return app;
}

function securityHeaders(req, res, next) {
  res.set({
    'content-security-policy': "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
  });
  next();
}

function loginForm() {
  return `<form method="post" action="/login">
    <label>Username <input name="username" autocomplete="username" required></label>
    <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
    <label><input type="checkbox" name="remember"> Remember me</label>
    <button>Sign in</button></form>`;
}

function reauthForm(req, sessions) {
  const name = req.session ? '' : '<label>Username <input name="username" autocomplete="username" required></label>';
  return `<form method="post" action="/reauth">${csrfField(req, sessions)}${name}
    <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
    <button>Confirm</button></form>`;
}

function csrfField(req, sessions) {
  return req.session ? `<input type="hidden" name="csrf_token" value="${esc(sessions.csrfToken(req))}">` : '';
}

function postButton(req, sessions, action, label, fields = {}) {
  const hidden = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
  return `<form method="post" action="${esc(action)}">${csrfField(req, sessions)}${hidden}<button>${esc(label)}</button></form>`;
}

function layout(req, sessions, title, body) {
  const logout = req.session ? postButton(req, sessions, '/logout', 'Sign out') : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head>
<body><header>${logout}</header><main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
