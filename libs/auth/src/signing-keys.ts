import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose';

export type SigningAlgorithm = 'EdDSA' | 'ES256';
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['EdDSA', 'ES256'];

/** A private signing key as configured (AUTH_SIGNING_KEYS entries). */
export interface PrivateSigningJwk {
  kty: 'OKP' | 'EC';
  crv: 'Ed25519' | 'P-256';
  alg: SigningAlgorithm;
  kid: string;
  x: string;
  y?: string;
  d: string;
}

/** A JWK with only its public members, as the JWKS publishes it. */
export interface PublicSigningJwk {
  kty: 'OKP' | 'EC';
  crv: 'Ed25519' | 'P-256';
  alg: SigningAlgorithm;
  kid: string;
  x: string;
  y?: string;
  use: 'sig';
}

export function publicJwk(k: PrivateSigningJwk): PublicSigningJwk {
  return {
    kty: k.kty,
    crv: k.crv,
    alg: k.alg,
    kid: k.kid,
    x: k.x,
    ...(k.y !== undefined ? { y: k.y } : {}),
    use: 'sig',
  };
}

/**
 * An issuer's key set: the first key signs, every key is published, so a new key can be
 * published before it signs and an old one kept until its tokens have expired (rotation).
 */
export class SigningKeys {
  private constructor(
    readonly signing: { kid: string; alg: SigningAlgorithm; key: CryptoKey },
    readonly jwks: { keys: PublicSigningJwk[] },
  ) {}

  static async load(keys: readonly PrivateSigningJwk[]): Promise<SigningKeys> {
    const [first] = keys;
    if (!first) throw new Error('a signing key set needs at least one key');
    const key = await importJWK(first as JWK, first.alg);
    if (!('type' in key) || key.type !== 'private')
      throw new Error(`key ${first.kid} is not private`);
    return new SigningKeys({ kid: first.kid, alg: first.alg, key }, { keys: keys.map(publicJwk) });
  }
}

/** A new private signing key with its kid (the RFC 7638 thumbprint of its public part). */
export async function generateSigningJwk(
  alg: SigningAlgorithm = 'EdDSA',
): Promise<PrivateSigningJwk> {
  const { privateKey } = await generateKeyPair(alg === 'EdDSA' ? 'Ed25519' : 'ES256', {
    extractable: true,
  });
  const jwk = await exportJWK(privateKey);
  const material = { ...jwk, alg } as PrivateSigningJwk;
  const kid = await calculateJwkThumbprint(publicJwk({ ...material, kid: '' }));
  return { ...material, kid };
}
