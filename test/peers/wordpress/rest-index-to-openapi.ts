import type { OpenApiDocument } from '../../fakes/openapi/openapi-request-validator';

/** The routes and methods the connector uses (the vendored description holds these only). */
export const CONNECTOR_OPERATIONS: Array<{ method: string; path: string }> = [
  { method: 'GET', path: '/wp/v2/posts' },
  { method: 'POST', path: '/wp/v2/posts' },
  { method: 'DELETE', path: '/wp/v2/posts/{id}' },
  { method: 'GET', path: '/wp/v2/media' },
  { method: 'POST', path: '/wp/v2/media' },
  { method: 'POST', path: '/wp/v2/media/{id}' },
  { method: 'GET', path: '/wp/v2/categories' },
  { method: 'GET', path: '/wp/v2/tags' },
  { method: 'POST', path: '/wp/v2/tags' },
  { method: 'GET', path: '/wp/v2/comments' },
  { method: 'POST', path: '/wp/v2/comments' },
  { method: 'GET', path: '/wp/v2/users/me' },
];

interface IndexEndpoint {
  methods: string[];
  args: Record<string, Record<string, unknown>>;
}

/** `/wp/v2/posts/(?P<id>[\d]+)` → `/wp/v2/posts/{id}`. */
const templateOf = (route: string) => route.replace(/\(\?P<([a-z_]+)>[^)]*\)/g, '{$1}');

/**
 * An argument of WordPress's REST index as a JSON Schema: `required` (a boolean there) moves to the parent; `format:
 * date-time` is dropped (WordPress's rest_parse_date also takes a time without zone, e.g. `date_gmt`); `title`,
 * `content`, `excerpt` and the comment's `content` are objects `{ raw, rendered }` in the schema but WordPress turns
 * validation off for them (`arg_options`) and takes a string, which is what clients send.
 */
function schemaOf(arg: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(arg)) {
    if (
      key === 'required' ||
      key === 'description' ||
      key === 'default' ||
      key === 'context' ||
      key === 'readonly'
    ) {
      continue;
    }
    if (key === 'format' && value === 'date-time') {
      continue;
    }
    if (key === 'properties' && value && typeof value === 'object') {
      copy.properties = Object.fromEntries(
        Object.entries(value as Record<string, Record<string, unknown>>).map(([name, inner]) => [
          name,
          schemaOf(inner),
        ]),
      );
      continue;
    }
    if (key === 'items' && value && typeof value === 'object' && !Array.isArray(value)) {
      copy.items = schemaOf(value as Record<string, unknown>);
      continue;
    }
    copy[key] = value;
  }
  const props = copy.properties as Record<string, unknown> | undefined;
  if (copy.type === 'object' && props && 'raw' in props) {
    return { anyOf: [{ type: 'string' }, copy] };
  }
  return copy;
}

/**
 * WordPress's own machine-readable description of its REST API (the index at `?rest_route=/`: every route, its
 * methods and their arguments as JSON Schema) turned into OpenAPI 3.1 for the operations the connector uses, so the
 * contract fake can check the connector's requests with OpenApiRequestValidator. GET and DELETE arguments become
 * query parameters; POST arguments a JSON body (unknown fields refused, which is stricter than WordPress: it ignores
 * them) or, for a media upload, any binary body.
 */
export function restIndexToOpenApi(
  index: { routes: Record<string, { endpoints: IndexEndpoint[] }> },
  source: string,
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const { method, path } of CONNECTOR_OPERATIONS) {
    const route = Object.keys(index.routes).find((candidate) => templateOf(candidate) === path);
    const endpoint = route
      ? index.routes[route].endpoints.find((candidate) => candidate.methods.includes(method))
      : undefined;
    if (!endpoint) {
      throw new Error(`${method} ${path} is not in the REST index`);
    }
    const pathParams = [...path.matchAll(/\{([a-z_]+)\}/g)].map((match) => match[1]);
    const args = Object.entries(endpoint.args).filter(([name]) => !pathParams.includes(name));
    const parameters: unknown[] = pathParams.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: schemaOf(endpoint.args[name] ?? { type: 'integer' }),
    }));
    const operation: Record<string, unknown> = { operationId: `${method.toLowerCase()} ${path}`, parameters };
    if (method === 'POST') {
      const body = {
        type: 'object',
        properties: Object.fromEntries(args.map(([name, arg]) => [name, schemaOf(arg)])),
        required: args.filter(([, arg]) => arg.required === true).map(([name]) => name),
        additionalProperties: false,
      };
      operation.requestBody = {
        content: {
          'application/json': { schema: body },
          ...(path === '/wp/v2/media' ? { 'image/*': {} } : {}),
        },
      };
      // The REST API also reads arguments from the query string (`force`, `context`): allowed, as WordPress does.
      parameters.push(...args.map(([name, arg]) => ({ name, in: 'query', schema: schemaOf(arg) })));
    } else {
      parameters.push(
        ...args.map(([name, arg]) => ({
          name,
          in: 'query',
          required: arg.required === true,
          schema: schemaOf(arg),
        })),
      );
    }
    paths[path] = { ...(paths[path] ?? {}), [method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'WordPress REST API (wp/v2), the routes Metronome uses', version: source },
    paths,
  };
}
