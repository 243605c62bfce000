// The example's own user table: passwords hashed with scrypt, each with its
// own salt, compared in constant time.

import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const derive = promisify(scrypt);
const keyLength = 32;

async function hash(password, salt = randomBytes(16)) {
  return { salt, key: await derive(password.normalize('NFC'), salt, keyLength) };
}

export class Users {
  #byName = new Map();
  #byId = new Map();
  // An unknown name is checked against this hash, so that it takes as long as a known one.
  #nobody = hash(randomBytes(16).toString('hex'));

  /** Adds a user and returns its id. */
  async add(name, password) {
    const user = { id: randomUUID(), name, password: await hash(password) };
    this.#byName.set(name, user);
    this.#byId.set(user.id, user);
    return user.id;
  }

  /** The user whose name and password these are, or null. */
  async check(name, password) {
    const user = this.#byName.get(name);
    const stored = user?.password ?? (await this.#nobody);
    const { key } = await hash(String(password), stored.salt);
    return timingSafeEqual(key, stored.key) && user !== undefined ? { id: user.id, name: user.name } : null;
  }

  /** Whether password is the password of the user with this id. */
  async checkId(id, password) {
    const user = this.#byId.get(id);
    return user !== undefined && (await this.check(user.name, password)) !== null;
  }

  name(id) {
    return this.#byId.get(id)?.name;
  }

  async setPassword(id, password) {
    this.#byId.get(id).password = await hash(password);
  }
}
