import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/**
 * Checks the requests a connector sends against the platform's published OpenAPI description (X, Discord,
 * Pinterest publish one). Contract fakes call `check` for each request they receive and refuse (or record) what the
 * description does not allow: an unknown path, a missing required parameter, a body that does not match the
 * operation's schema. The descriptions live under test/fakes/specs/, trimmed with `trimOpenApi` to the operations
 * the connector uses (each file says where it came from and when).
 */
export interface OpenApiRequest {
  method: string;
  /** The path as sent, without the query string: `/2/tweets/123`. */
  path: string;
  query?: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, when the request has one. */
  body?: unknown;
  contentType?: string;
}

export interface OpenApiDocument {
  openapi: string;
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

interface OpenApiParameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  schema?: unknown;
  $ref?: string;
}

interface OpenApiOperation {
  operationId?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }>; $ref?: string };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export class OpenApiRequestValidator {
  private readonly ajv: Ajv;
  private readonly routes: Array<{
    method: string;
    template: string;
    pattern: RegExp;
    operation: OpenApiOperation;
    pointer: string;
  }> = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly doc: OpenApiDocument) {
    const options = { strict: false, allErrors: true, validateFormats: true, logger: false } as const;
    this.ajv = doc.openapi.startsWith('3.1') ? new Ajv2020(options) : new Ajv(options);
    addFormats(this.ajv);
    // OpenAPI 3.0 keywords that are not JSON Schema: accepted, not checked.
    for (const keyword of ['example', 'xml', 'externalDocs', 'discriminator', 'x-discord-union']) {
      if (!this.ajv.getKeyword(keyword)) {
        this.ajv.addKeyword(keyword);
      }
    }
    this.ajv.addSchema(withNullable(doc) as object, 'openapi');
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const operation = item[method] as OpenApiOperation | undefined;
        if (operation) {
          this.routes.push({
            method: method.toUpperCase(),
            template,
            pattern: templatePattern(template),
            operation: {
              ...operation,
              parameters: [
                ...((item.parameters as OpenApiParameter[]) ?? []),
                ...(operation.parameters ?? []),
              ],
            },
            pointer: `#/paths/${escapePointer(template)}/${method}`,
          });
        }
      }
    }
  }

  static fromFile(path: string): OpenApiRequestValidator {
    const text = readFileSync(path, 'utf8');
    return new OpenApiRequestValidator(
      (path.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as OpenApiDocument,
    );
  }

  /** What is wrong with the request, as sentences; an empty list when the description allows it. */
  check(request: OpenApiRequest): string[] {
    const method = request.method.toUpperCase();
    const route = this.routes.find((r) => r.method === method && r.pattern.test(request.path));
    if (!route) {
      return [`${method} ${request.path} is not an operation of the API description`];
    }
    const where = `${method} ${route.template}`;
    const problems: string[] = [];
    for (const parameter of route.operation.parameters ?? []) {
      const resolved = this.resolve<OpenApiParameter>(parameter);
      if (resolved.in !== 'query') {
        continue;
      }
      const value = request.query?.[resolved.name];
      if (value === undefined) {
        if (resolved.required) {
          problems.push(`${where}: query parameter "${resolved.name}" is required`);
        }
      }
    }
    const known = new Set(
      (route.operation.parameters ?? [])
        .map((p) => this.resolve<OpenApiParameter>(p))
        .filter((p) => p.in === 'query')
        .map((p) => p.name),
    );
    for (const name of Object.keys(request.query ?? {})) {
      if (!known.has(name)) {
        problems.push(`${where}: query parameter "${name}" is not in the description`);
      }
    }
    const body = route.operation.requestBody
      ? this.resolve<NonNullable<OpenApiOperation['requestBody']>>(route.operation.requestBody)
      : undefined;
    if (request.body === undefined) {
      if (body?.required) {
        problems.push(`${where}: a request body is required`);
      }
      return problems;
    }
    if (!body?.content) {
      return problems;
    }
    const type = (request.contentType ?? 'application/json').split(';')[0].trim();
    const mediaType = body.content[type] ? type : undefined;
    if (!mediaType) {
      problems.push(`${where}: content type ${type} is not one of ${Object.keys(body.content).join(', ')}`);
      return problems;
    }
    if (!body.content[mediaType].schema) {
      return problems;
    }
    const validate = this.validatorFor(route, mediaType);
    if (!validate(request.body)) {
      for (const error of validate.errors ?? []) {
        problems.push(`${where}: body${error.instancePath} ${error.message}`);
      }
    }
    return problems;
  }

  /** Like `check`, but throws the problems. */
  assert(request: OpenApiRequest): void {
    const problems = this.check(request);
    if (problems.length > 0) {
      throw new Error(problems.join('\n'));
    }
  }

  private validatorFor(
    route: OpenApiRequestValidator['routes'][number],
    mediaType: string,
  ): ValidateFunction {
    const key = `${route.pointer}|${mediaType}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      const requestBody = route.operation.requestBody?.$ref
        ? `#${route.operation.requestBody.$ref.slice(1)}`
        : `${route.pointer}/requestBody`;
      validate = this.ajv.compile({
        $ref: `openapi${requestBody}/content/${escapePointer(mediaType)}/schema`,
      });
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private resolve<T>(value: T): T {
    const ref = (value as { $ref?: string }).$ref;
    if (!ref) {
      return value;
    }
    const target = ref
      .replace(/^#\//, '')
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], this.doc);
    return this.resolve(target as T);
  }
}

/**
 * The part of an OpenAPI description that these operations use: their paths and every component they reach through
 * `$ref`, transitively. Use it to vendor a small, reviewable description instead of the platform's whole file.
 */
export function trimOpenApi(
  doc: OpenApiDocument,
  operations: Array<{ method: string; path: string }>,
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const { method, path } of operations) {
    const item = doc.paths[path] as Record<string, unknown> | undefined;
    const operation = item?.[method.toLowerCase()];
    if (!item || !operation) {
      throw new Error(`${method} ${path} is not in the description`);
    }
    paths[path] = {
      ...(paths[path] ?? {}),
      ...(item.parameters ? { parameters: item.parameters } : {}),
      [method.toLowerCase()]: operation,
    };
  }
  const components: Record<string, Record<string, unknown>> = {};
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/')) {
          if (!seen.has(value)) {
            seen.add(value);
            const [, , section, name] = value.split('/');
            const target = doc.components?.[section]?.[name];
            if (target === undefined) {
              throw new Error(`${value} is not in the description`);
            }
            (components[section] ??= {})[name] = target;
            visit(target);
          }
        } else {
          visit(value);
        }
      }
    }
  };
  visit(paths);
  return {
    openapi: doc.openapi,
    ...(doc.info ? { info: doc.info } : {}),
    ...(doc.servers ? { servers: doc.servers } : {}),
    paths,
    components,
  };
}

function templatePattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/** A JSON pointer segment as it appears in a URI fragment (`/2/tweets/{id}` → `~12~1tweets~1%7Bid%7D`). */
function escapePointer(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}

/** OpenAPI 3.0's `nullable: true` as JSON Schema: the type also admits null. */
function withNullable(node: unknown): unknown {
  if (Array.isArray(node)) {
    return node.map(withNullable);
  }
  if (!node || typeof node !== 'object') {
    return node;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    copy[key] = withNullable(value);
  }
  if (copy.nullable === true) {
    delete copy.nullable;
    if (typeof copy.type === 'string') {
      copy.type = [copy.type, 'null'];
    } else if (!copy.type) {
      return { anyOf: [copy, { type: 'null' }] };
    }
  }
  return copy;
}
