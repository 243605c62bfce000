export { SessiondClient } from './client.js';
export { createSessions, cookieName, rememberKey } from './sessions.js';
export {
  SessiondError,
  UnauthenticatedError,
  ReauthRequiredError,
  ConflictError,
  CsrfError,
  ServiceUnavailableError,
} from './errors.js';
