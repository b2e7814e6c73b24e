/**
 * One PrometheusRule per rule file: its spec.groups are the groups of the Docker rule file, parsed back from the
 * same renderer's output, so the two targets cannot drift apart.
 */
import * as yaml from 'js-yaml';
import type { Stack } from '../../schema';
import type { RenderedFiles } from '../index';
import { KubeObject, kubeName, objectOf } from './objects';

export const RULE_FILE = /^prometheus\/rules\/(.+)\.yml$/;

export function prometheusRules(stack: Stack, files: RenderedFiles): KubeObject[] {
  return Object.keys(files)
    .filter((f) => RULE_FILE.test(f))
    .map((file) => {
      const group = RULE_FILE.exec(file)![1];
      const { groups } = yaml.load(files[file]) as { groups: unknown[] };
      return objectOf(stack, 'monitoring.coreos.com/v1', 'PrometheusRule', kubeName(stack.name, group), { spec: { groups } });
    });
}
