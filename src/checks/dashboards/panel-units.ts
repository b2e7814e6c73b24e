import type { Check, Finding } from '../types';
import { allPanels, isObj, Json, str } from './json';
import { dashboardDocs, panelSubject } from './scope';

/** Panel types that draw numbers (grafana/dashboard-linter lint/rule_panel_units.go, plus Grafana 12's newer ones). */
export const NUMBER_PANELS = new Set(['stat', 'singlestat', 'graph', 'table', 'timeseries', 'gauge', 'bargauge', 'barchart']);

export const panelUnits: Check = {
  id: 'dashboards/panel-units',
  description: 'every panel that draws numbers has a unit (fieldConfig.defaults.unit or a unit override)',
  severity: 'error',
  target: 'dashboards',
  explain:
    'Without a unit Grafana prints 0.0123 for 1.23 % and 1500000 for 1.5 MB, and axes of seconds and requests look ' +
    'alike. Every stat, time series, table, gauge and bar panel names its unit ("s", "reqps", "percentunit", ' +
    '"bytes", "short" for plain counts, "none" for values without one). (grafana/dashboard-linter ' +
    'lint/rule_panel_units.go.)',
  run(ctx) {
    const out: Finding[] = [];
    for (const doc of dashboardDocs(ctx)) {
      for (const panel of allPanels(doc.json.panels)) {
        if (!NUMBER_PANELS.has(str(panel.type) ?? '') || unitOf(panel)) continue;
        out.push({ file: doc.file, subject: panelSubject(doc, panel), message: `a ${String(panel.type)} panel without a unit; expected fieldConfig.defaults.unit` });
      }
    }
    return out;
  },
};

/** The panel's unit: the defaults', or one set by an override. */
function unitOf(panel: Json): string | undefined {
  const fc = isObj(panel.fieldConfig) ? panel.fieldConfig : {};
  const unit = isObj(fc.defaults) ? str(fc.defaults.unit) : undefined;
  if (unit) return unit;
  const overrides = Array.isArray(fc.overrides) ? fc.overrides.filter(isObj) : [];
  const props = overrides.flatMap((o) => (Array.isArray(o.properties) ? o.properties.filter(isObj) : []));
  return props.map((p) => (p.id === 'unit' ? str(p.value) : undefined)).find(Boolean);
}
