/**
 * The dashboard checks of the registry (issue #11), one module each. `dashboardFileChecks` judge the dashboard
 * JSON alone; `dashboardChecks` adds the two that compare with synth's other files (provider, fresh render).
 */
import type { Check } from '../types';
import { queryParses } from './query-parses';
import { datasourcesProvisioned } from './datasources-provisioned';
import { variablesDefined } from './variables-defined';
import { metricProvenance } from './metric-provenance';
import { logJobsShipped } from './log-jobs-shipped';
import { uniqueIdentity } from './unique-identity';
import { rateInterval } from './rate-interval';
import { counterRate } from './counter-rate';
import { labelProvenance } from './label-provenance';
import { logFields } from './log-fields';
import { panelUnits } from './panel-units';
import { panelTitleDescription } from './panel-title-description';
import { datasourceVariable } from './datasource-variable';
import { jobVariable } from './job-variable';
import { instanceVariable } from './instance-variable';
import { providerPath } from './provider-path';
import { byteStable } from './byte-stable';

export const dashboardFileChecks: Check[] = [
  queryParses,
  datasourcesProvisioned,
  variablesDefined,
  metricProvenance,
  logJobsShipped,
  uniqueIdentity,
  rateInterval,
  counterRate,
  labelProvenance,
  logFields,
  panelUnits,
  panelTitleDescription,
  datasourceVariable,
  jobVariable,
  instanceVariable,
];

export const dashboardChecks: Check[] = [...dashboardFileChecks, providerPath, byteStable];
