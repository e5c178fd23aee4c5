import { describe, expect, it } from 'vitest';
import { normalizeFilters } from '../webhooks/filters.ts';
import { LeadSquaredCreateWebhookInput, mapLeadSquaredWebhook } from './leadSquaredMapping.ts';

const base = { URL: 'https://crm.example/hook', WebhookEvent: '32' };
const map = (body: Record<string, unknown>) =>
  mapLeadSquaredWebhook(LeadSquaredCreateWebhookInput.parse({ ...base, ...body }));

describe('LeadSquared body → webhook', () => {
  it('maps the event code, method, content type, headers and notify flag', () => {
    // Passed through as given: a repeated header stays repeated.
    const headers = [
      { Key: 'x-api-key', Value: 'a' },
      { Key: 'x-api-key', Value: 'b' },
    ];
    const out = map({
      Description: 'Opportunities',
      Method: 'post',
      ContentType: 'Text/Plain',
      NotifyOnFailure: 'true',
      CustomHeaders: headers,
    });
    expect(out).toEqual({
      ok: true,
      value: {
        event: expect.objectContaining({ code: 32, type: 'opportunity.updated' }),
        webhook: {
          url: 'https://crm.example/hook',
          events: ['opportunity.updated'],
          description: 'Opportunities',
          method: 'POST',
          content_type: 'text/plain',
          headers,
          filters: null,
          notify_on_failure: true,
        },
      },
    });
  });

  it('maps the four WebhookProperties examples of seed 003 onto valid filters', () => {
    const cases: [string, Record<string, unknown>, unknown][] = [
      [
        '2',
        { ActivityEvent: '247', ActivityData: '[]', WebPageNames: '[]' },
        [{ field: 'activity_event', operator: 'equals', value: '247' }],
      ],
      [
        '31',
        { OpportunityEvents: ['12002'], IsAsyncEnable: true },
        [{ field: 'opportunity_event', operator: 'in', value: ['12002'] }],
      ],
      [
        '33',
        { OpportunityEvents: ['12003'], ChangedOpportunityField: 'mx_Custom_10', IsAsyncEnable: false },
        [
          { field: 'opportunity_event', operator: 'in', value: ['12003'] },
          { field: 'mx_Custom_10', operator: 'changed' },
        ],
      ],
      [
        '34',
        {
          OpportunityEvents: ['12000'],
          StatusFrom: 'Lost',
          StatusTo: 'Open',
          StageFrom: 'Budget constraints',
          StageTo: 'Negotiation',
          IsAsyncEnable: false,
        },
        [
          { field: 'opportunity_event', operator: 'in', value: ['12000'] },
          { field: 'status', from: 'Lost', to: 'Open' },
          { field: 'stage', from: 'Budget constraints', to: 'Negotiation' },
        ],
      ],
    ];
    for (const [code, props, filters] of cases) {
      // As an object, and as the JSON string the seed shows.
      for (const WebhookProperties of [props, JSON.stringify(props)]) {
        const out = map({ WebhookEvent: code, WebhookProperties });
        if (!out.ok) throw new Error(JSON.stringify(out.problems));
        expect(out.value.webhook.filters).toEqual(filters);
        expect(normalizeFilters(out.value.webhook.filters).problems).toEqual([]);
      }
    }
  });

  it('limits a landing page submission to the pages given, only with IsSpecificLandingPage', () => {
    const out = map({
      WebhookEvent: 1,
      IsSpecificLandingPage: true,
      LandingPageUrls: 'https://lp.example/a, https://lp.example/b',
    });
    if (!out.ok) throw new Error(JSON.stringify(out.problems));
    expect(out.value.webhook.filters).toEqual([
      { field: 'landing_page_url', operator: 'in', value: ['https://lp.example/a', 'https://lp.example/b'] },
    ]);
    const noPages = map({ WebhookEvent: '1', IsSpecificLandingPage: true });
    expect(noPages).toMatchObject({ ok: false, problems: [{ path: 'LandingPageUrls' }] });
    const notSpecific = map({ WebhookEvent: '1', LandingPageUrls: ['https://lp.example/a'] });
    expect(notSpecific).toMatchObject({ ok: false, problems: [{ path: 'IsSpecificLandingPage' }] });
    const notLanding = map({ WebhookEvent: '3', IsSpecificLandingPage: true, LandingPageUrls: ['x'] });
    expect(notLanding).toMatchObject({ ok: false, problems: [{ path: 'IsSpecificLandingPage' }] });
  });

  it('names every problem on the seed’s own field', () => {
    expect(map({ WebhookEvent: '10' })).toMatchObject({
      ok: false,
      code: 'invalid_events',
      problems: [{ path: 'WebhookEvent', message: expect.stringContaining('1, 2, 3') }],
    });
    const bad = map({
      Method: 'GET',
      ContentType: 'application/xml',
      WebhookProperties: { Colour: 'blue', OpportunityEvents: 12002 },
    });
    expect(bad).toMatchObject({ ok: false, code: 'validation_error' });
    expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toEqual([
      'Method',
      'ContentType',
      'WebhookProperties.Colour',
      'WebhookProperties.OpportunityEvents',
    ]);
    expect(map({ WebhookProperties: '{not json' })).toMatchObject({
      ok: false,
      problems: [{ path: 'WebhookProperties' }],
    });
  });
});
