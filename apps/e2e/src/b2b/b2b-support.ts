import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { waitFor, type HttpClient } from '@fabflow/testing';
import type { FabflowSystem } from '../support/fabflow-system';
import { staffToken } from '../support/journey';

export interface IssuedKey {
  id: string;
  key: string;
  prefix: string;
}

/** The CRM as the seeded manager. */
export async function crmManager(sys: FabflowSystem): Promise<HttpClient> {
  return sys.client('crm', await staffToken(sys, 'manager'));
}

export async function createOrganisation(
  crm: HttpClient,
  tierId: string,
  contactEmails = ['ops@acme.example'],
): Promise<string> {
  const res = await crm.post('/organisations', {
    name: `Acme ${randomBytes(2).toString('hex')}`,
    tierId,
    contactEmails,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
}

export async function issueKey(
  crm: HttpClient,
  organisationId: string,
  scopes: string[],
): Promise<IssuedKey> {
  const res = await crm.post(`/organisations/${organisationId}/api-keys`, { scopes });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return {
    id: res.body.id as string,
    key: res.body.key as string,
    prefix: res.body.prefix as string,
  };
}

export const withKey = (key: string, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${key}`,
  ...extra,
});

/** Waits until the key's events have reached the shop (every given instance answers /me). */
export async function waitForKey(shops: HttpClient[], key: string): Promise<void> {
  await Promise.all(
    shops.map((shop) =>
      waitFor(
        `the key to work on ${shop.baseUrl}`,
        async () => (await shop.get('/b2b/v1/me', withKey(key))).status === 200,
        20_000,
        100,
      ),
    ),
  );
}
