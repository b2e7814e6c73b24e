import * as path from 'node:path';
import type { Check, Finding } from '../types';
import { allPanels, str } from './json';
import { DashboardDoc, dashboardDocs, dashboardSubject, panelSubject } from './scope';

export const uniqueIdentity: Check = {
  id: 'dashboards/unique-identity',
  description: 'dashboard uids and titles are unique, uids valid and in the file name; panel ids and titles unique per dashboard',
  severity: 'error',
  target: 'dashboards',
  explain:
    'Grafana keys dashboards by uid (links and bookmarks use it) and refuses a second dashboard with the same uid or ' +
    'the same title in a folder; a uid is 1-40 letters, digits, "-" or "_". Panel ids key panel links and repeated ' +
    'panels, and two panels of one dashboard with the same title cannot be told apart.',
  run(ctx) {
    const uids = new Map<string, string>();
    const titles = new Map<string, string>();
    return dashboardDocs(ctx).flatMap((doc) => [...dashboardIdentity(doc, uids, titles), ...panelIdentity(doc)]);
  },
};

function dashboardIdentity(doc: DashboardDoc, uids: Map<string, string>, titles: Map<string, string>): Finding[] {
  const problems: string[] = [];
  const title = str(doc.json.title) ?? '';
  if (!title) problems.push('has no title');
  else if (titles.has(title)) problems.push(`title also used by ${titles.get(title)}`);
  else titles.set(title, doc.file);
  const uid = str(doc.json.uid);
  if (!uid) problems.push('has no uid');
  else {
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(uid)) problems.push(`uid "${uid}" is not 1-40 letters, digits, "-" or "_"`);
    if (uids.has(uid)) problems.push(`uid "${uid}" also used by ${uids.get(uid)}`);
    else uids.set(uid, doc.file);
    if (path.basename(doc.file) !== `${uid}.json`) problems.push(`file name ${path.basename(doc.file)} does not match uid "${uid}"`);
  }
  return problems.map((message) => ({ file: doc.file, subject: dashboardSubject(doc), message }));
}

function panelIdentity(doc: DashboardDoc): Finding[] {
  const out: Finding[] = [];
  const ids = new Map<number, string>();
  const titles = new Set<string>();
  for (const panel of allPanels(doc.json.panels)) {
    const add = (message: string) => out.push({ file: doc.file, subject: panelSubject(doc, panel), message });
    const title = str(panel.title) ?? '';
    if (typeof panel.id !== 'number') add('has no numeric id');
    else if (ids.has(panel.id)) add(`id ${panel.id} also used by panel "${ids.get(panel.id)}"`);
    else ids.set(panel.id, title);
    if (panel.type === 'row' || !title) continue;
    if (titles.has(title)) add('another panel has the same title');
    titles.add(title);
  }
  return out;
}
