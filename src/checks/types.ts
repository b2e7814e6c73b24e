/**
 * The shape every named check of `npm run check` has (issue #11): one small module per check, registered in
 * `src/checks/index.ts`. A check reads the stack and the synth output (already parsed in `CheckContext`) and returns
 * findings; the runner applies the stack's reasoned exclusions, groups findings by file and sets the exit code.
 */
import type { Stack } from '../schema';

export type CheckSeverity = 'error' | 'warning';

/** What a check looks at, so `check` can list the checks per kind of file. */
export type CheckTarget = 'config' | 'rules' | 'alertmanager' | 'dashboards' | 'logs';

export interface Finding {
  /** The file the finding is about: relative to synth's `files/` (e.g. `prometheus/rules/ai.yml`), or the stack's config source. */
  file: string;
  /** What the finding names: an alert or record name, `<dashboard uid> / <panel title>`, or a JSON path of the config. */
  subject: string;
  /** One line: what is wrong and what was expected (e.g. the job and its scrape interval). */
  message: string;
}

export interface Check {
  /** Stable id, `<target>/<kebab-name>` (e.g. `rules/rate-range`); used by `check --explain <id>` and exclusions. */
  id: string;
  /** One line, shown in the list of checks that ran. */
  description: string;
  severity: CheckSeverity;
  target: CheckTarget;
  /** What the check catches and why it matters (printed by `check --explain <id>`); a few sentences. */
  explain: string;
  run(ctx: CheckContext): Finding[];
}

export interface RuleEntry {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroupEntry {
  name: string;
  interval?: string;
  rules: RuleEntry[];
}

export interface RuleFileEntry {
  /** Relative to synth's `files/`, e.g. `prometheus/rules/ai.yml`. */
  file: string;
  groups: RuleGroupEntry[];
}

export interface DashboardEntry {
  /** Relative to synth's `files/`, e.g. `grafana/dashboards/Application/stack-ai.json`. */
  file: string;
  text: string;
  /** The parsed JSON, or undefined when the text does not parse (a check reports that). */
  json?: Record<string, unknown>;
}

export interface CheckContext {
  stack: Stack;
  /** The stack's config source (file path or `stacks/<name>.ts`), for findings about the config itself. */
  source: string;
  /** synth's `files/` directory. */
  filesDir: string;
  rules: RuleFileEntry[];
  dashboards: DashboardEntry[];
}
