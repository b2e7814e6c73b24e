/**
 * OpenSLO v1 → `slos` of a stack config. Reads `kind: SLO` documents (indicator inline or by `indicatorRef` to a
 * `kind: SLI` document; `Service` documents are accepted and ignored) whose ratio metrics are Prometheus counter
 * selectors, over a rolling window, budgeted by occurrences, with one objective. Everything else is refused with
 * the document and JSON path, never dropped silently. Field names: github.com/OpenSLO/OpenSLO README.md (v1).
 */
import type { SloInput } from '../schema';
import { jsonPath, Problem } from '../errors';
import { decimal, rational } from './windows';
import { selectorProblem } from './indicator';

type Doc = Record<string, any>;
type Parts = Array<string | number>;

export function fromOpenSlo(docs: unknown[], source: string): { slos: SloInput[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const at = (i: number) => (parts: Parts, message: string) => problems.push({ source: `${source} (document ${i + 1})`, path: jsonPath(parts), message });
  const slis = new Map<string, { doc: Doc; i: number }>();
  docs.forEach((d, i) => {
    const doc = d as Doc;
    if (!doc || typeof doc !== 'object') {
      at(i)([], 'expected an OpenSLO document (an object with apiVersion and kind)');
      return;
    }
    if (doc.apiVersion !== 'openslo/v1') at(i)(['apiVersion'], `${JSON.stringify(doc.apiVersion)} is not supported; expected "openslo/v1"`);
    if (doc.kind === 'SLI') slis.set(doc.metadata?.name, { doc, i });
    else if (!['SLO', 'Service'].includes(doc.kind)) at(i)(['kind'], `kind ${JSON.stringify(doc.kind)} is not supported; expected SLO, SLI or Service`);
  });
  const slos: SloInput[] = [];
  docs.forEach((d, i) => {
    const doc = d as Doc;
    if (doc?.kind !== 'SLO') return;
    const slo = convertSlo(doc, slis, at(i), (j) => at(j));
    if (slo) slos.push(slo);
  });
  if (slos.length === 0 && problems.length === 0) problems.push({ source, path: '$', message: 'no document of kind SLO; expected at least one' });
  return { slos, problems };
}

type Add = (parts: Parts, message: string) => void;

function convertSlo(doc: Doc, slis: Map<string, { doc: Doc; i: number }>, add: Add, addIn: (i: number) => Add): SloInput | undefined {
  const spec = doc.spec ?? {};
  const before = { count: 0 };
  const counting: Add = (p, m) => {
    before.count++;
    add(p, m);
  };
  if (spec.budgetingMethod !== 'Occurrences')
    counting(['spec', 'budgetingMethod'], `${JSON.stringify(spec.budgetingMethod)} is not supported; expected "Occurrences" (time slices are not)`);
  if (spec.alertPolicies !== undefined) counting(['spec', 'alertPolicies'], 'alert policies are not supported; the SLO gets the multi-window, multi-burn-rate page and ticket alerts (configure them under alerting)');
  const window = timeWindow(spec.timeWindow, counting);
  const target = objective(spec.objectives, counting);
  const ref = spec.indicatorRef !== undefined ? slis.get(spec.indicatorRef) : undefined;
  if (spec.indicatorRef !== undefined && !ref) counting(['spec', 'indicatorRef'], `no SLI document named ${JSON.stringify(spec.indicatorRef)}; expected one in the same file`);
  const indicator =
    spec.indicator !== undefined
      ? ratio(spec.indicator?.spec, ['spec', 'indicator', 'spec'], counting)
      : ref
        ? ratio(ref.doc.spec, ['spec'], (p, m) => (before.count++, addIn(ref.i)(p, m)))
        : (spec.indicatorRef === undefined && counting(['spec'], 'expected "indicator" or "indicatorRef"'), undefined);
  if (before.count > 0 || !indicator || !window || target === undefined) return undefined;
  return {
    name: doc.metadata?.name,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.service ? { service: spec.service } : {}),
    target,
    window,
    indicator,
  };
}

function timeWindow(tw: unknown, add: Add): string | undefined {
  if (tw === undefined) return '30d'; // optional in OpenSLO; our default period
  if (!Array.isArray(tw) || tw.length !== 1) return void add(['spec', 'timeWindow'], 'expected exactly one time window');
  const w = tw[0] as Doc;
  if (w.calendar !== undefined || w.isRolling !== true) return void add(['spec', 'timeWindow', 0], 'calendar-aligned windows are not supported; expected a rolling window (isRolling: true)');
  if (typeof w.duration !== 'string' || !/^\d+[mhdw]$/.test(w.duration)) return void add(['spec', 'timeWindow', 0, 'duration'], `${JSON.stringify(w.duration)} is not supported; expected minutes, hours, days or weeks such as 28d or 4w`);
  return w.duration;
}

function objective(objectives: unknown, add: Add): number | undefined {
  if (!Array.isArray(objectives) || objectives.length !== 1) return void add(['spec', 'objectives'], 'expected exactly one objective (write one SLO per objective)');
  const o = objectives[0] as Doc;
  const where = ['spec', 'objectives', 0];
  for (const f of ['op', 'value', 'timeSliceTarget', 'timeSliceWindow']) if (o[f] !== undefined) add([...where, f], `"${f}" is not supported (threshold metrics and time slices are not)`);
  if (typeof o.target === 'number') return o.target;
  // targetPercent 99.95 → 0.9995 exactly, not 0.9994999999999999.
  if (typeof o.targetPercent === 'number') return Number(decimal(rational(o.targetPercent).num, rational(o.targetPercent).den * 100n));
  return void add(where, 'expected "target" or "targetPercent"');
}

function ratio(spec: Doc | undefined, where: Parts, add: Add): SloInput['indicator'] | undefined {
  const r = spec?.ratioMetric;
  if (!r) return void add([...where, ...(spec?.thresholdMetric ? ['thresholdMetric'] : [])], 'expected a ratioMetric (threshold metrics are not supported)');
  const here = [...where, 'ratioMetric'];
  if (r.counter !== true) add([...here, 'counter'], 'expected counter: true (the rules rate() counters)');
  if (r.raw !== undefined) return void add([...here, 'raw'], 'precomputed (raw) ratios are not supported; expected good or bad, and total');
  const query = (field: string) => {
    const src = r[field]?.metricSource;
    if (!src) return undefined;
    const path = [...here, field, 'metricSource'];
    if (String(src.type).toLowerCase() !== 'prometheus') return void add([...path, 'type'], `${JSON.stringify(src.type)} is not supported; expected "Prometheus" (a metricSourceRef is not resolved)`);
    const q = src.spec?.query;
    const problem = typeof q === 'string' ? selectorProblem(q) : 'expected a query';
    return problem ? void add([...path, "spec", "query"], `${problem}; the rules rate() the counter themselves`) : q.trim();
  };
  const [good, bad, total] = ['good', 'bad', 'total'].map(query);
  if ((good === undefined) === (bad === undefined) || total === undefined) return void add(here, 'expected total and exactly one of good and bad, each a Prometheus selector');
  return bad !== undefined ? { errors: bad, total } : { good, total };
}
