/**
 * Annotation templates: the generated rule tests evaluate the template functions users write with Prometheus'
 * semantics (prometheus template/template.go v2.42; Go's fmt and strconv), and promtool agrees. Anything else is
 * refused at validation with the path and the supported functions.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderTemplate, SUPPORTED_FUNCTIONS } from '../src/render/annotations';
import { toYaml } from '../src/yaml';
import { alertStack, promChecks, problemsOf, synthFixture } from './alert-fixture';
import { tmpDir } from './helpers';

const labels = { job: 'api', instance: 'api:8000', service: 'chat-api' };
const render = (t: string, value = 1) => renderTemplate(t, labels, value, { region: 'eu-1' });

describe('each function, with the value Go formats', () => {
  test.each([
    // template, $value, expected (worked out from the Go source, not from our output)
    ['{{ $value }}', 1234567, '1.234567e+06'], // %v of a float64: shortest digits, exponent from 1e+06
    ['{{ $value }}', 0.25, '0.25'],
    ['{{ $value | humanize }}', 1234567, '1.235M'], // %.4g after dividing by 1000 twice
    ['{{ humanize $value }}', 0.0012, '1.2m'],
    ['{{ $value | humanize1024 }}', 2048, '2ki'],
    ['{{ $value | humanize1024 }}', 0.5, '0.5'], // |v| <= 1: plain %.4g
    ['{{ $value | humanizeDuration }}', 3725, '1h 2m 5s'],
    ['{{ $value | humanizeDuration }}', 90061, '1d 1h 1m 1s'],
    ['{{ $value | humanizeDuration }}', 0.25, '250ms'],
    ['{{ $value | humanizePercentage }}', 0.0234, '2.34%'],
    ['{{ $value | humanizeTimestamp }}', 1.5, '1970-01-01 00:00:01.5 +0000 UTC'],
    ['{{ printf "%.2f" $value }}', 3.14159, '3.14'],
    ['{{ printf "%5.1f|%-4s|%d" $value $labels.job 7 }}', 2.25, '  2.2|api |7'], // 2.25 is exact: ties to even
    ['{{ printf "%d" $value }}', 2.5, '%!d(float64=2.5)'],
    ['{{ $labels.service | title }}', 1, 'Chat-Api'],
    ['{{ toUpper $labels.job }} {{ "MiXed" | toLower }}', 1, 'API mixed'],
    ['{{ reReplaceAll ":[0-9]+$" "" $labels.instance }}', 1, 'api'],
    ['{{ reReplaceAll "(a+)b" "${1}X$1x" "aab" }}', 1, 'aaX'], // $1x names group "1x", which is empty
    ['{{ $externalLabels.region }} {{ $labels.missing }}|', 1, 'eu-1 |'], // missingkey=zero on map[string]string
  ])('%s at %p → %p', (template, value, expected) => {
    expect(render(template, value)).toBe(expected);
  });
});

describe('validation', () => {
  const withSummary = (summary: string) => {
    const input = alertStack();
    input.alerts.custom = [{ kind: 'down', name: 'ApiDown', jobs: ['api'], summary }];
    return problemsOf(input);
  };

  test.each([
    ['{{ $value | js }}', /template action \{\{ \$value \| js \}\} is not supported; expected .*the functions humanize, humanize1024, humanizeDuration, humanizePercentage, humanizeTimestamp, printf, title, toUpper, toLower, reReplaceAll$/],
    ['{{ query "up" }}', /template action \{\{ query "up" \}\} is not supported/],
    ['{{ if $value }}x{{ end }}', /template action \{\{ if \$value \}\} is not supported/],
    ['{{ printf "%x" $value }}', /printf verb %x is not supported; expected one of %v %s %d/],
    ['{{ reReplaceAll "(?=a)" "" $labels.job }}', /lookaround or a backreference/],
    ['{{ humanize }}', /humanize takes 1 argument\(s\), got 0/],
  ])('%s is refused with its path', (summary, message) => {
    const problems = withSummary(summary);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\$\.alerts\.custom\[0\]\.summary: /);
    expect(problems[0]).toMatch(message);
  });

  test('every supported function validates', () => {
    for (const fn of SUPPORTED_FUNCTIONS) {
      const call = fn === 'printf' ? 'printf "%v" $value' : fn === 'reReplaceAll' ? 'reReplaceAll "a" "b" $labels.job' : ['title', 'toUpper', 'toLower'].includes(fn) ? `${fn} $labels.job` : `${fn} $value`;
      expect([fn, withSummary(`{{ ${call} }}`)]).toEqual([fn, []]);
    }
  });
});

describe('promtool renders what the generated tests expect', () => {
  const annotations: Record<string, string> = {
    a_humanize: '{{ $value | humanize }} {{ humanize1024 $value }}',
    b_durations: '{{ $value | humanizeDuration }} {{ $value | humanizePercentage }} {{ humanizeTimestamp $value }}',
    c_printf: '{{ printf "%.3f|%6.2e|%g|%q" $value $value $value $labels.service }}',
    d_strings: '{{ title "chat service" }} {{ toUpper $labels.job }} {{ toLower "API" }}',
    e_regex: '{{ reReplaceAll "^(.*):(\\\\d+)$" "$1 port $2" $labels.instance }}',
    f_labels: '{{ $labels.service }} in {{ $externalLabels.region }}: {{ $value }}',
  };
  const input = alertStack();
  input.alerts.custom = [{ kind: 'gauge', name: 'Templated', jobs: ['api'], metric: 'queue_depth', threshold: 1234, annotations }];
  const { stack, files } = synthFixture(input);

  test('a custom alert using every function passes promtool test rules', async () => {
    const tests = fs.readFileSync(path.join(files, 'prometheus', 'tests', 'custom.test.yml'), 'utf8');
    for (const fn of SUPPORTED_FUNCTIONS) expect(Object.values(annotations).join(' ')).toContain(fn);
    expect(tests).toContain('port 8000'); // the expectations are evaluated, not copied
    expect((await promChecks(stack, files)).filter((r) => !r.ok)).toEqual([]);
  });

  test('a wrong expectation fails promtool', async () => {
    const file = path.join(files, 'prometheus', 'tests', 'custom.test.yml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('port 8000', 'port 8001'));
    const failed = (await promChecks(stack, files)).filter((r) => !r.ok);
    expect(failed.map((r) => r.name)).toEqual(['promtool test rules prometheus/tests/custom.test.yml (rule file prometheus/rules/custom.yml)']);
  });

  test('a sweep of templates and values renders as promtool renders it', () => {
    // Values around Go's formatting edges: exponent switch, rounding ties, tiny and negative values.
    const values = [0, 1, -1, 0.5, 0.0001234, 0.125, 2.5, 12345, 12345.5, 1234567, 1.7e9, 0.1 + 0.2, 7.8, 3725, 90061.25, 1e-7, 123456.7, -0.003, 1.005, 2.675];
    const templates = [
      ...Object.values(annotations),
      '{{ printf "%.3f %g %e %v %8.2f %-8.1f| %+d %05.1f %G %E" $value $value $value $value $value $value 7 $value $value $value }}',
      '{{ printf "%s %q %d" $value $labels.job 1.5 }}{{ printf "%d" }}{{ printf "%s" "a" "b" }}{{ printf "%.2f" (humanize $value) }}',
      '{{ title "o\'neil foo-bar_baz x.y" }} {{ reReplaceAll "a*" "-" "baaac" }} {{ reReplaceAll "(?i)B(?P<x>a+)" "[${x}]$$" "bAAc" }}',
      '{{- " trim " -}}  x  {{- $labels.job }} {{ humanize "12.5e3" }} {{ 3 }} {{ 1.50 }} {{ 1e6 }} {{ -2 }}',
    ];
    const dir = tmpDir('ms-templates-');
    const seriesLabels = { instance: 'api:8000', job: 'api', service: 'chat-api' };
    const rules = { groups: [{ name: 'g', rules: templates.map((t, i) => ({ alert: `T${i}`, expr: 'x', annotations: { text: t } })) }] };
    const tests = values.map((v) => ({
      interval: '1m',
      external_labels: { region: 'eu-1' },
      input_series: [{ series: `x{instance="api:8000",job="api",service="chat-api"}`, values: `${v}x3` }],
      alert_rule_test: templates.map((t, i) => ({
        eval_time: '1m',
        alertname: `T${i}`,
        exp_alerts: [{ exp_labels: seriesLabels, exp_annotations: { text: renderTemplate(t, seriesLabels, v, { region: 'eu-1' }) } }],
      })),
    }));
    fs.writeFileSync(path.join(dir, 'rules.yml'), toYaml(rules, '#'));
    fs.writeFileSync(path.join(dir, 'sweep.test.yml'), toYaml({ rule_files: ['rules.yml'], evaluation_interval: '1m', tests }, '#'));
    const res = spawnSync('promtool', ['test', 'rules', 'sweep.test.yml'], { cwd: dir, encoding: 'utf8' });
    expect(`${res.stdout}${res.stderr}`.slice(0, 3000)).toMatch(/SUCCESS/);
    expect(res.status).toBe(0);
  });
});
