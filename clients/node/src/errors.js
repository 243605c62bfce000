// Errors of the client and the middleware. None of them ever carries a
// token: their messages come from this file or from sessiond's detail,
// which quotes no value of the request.

/** An answer of sessiond that is none of the errors below. */
export class SessiondError extends Error {
  /**
   * @param {string} message
   * @param {{status?: number, code?: string, cause?: unknown}} [options]
   */
  constructor(message, { status = 500, code = 'error', cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
  }
}

/** No live session: the token is unknown, expired or revoked, or there is none. */
export class UnauthenticatedError extends SessiondError {
  constructor(message = 'not signed in') {
    super(message, { status: 401, code: 'invalid_session' });
  }
}

/** The session must re-authenticate (a changed User-Agent, or a login older than the route allows). */
export class ReauthRequiredError extends SessiondError {
  constructor(message = 'the session must re-authenticate first') {
    super(message, { status: 401, code: 'reauth_required' });
  }
}

/** A data change based on a stale version. */
export class ConflictError extends SessiondError {
  constructor(message = 'the session changed since that version') {
    super(message, { status: 409, code: 'conflict' });
  }
}

/** A cross-site request, or a form without its synchronizer token. */
export class CsrfError extends SessiondError {
  constructor(message = 'cross-site request refused') {
    super(message, { status: 403, code: 'csrf' });
  }
}

/** sessiond cannot answer (down, timed out, overloaded, its store down): fail closed. */
export class ServiceUnavailableError extends SessiondError {
  /** @param {string} [message] @param {{cause?: unknown}} [options] */
  constructor(message = 'the session service is unavailable', { cause } = {}) {
    super(message, { status: 503, code: 'unavailable', cause });
  }
}
