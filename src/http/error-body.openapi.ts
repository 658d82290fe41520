import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * Adds the one error body every route answers with (see ErrorBodyFilter) to the OpenAPI document: the
 * `ErrorBody` schema, and a `default` response that refers to it on every operation.
 */
export function documentErrorBody(document: OpenAPIObject): OpenAPIObject {
  document.components = document.components ?? {};
  document.components.schemas = {
    ...document.components.schemas,
    ErrorBody: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: {
              type: 'string',
              description:
                'not_found (404), conflict (409), invalid (400), forbidden (403), unauthenticated (401), unavailable (503), rate_limited (429), payload_too_large (413), internal (500), or a more specific code',
              example: 'not_found',
            },
            message: { type: 'string', description: 'what went wrong and what to do, for people' },
            details: { type: 'object', additionalProperties: true, description: 'facts for programs' },
          },
        },
      },
    },
  };
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as unknown[]) {
      if (isOperation(operation)) {
        operation.responses.default = {
          description: 'an error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
        };
      }
    }
  }
  return document;
}

/** What this needs of an OpenAPI operation object. */
interface OperationObject {
  responses: Record<string, unknown>;
}

function isOperation(value: unknown): value is OperationObject {
  return typeof value === 'object' && value !== null && 'responses' in value;
}
