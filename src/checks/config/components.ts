/** config/components: the core components stay on, and no two published ports share a host port. */
import { COMPONENT_NAMES } from '../../schema';
import { jaegerPorts } from '../../containers';
import { exporterProblems } from '../../exporters';
import { configCheck } from './lib';

export const components = configCheck(
  {
    id: 'config/components',
    description: 'Prometheus and Alertmanager are enabled; published host ports are unique; enabled exporters are scraped',
    explain:
      'Prometheus and Alertmanager are the core of the stack: every rule, route and dashboard needs them, so they ' +
      'cannot be disabled. Two components published on the same host port (TCP and UDP apart) would make the second ' +
      'container fail to start at deploy time; the config is refused at load time instead.',
  },
  (stack, add) => {
    for (const core of ['prometheus', 'alertmanager'] as const) {
      if (!stack.components[core].enabled) add(['components', core, 'enabled'], `${core} is the core of the stack and cannot be disabled`);
    }
    const hostPorts = new Map<string, string>();
    for (const c of COMPONENT_NAMES) {
      const comp = stack.components[c];
      if (!comp.enabled || !comp.publish) continue;
      const ports: Array<[string, number, string]> = [['port', comp.port, 'tcp']];
      if (c === 'jaeger') for (const p of jaegerPorts(stack.components.jaeger)) ports.push([p.field, p.external, p.protocol]);
      for (const [field, port, protocol] of ports) {
        // TCP and UDP ports are separate spaces: 6831/udp next to 6831/tcp is fine.
        const key = `${port}/${protocol}`;
        const other = hostPorts.get(key);
        if (other) add(['components', c, ...field.split('.')], `host port ${port}${protocol === 'udp' ? '/udp' : ''} is already used by ${other}; expected a free port`);
        else hostPorts.set(key, `components.${c}.${field}`);
      }
    }
    exporterProblems(stack, hostPorts, add);
  },
);
