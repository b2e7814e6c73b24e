/**
 * A stack rendered for one machine without Docker (`npm run try`): the user's stack, changed only where running
 * it as local processes on 127.0.0.1 needs it:
 *  - every scrape target is the demo app (examples/demo-app), which stands in for the backend on /metrics and, on
 *    /exporters/<name>/metrics, for the Redis and PostgreSQL exporters;
 *  - the components with no local binary (Grafana, Loki, Promtail, Jaeger) are disabled, so every target is up;
 *  - short scrape/evaluation intervals, `for` and rate windows, and Alertmanager group timings, so an injected
 *    fault fires and resolves within seconds;
 *  - every receiver is a plain webhook to the local inbox at /<receiver name> (no e-mail, Slack or secrets).
 * Routing, inhibition, thresholds and the alert catalog stay as the stack has them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CATALOG } from '../../alert-rules/catalog';
import { parseDuration } from '../duration';
import { renderStack } from '../render';
import type { ComponentName, RouteConfig, Stack, StackInput } from '../schema';
import { COMPONENT_NAMES } from '../schema';
import { unchosenCollector } from '../logs/collector';
import { blackboxDeployed } from '../jobs';

export interface LoopbackPorts {
  prometheus: number;
  alertmanager: number;
  demo: number;
  inbox: number;
}

export interface LoopbackTimings {
  scrapeInterval: string;
  evaluationInterval: string;
  /** Upper bound for every alert's `for` (a shorter one is kept). */
  for: string;
  /** Upper bound for every rate/quantile/increase window. */
  window: string;
  groupWait: string;
  groupInterval: string;
}

export const LOOPBACK_TIMINGS: LoopbackTimings = {
  scrapeInterval: '1s',
  evaluationInterval: '1s',
  for: '5s',
  window: '10s',
  groupWait: '1s',
  groupInterval: '2s',
};

/** Components that run as local processes; the others have no Debian binary and are not started. */
export const LOCAL_COMPONENTS: ComponentName[] = ['prometheus', 'alertmanager'];

/** The components of `stack` that a local run leaves out, each with the reason. */
export function notStarted(stack: Stack): Array<{ component: ComponentName; reason: string }> {
  return (Object.keys(stack.components) as ComponentName[])
    // Exporters (src/exporters.ts) are listed only when enabled: the demo app stands in for the Redis/PostgreSQL ones.
    // The log collector the stack did not choose is not part of it at all; the blackbox exporter only with probes.
    .filter((c) => !LOCAL_COMPONENTS.includes(c) && (COMPONENT_NAMES.includes(c) || stack.components[c].enabled) && c !== unchosenCollector(stack))
    .filter((c) => c !== 'blackbox' || blackboxDeployed(stack))
    .map((component) => ({
      component,
      reason: !stack.components[component].enabled
        ? 'disabled in the stack'
        : component === 'blackbox'
          ? 'the local run leaves the probes out (their URLs are Docker addresses); it runs as a container with `npm run up`'
          : COMPONENT_NAMES.includes(component)
            ? 'no local binary (no Debian package); it runs as a container with `npm run up`'
            : 'an exporter: it runs as a container with `npm run up` (the demo app simulates the Redis and PostgreSQL ones)',
    }));
}

const shorter = (value: string | undefined, bound: string) => (value !== undefined && parseDuration(value) < parseDuration(bound) ? value : bound);

/** The loopback variant of a validated stack (validate the result again before rendering it). */
export function loopbackStackInput(stack: Stack, ports: LoopbackPorts, t: LoopbackTimings = LOOPBACK_TIMINGS): StackInput {
  const components = Object.fromEntries(
    (Object.keys(stack.components) as ComponentName[]).map((c) => [
      c,
      LOCAL_COMPONENTS.includes(c)
        ? { ...stack.components[c], port: ports[c as 'prometheus' | 'alertmanager'], publish: true, externalUrl: undefined }
        : { ...stack.components[c], enabled: false },
    ]),
  );
  return {
    ...stack,
    bindAddress: '127.0.0.1',
    components,
    prometheus: { ...stack.prometheus, scrapeInterval: t.scrapeInterval, scrapeTimeout: t.scrapeInterval, evaluationInterval: t.evaluationInterval },
    scrapeTargets: stack.scrapeTargets.map((target) => {
      const exporter = (['redis', 'postgres'] as const).find((dep) => target.ruleSets.includes(dep));
      const metricsPath = exporter ? `/exporters/${exporter}/metrics` : '/metrics';
      return { ...target, targets: [`127.0.0.1:${ports.demo}`], metricsPath, scheme: 'http' as const, interval: undefined, timeout: undefined };
    }),
    // The blackbox exporter is not started (notStarted), so neither are the probes it would run.
    probes: [],
    alerts: shortAlerts(stack, t),
    alertmanager: loopbackAlertmanager(stack, ports.inbox, t),
  } as StackInput;
}

/** Every catalog alert and custom alert with `for` and window no longer than the loopback bounds. */
function shortAlerts(stack: Stack, t: LoopbackTimings): Stack['alerts'] {
  const overrides = { ...stack.alerts.overrides };
  for (const entry of Object.values(CATALOG).flat()) {
    const { name, kind } = entry.spec;
    const current = overrides[name] ?? {};
    const windowed = kind === 'ratio' || kind === 'latency' || kind === 'increase';
    const catalogWindow = windowed ? ((entry.spec as { window?: string }).window ?? '5m') : undefined;
    overrides[name] = {
      ...current,
      for: shorter(current.for ?? entry.spec.for, t.for),
      ...(windowed ? { window: shorter(current.window ?? catalogWindow, t.window) } : {}),
    };
  }
  const custom = stack.alerts.custom.map((a) => ({
    ...a,
    for: shorter(a.for, t.for),
    ...('window' in a ? { window: shorter(a.window, t.window) } : {}),
  })) as Stack['alerts']['custom'];
  return { ...stack.alerts, overrides, custom };
}

function loopbackAlertmanager(stack: Stack, inboxPort: number, t: LoopbackTimings): Stack['alertmanager'] {
  const am = stack.alertmanager;
  const childTimings = (r: RouteConfig): RouteConfig => ({ ...r, groupWait: undefined, groupInterval: undefined, routes: (r.routes ?? []).map(childTimings) });
  return {
    ...am,
    route: { ...am.route, groupWait: t.groupWait, groupInterval: t.groupInterval, routes: am.route.routes.map(childTimings) },
    receivers: am.receivers.map((r) => ({
      name: r.name,
      email: [],
      slack: [],
      webhook: [{ url: `http://127.0.0.1:${inboxPort}/${r.name}`, sendResolved: true, maxAlerts: 0 }],
    })),
  } as Stack['alertmanager'];
}

/** Renders a loopback stack into `dir` (components address each other on 127.0.0.1); returns the config files. */
export function writeLoopbackFiles(stack: Stack, dir: string, ports: Pick<LoopbackPorts, 'prometheus' | 'alertmanager'>): { prometheus: string; alertmanager: string } {
  const files = renderStack(stack, {
    addressOf: (component) => {
      if (!LOCAL_COMPONENTS.includes(component)) throw new Error(`${component} does not run locally`);
      return `127.0.0.1:${ports[component as 'prometheus' | 'alertmanager']}`;
    },
  });
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return { prometheus: path.join(dir, 'prometheus', 'prometheus.yml'), alertmanager: path.join(dir, 'alertmanager', 'alertmanager.yml') };
}
