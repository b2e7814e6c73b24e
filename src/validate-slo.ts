/**
 * Checks of `slos` beyond the JSON Schema: unique names, selectors that parse and select scraped jobs, a period
 * whose windows are whole seconds and hold samples, a latency threshold that is a bucket bound, labels the SLO
 * sets itself, templates the test generator can render, and input series the test generator can derive.
 */
import type { SloConfig, Stack } from './schema';
import { parseDuration, formatDuration } from './duration';
import { parsePromQL, referencedJobs } from './promql';
import { scrapeJobs } from './jobs';
import { stackFamilies } from './metrics';
import { selectorProblem, sloIndicator } from './slo/indicator';
import { indicatorSeries, InputProblem } from './slo/series';
import { PERIOD_UNIT, sloWindows } from './slo/windows';
import { checkTemplate, usesValue } from './render/annotations';

type Add = (parts: Array<string | number>, message: string) => void;

export function checkSlos(stack: Stack, add: Add): void {
  const names = new Map<string, number>();
  stack.slos.forEach((slo, i) => {
    const where = ['slos', i];
    if (names.has(slo.name)) add([...where, 'name'], `duplicate SLO name "${slo.name}" (already slos[${names.get(slo.name)}]); expected a unique name`);
    else names.set(slo.name, i);
    const selectorsOk = checkIndicator(stack, slo, [...where, 'indicator'], add);
    const period = checkPeriod(stack, slo, [...where, 'window'], add);
    checkAlerting(slo, [...where, 'alerting'], add);
    if (!selectorsOk || period === undefined) return;
    try {
      indicatorSeries(sloIndicator(slo));
    } catch (err) {
      if (!(err instanceof InputProblem)) throw err;
      add([...where, 'indicator'], `cannot build test series: ${err.message}`);
    }
  });
}

/** Whether the selectors parse (the later checks need them). */
function checkIndicator(stack: Stack, slo: SloConfig, where: Array<string | number>, add: Add): boolean {
  const ind = slo.indicator;
  const scraped = new Set(scrapeJobs(stack).map((j) => j.job));
  const fields: Array<[string, string]> = [];
  if ('latency' in ind) {
    const { histogram, matchers, threshold } = ind.latency;
    if (matchers !== undefined) fields.push(['latency.matchers', `${histogram}_count{${matchers}}`]);
    const buckets = Object.values(stackFamilies(stack)).map((f) => f[histogram]).find((m) => m?.type === 'histogram')?.buckets;
    if (buckets && !buckets.includes(threshold))
      add([...where, 'latency', 'threshold'], `${threshold} is not a bucket bound of ${histogram}; expected one of: ${buckets.join(', ')}`);
  } else {
    if ((ind.errors === undefined) === (ind.good === undefined)) add(where, 'expected exactly one of "errors" (failed events) and "good" (good events), besides "total"');
    for (const f of ['errors', 'good', 'total'] as const) if (ind[f] !== undefined) fields.push([f, ind[f]!]);
  }
  let ok = true;
  for (const [field, text] of fields) {
    const path = [...where, ...field.split('.')];
    const problem = selectorProblem(text) ?? (parsePromQL(text).errors.length ? 'not valid PromQL' : undefined);
    if (problem) {
      add(path, problem);
      ok = false;
      continue;
    }
    for (const job of referencedJobs(text))
      if (!scraped.has(job)) add(path, `the selector selects job "${job}", which the stack does not scrape; expected one of: ${[...scraped].join(', ')}`);
  }
  return ok && (!('errors' in ind) || (ind.errors === undefined) !== (ind.good === undefined));
}

/** The period in ms when its windows are usable. */
function checkPeriod(stack: Stack, slo: SloConfig, where: Array<string | number>, add: Add): number | undefined {
  const period = parseDuration(slo.window);
  if (period === 0 || period % PERIOD_UNIT !== 0) {
    add(where, `${slo.window} does not divide into whole-second windows; expected a multiple of ${formatDuration(PERIOD_UNIT)}, such as 7d, 28d or 30d`);
    return undefined;
  }
  const shortest = sloWindows(period)[0];
  const intervals = [stack.prometheus.scrapeInterval, ...stack.scrapeTargets.flatMap((t) => (t.interval ? [t.interval] : []))].map(parseDuration);
  const slowest = Math.max(...intervals);
  if (shortest < 2 * slowest) {
    add(where, `its shortest window is ${formatDuration(shortest)}, which holds fewer than two scrapes every ${formatDuration(slowest)}; expected a longer period (the shortest window is period / 8640)`);
    return undefined;
  }
  return period;
}

function checkAlerting(slo: SloConfig, where: Array<string | number>, add: Add): void {
  const check = (labels: Record<string, string>, path: Array<string | number>) => {
    for (const name of Object.keys(labels)) {
      if (name === 'slo' || name === 'severity') add([...path, name], `"${name}" is set by the SLO itself; expected another label (the severity has its own field)`);
      if (name.startsWith('__')) add([...path, name], 'label names starting with "__" are reserved for Prometheus');
    }
  };
  check(slo.alerting.labels, [...where, 'labels']);
  for (const which of ['page', 'ticket', 'noData'] as const) {
    check(slo.alerting[which].labels, [...where, which, 'labels']);
    for (const [key, text] of Object.entries(slo.alerting[which].annotations)) {
      const path = [...where, which, 'annotations', key];
      try {
        checkTemplate(text);
        if (usesValue(text)) add(path, 'an SLO alert text cannot show $value (its behaviour tests state the exact text); expected $labels or plain text');
      } catch (err) {
        add(path, `unsupported template: ${(err as Error).message}`);
      }
    }
  }
}
