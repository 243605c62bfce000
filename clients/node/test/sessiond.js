// Builds sessiond from this checkout and runs it, for the end-to-end tests
// and the load comparison.

import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const apiKey = 'e2e-api-key-0123456789abcdef';

/** Builds cmd/sessiond into dir and returns the binary's path. */
export function buildSessiond(dir) {
  const binary = join(dir, 'sessiond');
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  execFileSync('go', ['build', '-o', binary, './cmd/sessiond'], { cwd: root, stdio: 'inherit' });
  return binary;
}

/**
 * Runs sessiond serve with the memory store on a free loopback port over
 * HTTPS, its data in dir/name, with extra flags; resolves once it listens
 * to {url, caFile, stop}.
 */
export async function startSessiond(binary, dir, name, flags = []) {
  const data = join(dir, name);
  const child = spawn(binary, ['serve', '--store', 'memory://', '--data-dir', data, '--addr', '127.0.0.1:0', ...flags], {
    env: { PATH: process.env.PATH, SESSIOND_API_KEY: apiKey }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const stop = () => {
    child.kill();
    return exited;
  };
  for await (const line of createInterface({ input: child.stderr })) {
    if (line.includes('"msg":"listening"')) {
      child.stderr.resume();
      return { url: JSON.parse(line).url, caFile: join(data, 'dev-cert.pem'), stop };
    }
  }
  throw new Error(`sessiond ${name} exited before listening`);
}
