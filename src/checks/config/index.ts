/** The config checks, in the order their problems are reported when a config loads. */
import type { Check } from '../types';
import { components } from './components';
import { scrapeTargets } from './scrape-targets';
import { alertOverrides } from './alert-overrides';
import { customAlerts } from './custom-alerts';
import { alertmanager } from './alertmanager';
import { logs } from './logs';
import { logFormats } from './log-formats';
import { dashboards } from './dashboards';
import { slos } from './slos';
import { probes } from './probes';
import { remoteWrite } from './remote-write';
import { kubernetesLoki } from './kubernetes-loki';

export const configChecks: Check[] = [components, scrapeTargets, probes, remoteWrite, kubernetesLoki, alertOverrides, customAlerts, alertmanager, logs, logFormats, dashboards, slos];
