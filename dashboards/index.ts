/**
 * Every dashboard of the stack, in menu order. Add a dashboard by writing a module next to this one that exports a
 * `DashboardDefinition` and listing it here; see docs/dashboards.md.
 */
import type { DashboardDefinition } from './lib';
import { overview } from './overview';
import { performance } from './performance';
import { ai } from './ai';
import { chatInteractions } from './chat-interactions';
import { stackHealth } from './stack-health';

export const DASHBOARDS: readonly DashboardDefinition[] = [overview, performance, ai, chatInteractions, stackHealth];
export type { DashboardDefinition };
