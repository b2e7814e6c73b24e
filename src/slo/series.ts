/**
 * Input series for an SLO's behaviour tests, built from its own selectors: label sets that the indicator's
 * selectors select (and, for the events outside `part`, a series that `total` selects and `part` does not), each
 * with its share of the good and bad events of a step. Label values for regex matchers are derived from the regex
 * and verified with it; when no value can be derived, `InputProblem` says which matcher.
 */
import type { CounterSel, Indicator } from './indicator';

type Labels = Record<string, string>;
type Matcher = CounterSel['matchers'][number];

export class InputProblem extends Error {}

/** One input series: its selector text, and the events of a step it counts. */
export interface SloSeries {
  metric: string;
  labels: Labels;
  counts: 'good' | 'bad' | 'all';
}

const anchored = (re: string) => new RegExp(`^(?:${re})$`);

export function matches(m: Matcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return anchored(m.value).test(value);
    default:
      return !anchored(m.value).test(value);
  }
}

export const selects = (sel: CounterSel, metric: string, labels: Labels) =>
  sel.metric === metric && sel.matchers.every((m) => matches(m, labels[m.label] ?? ''));

/** Values tried where a matcher must be satisfied or avoided. */
const CANDIDATES = ['200', 'ok', 'success', 'true', 'other', '0', '1', 'a', 'x', 'GET', '/'];

/** A string the regex matches: its first alternative with classes, wildcards and optional parts resolved. */
export function regexSample(re: string): string | undefined {
  const tries = [expand(firstAlternative(re)), firstAlternative(re).replace(/[()]/g, ''), ...CANDIDATES, ''];
  return tries.find((v) => v !== undefined && anchored(re).test(v));
}

function firstAlternative(re: string): string {
  let depth = 0;
  for (let i = 0; i < re.length; i++) {
    if (re[i] === '\\') i++;
    else if (re[i] === '(') depth++;
    else if (re[i] === ')') depth--;
    else if (re[i] === '|' && depth === 0) return re.slice(0, i);
  }
  return re;
}

function expand(re: string): string {
  let out = '';
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      const e = re[++i];
      out += e === 'd' ? '0' : e === 'w' ? 'a' : e === 's' ? ' ' : e;
    } else if (c === '.') out += '0';
    else if (c === '[') {
      const end = re.indexOf(']', i + 2);
      const body = re.slice(i + 1, end);
      out += body.startsWith('^') ? 'z' : body.replace(/^\\/, '')[0];
      i = end;
    } else if (c === '?' || c === '*') out = out.slice(0, -1);
    else if (!'()+^$'.includes(c)) out += c;
  }
  return out;
}

/** Labels satisfying every matcher of the selectors (which must be of one metric), starting from `base`. */
function satisfy(sels: CounterSel[], base: Labels): Labels {
  const labels = { ...base };
  for (const m of sels.flatMap((s) => s.matchers)) {
    if (matches(m, labels[m.label] ?? '')) continue;
    const value = m.op === '=' ? m.value : m.op === '=~' ? regexSample(m.value) : CANDIDATES.find((v) => matches(m, v));
    if (value === undefined || !sels.every((s) => s.matchers.filter((x) => x.label === m.label).every((x) => matches(x, value))))
      throw new InputProblem(`no label value satisfies ${m.label}${m.op}${JSON.stringify(m.value)} together with the other matchers`);
    labels[m.label] = value;
  }
  return labels;
}

/** A variation of `labels` that `total` selects and `part` does not: one label changed or removed. */
function outside(ind: Indicator, labels: Labels): Labels {
  for (const m of ind.partSel.matchers) {
    for (const v of [...CANDIDATES, '']) {
      const other = { ...labels, [m.label]: v };
      if (v === '') delete other[m.label];
      if (selects(ind.total, ind.total.metric, other) && !selects(ind.partSel, ind.partSel.metric, other)) return other;
    }
  }
  throw new InputProblem(`no series is selected by ${ind.total.text} and not by ${ind.partSel.text}; expected the ${ind.part} selector to narrow the total one (e.g. status=~"5..")`);
}

/** The input series of an indicator; every good and bad event is counted once by `total`, and by `part` as its kind. */
export function indicatorSeries(ind: Indicator): SloSeries[] {
  const other = ind.part === 'errors' ? 'good' : 'bad';
  if (ind.partSel.metric === ind.total.metric) {
    const inBoth = satisfy([ind.partSel, ind.total], {});
    return [
      { metric: ind.partSel.metric, labels: inBoth, counts: ind.part === 'errors' ? 'bad' : 'good' },
      { metric: ind.total.metric, labels: outside(ind, inBoth), counts: other },
    ];
  }
  return [
    { metric: ind.partSel.metric, labels: satisfy([ind.partSel], {}), counts: ind.part === 'errors' ? 'bad' : 'good' },
    { metric: ind.total.metric, labels: satisfy([ind.total], {}), counts: 'all' },
  ];
}

/** `metric{a="1", b="2"}` in promtool's series notation. */
export function seriesText(metric: string, labels: Labels): string {
  const body = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(', ');
  return `${metric}{${body}}`;
}
