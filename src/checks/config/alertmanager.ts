/** config/alertmanager: receivers are unique and safe, routes and inhibit rules reference what exists. */
import type { RouteConfig, Stack } from '../../schema';
import { checkReceiverSecrets } from '../../receiver-secrets';
import { Add, checkLabelList, checkLabelNames, checkMatcher, configCheck, Path } from './lib';

export const alertmanager = configCheck(
  {
    id: 'config/alertmanager',
    description: 'receivers unique and secret-safe; routes, inhibit rules and routeTests reference what exists',
    explain:
      'Alertmanager refuses a configuration whose routes name an unknown receiver or whose receivers share a name; a ' +
      'child route without matchers swallows every alert after it; a regex matcher must compile; "..." in groupBy ' +
      'stands alone. Receiver URLs that carry a credential must be secret references (src/receiver-secrets.ts). ' +
      'Refused at load time with the JSON path.',
  },
  (stack, add, source) => {
    const am = stack.alertmanager;
    const receivers = new Set<string>();
    am.receivers.forEach((r, i) => {
      if (receivers.has(r.name)) add(['alertmanager', 'receivers', i, 'name'], `duplicate receiver name "${r.name}"`);
      receivers.add(r.name);
    });
    const checkReceiver = (name: string | undefined, parts: Path) => {
      if (name !== undefined && !receivers.has(name)) add(parts, `unknown receiver "${name}"; expected one of: ${[...receivers].join(', ')}`);
    };
    am.receivers.forEach((r, i) => checkReceiverSecrets(r, ['alertmanager', 'receivers', i], source, add));
    checkReceiver(am.route.receiver, ['alertmanager', 'route', 'receiver']);
    checkLabelList(am.route.groupBy, ['alertmanager', 'route', 'groupBy'], add);
    checkRoutes(am.route.routes, ['alertmanager', 'route'], checkReceiver, add);
    checkInhibitAndTests(stack, checkReceiver, add);
  },
);

function checkRoutes(routes: RouteConfig[], parts: Path, checkReceiver: (name: string | undefined, parts: Path) => void, add: Add): void {
  routes.forEach((r, i) => {
    const here = [...parts, 'routes', i];
    checkReceiver(r.receiver, [...here, 'receiver']);
    if (r.groupBy) checkLabelList(r.groupBy, [...here, 'groupBy'], add);
    if (!r.matchers?.length) add([...here, 'matchers'], 'a child route without matchers catches every alert; expected at least one matcher');
    r.matchers?.forEach((m, j) => checkMatcher(m, [...here, 'matchers', j], add));
    checkRoutes(r.routes ?? [], here, checkReceiver, add);
  });
}

function checkInhibitAndTests(stack: Stack, checkReceiver: (name: string | undefined, parts: Path) => void, add: Add): void {
  const am = stack.alertmanager;
  am.inhibitRules.forEach((rule, i) => {
    rule.sourceMatchers.forEach((m, j) => checkMatcher(m, ['alertmanager', 'inhibitRules', i, 'sourceMatchers', j], add));
    rule.targetMatchers.forEach((m, j) => checkMatcher(m, ['alertmanager', 'inhibitRules', i, 'targetMatchers', j], add));
  });
  am.routeTests.forEach((t, i) => {
    t.receivers.forEach((r, j) => checkReceiver(r, ['alertmanager', 'routeTests', i, 'receivers', j]));
    checkLabelNames(t.labels, ['alertmanager', 'routeTests', i, 'labels'], add);
  });
}
