import type { webcrypto } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Db } from '../db/client';
import { settings } from '../db/schema/auth';
import { newId } from '../lib/ids';

type CryptoKey = webcrypto.CryptoKey;

export const ALG = 'RS512';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

interface Stored {
  kid: string;
  private: JWK;
  public: JWK;
}

/**
 * The token signing key (RS512, like Commerce Layer's; js-auth's `jwtVerify` checks RSASSA-PKCS1-v1_5
 * SHA-512 against `/.well-known/jwks.json`). Generated on first start and kept in the database so
 * that every server on one database signs and verifies with the same key.
 */
export async function loadSigningKey(db: Db): Promise<SigningKey> {
  let stored = await read(db);
  if (!stored) {
    const { privateKey, publicKey } = await generateKeyPair(ALG, { modulusLength: 2048, extractable: true });
    const kid = newId(16);
    const candidate: Stored = {
      kid,
      private: await exportJWK(privateKey),
      public: { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' },
    };
    await db.insert(settings).values({ key: 'signing_key', value: candidate }).onConflictDoNothing();
    stored = (await read(db))!; // another process may have won the race: use whatever is stored
  }
  return {
    kid: stored.kid,
    privateKey: (await importJWK(stored.private, ALG)) as CryptoKey,
    publicKey: (await importJWK(stored.public, ALG)) as CryptoKey,
    publicJwk: stored.public,
  };
}

async function read(db: Db): Promise<Stored | undefined> {
  const rows = await db.select().from(settings).where(eq(settings.key, 'signing_key'));
  return rows[0]?.value as Stored | undefined;
}

/** The organization's id: generated once, shared by every process on the database. */
export async function organizationId(db: Db): Promise<string> {
  await db
    .insert(settings)
    .values({ key: 'organization_id', value: sql`to_jsonb(${newId()}::text)` })
    .onConflictDoNothing();
  const rows = await db.select().from(settings).where(eq(settings.key, 'organization_id'));
  return rows[0]!.value as string;
}
