import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Opaque random id in Commerce Layer's shape: 10 alphanumeric characters (62^10 ≈ 8·10^17). */
export function newId(length = 10): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; i < bytes.length && out.length < length; i++) {
    const b = bytes[i]!;
    if (b < 248) out += ALPHABET[b % 62]; // 248 = 4·62: reject the tail to keep the distribution uniform
  }
  return out.length === length ? out : newId(length);
}

/** A long random token for client ids and secrets (base64url, 43 characters). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}
