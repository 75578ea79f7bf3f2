import { createHmac } from 'node:crypto';

/** `X-CommerceLayer-Signature`: base64 of the HMAC-SHA256 of the raw body, keyed with the webhook's shared secret. */
export function signature(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}
