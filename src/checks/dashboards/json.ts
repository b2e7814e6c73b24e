/** Walking a dashboard's JSON: panels (rows' nested panels included), templating, queries. */

export interface Json {
  [key: string]: unknown;
}

export const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** All panels, rows' nested panels (collapsed rows) included. */
export function allPanels(panels: unknown): Json[] {
  if (!Array.isArray(panels)) return [];
  return panels.filter(isObj).flatMap((p) => [p, ...allPanels(p.panels)]);
}

/** The dashboard's variables (`templating.list`). */
export function templatingList(dash: Json): Json[] {
  return isObj(dash.templating) && Array.isArray(dash.templating.list) ? dash.templating.list.filter(isObj) : [];
}

/** A panel's queries (`targets`). */
export function targetsOf(panel: Json): Json[] {
  return Array.isArray(panel.targets) ? panel.targets.filter(isObj) : [];
}

/** How findings name a panel: its title, or its id when it has none. */
export function panelName(panel: Json): string {
  return `panel "${str(panel.title) || `id ${String(panel.id)}`}"`;
}
