import type { IncomingMessage, ServerResponse } from 'node:http';

/** A session as sessiond shows it: never with a token. Times are RFC 3339 UTC. */
export interface Session {
  id: string;
  user_id: string;
  state: 'active' | 'reauth_required';
  created_at: string;
  last_seen_at: string;
  idle_expires_at: string;
  absolute_expires_at: string;
  auth_time: string;
  auth_methods: string[];
  ip: string;
  user_agent: string;
  version: number;
  /** Whether the session is bound to a key its browser keeps (W3C DBSC). */
  device: { bound: boolean; alg: string; bound_at: string | null; thumbprint: string };
  data: Record<string, unknown>;
}

/** What sessiond answers a browser's device registration or refresh with; see sendDeviceAnswer. */
export interface DeviceAnswer {
  result: 'bound' | 'challenge';
  /** The Secure-Session-Challenge header's value. */
  challenge: string;
  cookie?: { name: string; value: string; max_age: number; set_cookie: string };
  session_config?: Record<string, unknown>;
}

/** A browser request's proof of its session's device binding. */
export interface DeviceProof {
  /** The value of the __Host-bound cookie. */
  boundCookie?: string;
  /** The Secure-Session-Skipped header. */
  skipped?: string;
}

export interface AuditEvent {
  id: string;
  time: string;
  type: string;
  user_id: string;
  session_id: string;
  ip: string;
  user_agent: string;
  reason: string;
  actor: string;
}

export interface TokenAnswer { token: string; session: Session }
export interface SessionAnswer { token?: string; session: Session }

export interface ClientOptions {
  /** sessiond's address: https://, or http:// on a loopback address only. */
  url: string;
  apiKey: string;
  /** PEM certificates to trust for sessiond's TLS certificate. */
  ca?: string | Buffer;
  /** A file of them, such as sessiond's <data-dir>/dev-cert.pem. */
  caFile?: string;
  /** Milliseconds each call may take (default 2000). */
  timeout?: number;
  /** Extra attempts for idempotent calls that got no answer (default 1). */
  retries?: number;
}

export declare class SessiondClient {
  constructor(options: ClientOptions);
  close(): void;
  create(options: { userId: string; ip?: string; userAgent?: string; authMethods?: string[]; data?: Record<string, unknown>; deviceBinding?: boolean }): Promise<TokenAnswer & { device_registration?: string }>;
  validate(token: string, options?: { ip?: string; userAgent?: string } & DeviceProof): Promise<SessionAnswer>;
  rotate(token: string, options?: DeviceProof): Promise<TokenAnswer>;
  updateData(token: string, change: { set?: Record<string, unknown>; delete?: string[]; version?: number } & DeviceProof): Promise<SessionAnswer>;
  reauth(token: string, options: { authMethods: string[]; ip?: string; userAgent?: string } & DeviceProof): Promise<TokenAnswer>;
  registerDevice(token: string, request: { response: string; origin: string; ip?: string; userAgent?: string }): Promise<DeviceAnswer>;
  refreshDevice(token: string, request: { response?: string; sessionId: string; origin: string; ip?: string; userAgent?: string }): Promise<DeviceAnswer>;
  revoke(token: string): Promise<void>;
  revokeSession(id: string): Promise<void>;
  listUserSessions(userId: string): Promise<Session[]>;
  revokeUserSessions(userId: string, options?: { except?: string[] }): Promise<number>;
  revokeOthers(userId: string, currentId: string): Promise<number>;
  revokeEverything(): Promise<number>;
  audit(query?: { userId?: string; sessionId?: string; type?: string; limit?: number }): Promise<AuditEvent[]>;
  auditPage(query?: { userId?: string; sessionId?: string; type?: string; limit?: number; cursor?: string }): Promise<{ events: AuditEvent[]; nextCursor: string }>;
}

export declare const cookieName: '__Host-session';
export declare const rememberKey: 'sessiond.remember';

export interface SessionsOptions {
  client: SessiondClient;
  /** CIDRs of the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed. */
  trustedProxies?: string[];
  /** Key of the synchronizer tokens: at least 32 bytes, the same on every replica. */
  csrfSecret?: string | Buffer;
  /** The clock, in milliseconds. */
  now?: () => number;
}

type Next = (err?: unknown) => void;
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

export interface Sessions {
  /** Refuses cross-site unsafe requests, then sets req.session and req.reauthRequired. */
  middleware: Middleware;
  requireAuth: Middleware;
  requireRecentAuth(maxAge: number): Middleware;
  login(req: IncomingMessage, res: ServerResponse, userId: string,
    options?: { authMethods?: string[]; remember?: boolean; data?: Record<string, unknown> }): Promise<Session>;
  logout(req: IncomingMessage, res: ServerResponse): Promise<void>;
  reauthenticate(req: IncomingMessage, res: ServerResponse, options?: { authMethods?: string[] }): Promise<Session>;
  csrfToken(req: IncomingMessage): string;
  checkCsrfToken: Middleware;
  clientIp(req: IncomingMessage): string | undefined;
}

export declare function createSessions(options: SessionsOptions): Sessions;

export declare class SessiondError extends Error {
  constructor(message: string, options?: { status?: number; code?: string; cause?: unknown });
  status: number;
  code: string;
}
export declare class UnauthenticatedError extends SessiondError { constructor(message?: string) }
export declare class ReauthRequiredError extends SessiondError { constructor(message?: string) }
export declare class ConflictError extends SessiondError { constructor(message?: string) }
export declare class CsrfError extends SessiondError { constructor(message?: string) }
export declare class ServiceUnavailableError extends SessiondError { constructor(message?: string, options?: { cause?: unknown }) }

declare module 'node:http' {
  interface IncomingMessage {
    /** The validated session, or null. */
    session?: Session | null;
    /** The cookie names a session that must re-authenticate first. */
    reauthRequired?: boolean;
  }
}

/** The name of the bound cookie of a session bound to a device. */
export declare const boundCookieName: '__Host-bound';
/** Answers a browser's device registration or refresh with sessiond's answer (null: 403). */
export declare function sendDeviceAnswer(res: ServerResponse, answer: DeviceAnswer | null): void;
