import { isIP } from 'node:net';
import { forbiddenAddressReason, isLoopback } from './address-policy';
import type { ResolvedAddress, ResolveHost } from './target-resolver';

/** A checked webhook target: where to connect (pinned), and the URL for TLS and the Host header. */
export interface WebhookTarget {
  url: URL;
  address: ResolvedAddress;
}

export type TargetCheck = { ok: true; target: WebhookTarget } | { ok: false; reason: string };

/**
 * Decides whether a webhook URL may be called, at subscription and before every delivery: https
 * (http only to loopback when allowed, for development and tests), no credentials, and a host
 * whose EVERY address is public — one private answer among public ones refuses it, since a
 * client may pick any. The delivery then connects to the address checked here, never resolving
 * again (no DNS rebinding between check and connect).
 */
export class WebhookTargets {
  constructor(
    private readonly resolve: ResolveHost,
    /** WEBHOOK_ALLOW_HTTP_LOCALHOST: loopback targets (and http to them) for development. */
    private readonly allowLoopback: boolean,
  ) {}

  async check(raw: string): Promise<TargetCheck> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { ok: false, reason: 'url is not a valid URL' };
    }
    if (url.username || url.password)
      return { ok: false, reason: 'url must not carry credentials' };
    if (url.protocol !== 'https:' && (url.protocol !== 'http:' || !this.allowLoopback))
      return { ok: false, reason: this.httpRefusal() };
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    let addresses: ResolvedAddress[];
    try {
      addresses =
        isIP(host) !== 0
          ? [{ address: host, family: isIP(host) === 6 ? 6 : 4 }]
          : await this.resolve(host);
    } catch (err) {
      // An http URL could only have been a loopback one: that is the problem to name.
      if (url.protocol === 'http:') return { ok: false, reason: this.httpRefusal() };
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      return { ok: false, reason: `url's host ${host} does not resolve (${code})` };
    }
    if (addresses.length === 0) return { ok: false, reason: `url's host ${host} does not resolve` };
    const loopback = this.allowLoopback && addresses.every((a) => isLoopback(a.address));
    if (!loopback)
      for (const a of addresses) {
        const why = forbiddenAddressReason(a.address);
        if (why)
          return {
            ok: false,
            reason: `url must reach a public address: ${host} resolves to ${why}`,
          };
      }
    if (url.protocol === 'http:' && !loopback) return { ok: false, reason: this.httpRefusal() };
    return { ok: true, target: { url, address: addresses[0]! } };
  }

  private httpRefusal(): string {
    return this.allowLoopback
      ? 'url must be https:// (or http:// to the loopback interface)'
      : 'url must be https://';
  }
}
