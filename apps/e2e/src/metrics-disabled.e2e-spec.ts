import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IsolatedService } from '@fabflow/testing';

/*
 * METRICS_ENABLED=false (with tracing off: the benchmark's OFF configuration): the service
 * serves its API and probes, but has no /metrics at all. The default (on) is covered by the
 * Prometheus and metrics tests.
 */
describe('METRICS_ENABLED=false: no /metrics, the service works as before (real process)', () => {
  let crm: IsolatedService;

  before(async () => {
    crm = await IsolatedService.start('crm-api', 'nometrics', {
      METRICS_ENABLED: 'false',
      OTEL_ENABLED: 'false',
      SEED_STAFF: 'true',
      SEED_STAFF_PASSWORD: 'nometrics-staff-password',
    });
  });
  after(() => crm?.stop());

  it('answers 404 on /metrics while its routes and probes answer', async () => {
    const metrics = await fetch(`${crm.url}/metrics`);
    assert.equal(metrics.status, 404, await metrics.text());
    assert.equal((await fetch(`${crm.url}/health/ready`)).status, 200);
    const login = await fetch(`${crm.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'manager@fabflow.local',
        password: 'nometrics-staff-password',
      }),
    });
    assert.equal(login.status, 200, await login.text());
  });
});
