/** One schema, two forms: TypeScript stacks and YAML/JSON files validate, default and render the same. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildJsonSchema, defineStack, DEFAULT_VERSIONS } from '../src/schema';
import { SCHEMA_FILE, schemaText } from '../src/cli/schema';
import { loadStack } from '../src/load';
import { fixtureConfigFile, readTree, runCli, tmpDir, userStackNames, validate } from './helpers';

describe('defaults', () => {
  const minimal = defineStack({
    name: 'mini',
    environment: 'test',
    alertmanager: { route: { receiver: 'null' }, receivers: [{ name: 'null' }] },
  });

  test('a minimal config gets every default in one pass', () => {
    const stack = validate(minimal);
    expect(stack.bindAddress).toBe('127.0.0.1');
    expect(stack.prometheus).toEqual({ scrapeInterval: '15s', scrapeTimeout: '10s', evaluationInterval: '15s', retentionTime: '15d', externalLabels: {}, remoteWrite: [] });
    expect(stack.components.prometheus).toMatchObject({ enabled: true, version: DEFAULT_VERSIONS.prometheus, port: 9090 });
    expect(stack.components.grafana.port).toBe(3001);
    expect(stack.alertmanager.route).toMatchObject({ groupBy: ['alertname', 'service', 'severity'], groupWait: '30s', repeatInterval: '4h', routes: [] });
    expect(stack.alertmanager.receivers[0]).toEqual({ name: 'null', email: [], slack: [], webhook: [] });
    expect(stack.grafana.adminPassword).toEqual({ secret: 'grafanaAdminPassword' });
  });

  test('validation does not modify its input', () => {
    const input = JSON.parse(JSON.stringify(minimal));
    validate(input);
    expect(input).toEqual(minimal);
  });

  test('image tags are pinned: "latest" is refused', () => {
    expect(() => validate({ ...minimal, components: { loki: { version: 'latest' } } })).toThrow(
      /\$\.components\.loki\.version: "latest" is not valid: expected a pinned image tag/,
    );
  });
});

describe('JSON Schema', () => {
  test('schema/stack.schema.json is up to date (run `npm run schema`)', () => {
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaText());
  });

  test('it is derived from the zod schema and closed against unknown fields', () => {
    const schema = buildJsonSchema() as any;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['name', 'environment', 'alertmanager']);
    expect(schema.properties.prometheus.properties.scrapeInterval.default).toBe('15s');
  });
});

describe('npm run config', () => {
  // Holds for any valid config, so it runs on the user's stacks.
  test.each(userStackNames())('the printed config of stacks/%s, fed back through --config, renders the same files', (name) => {
    const printed = runCli('config', ['--stack', name]);
    expect(printed.status).toBe(0);
    const config = JSON.parse(printed.stdout);
    expect(config).toEqual(loadStack({ stack: name }).stack);
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'config.json'), printed.stdout);
    expect(runCli('synth', ['--stack', name, '--out', path.join(dir, 'a')]).status).toBe(0);
    expect(runCli('synth', ['--config', path.join(dir, 'config.json'), '--out', path.join(dir, 'b')]).status).toBe(0);
    const a = readTree(path.join(dir, 'a', 'files'));
    const b = readTree(path.join(dir, 'b', 'files'));
    expect(Object.keys(a).length).toBeGreaterThan(4);
    expect(b).toEqual(a);
  });

  test('secrets are printed as references only', () => {
    const printed = runCli('config', ['--config', fixtureConfigFile('dev')]).stdout;
    expect(printed).toContain('"authPassword": {\n');
    expect(JSON.parse(printed).alertmanager.receivers[0].email[0].authPassword).toEqual({ secret: 'smtpPassword' });
  });
});
