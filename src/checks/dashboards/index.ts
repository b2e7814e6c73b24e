/** The dashboard checks (issue #11 item 4): one module each in this folder, collected here. */
import type { Check } from '../types';

export const dashboardChecks: Check[] = [];
