/**
 * The registry of `npm run check`'s named checks (issue #11): one module per check, collected here. Config checks
 * also run when a config loads (src/validate.ts); the others run on synth's output (src/checks/run.ts).
 */
import type { Check } from './types';
import { configChecks } from './config';
import { rateRange } from './rules/rate-range';
import { counterRate } from './rules/counter-rate';
import { rateOnGauge } from './rules/rate-on-gauge';
import { quantileOnBucket } from './rules/quantile-on-bucket';
import { unknownMetric } from './rules/unknown-metric';
import { routingLabelsCheck } from './rules/routing-labels';
import { comparison } from './rules/comparison';
import { absentFor } from './rules/absent-for';
import { plainRegex } from './rules/plain-regex';
import { duplicate } from './rules/duplicate';
import { valueHumanize } from './rules/value-humanize';
import { nameCase } from './alerts/name-case';
import { severity } from './alerts/severity';
import { summaryStatic } from './alerts/summary-static';
import { descriptionTemplated } from './alerts/description-templated';
import { runbookUrl } from './alerts/runbook-url';
import { dashboardUrl } from './alerts/dashboard-url';
import { dashboardChecks } from './dashboards';

export const RULE_CHECKS: Check[] = [
  rateRange, counterRate, rateOnGauge, quantileOnBucket, unknownMetric, routingLabelsCheck,
  comparison, absentFor, plainRegex, duplicate, valueHumanize,
];

export const ALERT_TEXT_CHECKS: Check[] = [nameCase, severity, summaryStatic, descriptionTemplated, runbookUrl, dashboardUrl];

export const CHECKS: Check[] = [...configChecks, ...RULE_CHECKS, ...ALERT_TEXT_CHECKS, ...dashboardChecks];

export function findCheck(id: string): Check | undefined {
  return CHECKS.find((c) => c.id === id);
}
