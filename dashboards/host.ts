/**
 * Host and containers (the dockprom dashboards' core): the Docker host's CPU, load, memory, filesystems and network
 * from node-exporter, and each container's CPU, memory and network from cAdvisor. A row appears only when its
 * exporter is enabled (`components.nodeExporter`, `components.cadvisor`) and scraped by a job; the dashboard only
 * when one of them is. Metric names at the pinned exporter versions: metrics/families.ts HOST_METRICS.
 */
import { hostMetric, jobsWithHostExporter } from '../src/metrics';
import { buildDashboard, DashboardDefinition, PanelSpec, promql, Section, sumRate, targetVariables, timeseriesPanel } from './lib';

const J = 'job=~"$job",instance=~"$instance"';
/** Filesystems that hold data: not the kernel's in-memory ones, not container image layers. */
const DATA_FS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|devtmpfs"';
/** cAdvisor also reports cgroups that are no container (`id` only); Docker containers carry a `name`. */
const CONTAINER = `name!="",${J}`;

function hostPanels(): PanelSpec[] {
  const cpu = hostMetric('nodeExporter', 'node_cpu_seconds_total');
  const total = hostMetric('nodeExporter', 'node_memory_MemTotal_bytes');
  const available = hostMetric('nodeExporter', 'node_memory_MemAvailable_bytes');
  const size = hostMetric('nodeExporter', 'node_filesystem_size_bytes');
  const avail = hostMetric('nodeExporter', 'node_filesystem_avail_bytes');
  const net = (dir: 'receive' | 'transmit') => hostMetric('nodeExporter', `node_network_${dir}_bytes_total`);
  return [
    timeseriesPanel('Host CPU busy', [promql(`1 - avg by (job, instance) (rate(${cpu}{mode="idle",${J}}[$__rate_interval]))`, '{{instance}}')], {
      unit: 'percentunit', min: 0, max: 1, width: 8, description: 'Share of CPU time not idle, over all cores of the host.',
    }),
    timeseriesPanel('Host CPU by mode', [promql(`avg by (instance, mode) (rate(${cpu}{mode!="idle",${J}}[$__rate_interval]))`, '{{instance}} {{mode}}')], {
      unit: 'percentunit', min: 0, width: 8, description: 'Share of CPU time per mode (user, system, iowait, …), averaged over the cores.',
    }),
    timeseriesPanel(
      'Host load',
      (['node_load1', 'node_load5', 'node_load15'] as const).map((m) => promql(`${hostMetric('nodeExporter', m)}{${J}}`, `{{instance}} ${m.slice('node_'.length)}`)),
      { unit: 'short', min: 0, width: 8, description: 'Load averages over 1, 5 and 15 minutes; compare with the number of cores.' },
    ),
    timeseriesPanel('Host memory used', [promql(`1 - ${available}{${J}} / ${total}{${J}}`, '{{instance}}')], {
      unit: 'percentunit', min: 0, max: 1, width: 12, description: 'Share of memory not available to new processes (MemAvailable against MemTotal).',
    }),
    timeseriesPanel(
      'Host memory',
      [promql(`${total}{${J}} - ${available}{${J}}`, '{{instance}} used'), promql(`${total}{${J}}`, '{{instance}} total')],
      { unit: 'bytes', min: 0, width: 12, description: 'Memory in use against the total.' },
    ),
    timeseriesPanel('Filesystem used', [promql(`1 - ${avail}{${DATA_FS},${J}} / ${size}{${DATA_FS},${J}}`, '{{instance}} {{mountpoint}}')], {
      unit: 'percentunit', min: 0, max: 1, width: 12, description: 'Share of each filesystem not available to non-root users.',
    }),
    timeseriesPanel(
      'Network traffic',
      [
        promql(sumRate(`${net('receive')}{device!="lo",${J}}`, ['instance', 'device']), '{{instance}} {{device}} received'),
        promql(sumRate(`${net('transmit')}{device!="lo",${J}}`, ['instance', 'device']), '{{instance}} {{device}} sent'),
      ],
      { unit: 'Bps', min: 0, width: 12, description: 'Bytes per second through each network device of the host (loopback left out).' },
    ),
  ];
}

function containerPanels(): PanelSpec[] {
  const net = (dir: 'receive' | 'transmit') => hostMetric('cadvisor', `container_network_${dir}_bytes_total`);
  return [
    timeseriesPanel('Container CPU', [promql(sumRate(`${hostMetric('cadvisor', 'container_cpu_usage_seconds_total')}{${CONTAINER}}`, ['name']), '{{name}}')], {
      unit: 'short', min: 0, width: 12, description: 'CPU cores each container uses (CPU seconds per second).',
    }),
    timeseriesPanel('Container memory', [promql(`sum by (name) (${hostMetric('cadvisor', 'container_memory_working_set_bytes')}{${CONTAINER}})`, '{{name}}')], {
      unit: 'bytes', min: 0, width: 12, description: 'Working set of each container: the memory its limit (OOM kill) counts.',
    }),
    timeseriesPanel(
      'Container network',
      [
        promql(sumRate(`${net('receive')}{${CONTAINER}}`, ['name']), '{{name}} received'),
        promql(sumRate(`${net('transmit')}{${CONTAINER}}`, ['name']), '{{name}} sent'),
      ],
      { unit: 'Bps', min: 0, width: 24, description: 'Bytes per second each container receives and sends.' },
    ),
  ];
}

export const host: DashboardDefinition = {
  uid: 'stack-host',
  title: 'Host and containers',
  folder: 'Infrastructure',
  build(stack) {
    if (!stack.components.prometheus.enabled) return undefined;
    const nodeJobs = jobsWithHostExporter(stack, 'nodeExporter');
    const containerJobs = jobsWithHostExporter(stack, 'cadvisor');
    const sections: Section[] = [
      { title: 'Host', panels: nodeJobs.length ? hostPanels() : [] },
      { title: 'Containers', panels: containerJobs.length ? containerPanels() : [] },
    ];
    return buildDashboard({
      uid: this.uid,
      title: this.title,
      description: `CPU, memory, filesystems and network of the ${stack.name} stack's Docker host and its containers (node-exporter, cAdvisor).`,
      tags: ['host'],
      variables: targetVariables([...nodeJobs, ...containerJobs]),
      sections,
    });
  },
};
