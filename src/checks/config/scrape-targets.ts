/** config/scrape-targets: Prometheus settings and scrape targets that Prometheus would refuse or misread. */
import { COMPONENT_NAMES, type ScrapeTargetConfig, type Stack } from '../../schema';
import { checkMappings } from '../../mapping';
import { Add, checkLabelNames, checkTimeout, configCheck } from './lib';

export const scrapeTargets = configCheck(
  {
    id: 'config/scrape-targets',
    description: 'job names are unique; timeouts fit intervals; labels, dropMetrics and mappings are valid',
    explain:
      'A job name used twice (also by a component\'s self-scrape job) makes Prometheus refuse its configuration; a ' +
      'scrape timeout longer than the interval is refused too; "__" label names are Prometheus\'s own; a dropMetrics ' +
      'entry must be a regular expression; a rule set listed twice doubles alerts; a metric mapping must name ' +
      'metrics, labels and values its family has. A target needs addresses (`targets`) unless a cluster discovers it ' +
      '(a `kubernetes` block on a kubernetes target), and a discovery selector needs at least one label (an empty one ' +
      'would scrape every Service or pod of the namespace).',
  },
  (stack, add) => {
    const p = stack.prometheus;
    checkTimeout(p.scrapeTimeout, p.scrapeInterval, ['prometheus', 'scrapeTimeout'], add);
    checkLabelNames(p.externalLabels, ['prometheus', 'externalLabels'], add);
    const jobNames = new Map<string, string>();
    for (const c of COMPONENT_NAMES) if (stack.components[c].enabled) jobNames.set(c, `the self-scrape job of ${c}`);
    stack.scrapeTargets.forEach((t, i) => {
      const other = jobNames.get(t.job);
      if (other) add(['scrapeTargets', i, 'job'], `duplicate job name "${t.job}" (already ${other}); expected a unique job name`);
      else jobNames.set(t.job, `scrapeTargets[${i}]`);
      checkTimeout(t.timeout ?? p.scrapeTimeout, t.interval ?? p.scrapeInterval, ['scrapeTargets', i, t.timeout ? 'timeout' : 'interval'], add);
      checkLabelNames(t.labels, ['scrapeTargets', i, 'labels'], add);
      t.dropMetrics.forEach((re, j) => {
        try {
          new RegExp(`^(?:${re})$`);
        } catch {
          add(['scrapeTargets', i, 'dropMetrics', j], `${JSON.stringify(re)} is not a valid regular expression`);
        }
      });
      if (new Set(t.ruleSets).size !== t.ruleSets.length) add(['scrapeTargets', i, 'ruleSets'], 'a rule set is listed twice');
      checkWhereToScrape(stack, t, i, add);
    });
    checkMappings(stack, add);
  },
);

/** Addresses, or (on a cluster) a discovery block with a selector that picks something. */
function checkWhereToScrape(stack: Stack, t: ScrapeTargetConfig, i: number, add: Add): void {
  const discovered = stack.target.kind === 'kubernetes' && t.kubernetes !== undefined;
  if (t.targets.length === 0 && !discovered) {
    add(['scrapeTargets', i, 'targets'], 'no addresses; expected at least one "host:port" address (or, on a kubernetes target, a `kubernetes` block)');
  }
  if (t.kubernetes && Object.keys(t.kubernetes.selector).length === 0) {
    add(['scrapeTargets', i, 'kubernetes', 'selector'], 'empty selector; expected at least one label of the Services or pods to scrape');
  }
}
