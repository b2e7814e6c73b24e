/** config/alert-overrides: overrides name catalog alerts and set only what those alerts have. */
import type { Stack } from '../../schema';
import { catalogAlertNames, CatalogAlert } from '../../../alert-rules/catalog';
import { Add, checkLabelNames, configCheck } from './lib';

type Entry = CatalogAlert;
type Override = Stack['alerts']['overrides'][string];

export const alertOverrides = configCheck(
  {
    id: 'config/alert-overrides',
    description: 'alerts.overrides name catalog alerts and fit their kind and tiers',
    explain:
      'An override tunes a catalog alert by name. A name the catalog does not have, a window on an alert without a ' +
      'range, a single threshold on a tiered alert (or tiers on a single one), or a ratio threshold outside 0..1 would ' +
      'be silently ignored or produce a rule that never fires; the config is refused at load time instead.',
  },
  (stack, add) => {
    const catalog = catalogAlertNames();
    for (const [name, override] of Object.entries(stack.alerts.overrides)) {
      const where = ['alerts', 'overrides', name];
      const entry = catalog.get(name);
      if (!entry) {
        add(where, `no catalog alert named "${name}"; expected one of: ${[...catalog.keys()].sort().join(', ')}`);
        continue;
      }
      if (override.window !== undefined && !['ratio', 'latency', 'increase'].includes(entry.spec.kind))
        add([...where, 'window'], `${name} is a ${entry.spec.kind} alert and has no window; expected no "window"`);
      checkThresholds(name, entry, override, where, add);
      if (override.labels) checkLabelNames(override.labels, [...where, 'labels'], add);
    }
  },
);

function checkThresholds(name: string, entry: Entry, override: Override, where: string[], add: Add): void {
  const thresholdless = entry.spec.kind === 'down' || entry.spec.kind === 'raw';
  if (entry.tiers) {
    if (override.threshold !== undefined)
      add([...where, 'threshold'], `${name} has a threshold per severity (${Object.keys(entry.tiers).join(', ')}); expected "thresholds", e.g. { warning: 3 }`);
    if (override.severity !== undefined)
      add([...where, 'severity'], `${name} fires at several severities; change "thresholds" instead of "severity"`);
    for (const sev of Object.keys(override.thresholds ?? {})) {
      if (!(sev in entry.tiers)) add([...where, 'thresholds', sev], `${name} has no ${sev} tier; expected one of: ${Object.keys(entry.tiers).join(', ')}`);
    }
    return;
  }
  if (override.thresholds !== undefined) add([...where, 'thresholds'], `${name} has a single severity; expected "threshold"`);
  if (override.threshold !== undefined && thresholdless) add([...where, 'threshold'], `${name} has no threshold`);
  if (override.threshold !== undefined && entry.spec.kind === 'ratio' && (override.threshold < 0 || override.threshold > 1))
    add([...where, 'threshold'], `a ratio threshold is between 0 and 1 (0.05 = 5%), got ${override.threshold}`);
}
