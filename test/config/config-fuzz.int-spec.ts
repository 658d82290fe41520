import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigIssue } from '../../src/config/config-issue';
import { loadConfiguration } from '../../src/config/config.loader';
import { toFact } from '../../src/rules/fact-values';
import { compileCondition } from '../../src/rules/rule-condition.compiler';

/**
 * Generated configurations, from plausible to hostile, go through the loader `metronome validate` and a
 * reload use. Whatever the input: the loader answers (valid, or problems each with a file:line:col and a
 * message), never throws, and answers in bounded time.
 */
const BUILTINS = join(__dirname, '..', 'fixtures', 'builtin-plugins');
/** Generous: a load takes milliseconds; this only catches runaway (exponential, unbounded) work. */
const MAX_MS_PER_INPUT = 5000;

const tricky = fc.constantFrom(
  'UTC',
  'Europe/Lundon',
  'Mon 25:00-26:00',
  'weekdays 09:00-10:00',
  '2 hours',
  '48h',
  '${env:METRONOME_FUZZ_UNSET}',
  '${env:bad name}',
  '${envv:X}',
  '${file:../../../etc/passwd}',
  '${file:}',
  'sandbox',
  'mastadon',
  '__proto__',
  'constructor',
  'post.titel == "x"',
  'inbox.text.matches("^(a+)+$")',
  '[1,2,3].all(a, [1,2,3].all(b, a != b))',
  '0 7 32 * *',
  'folowers',
  'followers',
  'ana',
  'benn',
  '../outside/plug',
  '',
);
const scalar = fc.oneof(
  tricky,
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.oneof(
  fc.constantFrom(
    'name',
    'timezone',
    'owner',
    'channels',
    'connector',
    'options',
    'cadence',
    'windows',
    'postsPerWeek',
    'kpis',
    'measure',
    'reports',
    'schedule',
    'approvals',
    'steps',
    'approvers',
    'levels',
    'targets',
    'after',
    'when',
    'on',
    'every',
    'then',
    'escalate',
    'notify',
    'notifier',
    'plugin',
    'path',
    'package',
    '__proto__',
    'constructor',
  ),
  fc.string({ maxLength: 6 }),
);
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));
const id = fc.constantFrom('acme', 'beta', 'ana', 'ben', 'main', 'Acme', 'x y');
const channel = fc.record(
  { connector: fc.oneof(fc.constantFrom('sandbox', 'mastadon'), scalar), options: value, cadence: value },
  { requiredKeys: [] },
);
const brand = fc.record(
  {
    name: scalar,
    timezone: scalar,
    owner: scalar,
    channels: fc.oneof(fc.dictionary(id, channel, { maxKeys: 3 }), value),
    kpis: fc.dictionary(id, fc.record({ measure: scalar }), { maxKeys: 2 }),
    reports: value,
  },
  { requiredKeys: [] },
);
const rule = fc.record(
  {
    name: scalar,
    on: fc.oneof(fc.constantFrom('post.submitted', 'inbox.received', 'nope'), scalar),
    every: scalar,
    when: fc.oneof(tricky, fc.string({ maxLength: 40 })),
    then: fc.oneof(fc.array(fc.dictionary(key, value, { maxKeys: 2 }), { maxLength: 3 }), value),
  },
  { requiredKeys: [] },
);
const config = fc.record(
  {
    organisation: fc.oneof(fc.record({ name: scalar, timezone: scalar }, { requiredKeys: [] }), value),
    people: fc.oneof(
      fc.dictionary(id, fc.record({ name: scalar }, { requiredKeys: [] }), { maxKeys: 3 }),
      value,
    ),
    brands: fc.oneof(fc.dictionary(id, brand, { maxKeys: 2 }), value),
    rules: fc.oneof(fc.array(rule, { maxLength: 3 }), value),
    escalations: value,
    guards: value,
    plugins: value,
    extra: value,
  },
  { requiredKeys: [] },
);

/** Edits that break YAML in the ways people (and attackers) do: stray quotes, indents, anchors, aliases. */
const edit = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 3 }),
  insert: fc.constantFrom(
    '"',
    "'",
    ':',
    '\n',
    '  ',
    '\t',
    '- ',
    '&a ',
    '*a',
    '[',
    '{',
    '}',
    '<<: *a\n',
    '!!binary ',
    '%',
    '? ',
  ),
});

const yamlText = fc.oneof(
  config.map((c) => stringify(c)),
  fc.tuple(config, fc.array(edit, { maxLength: 4 })).map(([c, edits]) =>
    edits.reduce((text, e) => {
      const at = text.length === 0 ? 0 : e.at % text.length;
      return text.slice(0, at) + e.insert + text.slice(at + e.remove);
    }, stringify(c)),
  ),
  fc.nat({ max: 10 }).map((depth) => aliasBomb(depth)),
);

function aliasBomb(depth: number): string {
  const lines = ['organisation: { name: Acme }', 'a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 0; i < depth; i++) {
    lines.push(
      `b${i}: &b${i} [${Array.from({ length: 9 }, () => (i === 0 ? '*a' : `*b${i - 1}`)).join(', ')}]`,
    );
  }
  return lines.join('\n');
}

function expectPositioned(issue: ConfigIssue): void {
  expect(typeof issue.message).toBe('string');
  expect(issue.message.length).toBeGreaterThan(0);
  expect(issue.file).toEqual(expect.any(String));
  expect(issue.line).toEqual(expect.any(Number));
  expect(issue.col).toEqual(expect.any(Number));
}

describe('config loader under generated input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never throws, positions every problem and answers in bounded time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(yamlText, { minLength: 1, maxLength: 3 }), async (files) => {
        const folder = mkdtempSync(join(dir, 'case-'));
        files.forEach((text, i) => writeFileSync(join(folder, `f${i}.yaml`), text));
        const started = Date.now();
        const result = await loadConfiguration(folder, { env: {}, builtinPluginsDir: BUILTINS });
        expect(Date.now() - started).toBeLessThan(MAX_MS_PER_INPUT);
        if (!result.ok) {
          expect(result.issues.length).toBeGreaterThan(0);
          result.issues.forEach(expectPositioned);
        }
        rmSync(folder, { recursive: true, force: true });
      }),
      { numRuns: 200 },
    );
  });
});

/** Rule conditions built from CEL's grammar over the real facts: compiled and run on generated facts. */
const { expression } = fc.letrec<{ expression: string }>((tie) => ({
  expression: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      'inbox.text',
      'inbox.kind',
      'inbox.ageMinutes',
      'channel.id',
      '"a"',
      '"(a+)+$"',
      '1',
      'true',
      '[1, 2, 3]',
      'inbox.text.split("")',
      '{"a": 1}',
      'now',
    ),
    fc
      .tuple(
        tie('expression'),
        fc.constantFrom(' == ', ' != ', ' + ', ' < ', ' && ', ' || ', ' in '),
        tie('expression'),
      )
      .map(([a, op, b]) => `(${a}${op}${b})`),
    fc
      .tuple(tie('expression'), fc.constantFrom('.contains(', '.matches(', '.startsWith(', '.split('))
      .map(([a, call]) => `${a}${call}"a")`),
    fc
      .tuple(
        tie('expression'),
        fc.constantFrom('all', 'exists', 'exists_one', 'map', 'filter'),
        tie('expression'),
      )
      .map(
        ([list, macro, body]) => `${list}.${macro}(x, ${macro === 'map' ? 'x' : `(${body}) == (${body})`})`,
      ),
    tie('expression').map((a) => `size(${a})`),
    fc.tuple(tie('expression'), tie('expression')).map(([a, b]) => `cel.bind(v, ${a}, v + ${b})`),
  ),
}));

describe('rule conditions under generated input', () => {
  it('compile to a result or a positioned error, and evaluate to a boolean or an error, in bounded time', () => {
    fc.assert(
      fc.property(expression, fc.string({ maxLength: 300 }), (source, text) => {
        const compiled = compileCondition(`${source} == ${source}`, 'inbox.received');
        if (!compiled.ok) {
          expect(compiled.offset).toEqual(expect.any(Number));
          return;
        }
        const facts = {
          now: new Date(0),
          brand: toFact('Brand', {}),
          cycle: toFact('Cycle', {}),
          channel: toFact('Channel', { id: 'bsky' }),
          inbox: toFact('InboxItem', { text, kind: 'comment', ageMinutes: 3 }),
        };
        const started = Date.now();
        try {
          expect(typeof compiled.evaluate(facts)).toBe('boolean');
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
        expect(Date.now() - started).toBeLessThan(MAX_MS_PER_INPUT);
      }),
      { numRuns: 500 },
    );
  });
});
