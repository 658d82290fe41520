import { OpenApiRequestValidator, trimOpenApi, type OpenApiDocument } from './openapi-request-validator';

const DOC: OpenApiDocument = {
  openapi: '3.0.0',
  paths: {
    '/2/tweets': {
      post: {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/TweetCreateRequest' } } },
        },
      },
    },
    '/2/tweets/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      delete: {},
      get: { parameters: [{ $ref: '#/components/parameters/Fields' }] },
    },
    '/2/users/{id}/tweets': {
      get: {
        parameters: [{ name: 'max_results', in: 'query', required: true, schema: { type: 'integer' } }],
      },
    },
  },
  components: {
    parameters: { Fields: { name: 'tweet.fields', in: 'query', schema: { type: 'string' } } },
    schemas: {
      TweetCreateRequest: {
        type: 'object',
        additionalProperties: false,
        properties: {
          text: { type: 'string' },
          reply: { $ref: '#/components/schemas/Reply' },
          nullable_field: { type: 'string', nullable: true },
          id: { type: 'string', format: 'int64' },
        },
      },
      Reply: {
        type: 'object',
        required: ['in_reply_to_tweet_id'],
        properties: { in_reply_to_tweet_id: { type: 'string', pattern: '^[0-9]{1,19}$' } },
      },
      Unused: { type: 'object' },
    },
  },
};

describe('OpenApiRequestValidator (test support for contract fakes)', () => {
  const validator = new OpenApiRequestValidator(DOC);

  it('accepts a request the description allows, with refs, nullable and formats', () => {
    expect(
      validator.check({
        method: 'POST',
        path: '/2/tweets',
        body: { text: 'hi', reply: { in_reply_to_tweet_id: '123' }, nullable_field: null },
      }),
    ).toEqual([]);
    expect(
      validator.check({ method: 'GET', path: '/2/tweets/99', query: { 'tweet.fields': 'text' } }),
    ).toEqual([]);
    expect(validator.check({ method: 'DELETE', path: '/2/tweets/99' })).toEqual([]);
  });

  it('names what the description refuses', () => {
    expect(validator.check({ method: 'POST', path: '/2/tweet', body: {} })).toEqual([
      'POST /2/tweet is not an operation of the API description',
    ]);
    expect(
      validator.check({
        method: 'POST',
        path: '/2/tweets',
        body: { txt: 'hi', reply: { in_reply_to_tweet_id: 'x' } },
      }),
    ).toEqual([
      'POST /2/tweets: body must NOT have additional properties',
      'POST /2/tweets: body/reply/in_reply_to_tweet_id must match pattern "^[0-9]{1,19}$"',
    ]);
    expect(validator.check({ method: 'POST', path: '/2/tweets' })).toEqual([
      'POST /2/tweets: a request body is required',
    ]);
    expect(validator.check({ method: 'GET', path: '/2/users/1/tweets', query: { foo: '1' } })).toEqual([
      'GET /2/users/{id}/tweets: query parameter "max_results" is required',
      'GET /2/users/{id}/tweets: query parameter "foo" is not in the description',
    ]);
    expect(() => validator.assert({ method: 'GET', path: '/nope' })).toThrow(/not an operation/);
  });

  it('trims a description to the operations used and the components they reach', () => {
    const trimmed = trimOpenApi(DOC, [{ method: 'POST', path: '/2/tweets' }]);
    expect(Object.keys(trimmed.paths)).toEqual(['/2/tweets']);
    expect(Object.keys(trimmed.components?.schemas ?? {}).sort()).toEqual(['Reply', 'TweetCreateRequest']);
    expect(
      new OpenApiRequestValidator(trimmed).check({ method: 'POST', path: '/2/tweets', body: { text: 'x' } }),
    ).toEqual([]);
    expect(() => trimOpenApi(DOC, [{ method: 'PUT', path: '/2/tweets' }])).toThrow(/not in the description/);
  });
});
