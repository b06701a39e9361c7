import { MAX_ACCESS_TOKEN_TTL_SECONDS } from '@fabflow/contracts';

/**
 * How long a revocation must be remembered: after the longest access-token lifetime (plus the
 * clock tolerance), every token issued before it has expired anyway.
 */
export const REVOCATION_TTL_MS = (MAX_ACCESS_TOKEN_TTL_SECONDS + 60) * 1000;

/**
 * Subjects whose access tokens issued until a moment are refused (a deactivated staff member):
 * issuer + subject → that moment. Held in memory by every verifier, fed by the revocation
 * feed; entries older than `REVOCATION_TTL_MS` are dropped (they refuse nothing any more).
 */
export class RevocationList {
  private readonly until = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Refuses the subject's tokens issued at or before `atMs`. */
  revoke(issuer: string, subject: string, atMs: number): void {
    if (this.now() - atMs >= REVOCATION_TTL_MS) return;
    const key = `${issuer} ${subject}`;
    this.until.set(key, Math.max(atMs, this.until.get(key) ?? 0));
    if (this.until.size > 1000) this.prune();
  }

  /** True when a token of `issuer` for `subject` issued at `issuedAtSeconds` is revoked. */
  isRevoked(issuer: string, subject: string, issuedAtSeconds: number): boolean {
    const at = this.until.get(`${issuer} ${subject}`);
    // iat has whole seconds: a token of the revocation's second counts as before it.
    return at !== undefined && issuedAtSeconds * 1000 <= at;
  }

  get size(): number {
    return this.until.size;
  }

  private prune(): void {
    const oldest = this.now() - REVOCATION_TTL_MS;
    for (const [key, at] of this.until) if (at < oldest) this.until.delete(key);
  }
}
