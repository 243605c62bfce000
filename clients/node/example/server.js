// Runs the example site at http://localhost:3000 against a sessiond:
//   SESSIOND_URL=https://127.0.0.1:8443 SESSIOND_API_KEY=... \
//   SESSIOND_CA_FILE=sessiond-data/dev-cert.pem node example/server.js
// It has one user, "alice", whose password it prints at start.

import { randomBytes } from 'node:crypto';
import { SessiondClient, createSessions } from '../src/index.js';
import { createApp } from './app.js';
import { Users } from './users.js';

const client = new SessiondClient({
  url: process.env.SESSIOND_URL ?? 'https://127.0.0.1:8443',
  apiKey: process.env.SESSIOND_API_KEY,
  caFile: process.env.SESSIOND_CA_FILE,
});
const users = new Users();
const password = randomBytes(9).toString('base64url');
await users.add('alice', password);
const sessions = createSessions({ client, csrfSecret: process.env.CSRF_SECRET ?? randomBytes(32) });
const port = Number(process.env.PORT ?? 3000);
createApp({ client, sessions, users }).listen(port, '127.0.0.1', () => {
  console.log(`example at http://localhost:${port}/ — sign in as alice with password ${password}`);
});
