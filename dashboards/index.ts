/**
 * The dashboards a stack can select, in menu order. Add a dashboard by writing a module next to this one that
 * exports a `DashboardDefinition` and listing it in `DASHBOARDS`. A stack gets the dashboards its config lists in
 * `dashboards.include` (by uid or title); a stack without `include` gets `DEFAULT_DASHBOARDS`, so a new dashboard
 * reaches every such stack only when it is listed there too.
 */
import type { DashboardDefinition } from './lib';
import { overview } from './overview';
import { performance } from './performance';
import { ai } from './ai';
import { chatInteractions } from './chat-interactions';
import { stackHealth } from './stack-health';
import { users } from './users';
import { slo } from './slo';
import { host } from './host';

export const DASHBOARDS: readonly DashboardDefinition[] = [overview, performance, ai, users, chatInteractions, stackHealth, host, slo];

/** Uids of the dashboards a stack gets when its config has no `dashboards.include`. */
export const DEFAULT_DASHBOARDS: readonly string[] = [overview.uid, performance.uid, ai.uid, users.uid, chatInteractions.uid, stackHealth.uid, host.uid, slo.uid];

export type { DashboardDefinition };
