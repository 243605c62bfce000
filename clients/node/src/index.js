export { SessiondClient } from './client.js';
export {
  boundCookieName, createSessions, cookieName, rememberKey, sendDeviceAnswer,
} from './sessions.js';
export {
  SessiondError,
  UnauthenticatedError,
  ReauthRequiredError,
  ConflictError,
  CsrfError,
  ServiceUnavailableError,
} from './errors.js';
