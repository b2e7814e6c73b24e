import type { Check, Finding } from '../types';
import { allPanels, str } from './json';
import { dashboardDocs, panelSubject } from './scope';

export const panelTitleDescription: Check = {
  id: 'dashboards/panel-title-description',
  description: 'every panel has a title and a description',
  severity: 'error',
  target: 'dashboards',
  explain:
    "A panel's description is the (i) tooltip next to its title: what is measured, from which metric or log, and " +
    'which alert watches it, so a reader at 3 a.m. need not read the query. A panel without a title cannot be ' +
    'named in a finding or found in the dashboard. (grafana/dashboard-linter lint/rule_panel_title_description.go.)',
  run(ctx) {
    const out: Finding[] = [];
    for (const doc of dashboardDocs(ctx)) {
      for (const panel of allPanels(doc.json.panels)) {
        if (panel.type === 'row') continue;
        const add = (message: string) => out.push({ file: doc.file, subject: panelSubject(doc, panel), message });
        if (!str(panel.title)) add('has no title');
        if (!str(panel.description)?.trim()) add('has no description; expected what the panel shows, from what, and which alert watches it');
      }
    }
    return out;
  },
};
