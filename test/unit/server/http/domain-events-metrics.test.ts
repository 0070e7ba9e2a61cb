import { describe, expect, it } from 'vitest';
import { createMetrics, domainEventsOf } from '../../../../server/http/metrics';

describe('domainEventsOf', () => {
  it('when the domain reports unknown attempts, then the counter counts them by action', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const events = domainEventsOf(metrics);
    events.unknownAttempt('unlock.code');
    events.unknownAttempt('unlock.code');
    events.unknownAttempt('register.proof');
    const text = await metrics.registry.metrics();
    expect(text).toContain('scu_unknown_attempt_requests_total{action="unlock.code"} 2');
    expect(text).toContain('scu_unknown_attempt_requests_total{action="register.proof"} 1');
  });
});
