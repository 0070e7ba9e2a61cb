import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../server/openapi';
import { API_ROUTES } from '../../../src/shared/http-api';

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      { operationId?: string; requestBody?: unknown; responses: Record<string, unknown> }
    >
  >;
  components: { schemas: Record<string, { additionalProperties?: boolean }> };
};

describe('the OpenAPI document', () => {
  const doc = openApiDocument() as Doc;

  it('when generated, then it is OpenAPI 3.1 with one operation per API route', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const [key, route] of Object.entries(API_ROUTES)) {
      const operation = doc.paths[route.path]?.[route.method];
      expect(operation?.operationId, key).toBe(key);
      expect(operation?.requestBody !== undefined, key).toBe('request' in route);
    }
  });

  it('when any $ref is followed, then it names a schema in components', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/schemas\/([A-Za-z]+)"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const name = ref.split('/').at(-1)!.replace('"', '');
      expect(doc.components.schemas[name], name).toBeDefined();
    }
  });

  it('when a request schema is shown, then unknown fields are refused as the server refuses them', () => {
    for (const name of [
      'StartAttemptRequest',
      'CardProofRequest',
      'AnswersRequest',
      'CodeRequest',
      'OutcomeRequest',
    ]) {
      expect(doc.components.schemas[name]?.additionalProperties, name).toBe(false);
    }
  });

  it('when a route can fail, then its error statuses point at the error schema', () => {
    const answers = doc.paths['/v1/unlock/attempts/{attemptId}/answers']!.post!.responses;
    expect(Object.keys(answers)).toEqual(
      expect.arrayContaining(['200', '400', '404', '422', '423', '503']),
    );
    expect(JSON.stringify(answers['422'])).toContain('ErrorResponse');
  });
});
