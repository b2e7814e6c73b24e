/** Grafana template variables in query texts: finding them, and replacing them with sample values for parsing. */
import { Json, str, templatingList } from './json';

/** Grafana's own variables, usable without a templating entry. */
export const BUILTIN_VARIABLES = new Set([
  '__interval',
  '__interval_ms',
  '__rate_interval',
  '__rate_interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
  '__auto',
  '__from',
  '__to',
  '__now',
  '__dashboard',
  '__user',
  '__org',
  '__name',
  '__timezone',
  '__timeFilter',
  '__all',
]);

/** Sample values for built-ins when parsing: durations where a duration goes, numbers where a number goes. */
export const BUILTIN_SAMPLES: Readonly<Record<string, string>> = {
  __interval: '1m',
  __rate_interval: '5m',
  __range: '1h',
  __auto: '1m',
  __interval_ms: '60000',
  __rate_interval_ms: '300000',
  __range_s: '3600',
  __range_ms: '3600000',
  __from: '1700000000000',
  __to: '1700003600000',
  __now: '1700003600000',
};

/** `${name}`, `${name:format}`, `[[name]]`, `$name` (not `$1`, a regex group). */
const VARIABLE_REF = /\$\{([A-Za-z_][A-Za-z0-9_.]*)(?::[^}]*)?\}|\[\[([A-Za-z_][A-Za-z0-9_.]*)(?::[^\]]*)?\]\]|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export function variablesUsed(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(VARIABLE_REF)) names.add((m[1] ?? m[2] ?? m[3]).split('.')[0]);
  return [...names];
}

/** Replaces every variable reference with a sample value (built-ins first) so the query can be parsed. */
export function substituteVariables(text: string, samples: Record<string, string>, builtins: Readonly<Record<string, string>> = BUILTIN_SAMPLES): string {
  return text.replace(VARIABLE_REF, (whole, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c)!.split('.')[0];
    return builtins[name] ?? samples[name] ?? whole;
  });
}

/** The options of a custom variable: `a,b` or `text : value` pairs. */
export function customOptions(query: string): string[] {
  return query
    .split(/(?<!\\),/)
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => (o.includes(' : ') ? o.split(' : ')[1].trim() : o));
}

/**
 * Per variable of the dashboard, the value substituted before parsing: a custom variable of plain names stands for
 * all of them (as "All" does), so job selections can be checked; an interval a duration; anything else a word.
 */
export function variableSamples(dash: Json): Record<string, string> {
  const samples: Record<string, string> = {};
  for (const v of templatingList(dash)) {
    const name = str(v.name);
    if (!name) continue;
    const options = v.type === 'custom' && typeof v.query === 'string' ? customOptions(v.query) : [];
    samples[name] = v.type === 'interval' ? '5m' : options.length && options.every((o) => /^[A-Za-z0-9_.:-]+$/.test(o)) ? options.join('|') : 'sample';
  }
  return samples;
}

/** The names the dashboard's templating defines. */
export function definedVariables(dash: Json): Set<string> {
  return new Set(templatingList(dash).map((v) => str(v.name)).filter((n): n is string => !!n));
}
