/**
 * One Helm release per chart the stack lists (src/render/kubernetes/charts.ts), pinned to its version.
 * `helm.v3.Release` rather than `helm.v4.Chart`: a Release is one resource whose inputs carry the chart, the pinned
 * version and the values, so `pulumi preview` (and resources.json) shows a version bump as one diff line, and Helm's
 * own hooks and CRD handling run as the chart authors intended (kube-prometheus-stack installs its CRDs itself).
 */
import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import type { ChartRelease } from '../../render/kubernetes/charts';

export function chartRelease(chart: ChartRelease, deps: pulumi.Resource[], parent: pulumi.Resource): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    chart.name,
    {
      name: chart.name,
      chart: chart.chart,
      version: chart.version,
      repositoryOpts: { repo: chart.repo },
      namespace: chart.namespace,
      values: chart.values,
      // Wait for the workloads, and roll back a failed upgrade rather than leave it half applied.
      atomic: true,
      timeout: 900,
    },
    { parent, dependsOn: deps },
  );
}
